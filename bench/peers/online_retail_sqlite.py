"""Peer for bench/import_online_retail.sh: what a data engineer would write by hand to load
UCI Online Retail into SQLite with Python's standard library (csv + sqlite3, one transaction,
executemany). It does less than Aisle (no validation, no orders, no dense ids, no dedupe), so
the ratio flatters the peer.

Run with: python3 bench/peers/online_retail_sqlite.py DB_PATH FILE.csv.gz...
"""
import csv
import gzip
import sqlite3
import sys
import time


def main() -> None:
    db_path, files = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE lines (invoice TEXT, stock_code TEXT, description TEXT, quantity INTEGER,"
        " invoice_date TEXT, unit_price REAL, customer_id TEXT, country TEXT)"
    )
    lines = 0
    with conn:
        for path in files:
            with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                next(reader)
                batch = []
                for row in reader:
                    batch.append(row)
                    if len(batch) == 50_000:
                        conn.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?,?)", batch)
                        lines += len(batch)
                        batch.clear()
                conn.executemany("INSERT INTO lines VALUES (?,?,?,?,?,?,?,?)", batch)
                lines += len(batch)
    seconds = time.perf_counter() - started
    print(f"python csv+sqlite3: {lines} lines in {seconds:.2f} s ({lines / seconds:.0f} lines/s)")


if __name__ == "__main__":
    main()
