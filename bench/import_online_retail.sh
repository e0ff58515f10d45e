#!/usr/bin/env bash
# Imports all 541,909 lines of UCI Online Retail into a fresh embedded store, three times, and
# reports lines per second (target: at least 300,000). Peers in the same run: a hand-written
# Python csv + sqlite3 loader (bench/peers/online_retail_sqlite.py) and, when
# AISLE_BENCH_POSTGRES_URL names an empty database, Aisle's own PostgreSQL backend.
# Run with: bash bench/import_online_retail.sh
source "$(dirname "$0")/common.sh"
files=("$shared_data"/uci-online-retail/online_retail_*.csv.gz)
echo "machine: $(machine)"
rate_of() { python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(r["lines_per_second"]))'; }
best=0
for run in 1 2 3; do
  rate=$("$aisle_bin" --data-dir "$scratch/embedded-$run" --log warn import online-retail "${files[@]}" --json | rate_of)
  echo "aisle embedded, run $run: $rate lines/s"
  [ "$rate" -gt "$best" ] && best=$rate
done
echo "aisle embedded, best of 3: $best lines/s"
peer=$(python3 "$bench_root/bench/peers/online_retail_sqlite.py" "$scratch/peer.db" "${files[@]}")
echo "$peer"
peer_rate=$(echo "$peer" | sed -E 's/.*\(([0-9]+) lines\/s\).*/\1/')
python3 -c "print(f'aisle embedded / python csv+sqlite3: {$best / $peer_rate:.2f}x')"
if [ -n "${AISLE_BENCH_POSTGRES_URL:-}" ]; then
  pg_rate=$(AISLE_STORE__BACKEND=postgres AISLE_STORE__POSTGRES_URL="$AISLE_BENCH_POSTGRES_URL" \
    "$aisle_bin" --data-dir "$scratch/pg" --log warn import online-retail "${files[@]}" --json | rate_of)
  echo "aisle postgres: $pg_rate lines/s"
  python3 -c "print(f'aisle embedded / aisle postgres: {$best / $pg_rate:.2f}x')"
fi
