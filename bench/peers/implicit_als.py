"""Peer for bench/als_vs_implicit.sh: implicit-feedback ALS with the `implicit` library
(0.7.x, conjugate-gradient solver) on Amazon Beauty, leave-one-out, full ranking.

Protocol (the same as crates/recommend/examples/als_speed.rs): train on each user's items[:-1]
(items[:-2] with --validation) as a CSR user x item matrix of 1.0 weights; after fitting, rank all
items for each user excluding the training items; HR@10 and NDCG@10 of the held-out item.

Confidence: `implicit` uses c = alpha_implicit * weight; Aisle uses c = 1 + alpha * weight. With
weights of 1 the same model is alpha_implicit = 1 + alpha, so --alpha takes Aisle's value and is
converted here.

Run with: bench/.venv/bin/python bench/peers/implicit_als.py --data PATH/Beauty.txt
          [--factors 64,128] [--threads 1,2] [--iterations 15] [--alpha 1] [--regularization 0.01]
          [--validation]
Prints one JSON object per (factors, threads) setting.
"""
import argparse
import json
import time

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits


def load(path, validation):
    rows, cols, targets = [], [], []
    n_items = 0
    with open(path) as f:
        for user, line in enumerate(l for l in f if l.strip()):
            seq = [int(t) - 1 for t in line.split()[1:]]
            n_items = max(n_items, max(seq) + 1)
            cut = len(seq) - (2 if validation else 1)
            targets.append(seq[cut])
            rows.extend([user] * cut)
            cols.extend(seq[:cut])
    data = np.ones(len(rows), dtype=np.float32)
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(targets), n_items), dtype=np.float32)
    m.sum_duplicates()
    m.data[:] = 1.0
    return m, np.array(targets)


def evaluate(model, m, targets):
    """Full-ranking HR@10 / NDCG@10, training items excluded, ties to the lower index."""
    hits = gains = 0.0
    users = np.arange(m.shape[0])
    for start in range(0, len(users), 2048):
        batch = users[start:start + 2048]
        scores = model.user_factors[batch] @ model.item_factors.T
        for n, u in enumerate(batch):
            s = scores[n]
            s[m.indices[m.indptr[u]:m.indptr[u + 1]]] = -np.inf
            t = targets[u]
            st = s[t]
            rank = int(np.count_nonzero(s > st) + np.count_nonzero(s[:t] == st))
            if rank < 10:
                hits += 1.0
                gains += 1.0 / np.log2(rank + 2)
    return hits / len(users), gains / len(users)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--factors", default="64,128")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--regularization", type=float, default=0.01)
    parser.add_argument("--validation", action="store_true")
    args = parser.parse_args()

    import implicit
    from implicit.cpu.als import AlternatingLeastSquares

    m, targets = load(args.data, args.validation)
    for factors in [int(f) for f in args.factors.split(",")]:
        for threads in [int(t) for t in args.threads.split(",")]:
            model = AlternatingLeastSquares(
                factors=factors,
                regularization=args.regularization,
                alpha=1.0 + args.alpha,
                iterations=args.iterations,
                use_cg=True,
                num_threads=threads,
                random_state=42,
            )
            per_iteration = []
            # BLAS single-threaded, as implicit asks (its own `threads` do the solving).
            with threadpool_limits(limits=1, user_api="blas"):
                started = time.perf_counter()
                model.fit(m, show_progress=False,
                          callback=lambda it, seconds, loss: per_iteration.append(seconds))
                fit_seconds = time.perf_counter() - started
            hr, ndcg = evaluate(model, m, targets)
            print(json.dumps({
                "impl": f"implicit {implicit.__version__}",
                "split": "validation" if args.validation else "test",
                "factors": factors,
                "threads": threads,
                # The first iteration is left out, as on the Aisle side (it includes set-up).
                "seconds_per_iteration": round(float(np.mean(per_iteration[1:] or per_iteration)), 5),
                "fit_seconds": round(fit_seconds, 3),
                "hr10": round(hr, 5),
                "ndcg10": round(ndcg, 5),
            }), flush=True)


if __name__ == "__main__":
    main()
