"""Detector + corrector on the phone: the small ProFormer decides, per sentence, whether the EdgeFormer runs.

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
from edge_sdk.generation.corrector import SessionCorrector
from edge_sdk.text import Correction


@dataclass(frozen=True)
class CascadeResult:
    text: str
    corrected: bool  # the corrector ran on at least one sentence; False: the detector passed them all
    error_probability: float  # the highest p(error) over the sentences; 0.0 for text with no sentence
    detect_ms: float  # in the detector, all sentences together
    correct_ms: float  # the rest of the call: text handling and the corrector on the flagged sentences
    correction: Correction  # edits and skipped sentences; sentences the detector passed are in neither


class Cascade:
    """Per sentence, as the native core (edge_sdk_cascade_correct): the detector reads each sentence and
    the corrector runs only on those with p(error) >= threshold; the others are left as typed."""

    def __init__(self, detector: TextClassifier, corrector: SessionCorrector, error_label: str = "error",
                 threshold: float = 0.5) -> None:
        if error_label not in detector.labels:
            raise ValueError(f"detector labels {detector.labels} have no {error_label!r}")
        self.detector, self.corrector = detector, corrector
        self.error_label, self.threshold = error_label, threshold

    def correct(self, text: str) -> CascadeResult:
        probabilities: list[float] = []
        detect_s = 0.0

        def flagged(sentence: str) -> bool:
            nonlocal detect_s
            started = time.perf_counter()
            p_error = self.detector.classify(sentence).probabilities[self.error_label]
            detect_s += time.perf_counter() - started
            probabilities.append(p_error)
            return p_error >= self.threshold

        started = time.perf_counter()
        correction = self.corrector.correct(text, gate=flagged)
        total_s = time.perf_counter() - started
        return CascadeResult(correction.text, any(p >= self.threshold for p in probabilities),
                             max(probabilities, default=0.0), detect_s * 1e3, (total_s - detect_s) * 1e3, correction)


@dataclass(frozen=True)
class CascadeReport:
    sentences: int
    skipped: float  # share of inputs the corrector never saw (the detector passed all their sentences)
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
