"""Peer for bench/transformer_vs_torch.sh: SASRec training throughput in plain PyTorch (CPU), the
reference that Aisle's `aisle-sequential` throughput example is measured against.

Both sides train the same thing, so sequences per second compare like for like:
  data       one user per line "user item1 item2 ..." (1-based ids, chronological); n_items = the
             largest id. Training sequence = items[:-2]; input = seq[:-1], targets = seq[1:], each
             keeping its last max_len positions; users with an empty input are skipped.
  batches    users sorted by input length (stable), cut into runs of batch_size, each padded on the
             left with 0 to its own longest input; the batch order is shuffled with the seed and
             steps cycle over it (warm-up steps included).
  model      item embedding (n_items + 1, dim), row 0 = padding, times sqrt(dim), plus a learned
             position embedding aligned to the right end (position max_len - L + t); dropout;
             `blocks` pre-LayerNorm blocks x += Dropout(Attention(LN(x))), x += Dropout(FFN(LN(x)))
             with hand-written causal + key-padding multi-head attention (separate q, k, v, out
             Linear layers) and FFN = Linear -> ReLU -> Dropout -> Linear; final LayerNorm.
  loss       full softmax cross-entropy over all n_items + 1 items with tied weights, computed only
             at non-padding positions (gathered before the output matmul).
  optimizer  Adam, lr 1e-3, betas (0.9, 0.98), no weight decay.
Timing: `--warmup` steps (default 5) untimed, then `--steps` steps of forward, backward and
optimizer step, wall clock.

Run with: bench/.venv/bin/python bench/peers/sasrec_torch.py --data PATH/Beauty.txt --steps 100
          [--batch-size 128] [--dim 64] [--blocks 2] [--heads 2] [--max-len 50] [--dropout 0.2]
          [--seed 7] [--threads CORES]
Prints key=value lines, the last one `sequences_per_second=<float>`.
"""
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Finite, so a padding query whose keys are all masked gets a harmless uniform row instead of NaN.
MASKED_SCORE = -1e9


def load_sequences(path, max_len):
    """(inputs, targets, n_items): per user the training input and next-item targets."""
    inputs, targets, n_items = [], [], 0
    with open(path) as f:
        for line in f:
            items = [int(token) for token in line.split()[1:]]
            if not items:
                continue
            n_items = max(n_items, max(items))
            train = items[:-2]
            if len(train) < 2:
                continue
            inputs.append(train[:-1][-max_len:])
            targets.append(train[1:][-max_len:])
    return inputs, targets, n_items


def make_batches(inputs, targets, batch_size, seed):
    """Length-sorted, left-padded (input, target) tensor pairs in a seeded shuffled order."""
    order = sorted(range(len(inputs)), key=lambda user: len(inputs[user]))
    batches = []
    for start in range(0, len(order), batch_size):
        users = order[start:start + batch_size]
        length = max(len(inputs[user]) for user in users)
        batch_inputs = torch.zeros(len(users), length, dtype=torch.long)
        batch_targets = torch.zeros(len(users), length, dtype=torch.long)
        for row, user in enumerate(users):
            n = len(inputs[user])
            batch_inputs[row, length - n:] = torch.tensor(inputs[user])
            batch_targets[row, length - n:] = torch.tensor(targets[user])
        batches.append((batch_inputs, batch_targets))
    shuffled = torch.randperm(len(batches), generator=torch.Generator().manual_seed(seed))
    return [batches[i] for i in shuffled.tolist()]


class CausalSelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, blocked):
        batch, length, dim = x.shape

        def split_heads(t):
            return t.view(batch, length, self.heads, dim // self.heads).transpose(1, 2)

        q, k, v = split_heads(self.query(x)), split_heads(self.key(x)), split_heads(self.value(x))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(dim // self.heads)
        weights = torch.softmax(scores.masked_fill(blocked, MASKED_SCORE), dim=-1)
        context = (weights @ v).transpose(1, 2).reshape(batch, length, dim)
        return self.out(context)


class Block(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.attention_norm = nn.LayerNorm(dim)
        self.attention = CausalSelfAttention(dim, heads)
        self.ffn_norm = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(dim, dim))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, blocked):
        x = x + self.dropout(self.attention(self.attention_norm(x), blocked))
        return x + self.dropout(self.ffn(self.ffn_norm(x)))


class SASRec(nn.Module):
    def __init__(self, n_items, dim, blocks, heads, max_len, dropout):
        super().__init__()
        self.dim, self.max_len = dim, max_len
        self.item_embedding = nn.Embedding(n_items + 1, dim, padding_idx=0)
        # Scaled by sqrt(dim) in forward, so item inputs start at unit variance.
        nn.init.normal_(self.item_embedding.weight, std=dim ** -0.5)
        with torch.no_grad():
            self.item_embedding.weight[0].zero_()
        self.position_embedding = nn.Embedding(max_len, dim)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(dim, heads, dropout) for _ in range(blocks))
        self.final_norm = nn.LayerNorm(dim)

    def loss(self, inputs, targets):
        length = inputs.shape[1]
        positions = torch.arange(self.max_len - length, self.max_len)
        x = self.item_embedding(inputs) * math.sqrt(self.dim) + self.position_embedding(positions)
        x = self.dropout(x)
        padding = inputs == 0
        future = torch.ones(length, length, dtype=torch.bool).triu(1)
        blocked = future | padding[:, None, None, :]  # (batch, 1, query, key)
        for block in self.blocks:
            x = block(x, blocked)
        hidden = self.final_norm(x)[~padding]
        logits = hidden @ self.item_embedding.weight.T
        return F.cross_entropy(logits, targets[~padding])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--max-len", type=int, default=50)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    inputs, targets, n_items = load_sequences(args.data, args.max_len)
    batches = make_batches(inputs, targets, args.batch_size, args.seed)
    model = SASRec(n_items, args.dim, args.blocks, args.heads, args.max_len, args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.0)
    model.train()
    print(f"impl=pytorch {torch.__version__} threads={torch.get_num_threads()} users={len(inputs)} "
          f"items={n_items} batches={len(batches)} warmup={args.warmup} steps={args.steps}")

    def train_step(step):
        batch_inputs, batch_targets = batches[step % len(batches)]
        loss = model.loss(batch_inputs, batch_targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item(), batch_inputs.shape[0], int((batch_inputs != 0).sum())

    losses = [train_step(step)[0] for step in range(args.warmup)]
    sequences = tokens = 0
    started = time.perf_counter()
    for step in range(args.warmup, args.warmup + args.steps):
        loss, batch_sequences, batch_tokens = train_step(step)
        losses.append(loss)
        sequences += batch_sequences
        tokens += batch_tokens
    seconds = time.perf_counter() - started

    # Single batches vary in length and difficulty; means of five show the trend.
    print(f"loss_start={sum(losses[:5]) / len(losses[:5]):.4f} "
          f"loss_end={sum(losses[-5:]) / len(losses[-5:]):.4f} (means of the first and last 5 steps)")
    print(f"seconds={seconds:.3f} sequences={sequences} tokens={tokens} "
          f"tokens_per_second={tokens / seconds:.1f}")
    print(f"sequences_per_second={sequences / seconds:.2f}")


if __name__ == "__main__":
    main()
