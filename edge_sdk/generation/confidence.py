"""How sure the decoder was of an edit: the edit-confidence gate (docs/text-handling.md, "Edit confidence").

Each decode step's margin is p(best) - p(second best) under the softmax of its logits: near 0 where the
model hesitated between two pieces (often its correction and the typed word), near 1 where it did not.
An edit's confidence is the smallest margin among the output pieces that wrote it; for a deletion, the
pieces on the gap it leaves. The corrector drops edits whose confidence is under the bundle's
`min_edit_margin`, so a sentence the model is unsure about stays as typed, and the others still apply.
The native core computes the same numbers in the same order (bridges/core/src/confidence.cpp).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def step_margin(logits: np.ndarray) -> float:
    """p(best) - p(second best), in float64: (1 - exp(l2 - l1)) / sum(exp(l - l1))."""
    values = np.asarray(logits, dtype=np.float64).reshape(-1)
    if values.size < 2:
        return 1.0
    best = int(np.argmax(values))
    top = values[best]
    second = float(np.max(np.delete(values, best)))
    # cumsum adds left to right, as the core does (np.sum would add pairwise).
    total = float(np.cumsum(np.exp(values - top))[-1])
    return (1.0 - float(np.exp(second - top))) / total


def piece_spans(decode: Callable[[list[int]], str], tokens: Sequence[int]) -> list[tuple[int, int]]:
    """Per generated piece, the code points of the decoded output it wrote: [len(decode(tokens[:k])),
    len(decode(tokens[:k + 1]))), kept monotonic. A piece starting a word owns the space before it."""
    spans: list[tuple[int, int]] = []
    at = 0
    for k in range(len(tokens)):
        end = max(at, len(decode(list(tokens[:k + 1]))))
        spans.append((at, end))
        at = end
    return spans


def span_confidence(spans: Sequence[tuple[int, int]], margins: Sequence[float], start: int, end: int) -> float:
    """The smallest margin of the pieces overlapping output code points [start, end); an empty range (a
    deletion's gap) counts the piece at `start`, and past the last character the final step (</s>)."""
    stop = max(end, start + 1)
    chosen = [m for (a, b), m in zip(spans, margins, strict=True) if a < stop and start < b]
    if not chosen and margins:
        chosen = [margins[-1]]
    return min(chosen, default=1.0)
