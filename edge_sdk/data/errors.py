"""Synthetic learner errors for grammar-correction training pairs (docs/data.md).

Each error type is one small edit on a token list and names itself in the result, so corpus statistics
and per-type evaluation stay honest. A sentence's random stream is seeded from (seed, sentence): the
same corpus comes out however it is generated, sharded or resumed.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from edge_sdk.data.misspell import match_case

ARTICLES = frozenset({"a", "an", "the"})
PREPOSITIONS = ("in", "on", "at", "to", "for", "of", "with", "from", "by", "about", "into", "over")
AUXILIARIES = ("is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can",
               "could", "do", "does", "did")
FUNCTION_WORDS = frozenset({*ARTICLES, *PREPOSITIONS, *AUXILIARIES, "and", "or", "but", "that", "it", "there",
                            "very", "so", "just", "also"})
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "its": ("it's",), "it's": ("its",),
    "their": ("there", "they're"), "there": ("their", "they're"), "they're": ("their", "there"),
    "then": ("than",), "than": ("then",),
    "your": ("you're",), "you're": ("your",),
    "whose": ("who's",), "who's": ("whose",),
    "affect": ("effect",), "effect": ("affect",), "affects": ("effects",), "effects": ("affects",),
    "lose": ("loose",), "loose": ("lose",), "accept": ("except",), "except": ("accept",),
    "too": ("to",), "weather": ("whether",), "whether": ("weather",), "quiet": ("quite",), "quite": ("quiet",),
}
AGREEMENT_PAIRS = (("is", "are"), ("was", "were"), ("has", "have"), ("do", "does"), ("don't", "doesn't"))
# Base, past, participle, third person, -ing; the wrong regularised past is what learners write.
IRREGULAR_VERBS = (
    ("go", "went", "gone", "goes", "going"), ("write", "wrote", "written", "writes", "writing"),
    ("take", "took", "taken", "takes", "taking"), ("give", "gave", "given", "gives", "giving"),
    ("see", "saw", "seen", "sees", "seeing"), ("come", "came", "come", "comes", "coming"),
    ("know", "knew", "known", "knows", "knowing"), ("make", "made", "made", "makes", "making"),
    ("begin", "began", "begun", "begins", "beginning"), ("speak", "spoke", "spoken", "speaks", "speaking"),
    ("bring", "brought", "brought", "brings", "bringing"), ("think", "thought", "thought", "thinks", "thinking"),
    ("buy", "bought", "bought", "buys", "buying"), ("teach", "taught", "taught", "teaches", "teaching"),
    ("find", "found", "found", "finds", "finding"), ("tell", "told", "told", "tells", "telling"),
    ("leave", "left", "left", "leaves", "leaving"), ("feel", "felt", "felt", "feels", "feeling"),
    ("run", "ran", "run", "runs", "running"), ("eat", "ate", "eaten", "eats", "eating"),
    ("choose", "chose", "chosen", "chooses", "choosing"), ("grow", "grew", "grown", "grows", "growing"),
    ("break", "broke", "broken", "breaks", "breaking"), ("fall", "fell", "fallen", "falls", "falling"),
)
_VERB_FORMS: dict[str, tuple[str, ...]] = {}
for _forms in IRREGULAR_VERBS:
    _wrong = _forms[0].rstrip("e") + "ed"
    for _form in _forms:
        _VERB_FORMS.setdefault(_form, tuple(dict.fromkeys(f for f in (*_forms, _wrong) if f != _form)))
IRREGULAR_NOUNS = {"man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet",
                   "tooth": "teeth", "mouse": "mice"}
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "two", "three", "many", "several",
                         "few", "every", "each", "one", "some", "all", "my", "his", "her", "our", "their"})
_NOT_PAST = frozenset({"need", "feed", "seed", "speed", "indeed", "red", "bed", "hundred", "shed", "proceed",
                       "succeed", "exceed", "bred", "sacred", "naked", "wicked", "wretched"})
_NOT_NOUN = frozenset({*FUNCTION_WORDS, "new", "old", "same", "other", "first", "last", "next", "most", "more",
                       "great", "good", "best", "whole", "only", "own", "such", "united", "american"})
_PRONOUN_SINGULAR = frozenset({"he", "she", "it"})
_PRONOUN_PLURAL = frozenset({"i", "we", "they", "you"})
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(KEYBOARD_ROWS):
    for _c, _ch in enumerate(_row):
        near = {_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)}
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(KEYBOARD_ROWS):
                near |= {KEYBOARD_ROWS[_other][i] for i in (_c - 1, _c, _c + 1) if 0 <= i < len(KEYBOARD_ROWS[_other])}
        _NEIGHBOURS[_ch] = "".join(sorted(near))

DEFAULT_WEIGHTS: dict[str, float] = {
    "spelling": 0.16, "article": 0.14, "verb_form": 0.12, "preposition": 0.11, "agreement": 0.08,
    "noun_number": 0.08, "punctuation": 0.08, "missing_word": 0.06, "extra_word": 0.05, "capitalisation": 0.05,
    "confusion": 0.04, "word_order": 0.03,
}
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*|\S")


@dataclass
class Token:
    text: str
    space_after: bool

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(sentence: str) -> list[Token]:
    return [Token(m.group(0), sentence[m.end():m.end() + 1] == " ") for m in _TOKEN.finditer(sentence)]


def detokenize(tokens: Sequence[Token]) -> str:
    return "".join(t.text + (" " if t.space_after else "") for t in tokens).strip()


def keyboard_typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: neighbour key, dropped, doubled or swapped letter."""
    ops = ["substitute", "delete", "double"]
    if any(a != b for a, b in itertools.pairwise(word)):
        ops.append("transpose")
    op = rng.choice(ops) if len(word) > 2 else "double"
    if op == "transpose":
        i = rng.choice([i for i in range(len(word) - 1) if word[i] != word[i + 1]])
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    if op == "delete":
        return word[:i] + word[i + 1:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    near = _NEIGHBOURS.get(word[i].lower())
    if not near:
        return word[:i] + word[i] + word[i:]
    return word[:i] + match_case(word[i], rng.choice(near)) + word[i + 1:]


def pluralise(noun: str) -> str:
    if noun in IRREGULAR_NOUNS:
        return IRREGULAR_NOUNS[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def singularise(noun: str) -> str | None:
    for singular, plural in IRREGULAR_NOUNS.items():
        if noun == plural:
            return singular
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "xes", "sses")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")) and len(noun) > 3:
        return noun[:-1]
    return None


Edit = Callable[[list[Token], random.Random], bool]


class ErrorGenerator:
    """Corrupts a sentence with learner-like errors; `corrupt` returns (text, types applied)."""

    def __init__(self, seed: int = 0, misspellings: Mapping[str, Sequence[str]] | None = None,
                 clean_rate: float = 0.2, mean_extra_errors: float = 0.6,
                 weights: Mapping[str, float] | None = None) -> None:
        weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
        if unknown:
            raise ValueError(f"unknown error types {unknown}; known: {sorted(DEFAULT_WEIGHTS)}")
        self.seed = seed
        self.misspellings = {k.lower(): list(v) for k, v in (misspellings or {}).items()}
        self.clean_rate = clean_rate
        # Number of errors is 1 + Geometric: P(k extra) = (1 - p)^k p has mean (1 - p) / p.
        self._stop = 1.0 / (1.0 + mean_extra_errors)
        self.kinds = list(weights)
        self.weights = [weights[k] for k in self.kinds]
        self._edits: dict[str, Edit] = {kind: getattr(self, f"_{kind}") for kind in DEFAULT_WEIGHTS}

    # Tries per error to find a type the sentence admits (learner-like generators try harder).
    attempts = 6

    def _stream(self, sentence: str) -> str:
        """The seed of a sentence's random stream."""
        return f"{self.seed}\x1f{sentence}"

    def _first(self, tokens: list[Token], rng: random.Random) -> list[str]:
        """Errors applied before the counted ones (a generator that must place some types wherever a
        sentence admits them); none here, without drawing from the stream."""
        return []

    def _count(self, tokens: list[Token], rng: random.Random) -> int:
        """How many errors a corrupted sentence gets: 1 + Geometric, at most 4."""
        count = 1
        while rng.random() > self._stop and count < 4:
            count += 1
        return count

    def corrupt(self, sentence: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
        tokens = tokenize(sentence)
        if not tokens:
            return sentence, []
        rng = random.Random(self._stream(sentence))
        applied: list[str] = []
        if kinds is not None:
            for kind in kinds:
                if self._edits[kind](tokens, rng):
                    applied.append(kind)
        else:
            if rng.random() < self.clean_rate:
                return sentence, []
            applied += self._first(tokens, rng)
            for _ in range(self._count(tokens, rng) - len(applied)):
                for _attempt in range(self.attempts):
                    kind = rng.choices(self.kinds, self.weights)[0]
                    if self._edits[kind](tokens, rng):
                        applied.append(kind)
                        break
        out = detokenize(tokens)
        # Two edits can cancel out (a swap swapped back); such a pair is a correct sentence.
        return (out, applied) if out != sentence else (sentence, [])

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _words(tokens: list[Token], accept: Callable[[int, str], bool]) -> list[int]:
        return [i for i, t in enumerate(tokens) if t.is_word and accept(i, t.text)]

    @staticmethod
    def _remove(tokens: list[Token], i: int) -> None:
        if i > 0:
            tokens[i - 1].space_after = tokens[i].space_after
        del tokens[i]

    @staticmethod
    def _replace(tokens: list[Token], i: int, word: str) -> None:
        tokens[i].text = match_case(tokens[i].text, word)

    # ------------------------------------------------------------------ error types
    def _article(self, tokens: list[Token], rng: random.Random) -> bool:
        found = self._words(tokens, lambda _i, w: w.lower() in ARTICLES)
        ops = ["insert"] + (["drop", "swap", "drop"] if found else [])
        op = rng.choice(ops)
        if op == "drop":
            self._remove(tokens, rng.choice(found))
            return True
        if op == "swap":
            i = rng.choice(found)
            self._replace(tokens, i, rng.choice(sorted(ARTICLES - {tokens[i].text.lower()})))
            return True
        targets = self._words(tokens, lambda i, w: i > 0 and w.islower() and w.isalpha() and w not in _NOT_NOUN
                              and tokens[i - 1].text.lower() not in DETERMINERS)
        if not targets:
            return False
        tokens.insert(rng.choice(targets), Token(rng.choice(("the", "a", "the", "an")), True))
        return True

    def _preposition(self, tokens: list[Token], rng: random.Random) -> bool:
        found = self._words(tokens, lambda _i, w: w.lower() in PREPOSITIONS)
        if not found:
            return False
        i = rng.choice(found)
        if rng.random() < 0.25:
            self._remove(tokens, i)
        else:
            self._replace(tokens, i, rng.choice([p for p in PREPOSITIONS if p != tokens[i].text.lower()]))
        return True

    def _agreement(self, tokens: list[Token], rng: random.Random) -> bool:
        swaps = {a: b for pair in AGREEMENT_PAIRS for a, b in (pair, pair[::-1])}
        candidates: list[tuple[int, str]] = [(i, swaps[tokens[i].text.lower()])
                                             for i in self._words(tokens, lambda _i, w: w.lower() in swaps)]
        for i in self._words(tokens, lambda i, w: i > 0 and w.islower() and w.isalpha() and len(w) > 2):
            before = tokens[i - 1].text.lower()
            word = tokens[i].text
            if before in _PRONOUN_SINGULAR and word.endswith("s") and not word.endswith("ss") and word not in swaps:
                candidates.append((i, word[:-2] if word.endswith(("ches", "shes", "sses")) else word[:-1]))
            elif before in _PRONOUN_PLURAL and word not in FUNCTION_WORDS and not word.endswith(("s", "ed")) \
                    and word not in _VERB_FORMS.get(word, ()) and not word.endswith("ing"):
                candidates.append((i, word + ("es" if word.endswith(("ch", "sh", "o")) else "s")))
        if not candidates:
            return False
        i, new = rng.choice(candidates)
        self._replace(tokens, i, new)
        return True

    def _verb_form(self, tokens: list[Token], rng: random.Random) -> bool:
        candidates: list[tuple[int, tuple[str, ...]]] = []
        for i in self._words(tokens, lambda _i, w: w.isalpha() and w.islower()):
            word = tokens[i].text
            if word in _VERB_FORMS:
                candidates.append((i, _VERB_FORMS[word]))
            elif word.endswith("ing") and len(word) > 5:
                base = word[:-3]
                candidates.append((i, (base + "ed", base + "s", base)))
            elif word.endswith("ed") and len(word) > 4 and word not in _NOT_PAST:
                base = word[:-2] if not word.endswith("ied") else word[:-3] + "y"
                candidates.append((i, (base + "ing", base + "s", base)))
        if not candidates:
            return False
        i, forms = rng.choice(candidates)
        self._replace(tokens, i, rng.choice(forms))
        return True

    def _noun_number(self, tokens: list[Token], rng: random.Random) -> bool:
        candidates: list[tuple[int, str]] = []
        for i in self._words(tokens, lambda i, w: i > 0 and w.islower() and w.isalpha() and len(w) > 2
                             and w not in _NOT_NOUN and tokens[i - 1].text.lower() in DETERMINERS):
            word = tokens[i].text
            singular = singularise(word)
            candidates.append((i, singular if singular else pluralise(word)))
        if not candidates:
            return False
        i, new = rng.choice(candidates)
        self._replace(tokens, i, new)
        return True

    def _spelling(self, tokens: list[Token], rng: random.Random) -> bool:
        known = self._words(tokens, lambda _i, w: w.lower() in self.misspellings)
        if known and rng.random() < 0.8:
            i = rng.choice(known)
            self._replace(tokens, i, rng.choice(self.misspellings[tokens[i].text.lower()]))
            return True
        words = self._words(tokens, lambda _i, w: w.isalpha() and len(w) > 3)
        if not words:
            return False
        i = rng.choice(words)
        tokens[i].text = keyboard_typo(tokens[i].text, rng)
        return True

    def _confusion(self, tokens: list[Token], rng: random.Random) -> bool:
        found = self._words(tokens, lambda _i, w: w.lower() in CONFUSIONS)
        if not found:
            return False
        i = rng.choice(found)
        self._replace(tokens, i, rng.choice(CONFUSIONS[tokens[i].text.lower()]))
        return True

    def _missing_word(self, tokens: list[Token], rng: random.Random) -> bool:
        found = self._words(tokens, lambda i, w: i > 0 and w.lower() in FUNCTION_WORDS)
        if not found:
            return False
        self._remove(tokens, rng.choice(found))
        return True

    def _extra_word(self, tokens: list[Token], rng: random.Random) -> bool:
        words = self._words(tokens, lambda i, _w: i > 0)
        if not words:
            return False
        i = rng.choice(words)
        if rng.random() < 0.5:
            tokens.insert(i, Token(tokens[i].text.lower(), True))
        else:
            tokens.insert(i, Token(rng.choice(("the", "to", "of", "is", "that", "very", "and", "it")), True))
        return True

    def _capitalisation(self, tokens: list[Token], rng: random.Random) -> bool:
        options: list[Callable[[], None]] = []
        first = next((t for t in tokens if t.is_word), None)
        if first is not None and first.text[0].isupper() and first.text != "I":
            options.append(lambda: setattr(first, "text", first.text[0].lower() + first.text[1:]))
        for t in tokens[1:]:
            if t.text in ("I", "I'm", "I've", "I'll", "I'd"):
                options.append(lambda t=t: setattr(t, "text", t.text.lower()))
            elif t.is_word and t.text.islower() and t.text.isalpha() and len(t.text) > 3:
                options.append(lambda t=t: setattr(t, "text", t.text.capitalize()))
        if not options:
            return False
        rng.choice(options)()
        return True

    def _punctuation(self, tokens: list[Token], rng: random.Random) -> bool:
        options: list[Callable[[], None]] = []
        for i, t in enumerate(tokens):
            if t.text == "," and i > 0:
                options.append(lambda i=i: self._remove(tokens, i))
            if "'" in t.text and t.is_word:
                options.append(lambda t=t: setattr(t, "text", t.text.replace("'", "")))
        if tokens[-1].text == "." and len(tokens) > 1:
            options.append(lambda: self._remove(tokens, len(tokens) - 1))
        commas = [i for i in range(1, len(tokens) - 1) if tokens[i].is_word and tokens[i + 1].is_word]
        if commas:
            def add_comma() -> None:
                i = rng.choice(commas)
                tokens.insert(i + 1, Token(",", tokens[i].space_after))
                tokens[i].space_after = False
            options.append(add_comma)
        if not options:
            return False
        rng.choice(options)()
        return True

    def _word_order(self, tokens: list[Token], rng: random.Random) -> bool:
        pairs = [i for i in range(1, len(tokens) - 1) if tokens[i].is_word and tokens[i + 1].is_word
                 and tokens[i].text.lower() != tokens[i + 1].text.lower()]
        if not pairs:
            return False
        i = rng.choice(pairs)
        tokens[i].text, tokens[i + 1].text = tokens[i + 1].text, tokens[i].text
        return True
