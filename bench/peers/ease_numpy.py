"""Peer for bench/ease_vs_numpy.sh: EASE (Steck, WWW 2019) the way a data scientist writes it in
NumPy/SciPy, in float64, on the same data, split and lambda as Aisle's ease_speed example.

Fit = building G = X^T X + lambda*I from the sparse matrix, inverting it, B = -P / diag(P) with a
zero diagonal. Inversion methods:
  inv    numpy.linalg.inv (LU; Steck's reference code)
  potri  scipy LAPACK dpotrf + dpotri (Cholesky, the same algorithm Aisle uses)
  potri32  the same in float32 (spotrf + spotri), Aisle's precision, for reference
Evaluation: full ranking, the user's training items excluded.
  beauty   leave-one-out test split: train items[:-1], target items[-1]; HR@10, NDCG@10
  ml-100k  the same seeded 8:1:1 per-user split as ease_speed (SplitMix64 + Fisher-Yates), test
           items excluding train and valid items; Recall@10, NDCG@10

Run with: bench/.venv/bin/python bench/peers/ease_numpy.py beauty 50 inv
          (args: dataset, lambda, method [, data dir, default $AISLE_DATA_DIR or ../shared/data])
"""
import os
import sys
import time

import numpy as np
import scipy.linalg.lapack as lapack
import scipy.sparse as sp

MASK = (1 << 64) - 1


def splitmix(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def beauty(data_dir):
    """Train lists, excluded lists and target lists of the leave-one-out test split."""
    train, targets = [], []
    n_items = 0
    with open(os.path.join(data_dir, "amazon-beauty-s3rec", "Beauty.txt")) as f:
        for line in f:
            ids = [int(t) - 1 for t in line.split()[1:]]
            if not ids:
                continue
            n_items = max(n_items, max(ids) + 1)
            train.append(ids[:-1])
            targets.append([ids[-1]])
    return n_items, train, train, targets


def movielens(data_dir, seed=2020):
    by_user = {}
    n_items = 0
    with open(os.path.join(data_dir, "movielens-100k", "u.data")) as f:
        for line in f:
            user, item = (int(v) - 1 for v in line.split("\t")[:2])
            by_user.setdefault(user, []).append(item)
            n_items = max(n_items, item + 1)
    rng = splitmix(seed)
    train, seen, test = [], [], []
    for user in range(max(by_user) + 1):
        items = list(by_user.get(user, []))
        for i in range(len(items) - 1, 0, -1):
            j = next(rng) % (i + 1)
            items[i], items[j] = items[j], items[i]
        n = len(items)
        counts = [0, n // 10, n // 10]
        counts[0] = n - counts[1] - counts[2]
        for i in (1, 2):
            if counts[0] <= 1:
                break
            if 0 < n < 10:
                counts[3 - i] += 1
                counts[0] -= 1
        train.append(items[: counts[0]])
        seen.append(items[: counts[0] + counts[1]])
        test.append(items[counts[0] + counts[1] :])
    return n_items, train, seen, test


def csr(lists, n_items):
    rows = np.repeat(np.arange(len(lists)), [len(l) for l in lists])
    cols = np.fromiter((i for l in lists for i in l), dtype=np.int64, count=len(rows))
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(lists), n_items))
    x.data[:] = 1.0  # binarise repeated items
    return x


def fit(x, lam, method):
    g = (x.T @ x).toarray()
    g[np.diag_indices_from(g)] += lam
    if method == "inv":
        p = np.linalg.inv(g)
    else:
        single = method == "potri32"
        potrf, potri = (lapack.spotrf, lapack.spotri) if single else (lapack.dpotrf, lapack.dpotri)
        c, info = potrf(g.astype(np.float32) if single else g, lower=1, overwrite_a=1)
        if info != 0:
            raise SystemExit(f"potrf failed: {info}")
        p, info = potri(c, lower=1, overwrite_c=1)
        if info != 0:
            raise SystemExit(f"potri failed: {info}")
        p = np.tril(p) + np.tril(p, -1).T
    b = p / (-np.diag(p))
    np.fill_diagonal(b, 0.0)
    return b


def evaluate(x, b, exclude, targets, k=10):
    recall = ndcg = 0.0
    users = 0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for start in range(0, x.shape[0], 2048):
        scores = np.asarray(x[start : start + 2048] @ b)
        for r in range(scores.shape[0]):
            u = start + r
            if not targets[u]:
                continue
            s = scores[r]
            s[exclude[u]] = -np.inf
            top = np.argpartition(-s, k)[:k]
            top = top[np.argsort(-s[top], kind="stable")]
            hits = np.isin(top, targets[u])
            recall += hits.sum() / len(targets[u])
            ndcg += (hits * discounts).sum() / discounts[: min(len(targets[u]), k)].sum()
            users += 1
    return recall / users, ndcg / users


def main():
    dataset, lam = sys.argv[1], float(sys.argv[2])
    method = sys.argv[3] if len(sys.argv) > 3 else "inv"
    data_dir = sys.argv[4] if len(sys.argv) > 4 else os.environ.get("AISLE_DATA_DIR", "../shared/data")
    loader = beauty if dataset == "beauty" else movielens
    n_items, train, exclude, targets = loader(data_dir)
    x = csr(train, n_items)
    started = time.perf_counter()
    b = fit(x, lam, method)
    seconds = time.perf_counter() - started
    hr, ndcg = evaluate(x, b, exclude, targets)
    print(
        f"PEER dataset={dataset} lambda={lam:g} method={method} "
        f"precision={'f32' if method == 'potri32' else 'f64'} items={n_items} "
        f"fit_seconds={seconds:.3f} HR@10={hr:.5f} NDCG@10={ndcg:.5f}"
    )


if __name__ == "__main__":
    main()
