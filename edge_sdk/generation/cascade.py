"""Detector + corrector on the phone: the small ProFormer decides whether the EdgeFormer runs at all.

Most text a user types is already correct; skipping the seq2seq decoder for it saves the bulk of the
latency and battery. The price is the errors the detector misses, which stay uncorrected: `evaluate`
reports both sides on a labelled split.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from edge_sdk.generation.classifier import TextClassifier
from edge_sdk.generation.corrector import GrammarCorrector


@dataclass(frozen=True)
class CascadeResult:
    text: str
    corrected: bool  # False: the detector said `correct` and the corrector did not run
    error_probability: float
    detect_ms: float
    correct_ms: float


class Cascade:
    def __init__(self, detector: TextClassifier, corrector: GrammarCorrector, error_label: str = "error",
                 threshold: float = 0.5) -> None:
        if error_label not in detector.labels:
            raise ValueError(f"detector labels {detector.labels} have no {error_label!r}")
        self.detector, self.corrector = detector, corrector
        self.error_label, self.threshold = error_label, threshold

    def correct(self, text: str) -> CascadeResult:
        started = time.perf_counter()
        p_error = self.detector.classify(text).probabilities[self.error_label]
        detected = time.perf_counter()
        if p_error < self.threshold:
            return CascadeResult(text, False, p_error, (detected - started) * 1e3, 0.0)
        output = self.corrector.correct(text).text
        return CascadeResult(output, True, p_error, (detected - started) * 1e3,
                             (time.perf_counter() - detected) * 1e3)


@dataclass(frozen=True)
class CascadeReport:
    sentences: int
    skipped: float  # share of sentences the corrector never saw
    skipped_with_error: float  # share of erroneous sentences skipped (missed corrections)
    cascade_ms: float  # mean end-to-end per sentence with the detector in front
    corrector_only_ms: float  # mean per sentence running the corrector on everything
    outputs_changed: int  # sentences whose output differs from running the corrector on everything

    @property
    def latency_saved(self) -> float:
        return 1.0 - self.cascade_ms / self.corrector_only_ms


def evaluate_cascade(cascade: Cascade, sources: Sequence[str], has_error: Sequence[bool]) -> CascadeReport:
    """Runs the cascade and the corrector alone on every sentence, interleaved, and compares them."""
    cascade_ms, alone_ms, skipped, skipped_err, changed = [], [], 0, 0, 0
    for text, err in zip(sources, has_error, strict=True):
        result = cascade.correct(text)
        cascade_ms.append(result.detect_ms + result.correct_ms)
        started = time.perf_counter()
        alone = cascade.corrector.correct(text).text
        alone_ms.append((time.perf_counter() - started) * 1e3)
        if not result.corrected:
            skipped += 1
            skipped_err += bool(err)
        changed += result.text != alone
    errors = max(1, sum(bool(e) for e in has_error))
    return CascadeReport(len(sources), skipped / max(1, len(sources)), skipped_err / errors,
                         statistics.fmean(cascade_ms), statistics.fmean(alone_ms), changed)
