#!/usr/bin/env bash
# EASE fit time, side by side in one run: Aisle's Rust EASE (faer, f32, Cholesky inverse)
# against our own NumPy/SciPy EASE (bench/peers/ease_numpy.py) on Amazon Beauty's leave-one-out
# test split with the same lambda; both report HR@10 / NDCG@10 so the speed is compared at equal
# accuracy. Peer methods: numpy.linalg.inv in float64 (Steck's reference code), LAPACK
# dpotrf+dpotri in float64 (the same algorithm as Aisle), and for reference the same in float32
# (potri32). Peak memory: VmHWM for Aisle, /usr/bin/time for the peers.
# Run with: bash bench/ease_vs_numpy.sh   (EASE_LAMBDA=50 by default; EASE_DATASET=ml-100k for
# the small set; EASE_PEER_METHODS="inv potri potri32")
set -euo pipefail
bench_root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
data="${AISLE_DATA_DIR:-$bench_root/../shared/data}"
lambda="${EASE_LAMBDA:-50}"
dataset="${EASE_DATASET:-beauty}"
methods="${EASE_PEER_METHODS:-inv potri potri32}"

source "$bench_root/bench/machine.sh"
echo "machine: $(machine); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

peer_venv
if ! "$venv/bin/python" -c 'import numpy, scipy, threadpoolctl' 2>/dev/null; then
  "$venv/bin/pip" install -q numpy scipy threadpoolctl
fi
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow a
# current NumPy down; the peer runs without them, and says which BLAS kernel it got.
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
"${peer_env[@]}" "$venv/bin/python" -c '
import numpy, threadpoolctl
for p in threadpoolctl.threadpool_info():
    print("peer BLAS:", p.get("internal_api"), p.get("version"), p.get("architecture"), "threads", p.get("num_threads"))
print("peer numpy", numpy.__version__)'

cargo build --release -q -p aisle-recommend --example ease_speed \
  --manifest-path "$bench_root/Cargo.toml"
ours=$("$CARGO_TARGET_DIR/release/examples/ease_speed" --data "$data" --dataset "$dataset" \
  --lambda "$lambda" --test-only)
echo "$ours"
ours_s=$(echo "$ours" | sed -nE 's/^RESULT .*fit_seconds=([0-9.]+).*/\1/p')

for method in $methods; do
  peer=$("${peer_env[@]}" /usr/bin/time -f "peer peak RSS %M KiB" "$venv/bin/python" \
    "$bench_root/bench/peers/ease_numpy.py" "$dataset" "$lambda" "$method" "$data" 2>&1)
  echo "$peer"
  peer_s=$(echo "$peer" | sed -nE 's/^PEER .*fit_seconds=([0-9.]+).*/\1/p')
  python3 -c "print(f'numpy {\"$method\"} / aisle fit time: {$peer_s:.2f} s / {$ours_s:.2f} s = {$peer_s / $ours_s:.2f}x')"
done
