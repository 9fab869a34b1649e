"""Where sentences are in a user's text (docs/text-handling.md, "Sentences").

Only the spans are returned; everything between them (line breaks, blank lines, indentation, the spaces
between sentences) is never looked at again, so reassembling the text keeps its layout exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Line breaks are hard boundaries: a sentence never spans two lines (lists, addresses, signatures and
# chat messages break lines without ending sentences, and users expect their lines kept).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(f"[^{LINE_BREAKS}]+")

# A sentence ends after . ! ? or … (runs of them), optionally followed by closing quotes or brackets,
# when whitespace and then a capital letter, a digit or an opening quote/bracket follow.
_END = re.compile(r"""[.!?\u2026]+['"\u2019\u201d)\]]*(?=\s+['"\u2018\u201c(\[]?[A-Z0-9])""")
# Words whose period does not end a sentence.
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "cf", "vol", "fig",
    "approx", "dept", "inc", "ltd", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
))
_WORD_BEFORE = re.compile(r"(\S+)$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_abbreviation(line: str, end: int) -> bool:
    """The period at `end - 1` closes an abbreviation or an initial ("J. Smith")."""
    match = _WORD_BEFORE.search(line, 0, end)
    if match is None:
        return False
    word = match.group(1).lower().strip("\"'(\u2018\u201c")
    if word.endswith("."):
        word = word[:-1]
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[Span]:
    """Spans of the sentences of `text`, in order, without surrounding whitespace."""
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        start = line.start()
        segment = line.group()
        cuts = [m.end() for m in _END.finditer(segment)
                if not (segment[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(segment, m.end()))]
        begin = 0
        for cut in [*cuts, len(segment)]:
            piece = segment[begin:cut]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                spans.append(Span(start + begin + lead, start + begin + lead + len(stripped)))
            begin = cut
    return spans
