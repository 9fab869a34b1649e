"""The dictionary spelling stage in front of the model (docs/text-handling.md, "Spelling stage").

Learners' misspellings are the largest kind of error in their writing, and a seq2seq model of a few million
parameters fixes few of the ones it has not seen. Hunspell knows which words are words and proposes
near spellings; it does not know which proposal is likely (*furst*: *durst* before *first*). The stage
asks Hunspell, then ranks its proposals the way a noisy-channel speller does: how common the word is
(a frequency list counted on the training corpus) against how likely the typed word is as a learner's
slip for it,

    score(c) = ln(count(c) + 1) - distance_weight * learner_distance(typed, c),

where `learner_distance` is the optimal-string-alignment distance with half-price edits for the slips
learners make most (misspell.py's families): a doubled or undoubled letter (*realy*, *untill*), a silent
*h* (*wich*), one vowel for another (*definately*). Plain OSA distance bounds which proposals are considered.

and puts the best one into the model's input. The model then sees *because* where the user typed *becuse*
and corrects the rest of the sentence around it; the edit still comes out against the user's text.

A word is left alone when it is short, capitalised inside a sentence (a name), all capitals, not plain
ASCII letters, accepted by any of the dictionaries, or common in the frequency list; a proposal is only
taken when it is at most `max_distance` edits away (`max_distance_short` for words of up to four letters),
keeps the word's case pattern, is not the typed word less a negative prefix (*uncheck* -> *check*), is a
word of the frequency list, and is one word or the typed word split in two frequent words (*alot* -> *a lot*).
The native core implements the same rules in the same order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from edge_sdk.spelling.hunspell import Hunspell
from edge_sdk.text.model_input import ModelInput
from edge_sdk.text.model_input import words as split_words

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")


@dataclass(frozen=True)
class SpellingSettings:
    distance_weight: float = 4.0
    max_distance: int = 2
    max_distance_short: int = 1  # words of at most SHORT_LETTERS letters
    known_count: int = 3  # a word counted this often in the frequency list is taken as a word
    min_letters: int = 3
    # A proposal of two words only when both are among this many most frequent words of the list (0: any
    # two): learners run *a lot*, *in fact*, *at least* together; Hunspell also splits compounds and names
    # it does not know (*Winwood* -> *Win wood*, *sawfish* -> *saw fish*).
    split_top: int = 1000


SHORT_LETTERS = 4
# A proposal that is the typed word without one of these is no fix: it flips the meaning (uncheck -> check).
NEGATIONS = ("un", "in", "im", "ir", "il", "dis", "non")


def osa_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent transpositions)."""
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


VOWELS = frozenset("aeiou")
CHEAP = 0.5  # exact in binary: the core's doubles add up to the same scores


def _indel_cost(word: str, i: int) -> float:
    """Inserting or deleting word[i]: cheap when it doubles a neighbour or is an h after c, g, s, t, w."""
    c = word[i]
    if (i > 0 and word[i - 1] == c) or (i + 1 < len(word) and word[i + 1] == c):
        return CHEAP
    return CHEAP if c == "h" and i > 0 and word[i - 1] in "cgstw" else 1.0


def learner_distance(typed: str, intended: str) -> float:
    """OSA distance from `intended` to `typed` with the learner slips above at half price."""
    a, b = intended, typed
    d = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        d[i][0] = d[i - 1][0] + _indel_cost(a, i - 1)
    for j in range(1, len(b) + 1):
        d[0][j] = d[0][j - 1] + _indel_cost(b, j - 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            sub = 0.0 if x == y else (CHEAP if x in VOWELS and y in VOWELS else 1.0)
            d[i][j] = min(d[i - 1][j] + _indel_cost(a, i - 1), d[i][j - 1] + _indel_cost(b, j - 1),
                          d[i - 1][j - 1] + sub)
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1.0)
    return d[len(a)][len(b)]


def read_frequencies(path: Path) -> dict[str, int]:
    """`word<TAB>count` lines, lower-case words, as `edge-sdk data build-spelling` writes them."""
    table: dict[str, int] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        word, sep, count = line.partition("\t")
        if not sep or not count.isdigit() or not _WORD.fullmatch(word) or word != word.lower():
            raise ValueError(f"{path}:{n}: expected `word<TAB>count` (a lower-case word), got {line[:60]!r}")
        table[word] = int(count)
    return table


class Speller:
    """`correction(word, sentence_start)`: the spelling the stage puts in the model's input, or None."""

    def __init__(self, dictionaries: Sequence[Hunspell], frequencies: Mapping[str, int],
                 settings: SpellingSettings = SpellingSettings()) -> None:
        if not dictionaries:
            raise ValueError("a speller needs at least one dictionary")
        self.dictionaries = list(dictionaries)  # the first one proposes; any one accepts
        self.frequencies = frequencies
        self.settings = settings
        # The count of the split_top-th most frequent word; every listed word when the list is shorter.
        ranked = sorted(frequencies.values(), reverse=True)
        self._split_count = ranked[settings.split_top - 1] if 0 < settings.split_top <= len(ranked) else 0

    def correction(self, word: str, sentence_start: bool) -> str | None:
        s = self.settings
        if len(word) < s.min_letters or not _WORD.fullmatch(word) or word.isupper():
            return None
        if any(c.isupper() for c in word[1:]) or (word[0].isupper() and not sentence_start):
            return None  # a name, or an identifier (vLatest, iPhone)
        lower = word.lower()
        if self.frequencies.get(lower, 0) >= s.known_count or any(d.spell(word) for d in self.dictionaries):
            return None
        limit = s.max_distance_short if len(word) <= SHORT_LETTERS else s.max_distance
        best, best_score = None, -math.inf
        for candidate in self.dictionaries[0].suggest(word):
            parts = candidate.split(" ")
            if len(parts) > 2 or not all(_WORD.fullmatch(p) for p in parts):
                continue
            if len(parts) == 2 and ("".join(parts).lower() != lower or
                                    any(self.frequencies.get(p.lower(), 0) < self._split_count for p in parts)):
                continue
            if candidate != candidate.lower() and not (word[0].isupper() and candidate[1:] == candidate[1:].lower()):
                continue  # a name or an acronym for a lower-case word: not a spelling fix
            if any(lower == prefix + candidate.lower() for prefix in NEGATIONS):
                continue
            distance = osa_distance(lower, candidate.lower())
            count = min(self.frequencies.get(p.lower(), 0) for p in parts)
            if distance > limit or count == 0:
                continue
            score = math.log(count + 1) - s.distance_weight * learner_distance(lower, candidate.lower())
            if score > best_score:  # ties: Hunspell's order
                best, best_score = candidate.lower(), score
        if best is None:
            return None
        return best[0].upper() + best[1:] if word[0].isupper() else best

    def fixes(self, source: ModelInput) -> dict[int, str]:
        """The corrections of `source`'s words, by word index: placeholders are never respelled, and the
        sentence starts at its first other word that starts with a letter or digit."""
        first = next((i for i, w in enumerate(source.words) if w.protected is None and w.text[0].isalnum()), -1)
        return {i: fixed for i, w in enumerate(source.words)
                if w.protected is None and (fixed := self.correction(w.text, i == first)) is not None}

    def respell(self, source: ModelInput) -> tuple[str, list[str]]:
        """The model's input text with this stage's corrections, and its words. Edits are still aligned
        against `source` (what the user typed), so a respelled word becomes an edit like any other."""
        words = [w.text for w in source.words]
        parts, at = [], 0
        for i, fixed in self.fixes(source).items():
            w = source.words[i]
            parts += [source.text[at:w.start], fixed]
            at = w.end
            words[i] = fixed
        if not parts:
            return source.text, words
        # A correction may be two words (*alot* -> *a lot*).
        return "".join([*parts, source.text[at:]]), [y.text for w in words for y in split_words(w)]


def packaged_spelling() -> Path:
    from importlib.resources import files

    return Path(str(files("edge_sdk") / "assets" / "spelling"))


def load_speller(folder: Path | None = None, dictionaries: Sequence[str] = ("en_US", "en_GB"),
                 settings: SpellingSettings = SpellingSettings()) -> Speller:
    """A speller over `folder`'s `<name>.aff/.dic` (the first proposes) and `frequencies.tsv`; default: the
    packaged assets (edge_sdk/assets/spelling)."""
    folder = packaged_spelling() if folder is None else Path(folder)
    loaded = [Hunspell(folder / f"{name}.aff", folder / f"{name}.dic") for name in dictionaries]
    return Speller(loaded, read_frequencies(folder / "frequencies.tsv"), settings)
