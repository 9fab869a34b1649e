"""Learner misspellings: how people who know a word by ear spell it, not how fingers slip.

Keyboard typos (errors.keyboard_typo) are a small share of what learners write. Their misspellings follow
the sound and the morphology of the word: doubled or single consonants (*untill, occured, begining*),
*ie/ei* (*recieve, beleive*), the vowel of an unstressed syllable (*definately, seperate, independant*),
silent or slurred letters dropped (*knowlege, wich, goverment, intresting*), phonetic spellings
(*becuse, enuf, fisical*), suffix rules misapplied (*studys, comeing, truely, stoped*). Each rule here
is one of those families; `learner_misspellings` lists every candidate a word admits with its family,
and `LearnerSpeller` draws one with family weights, preferring forms that are not themselves words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass

VOWELS = "aeiou"
_DOUBLE = re.compile(r"([bcdfgklmnprstz])\1")
_SINGLE = re.compile(r"(?<=[aeiou])([bcdfgklmnprstz])(?=[aeiouy])")
# Unstressed endings and the vowel learners write instead (the schwa is spelled every way).
_SUFFIX_VOWELS = (("ant", "ent"), ("ent", "ant"), ("ance", "ence"), ("ence", "ance"), ("able", "ible"),
                  ("ible", "able"), ("ar", "er"), ("er", "ar"), ("or", "er"), ("ary", "ery"), ("ery", "ary"),
                  ("ous", "us"), ("ious", "ous"), ("ate", "ite"), ("ite", "ate"), ("ise", "ize"), ("ize", "ise"))
_PHONETIC = (("ph", "f"), ("ck", "k"), ("qu", "kw"), ("tion", "sion"), ("sion", "tion"), ("cian", "tion"),
             ("ture", "cher"), ("ough", "uf"), ("ough", "ow"), ("gh", ""), ("ce", "se"), ("se", "ce"),
             ("cie", "sie"), ("sc", "s"), ("wr", "r"), ("kn", "n"), ("wh", "w"), ("ea", "ee"), ("ee", "ea"),
             ("au", "ou"), ("ou", "u"), ("oo", "u"), ("x", "ks"), ("dge", "ge"), ("tch", "ch"), ("our", "or"))
FAMILIES = ("double", "single", "ie_ei", "schwa", "drop", "phonetic", "suffix")
# How often each family appears in learner essays' spelling errors, roughly: consonant doubling and the
# unstressed vowel dominate, then dropped letters; suffix rules and pure sound spellings are rarer.
DEFAULT_FAMILY_WEIGHTS: dict[str, float] = {"double": 0.17, "single": 0.17, "ie_ei": 0.06, "schwa": 0.2,
                                            "drop": 0.2, "phonetic": 0.12, "suffix": 0.08}


@dataclass(frozen=True)
class Misspelling:
    text: str
    family: str


def _replace_at(word: str, start: int, end: int, new: str) -> str:
    return word[:start] + new + word[end:]


def _double(word: str) -> Iterator[str]:
    """A single consonant between vowels written double: *untill, tommorow, realy* (the reverse below)."""
    for m in _SINGLE.finditer(word):
        yield _replace_at(word, m.start(1), m.end(1), m.group(1) * 2)
    if word.endswith("il") or word.endswith("ful"):
        yield word + "l"


def _single(word: str) -> Iterator[str]:
    """A double consonant written single: *occured, begining, neccesary → necesary, realy*."""
    for m in _DOUBLE.finditer(word):
        yield _replace_at(word, m.start(), m.end(), m.group(1))


def _ie_ei(word: str) -> Iterator[str]:
    for pair, swapped in (("ie", "ei"), ("ei", "ie")):
        for m in re.finditer(pair, word):
            yield _replace_at(word, m.start(), m.end(), swapped)


def _schwa(word: str) -> Iterator[str]:
    """The vowel of an unstressed syllable: *definately, seperate, independant, grammer*."""
    for ending, other in _SUFFIX_VOWELS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            yield word[: -len(ending)] + other
    # An inner vowel between consonants, away from the first syllable, spelled as another schwa vowel.
    for i in range(2, len(word) - 2):
        if word[i] in "aei" and word[i - 1] not in VOWELS and word[i + 1] not in VOWELS:
            for other in "aei":
                if other != word[i]:
                    yield _replace_at(word, i, i + 1, other)


def _drop(word: str) -> Iterator[str]:
    """A letter the speaker does not hear: *knowlege, goverment, intresting, probly, Febuary, wich*."""
    for i in range(2, len(word) - 1):  # the first syllable is heard
        ch, before, after = word[i], word[i - 1], word[i + 1]
        slurred = ch in VOWELS and before not in VOWELS and after not in VOWELS and len(word) > 5
        silent = ((ch == "d" and after == "g")  # knowledge
                  or (ch == "n" and after == "m")  # government, environment
                  or (ch == "r" and before in VOWELS and after not in VOWELS and i < len(word) - 2)  # Febuary
                  or (ch == "h" and before in "wg"))  # which, ghost
        if slurred or silent:
            yield _replace_at(word, i, i + 1, "")
    if word.startswith(("kn", "wr", "ps")):
        yield word[1:]
    if "au" in word:  # because -> becuse / becase
        i = word.index("au")
        yield _replace_at(word, i, i + 2, "u")
        yield _replace_at(word, i, i + 2, "a")


def _phonetic(word: str) -> Iterator[str]:
    for old, new in _PHONETIC:
        start = word.find(old)
        if start >= 0:
            yield _replace_at(word, start, start + len(old), new)
    # The letter of the sound: a hard c as k (*bekause*), a soft c as s and an s before e/i as c (*nesessary*).
    for m in re.finditer(r"c(?=[aou])|c(?=[ei])|(?<=[aeiou])s(?=[ei])", word):
        new = "k" if m.group(0) == "c" and word[m.end():m.end() + 1] in "aou" else ("s" if m.group(0) == "c" else "c")
        yield _replace_at(word, m.start(), m.end(), new)


def _suffix(word: str) -> Iterator[str]:
    """Spelling rules for suffixes, misapplied: *studys, comeing, truely, stoped, beautifuly, arguement*."""
    if word.endswith("ies") and len(word) > 4:
        yield word[:-3] + "ys"
    if word.endswith("ied") and len(word) > 4:
        yield word[:-3] + "yed"
    if word.endswith("ing") and len(word) > 5 and word[-4] not in VOWELS and word[-5] in VOWELS:
        yield word[:-3] + "eing"  # coming -> comeing
    if re.search(r"([bdgmnpt])\1(ed|ing)$", word):
        yield re.sub(r"([bdgmnpt])\1(ed|ing)$", r"\1\2", word)  # stopped -> stoped
    if word.endswith("ly") and word[-3] in "ue":
        yield word[:-2] + "ely" if word[-3] == "u" else word[:-3] + "ly"  # truly -> truely, likely -> likly
    if word.endswith("lly") and len(word) > 5:
        yield word[:-3] + "ly"  # finally -> finaly
    if word.endswith("ment") and word[-5] in "ug":
        yield word[:-4] + "ement"  # argument -> arguement, judgment -> judgement
    if word.endswith("ful") and len(word) > 5:
        yield word + "l"
    if word.endswith("le") and word[-3] not in VOWELS:
        yield word[:-2] + "el"  # people -> peopel, little -> littel


RULES: dict[str, Callable[[str], Iterator[str]]] = {
    "double": _double, "single": _single, "ie_ei": _ie_ei, "schwa": _schwa, "drop": _drop,
    "phonetic": _phonetic, "suffix": _suffix,
}


def learner_misspellings(word: str) -> list[Misspelling]:
    """Every learner-like misspelling of a lower-case alphabetic `word`, once each, with its family."""
    if not word.isalpha() or not word.islower() or len(word) < 3:
        return []
    seen = {word}
    found = []
    for family in FAMILIES:
        for text in RULES[family](word):
            if text not in seen and len(text) >= 2 and text.isalpha():
                seen.add(text)
                found.append(Misspelling(text, family))
    return found


class LearnerSpeller:
    """Draws one learner misspelling for a word: a family by weight among those the word admits, then a
    candidate of it, preferring candidates that are not words themselves (`lexicon`), since a real word
    (*witch* for *which*) is a different error, a confusion."""

    def __init__(self, lexicon: Container[str] = frozenset(),
                 weights: Mapping[str, float] | None = None) -> None:
        weights = dict(DEFAULT_FAMILY_WEIGHTS if weights is None else weights)
        unknown = sorted(set(weights) - set(FAMILIES))
        if unknown:
            raise ValueError(f"unknown misspelling families {unknown}; known: {', '.join(FAMILIES)}")
        self.lexicon = lexicon
        self.weights = weights

    def misspell(self, word: str, rng: random.Random) -> Misspelling | None:
        lower = word.lower()
        candidates = [m for m in learner_misspellings(lower) if m.text not in self.lexicon]
        if not candidates:
            return None
        by_family: dict[str, list[Misspelling]] = {}
        for m in candidates:
            by_family.setdefault(m.family, []).append(m)
        families = sorted(by_family)
        family = rng.choices(families, [self.weights.get(f, 0.0) or 1e-6 for f in families])[0]
        chosen = rng.choice(by_family[family])
        return Misspelling(match_case(word, chosen.text), chosen.family)


def match_case(template: str, word: str) -> str:
    """`word` in the case pattern of `template` (Capitalised, UPPER or lower)."""
    if template[:1].isupper() and not template.isupper():
        return word[:1].upper() + word[1:]
    return word.upper() if template.isupper() and len(template) > 1 else word
