"""Recognising model output that must not reach the user (docs/text-handling.md, "Skipped sentences").

A small model sometimes loops, runs to the length limit, or drops a placeholder. The sentence is then
returned as the user wrote it, with the reason, instead of as a corrupted rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from difflib import SequenceMatcher

# Output longer than this many times the source (in tokens), plus a few, is a loop, not a correction.
MAX_LENGTH_RATIO, LENGTH_SLACK = 1.5, 4
# A word n-gram (n <= 3) repeated this many times in a row, where the source has no such run: a
# correction removes doubled words ("the the"), it never writes new ones.
MAX_REPEATS = 2
# Below this word-level similarity to the source, the output is a different sentence (sources of at
# least REWRITE_MIN_WORDS words; learner sentences with several errors stay well above it).
MIN_SIMILARITY, REWRITE_MIN_WORDS = 0.5, 4


def _has_run(seq: Sequence[str], n: int, repeats: int, gram: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    for i in range(len(seq) - n * repeats + 1):
        first = tuple(seq[i:i + n])
        if (gram is None or first == gram) and all(tuple(seq[i + k * n:i + (k + 1) * n]) == first
                                                   for k in range(1, repeats)):
            return first
    return None


def garbled(source_ids: int, output_ids: int, reached_end: bool, source_words: Sequence[str],
            output_words: Sequence[str], output: str, alphabet: Set[str], placeholder: str,
            placeholders: int) -> str | None:
    """The reason the output is unusable, or None."""
    if not reached_end:
        return "no_end"
    if output_ids > MAX_LENGTH_RATIO * source_ids + LENGTH_SLACK:
        return "output_too_long"
    for n in (1, 2, 3):
        gram = _has_run(output_words, n, MAX_REPEATS)
        if gram is not None and _has_run(source_words, n, MAX_REPEATS, gram) is None:
            return "repetition"
    if any(not c.isspace() and c not in alphabet for c in output):
        return "unknown_characters"
    if sum(w == placeholder for w in output_words) != placeholders:
        return "placeholder_lost"
    if source_words and not output_words:
        return "empty_output"
    if len(source_words) >= REWRITE_MIN_WORDS and \
            SequenceMatcher(None, list(source_words), list(output_words), autojunk=False).ratio() < MIN_SIMILARITY:
        return "rewrite"
    return None
