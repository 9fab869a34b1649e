"""Sentence splitting and the filter that keeps only clean, ordinary English prose.

The sources mix speeches, a novel, software documentation and dictionary examples; the filter drops what
a learner would not write (code, headings, shouting, fragments) so that the corruptions added later are
the only errors a target sentence contains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": " - ", "\u2015": " - ", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ",
}
_FOLD_RE = re.compile("|".join(map(re.escape, _FOLD)))

# Tokens that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep", "hon", "col", "capt", "lt",
    "sgt", "rev", "messrs", "co", "corp", "inc", "ltd", "bros", "vs", "etc", "e.g", "i.e", "cf", "al", "no",
    "nos", "vol", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.k", "a.m", "p.m",
})
# End punctuation and any closing quotes stay with the sentence; the gap (group 1) is where it splits.
_BOUNDARY = re.compile(r"""[.!?]["')\]]*(\s+)(?=["'(\[]?[A-Z0-9])""")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['.-][A-Za-z0-9]+)*")
_CODE_CHARS = re.compile(r"[_=<>/@#{}\[\]\\|~*^$%`+;]")
_DOTTED = re.compile(r"[a-z]\.[a-z]|\w\(")

MIN_WORDS, MAX_WORDS, MAX_DIGITS, MAX_CAPS_WORDS = 4, 40, 4, 2


def fold_typography(text: str) -> str:
    """NFC, typographic quotes and dashes folded to ASCII, whitespace collapsed."""
    text = _FOLD_RE.sub(lambda m: _FOLD[m.group(0)], unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


def _ends_with_abbreviation(chunk: str) -> bool:
    last = chunk.rsplit(" ", 1)[-1].lstrip("\"'([").rstrip(".").lower()
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def split_sentences(text: str) -> Iterator[str]:
    """Split folded text at ./!/? followed by a capital, except after abbreviations and initials."""
    text = fold_typography(text)
    start = 0
    for match in _BOUNDARY.finditer(text):
        chunk = text[start:match.start(1)]
        if chunk.endswith(".") and _ends_with_abbreviation(chunk):
            continue
        if chunk.strip():
            yield chunk.strip()
        start = match.end()
    if text[start:].strip():
        yield text[start:].strip()


def is_clean(sentence: str, max_words: int = MAX_WORDS) -> bool:
    words = _WORD.findall(sentence)
    if not MIN_WORDS <= len(words) <= max_words or not (sentence.isascii() and sentence.isprintable()):
        return False
    first = sentence.lstrip("\"'(")
    if not first[:1].isupper() or sentence[-1] not in ".!?":
        return False
    if sentence.count('"') % 2 or sentence.count("(") != sentence.count(")"):
        return False
    if _CODE_CHARS.search(sentence) or _DOTTED.search(sentence) or ".." in sentence.replace("...", ""):
        return False
    if sum(c.isdigit() for c in sentence) > MAX_DIGITS:
        return False
    return sum(len(w) > 1 and w.isupper() for w in words) <= MAX_CAPS_WORDS


def dedupe_key(sentence: str) -> str:
    """Case- and punctuation-insensitive identity, used within and across sources and against test."""
    return " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))


def clean_sentences(sentences: Iterable[str], seen: set[str] | None = None,
                    max_words: int = MAX_WORDS) -> Iterator[str]:
    """Clean, first-seen sentences; `seen` is shared between calls to dedupe across sources."""
    seen = set() if seen is None else seen
    for sentence in sentences:
        if not is_clean(sentence, max_words):
            continue
        key = dedupe_key(sentence)
        if key in seen:
            continue
        seen.add(key)
        yield sentence
