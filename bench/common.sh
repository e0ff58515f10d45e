#!/usr/bin/env bash
# Shared set-up for the benchmark scripts: builds the release binary once and names the
# machine, so every figure in BENCHMARKS.md says where it was measured.
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
shared_data="${AISLE_SHARED_DATA:-$bench_root/../shared/data}"
cargo build --release -q -p aisle-cli --manifest-path "$bench_root/Cargo.toml"
aisle_bin="$CARGO_TARGET_DIR/release/aisle"
source "$bench_root/bench/machine.sh"
scratch=$(mktemp -d /tmp/aisle-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
