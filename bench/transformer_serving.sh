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
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"
cargo build --release -q -p aisle-sequential --example serving --manifest-path "$bench_root/Cargo.toml"
"$CARGO_TARGET_DIR/release/examples/serving" --data "$data_dir/amazon-beauty-s3rec/Beauty.txt" \
  --queries "${SERVING_QUERIES:-2000}" --batch "${SERVING_BATCH:-256}"
