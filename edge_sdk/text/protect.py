"""Spans the model must never see or touch (docs/text-handling.md, "Pass-through spans").

URLs, e-mail addresses, mentions, numbers and code would be rewritten by a model trained on plain
sentences; words with characters outside the tokenizer's alphabet (other scripts, accents it never
learned) would reach it as byte pieces and come back as garbage; emoji and other symbols carry no
grammar. All of them pass through unchanged: words as a placeholder the model keeps in place,
symbols removed from the model's view and left where they were.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass

from edge_sdk.text.fold import fold_char

# Order matters: earlier patterns win where spans overlap (an e-mail address holds a number). Each
# starts only at a boundary (the lookbehinds): otherwise a long unbroken word costs quadratic time.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code", re.compile(r"`[^`\n]+`")),
    ("url", re.compile(r"(?:(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]'\u2019\u201d]")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("mention", re.compile(r"(?<![\w@#])[@#]\w+")),
    ("number", re.compile(r"(?<![\w.])[$€£¥+-]?\d+(?:[.,:/-]\d+)*(?:%|st|nd|rd|th|s|am|pm|k|m)?(?!\w)",
                          re.IGNORECASE)),
)
WORD_KINDS = frozenset({"code", "url", "email", "mention", "number", "word"})


@dataclass(frozen=True)
class Protected:
    start: int
    end: int
    # code, url, email, mention, number, word (a word with characters outside the alphabet): shown to
    # the model as a placeholder word; symbol (emoji, pictographs, other symbols): hidden from it.
    kind: str

    @property
    def is_word(self) -> bool:
        return self.kind in WORD_KINDS


def _is_word_char(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def _in_alphabet(char: str, alphabet: Set[str]) -> bool:
    folded = fold_char(char)
    return folded == "" or all(c in alphabet for c in folded)


def _word_end(text: str, i: int, end: int) -> int:
    """End of the word starting at `i`: word characters, joined by ' ’ - . when more follow."""
    j = i
    while j < end:
        if _is_word_char(text[j]) or (text[j] in "'\u2019-." and j + 1 < end and _is_word_char(text[j + 1]) and j > i):
            j += 1
        else:
            break
    return j


def protected_spans(text: str, start: int, end: int, alphabet: Set[str]) -> list[Protected]:
    """Pass-through spans of `text[start:end]`, sorted and disjoint, in `text`'s coordinates."""
    taken = [False] * (end - start)
    spans: list[Protected] = []

    def claim(a: int, b: int, kind: str) -> None:
        if a < b and not any(taken[a - start:b - start]):
            taken[a - start:b - start] = [True] * (b - a)
            spans.append(Protected(a, b, kind))

    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text, start, end):
            claim(m.start(), m.end(), kind)
    i = start
    while i < end:
        if taken[i - start]:
            i += 1
            continue
        char = text[i]
        if _is_word_char(char):
            j = _word_end(text, i, end)
            if any(not taken[k - start] and not _in_alphabet(text[k], alphabet) for k in range(i, j)) and \
                    not any(taken[i - start:j - start]):
                claim(i, j, "word")
            i = j
        elif char.isspace() or _in_alphabet(char, alphabet):
            i += 1
        else:
            j = i + 1
            # One symbol run: emoji with their joiners, variation selectors and modifiers stay together.
            while j < end and not taken[j - start] and not text[j].isspace() \
                    and (not _is_word_char(text[j]) or unicodedata.category(text[j])[0] == "M") \
                    and (not _in_alphabet(text[j], alphabet) or fold_char(text[j]) == ""):
                j += 1
            # A symbol inside a word ("and/or", "x*y", "a=b") makes the whole thing one protected word.
            if i > start and j < end and _is_word_char(text[i - 1]) and _is_word_char(text[j]):
                a = i - 1
                while a > start and (_is_word_char(text[a - 1]) or text[a - 1] in "'\u2019-"):
                    a -= 1
                b = _word_end(text, j, end)
                if not any(taken[a - start:b - start]):
                    claim(a, b, "word")
                    i = b
                    continue
            claim(i, j, "symbol")
            i = j
    return sorted(spans, key=lambda s: s.start)
