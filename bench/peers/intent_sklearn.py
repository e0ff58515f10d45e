"""Peer for Aisle's intent classifier: scikit-learn TF-IDF (word 1-2 grams + character 3-5
grams) and multinomial LogisticRegression, on the split that
`cargo run --release -p aisle-nlu --example intent_eval` writes and runs it on.

Run with:
    python3 bench/peers/intent_sklearn.py TRAIN.tsv TEST.tsv
Each file has `intent<TAB>utterance` lines. Prints accuracy, macro-F1 and the latency of one
prediction at a time (p50, p99).
"""
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline, make_union


def read(path):
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            intent, _, text = line.rstrip("\n").partition("\t")
            labels.append(intent)
            texts.append(text)
    return texts, labels


def main():
    train_texts, train_labels = read(sys.argv[1])
    test_texts, test_labels = read(sys.argv[2])
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True),
    )
    model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000))
    started = time.perf_counter()
    model.fit(train_texts, train_labels)
    trained = time.perf_counter() - started
    predicted = model.predict(test_texts)
    times = []
    for text in test_texts:
        t = time.perf_counter()
        model.predict([text])
        times.append((time.perf_counter() - t) * 1e6)
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, round((len(times) - 1) * 0.99))]
    print(
        f"accuracy {accuracy_score(test_labels, predicted):.4f}, "
        f"macro-F1 {f1_score(test_labels, predicted, average='macro'):.4f}, "
        f"trained in {trained:.1f} s, predict one p50 {p50:.0f} µs, p99 {p99:.0f} µs"
    )


if __name__ == "__main__":
    main()
