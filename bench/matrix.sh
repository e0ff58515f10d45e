#!/usr/bin/env bash
# Builds the user-item CSR matrix from 10 million stored events (target: at most 3 s) and
# reports the process's peak memory; the peer in the same run is the same matrix built in
# Python with sqlite3 + NumPy + SciPy (bench/peers/matrix_scipy.py, in a venv under bench/).
# The store is generated first (not timed).
# Run with: bash bench/matrix.sh   (AISLE_BENCH_KEEP=DIR keeps and reuses the generated store)
source "$(dirname "$0")/common.sh"
echo "machine: $(machine)"
dir="${AISLE_BENCH_KEEP:-$scratch/m10}"
if [ ! -f "$dir/aisle.db" ]; then
  /usr/bin/time -f "generated and stored in %e s" \
    "$aisle_bin" --data-dir "$dir" --log warn generate --events 10000000 --seed 11 >/dev/null
fi
"$aisle_bin" --data-dir "$dir" --log warn stats --json
best=999
for run in 1 2 3; do
  report=$("$aisle_bin" --data-dir "$dir" --log warn matrix --json)
  echo "aisle, run $run: $report"
  best=$(python3 -c "import json; print(min($best, json.loads('''$report''')['seconds']))")
done
echo "aisle, best of 3: $best s"
peer_venv
if ! "$venv/bin/python" -c 'import numpy, scipy' 2>/dev/null; then
  "$venv/bin/pip" install -q numpy scipy
fi
peer=$(/usr/bin/time -f "peer peak RSS %M KiB" "$venv/bin/python" "$bench_root/bench/peers/matrix_scipy.py" "$dir/aisle.db" 2>&1)
echo "$peer"
peer_s=$(echo "$peer" | sed -nE 's/.* in ([0-9.]+) s$/\1/p')
python3 -c "print(f'python sqlite3+scipy / aisle: {$peer_s / $best:.1f}x slower')"
