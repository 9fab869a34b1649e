"""The detector -> corrector cascade's operating points on a labelled split: what each threshold skips,
what it saves, and how many of the corrector's own fixes it costs.

"Fixes" are the corrector's edits that match a reference edit (ERRANT true positives), so a threshold that
skips only sentences the corrector gets wrong or leaves alone loses nothing, however many it skips.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from edge_sdk.evaluate.metrics import errant_counts, score
from edge_sdk.generation.cascade import Cascade
from edge_sdk.generation.classifier import TextClassifier
from edge_sdk.generation.corrector import SessionCorrector


@dataclass(frozen=True)
class CascadePoint:
    threshold: float | None  # None: the corrector alone, on every sentence
    skipped: float  # share of inputs the corrector never saw
    skipped_with_error: float  # share of erroneous inputs skipped
    fixes: int  # edits matching a reference
    fixes_lost: float  # share of the corrector-alone fixes this threshold loses
    f05: float
    gleu: float
    correct_changed: float  # share of already-correct sentences changed
    ms: float  # mean end-to-end per input, detector included


def cascade_operating_points(detector: TextClassifier, corrector: SessionCorrector, sources: Sequence[str],
                             references: Sequence[str], thresholds: Sequence[float],
                             progress: Callable[[int], None] | None = None) -> list[CascadePoint]:
    """The corrector alone, then each threshold; every input runs all of them back to back, so machine noise
    falls on all alike."""
    cascades = [Cascade(detector, corrector, threshold=t) for t in thresholds]
    alone: list[str] = []
    alone_ms: list[float] = []
    outputs: list[list[str]] = [[] for _ in cascades]
    ms: list[list[float]] = [[] for _ in cascades]
    ran: list[list[bool]] = [[] for _ in cascades]
    for i, text in enumerate(sources):
        started = time.perf_counter()
        alone.append(corrector.correct(text).text)
        alone_ms.append((time.perf_counter() - started) * 1e3)
        for k, cascade in enumerate(cascades):
            result = cascade.correct(text)
            outputs[k].append(result.text)
            ms[k].append(result.detect_ms + result.correct_ms)
            ran[k].append(result.corrected)
        if progress is not None:
            progress(i + 1)
    has_error = [s != r for s, r in zip(sources, references, strict=True)]
    errors = max(1, sum(has_error))

    def point(threshold: float | None, hyps: list[str], times: list[float], corrected: list[bool],
              base_fixes: int) -> CascadePoint:
        counts = errant_counts(sources, hyps, references)
        scores = score("", sources, hyps, references, counts)
        skipped = [not c for c in corrected]
        return CascadePoint(threshold, sum(skipped) / max(1, len(sources)),
                            sum(s and e for s, e in zip(skipped, has_error, strict=True)) / errors, counts.tp,
                            1 - counts.tp / base_fixes if base_fixes else 0.0, scores.f05, scores.gleu,
                            scores.false_positive_rate, statistics.fmean(times))

    base = point(None, alone, alone_ms, [True] * len(sources), 0)
    return [base, *(point(t, outputs[k], ms[k], ran[k], base.fixes) for k, t in enumerate(thresholds))]


def best_safe_point(points: Sequence[CascadePoint], max_fixes_lost: float = 0.01) -> CascadePoint | None:
    """The threshold that skips the most while losing fewer than `max_fixes_lost` of the fixes, if any."""
    safe = [p for p in points if p.threshold is not None and p.fixes_lost < max_fixes_lost]
    return max(safe, key=lambda p: p.skipped, default=None)
