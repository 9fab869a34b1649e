"""How separable is sentence-level error detection on this corpus? A linear reference point for the detectors.

Trains a logistic regression on hashed word 1–3-grams and character 2–4-grams (scikit-learn, which
ExecuTorch already installs) over the same synthetic training pairs the ProFormer and BERT-style
detectors see, and scores the same fixed dev and test splits with the same metrics
(docs/detection.md). Not an on-device model (its weight table is 4 M floats): it says how much signal a
detector could find, so a weak neural detector reads as under-trained rather than as an impossible task.

    .venv/bin/python benchmarks/detector_ngram_ceiling.py --epochs 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

from edge_sdk.data.corpus import load_training_text
from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.evaluate.detection import detection_scores
from edge_sdk.train.detector import read_split

BUCKETS = 2**21


def featurize(texts: list[str]) -> csr_matrix:
    words = HashingVectorizer(ngram_range=(1, 3), n_features=BUCKETS, lowercase=False,
                              token_pattern=r"(?u)\b\w+\b|[^\w\s]")  # punctuation errors need punctuation tokens
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=BUCKETS, lowercase=False)
    return hstack([words.transform(texts), chars.transform(texts)]).tocsr()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("data/gec"), help="from `edge-sdk data build-gec`")
    parser.add_argument("--epochs", type=int, default=2, help="corrupted copies of the training split")
    args = parser.parse_args()

    started = time.perf_counter()
    sentences, misspellings = load_training_text(args.data)
    texts, labels = [], []
    for epoch in range(args.epochs):
        # Balanced classes, as the neural detectors train (clean_rate 0.5).
        gen = ErrorGenerator(seed=epoch, misspellings=misspellings, clean_rate=0.5)
        for sentence in sentences:
            text, kinds = gen.corrupt(sentence)
            texts.append(text)
            labels.append(int(bool(kinds)))
    model = SGDClassifier(loss="log_loss", alpha=1e-6, max_iter=20, tol=None, random_state=0)
    model.fit(featurize(texts), np.asarray(labels))
    print(f"{len(texts):,} training pairs, {time.perf_counter() - started:.0f} s")
    print("split  balanced-acc  F1     recall  flagged-correct")
    for split in ("dev", "test"):
        src, gold = read_split(args.data, split)
        s = detection_scores(model.predict(featurize(src)), gold)
        print(f"{split:5}  {s.balanced_accuracy:.3f}         {s.f1:.3f}  {s.recall:.3f}   {s.flagged_correct:.3f}")


if __name__ == "__main__":
    main()
