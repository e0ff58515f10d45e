#!/usr/bin/env bash
# Builds the user-item CSR matrix from 10 million stored events (target: at most 3 s) and reports
# the process's peak memory. The store is generated first (not timed).
# Run with: bash bench/matrix.sh   (AISLE_BENCH_KEEP=DIR reuses/keeps a generated store)
source "$(dirname "$0")/common.sh"
echo "machine: $(machine)"
dir="${AISLE_BENCH_KEEP:-$scratch/m10}"
if [ ! -f "$dir/aisle.db" ]; then
  "$aisle_bin" --data-dir "$dir" --log warn generate --events 10000000 --seed 11 >/dev/null
fi
"$aisle_bin" --data-dir "$dir" --log warn stats --json
for run in 1 2 3; do
  "$aisle_bin" --data-dir "$dir" --log warn matrix --json
done
