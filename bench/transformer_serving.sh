#!/usr/bin/env bash
# Serving speed of the transformer (`aisle-sequential`'s serving example): latency of top-10 for
# one 50-item sequence over Amazon Beauty's 12,101-item catalog (p50, p99, max over 2,000
# queries after 50 warm-up queries), and throughput of batched scoring (batches of 256).
# The model is trained for one epoch first; weights' values do not change the cost.
#
# Run with: bash bench/transformer_serving.sh
# Settings: SERVING_QUERIES (2000), SERVING_BATCH (256), AISLE_DATA_DIR (../shared/data).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
data_dir="${AISLE_DATA_DIR:-$bench_root/../shared/data}"
printf 'machine: %s, %s cores, %s GiB RAM, %s\n' \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(getconf _NPROCESSORS_ONLN)" \
  "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" "$(uname -sr)"
cargo build --release -q -p aisle-sequential --example serving --manifest-path "$bench_root/Cargo.toml"
"$CARGO_TARGET_DIR/release/examples/serving" --data "$data_dir/amazon-beauty-s3rec/Beauty.txt" \
  --queries "${SERVING_QUERIES:-2000}" --batch "${SERVING_BATCH:-256}"
