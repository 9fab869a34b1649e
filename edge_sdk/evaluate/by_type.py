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
