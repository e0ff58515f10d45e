"""Peer for bench/matrix.sh: building the same user-item CSR matrix from Aisle's SQLite file the
way a data scientist would in Python (sqlite3 + NumPy + SciPy): read the event columns, weight
them by kind, and let scipy.sparse sum duplicate pairs.

Run with: bench/.venv/bin/python bench/peers/matrix_scipy.py DATA_DIR/aisle.db
"""
import sqlite3
import sys
import time

import numpy as np
import scipy.sparse as sp

# Aisle's default event weights, indexed by kind code (view, click, add_to_cart,
# remove_from_cart, purchase, return, rating, review, favorite, search).
WEIGHTS = np.array([1.0, 1.0, 3.0, -1.0, 5.0, -5.0, 1.0, 2.0, 3.0, 0.5], dtype=np.float32)


def main() -> None:
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    n_users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    n_items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    rows = conn.execute(
        "SELECT user_idx, item_idx, kind FROM events"
        " WHERE user_idx IS NOT NULL AND item_idx IS NOT NULL"
    ).fetchall()
    data = np.array(rows, dtype=np.int64)
    weights = WEIGHTS[data[:, 2]]
    matrix = sp.coo_matrix((weights, (data[:, 0], data[:, 1])), shape=(n_users, n_items)).tocsr()
    matrix.data[matrix.data <= 0] = 0
    matrix.eliminate_zeros()
    seconds = time.perf_counter() - started
    print(f"python sqlite3+scipy: {matrix.nnz} pairs from {len(rows)} events in {seconds:.2f} s")


if __name__ == "__main__":
    main()
