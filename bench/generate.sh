#!/usr/bin/env bash
# Demo-shop generator throughput: pure generation of 10 million events (target: at least
# 1 million events/s), then generation plus storage of 1 million events into the embedded store.
# Run with: bash bench/generate.sh
source "$(dirname "$0")/common.sh"
echo "machine: $(machine)"
cargo run --release -q -p aisle-shopgen --example generate_speed --manifest-path "$bench_root/Cargo.toml" -- 10000000
/usr/bin/time -f "aisle generate --events 1000000 (generate + store): %e s wall, peak RSS %M KiB" \
  "$aisle_bin" --data-dir "$scratch/gen" --log warn generate --events 1000000 --seed 1 >/dev/null
