"""Scores for sentence-level error detection, with `error` (label 1) as the positive class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DetectionScores:
    accuracy: float
    precision: float  # of sentences flagged, the share that had an error
    recall: float  # of sentences with an error, the share flagged
    f1: float
    flagged_correct: float  # share of correct sentences flagged: each is a wasted corrector call
    n: int

    @property
    def balanced_accuracy(self) -> float:
        """Mean of the per-class recalls: unlike F1 or accuracy, not won by flagging everything when most
        sentences have errors (the held-out split is 80 % erroneous)."""
        return 0.5 * (self.recall + 1.0 - self.flagged_correct)


def detection_scores(predicted: np.ndarray, gold: np.ndarray) -> DetectionScores:
    predicted, gold = np.asarray(predicted).astype(bool), np.asarray(gold).astype(bool)
    if predicted.shape != gold.shape:
        raise ValueError(f"{predicted.shape[0]} predictions for {gold.shape[0]} labels")
    tp = int((predicted & gold).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(gold.sum()))
    f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    correct = ~gold
    return DetectionScores(accuracy=float((predicted == gold).mean()) if gold.size else 0.0, precision=precision,
                           recall=recall, f1=f1, flagged_correct=float(predicted[correct].mean()) if correct.any()
                           else 0.0, n=int(gold.size))
