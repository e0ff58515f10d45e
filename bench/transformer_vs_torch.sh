#!/usr/bin/env bash
# SASRec training throughput, Aisle (`aisle-sequential`'s throughput example) against a plain
# PyTorch reference (bench/peers/sasrec_torch.py) on Amazon Beauty, same model, data, batching
# and optimizer: 2 pre-LayerNorm blocks, 2 heads, dim 64, max length 50, dropout 0.2, batch 128,
# full softmax over all items, Adam (1e-3, betas 0.9/0.98); 5 untimed warm-up steps, then
# SASREC_STEPS timed steps of forward + backward + optimizer step. Prints sequences per second
# for each and the ratio aisle / pytorch (higher is faster for Aisle).
#
# Steps default to 175 = one epoch of Beauty at batch 128 (22,363 users). Batches differ in
# length and the two sides shuffle them with different generators, so a shorter run times
# different work on each side; any 175 consecutive steps visit every batch exactly once.
#
# PyTorch install: the default Linux torch wheel on the package index is the CUDA build, and
# `pip install torch` brings ~3 GB of CUDA libraries plus 1 GB of triton (a 5.6 GB venv).
# `--no-deps torch` alone does not import: libtorch_cpu and libtorch_cuda link libcudart, cublas,
# cudnn, nccl, ... So we install torch without dependencies, its small pure-Python dependencies,
# and only the CUDA libraries the dynamic linker needs to load it, pinned to what torch 2.15.0
# declares; leaving out triton, cusolver, nvtx and cuda-bindings (GPU-only, loaded lazily) gives a
# 4.3 GB venv. No CUDA code runs: there is no GPU here and the benchmark is CPU-only.
#
# Run with: bash bench/transformer_vs_torch.sh
# Settings: SASREC_STEPS (175), AISLE_DATA_DIR (../shared/data beside the repository).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
data_dir="${AISLE_DATA_DIR:-$bench_root/../shared/data}"
beauty="$data_dir/amazon-beauty-s3rec/Beauty.txt"
steps="${SASREC_STEPS:-175}"
config="--batch-size 128 --dim 64 --blocks 2 --heads 2 --max-len 50 --dropout 0.2 --seed 7"
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"

peer_venv
if ! "$venv/bin/python" -c "import torch, numpy" 2>/dev/null; then
  echo "installing torch for CPU use (pip's notice that triton and cuda-bindings are missing is expected)"
  "$venv/bin/pip" install -q numpy
  "$venv/bin/pip" install -q --no-deps "torch==2.15.0"
  "$venv/bin/pip" install -q filelock "typing-extensions>=4.13" "sympy>=1.13.3" "networkx>=2.5.1" \
    jinja2 "fsspec>=0.8.5" \
    "cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusparse,nvjitlink,nvrtc]==13.2.2" \
    nvidia-cudnn-cu13==9.26.0.51 nvidia-cusparselt-cu13==0.8.1 nvidia-nccl-cu13==2.30.7 \
    nvidia-nvshmem-cu13==3.7.2
fi

echo "data: $beauty; $config; warm-up 5 steps, timed steps $steps"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
scratch=$(mktemp -d /tmp/aisle-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
rate() { grep '^sequences_per_second=' "$1" | tail -n1 | cut -d= -f2; }

echo "--- pytorch"
# shellcheck disable=SC2086
"$venv/bin/python" "$bench_root/bench/peers/sasrec_torch.py" --data "$beauty" --steps "$steps" \
  $config | tee "$scratch/torch.txt"
torch_rate=$(rate "$scratch/torch.txt")

echo "--- aisle"
aisle_rate=""
if ! cargo build --release -q -p aisle-sequential --example throughput \
  --manifest-path "$bench_root/Cargo.toml"; then
  echo "aisle: the throughput example of aisle-sequential could not be built (cargo's message" \
    "above); only the PyTorch figure is reported."
# shellcheck disable=SC2086
elif ! "$CARGO_TARGET_DIR/release/examples/throughput" --data "$beauty" --steps "$steps" $config \
  | tee "$scratch/aisle.txt"; then
  echo "aisle: the throughput example failed; only the PyTorch figure is reported."
else
  aisle_rate=$(rate "$scratch/aisle.txt")
  [ -n "$aisle_rate" ] || echo "aisle: no sequences_per_second= line in the example's output."
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
printf '%-28s %s\n' "pytorch sequences/s:" "${torch_rate:-n/a}"
printf '%-28s %s\n' "aisle sequences/s:" "${aisle_rate:-n/a}"
if [ -n "$torch_rate" ] && [ -n "$aisle_rate" ]; then
  printf '%-28s %s\n' "ratio aisle / pytorch:" "$(awk -v a="$aisle_rate" -v t="$torch_rate" \
    'BEGIN { printf "%.2f", a / t }')"
else
  printf '%-28s %s\n' "ratio aisle / pytorch:" "n/a"
fi
