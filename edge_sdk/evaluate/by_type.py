"""Which learner errors a system fixes: exact-fix rate per synthetic error type.

Only sentences with a single error type count towards that type (several types in one sentence would
blur which one was missed); already-correct sentences are the `correct` row, where "fixed" means left
unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

CORRECT = "correct"


def fix_rate_by_type(sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str],
                     types: Sequence[str]) -> dict[str, tuple[int, float]]:
    """{type: (sentences, share whose hypothesis equals the reference)}, most frequent type first.

    `types` is one line of the split's `.types` file per sentence: space-separated types, `-` if correct.
    """
    hits: dict[str, list[bool]] = defaultdict(list)
    for _src, hyp, ref, line in zip(sources, hypotheses, references, types, strict=True):
        kinds = set(line.split())
        if kinds == {"-"}:
            hits[CORRECT].append(hyp == ref)
        elif len(kinds) == 1:
            hits[kinds.pop()].append(hyp == ref)
    ordered = sorted(hits.items(), key=lambda item: (item[0] != CORRECT, -len(item[1]), item[0]))
    return {kind: (len(flags), sum(flags) / len(flags)) for kind, flags in ordered}


def errant_category(label: str) -> str:
    """ERRANT's type without the operation: `R:SPELL` -> `SPELL`, `M:DET` -> `DET`, `R:VERB:TENSE` -> `VERB:TENSE`."""
    return label.split(":", 1)[1] if label[:2] in ("M:", "R:", "U:") else label


def recall_by_errant_type(sources: Sequence[str], hypotheses: Sequence[str],
                          references: Sequence[str]) -> dict[str, tuple[int, float]]:
    """{ERRANT category: (reference edits, share the system made exactly)}, most frequent first: which
    kinds of the references' edits a system makes, on any sentence (learner sentences carry several)."""
    from edge_sdk.evaluate.metrics import errant_edits

    made: dict[str, list[bool]] = defaultdict(list)
    for src, hyp, ref in zip(sources, hypotheses, references, strict=True):
        if ref == src:
            continue
        hyp_edits = {e[:3] for e in errant_edits(src, hyp)} if hyp != src else set()
        for edit in errant_edits(src, ref):
            made[errant_category(edit[3])].append(edit[:3] in hyp_edits)
    ordered = sorted(made.items(), key=lambda item: (-len(item[1]), item[0]))
    return {kind: (len(flags), sum(flags) / len(flags)) for kind, flags in ordered}
