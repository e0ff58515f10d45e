#!/usr/bin/env bash
# Profile updates against a pandas peer in the same run: a generated shop's events and orders
# folded into per-shopper profiles by aisle-profiles (examples/profile_speed.rs, one thread),
# then the same records, dumped as CSV, grouped into the same per-shopper figures by pandas
# (bench/peers/profile_fold_pandas.py, in the peers' venv under bench/). Neither side is timed
# generating or reading the records.
# Run with: bash bench/profile_fold.sh [EVENTS]   (default 2,000,000)
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
source "$bench_root/bench/machine.sh"
scratch=$(mktemp -d /tmp/aisle-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
events="${1:-2000000}"
echo "machine: $(machine)"
cargo build --release -q -p aisle-profiles --example profile_speed --manifest-path "$bench_root/Cargo.toml"
ours=$("$CARGO_TARGET_DIR/release/examples/profile_speed" --events "$events" --dump "$scratch")
echo "$ours"
aisle_s=$(echo "$ours" | sed -nE 's/^\| fold \| [0-9]+ events and orders \| ([0-9.]+) s .*/\1/p')
peer_venv
if ! "$venv/bin/python" -c 'import pandas' 2>/dev/null; then
  "$venv/bin/pip" install -q pandas
fi
peer=$("$venv/bin/python" "$bench_root/bench/peers/profile_fold_pandas.py" "$scratch")
echo "$peer"
peer_s=$(echo "$peer" | sed -nE 's/.* in ([0-9.]+) s$/\1/p')
python3 -c "print(f'pandas / aisle fold time: {$peer_s / $aisle_s:.1f}x')"
