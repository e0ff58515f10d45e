"""Peer for bench/search.sh: lexical search the way a data scientist sets it up in Python with
bm25s (BM25 over sparse matrices with NumPy/SciPy), on the same 100,000-item demo catalog and
the same queries as Aisle's search_speed example (`--dump DIR` writes them).

Indexing = tokenizing every item's text (bm25s' English tokenizer with its English stop words;
it has no Chinese segmentation, so Chinese runs are single tokens) and building the index.
Queries = tokenize + retrieve the top 10, one at a time, 3 rounds after a warm-up, as Aisle is
timed. No typo tolerance, prefixes, synonyms, facets, filters or highlights: a lower bound on
what a peer doing Aisle's work would cost.

Run with: python3 bench/peers/search_bm25s.py DIR
"""
import json
import sys
import time

import bm25s
import numpy as np

directory = sys.argv[1]
with open(f"{directory}/docs.jsonl", encoding="utf-8") as f:
    docs = [json.loads(line)["text"] for line in f if line.strip()]
with open(f"{directory}/queries.txt", encoding="utf-8") as f:
    queries = [line.rstrip("\n") for line in f if line.strip()]

start = time.perf_counter()
tokens = bm25s.tokenize(docs, stopwords="en", show_progress=False)
retriever = bm25s.BM25()
retriever.index(tokens, show_progress=False)
seconds = time.perf_counter() - start
print(f"bm25s indexing: {len(docs)} items in {seconds:.2f} s = {len(docs) / seconds:.0f} items/s")


def search(query):
    q = bm25s.tokenize([query], stopwords="en", show_progress=False)
    if not q.vocab:
        return None
    return retriever.retrieve(q, k=10, show_progress=False)


for query in queries:
    search(query)
times = []
for _ in range(3):
    for query in queries:
        t = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - t) * 1000)
times = np.array(times)
p50, p99 = np.percentile(times, 50), np.percentile(times, 99)
print(f"bm25s queries: {len(times)}, p50 {p50:.2f} ms, p99 {p99:.2f} ms")
print(json.dumps({"items": len(docs), "indexing_items_per_s": len(docs) / seconds, "p50_ms": p50, "p99_ms": p99}))
