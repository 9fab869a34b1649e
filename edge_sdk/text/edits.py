"""From the model's output back to the user's text: word edits, applied to the original characters.

The model's output is never returned as it is: it is aligned word by word with the model's input, and
only the words that differ become edits on the user's text. Unchanged words, the whitespace between
them, pass-through spans and line breaks are the user's own characters (docs/text-handling.md, "Edits").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from edge_sdk.text.fold import Style
from edge_sdk.text.model_input import ModelInput, Word, words


@dataclass(frozen=True)
class Edit:
    start: int  # code points of the input text, end exclusive; start == end inserts
    end: int
    original: str
    replacement: str

    @property
    def kind(self) -> str:
        """What a UI can show: "spelling", "punctuation", "word", "insertion" or "deletion"."""
        return edit_kind(self.original, self.replacement)


# The words of an edit's two sides: WORD without its punctuation alternative (docs/text-handling.md,
# "Edit kinds").
_KIND_WORD = re.compile(r"\w+(?:['-]\w+)*")
# Endings that make a different form of the same word, not a misspelling of it ("go" -> "goes").
_INFLECTIONS = frozenset({"", "s", "es", "d", "ed", "ing", "er", "est", "ly", "'s"})


def edit_kind(original: str, replacement: str) -> str:
    """docs/text-handling.md, "Edit kinds"."""
    wo, wr = _KIND_WORD.findall(original), _KIND_WORD.findall(replacement)
    if wo == wr:
        return "punctuation"
    if not wo:
        return "insertion"
    if not wr:
        return "deletion"
    if "".join(wo).lower() == "".join(wr).lower():
        return "spelling"
    if len(wo) == len(wr) == 1:
        a, b = wo[0].lower(), wr[0].lower()
        if min(len(a), len(b)) >= 3 and not _inflection(a, b) and \
                _osa_distance(a, b) <= (1 if max(len(a), len(b)) <= 4 else 2):
            return "spelling"
    return "word"


def _inflection(a: str, b: str) -> bool:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 3 and a[n:] in _INFLECTIONS and b[n:] in _INFLECTIONS


def _osa_distance(a: str, b: str) -> int:
    """Optimal-string-alignment Damerau-Levenshtein: edits, with adjacent transpositions, no substring edited twice."""
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@dataclass(frozen=True)
class Skipped:
    """A sentence left exactly as the user wrote it, and why (docs/text-handling.md, "Skipped sentences")."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Correction:
    text: str
    edits: list[Edit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    out, at = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < at:
            raise ValueError(f"edits overlap at {e.start}")
        out += [text[at:e.start], e.replacement]
        at = e.end
    return "".join([*out, text[at:]])


def _merged_opcodes(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    ops: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if ops and ops[-1][1] == i1 and ops[-1][3] == j1:
            ops[-1] = (ops[-1][0], i2, ops[-1][2], j2)
        else:
            ops.append((i1, i2, j1, j2))
    return ops


def sentence_edits(text: str, source: ModelInput, output: str, style: Style,
                   keep: Callable[[int, int], bool] | None = None) -> list[Edit] | None:
    """Edits turning the sentence into the model's correction; None when they would touch a pass-through span.

    `keep(start, end)` is asked about each edit with the code points of `output` that wrote it (a
    deletion: the gap it leaves) and drops it when False: the edit-confidence gate. The caller has checked
    that `output` holds the placeholder exactly as often as `source`.
    """
    src, out = source.words, words(output)
    holders = iter([w.protected for w in src if w.protected is not None])
    restored = {j: next(holders) for j, w in enumerate(out) if w.text == source.placeholder}

    def render(j1: int, j2: int) -> str:
        parts: list[str] = []
        for j in range(j1, j2):
            if j > j1:
                parts.append(output[out[j - 1].end:out[j].start])
            span = restored.get(j)
            if span is not None:
                parts.append(text[span.start:span.end])
            else:
                before = parts[-1][-1:] if parts and parts[-1] else text[max(0, src_start - 1):src_start]
                parts.append(style.apply(out[j].text, before))
        return "".join(parts)

    edits = []
    for i1, i2, j1, j2 in _merged_opcodes([w.text for w in src], [w.text for w in out]):
        if keep is not None:
            if j1 < j2:
                written = (out[j1].start, out[j2 - 1].end)
            else:
                written = (out[j1 - 1].end if j1 > 0 else 0, out[j1].start if j1 < len(out) else len(output))
            if not keep(*written):
                continue
        if i1 < i2:
            start, end = _origin(src[i1])[0], _origin(src[i2 - 1])[1]
        else:  # an insertion goes after the previous word, or before the first
            start = end = _origin(src[i1 - 1])[1] if i1 > 0 else _origin(src[0])[0]
        src_start = start
        if j1 == j2:  # a deletion takes the space before it with it (after it, at the sentence start)
            if i1 > 0:
                if text[_origin(src[i1 - 1])[1]:start].isspace():
                    start = _origin(src[i1 - 1])[1]
            elif i2 < len(src) and text[end:_origin(src[i2])[0]].isspace():
                end = _origin(src[i2])[0]
            replacement = ""
        elif i1 == i2 and i1 > 0:
            replacement = (output[out[j1 - 1].end:out[j1].start] if j1 > 0 else " ") + render(j1, j2)
        elif i1 == i2:
            replacement = render(j1, j2) + (output[out[j2 - 1].end:out[j2].start] if j2 < len(out) else " ")
        else:
            replacement = render(j1, j2)
            # The model may join or separate what it rewrites ("place;" -> "place of"): follow its spacing
            # at both ends, deleting only plain whitespace of the user's.
            if i1 > 0 and j1 > 0:
                gap, out_gap = text[_origin(src[i1 - 1])[1]:start], output[out[j1 - 1].end:out[j1].start]
                if not gap and out_gap:
                    replacement = out_gap + replacement
                elif gap.isspace() and not out_gap:
                    start = _origin(src[i1 - 1])[1]
            if i2 < len(src) and j2 < len(out):
                gap, out_gap = text[end:_origin(src[i2])[0]], output[out[j2 - 1].end:out[j2].start]
                if not gap and out_gap:
                    replacement += out_gap
                elif gap.isspace() and not out_gap:
                    end = _origin(src[i2])[0]
        edits.append(Edit(start, end, text[start:end], replacement))
    for p in source.protected:  # the invariant that makes pass-through spans safe
        for e in edits:
            if e.start < p.end and p.start < e.end and text[p.start:p.end] not in e.replacement:
                return None
    return edits


def _origin(word: Word) -> tuple[int, int]:
    assert word.origin is not None
    return word.origin
