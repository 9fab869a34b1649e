"""Learner-like errors: several per sentence, at the density and type mix of learner essays.

`errors.ErrorGenerator` gives a sentence one or two errors of evenly mixed types, with spelling mostly
keyboard slips and codespell pairs. Learner writing differs (docs/data.md, "Learner-like evaluation"): a
sentence of 20 words carries about three edits; spelling is the largest category (about a fifth of all
edits) and mostly phonetic or morphological (`misspell.LearnerSpeller`); determiners, punctuation and
orthography follow; words are run together or split (*alot*, *every thing*).

Which words may be misspelled is split by the word (`spelling_split`): the learner-like evaluation
misspells only held-out words and training never misspells them, so the evaluation measures how well a
model has learnt the *ways* learners misspell, not the words it saw misspelled.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Container, Mapping, Sequence
from typing import Literal

from edge_sdk.data.errors import DEFAULT_WEIGHTS, ErrorGenerator, Token, keyboard_typo
from edge_sdk.data.learner_grammar import HELD_OUT_PATTERNS, HELD_OUT_SHARE, HELD_OUT_WEIGHTS, MECHANICS_WEIGHTS
from edge_sdk.data.misspell import LearnerSpeller, match_case

SpellingSplit = Literal["train", "eval", "all"]
Grammar = Literal["training", "held_out"]
# Held-out share of word types for the evaluation's misspellings.
EVAL_WORD_SHARE = 5  # one word type in five

LEARNER_WEIGHTS: dict[str, float] = {
    "spelling": 0.28, "article": 0.11, "punctuation": 0.1, "capitalisation": 0.06, "verb_form": 0.08,
    "agreement": 0.06, "preposition": 0.08, "noun_number": 0.07, "missing_word": 0.04, "extra_word": 0.03,
    "confusion": 0.04, "word_order": 0.02, "merge_split": 0.06,
}
# Words learners run together, and compounds they split.
MERGES = {("a", "lot"): "alot", ("in", "front"): "infront", ("at", "least"): "atleast", ("as", "well"): "aswell",
          ("no", "one"): "noone", ("each", "other"): "eachother", ("even", "though"): "eventhough",
          ("in", "fact"): "infact", ("a", "little"): "alittle", ("thank", "you"): "thankyou"}
SPLITS = {"something": "some thing", "everything": "every thing", "everyone": "every one",
          "another": "an other", "into": "in to", "maybe": "may be", "anyone": "any one", "sometimes": "some times",
          "nowadays": "now a days", "tomorrow": "to morrow", "without": "with out", "cannot": "can not",
          "yourself": "your self", "myself": "my self", "himself": "him self", "online": "on line",
          "weekend": "week end", "nobody": "no body", "anything": "any thing", "already": "all ready"}


def spelling_split(word: str) -> SpellingSplit:
    """Whether learner misspellings of `word` belong to the evaluation or to training (stable by word)."""
    digest = hashlib.sha256(word.lower().encode("utf-8")).digest()
    return "eval" if digest[0] % EVAL_WORD_SHARE == 0 else "train"


class LearnerErrorGenerator(ErrorGenerator):
    """`corrupt(sentence)`: about one error per `words_per_error` words (Poisson), types by `weights`,
    spelling from the learner speller (80 %), codespell pairs and keyboard slips; only words of
    `spelling_words` ("train", "eval" or "all") are misspelled. `grammar="held_out"` takes grammar errors
    from the patterns training never generates (`learner_grammar`), for the learner-like split."""

    def __init__(self, seed: int = 0, misspellings: Mapping[str, Sequence[str]] | None = None,
                 lexicon: Container[str] = frozenset(), spelling_words: SpellingSplit = "all",
                 words_per_error: float = 7.0, clean_rate: float = 0.1,
                 weights: Mapping[str, float] | None = None, grammar: Grammar = "training") -> None:
        if grammar not in ("training", "held_out"):
            raise ValueError(f"grammar must be training or held_out, got {grammar!r}")
        default = MECHANICS_WEIGHTS if grammar == "held_out" else LEARNER_WEIGHTS
        weights = dict(default if weights is None else weights)
        super().__init__(seed=seed, misspellings=misspellings, clean_rate=clean_rate,
                         weights={k: v for k, v in weights.items() if k in DEFAULT_WEIGHTS})
        if words_per_error <= 1:
            raise ValueError(f"words_per_error must be > 1, got {words_per_error}")
        self._edits["merge_split"] = self._merge_split
        self.grammar = grammar
        if grammar == "held_out":
            self._edits.update(HELD_OUT_PATTERNS)
        unknown = sorted(set(weights) - set(self._edits))
        if unknown:
            raise ValueError(f"unknown error types {unknown}; known: {sorted(self._edits)}")
        self.kinds = list(weights)
        self.weights = [weights[k] for k in self.kinds]
        self.speller = LearnerSpeller(lexicon)
        self.spelling_words = spelling_words
        self.words_per_error = words_per_error

    def _may_misspell(self, word: str) -> bool:
        return self.spelling_words == "all" or spelling_split(word) == self.spelling_words

    attempts = 8

    def _stream(self, sentence: str) -> str:
        return f"{self.seed}\x1flearner\x1f{sentence}"

    def _first(self, tokens: list[Token], rng: random.Random) -> list[str]:
        """With held-out grammar: one of its patterns, tried in a weighted random order, in most sentences
        that admit one."""
        if self.grammar != "held_out" or rng.random() >= HELD_OUT_SHARE:
            return []
        names = list(HELD_OUT_WEIGHTS)
        weights = [HELD_OUT_WEIGHTS[n] for n in names]
        while names:
            k = rng.choices(range(len(names)), weights)[0]
            if HELD_OUT_PATTERNS[names[k]](tokens, rng):
                return [names[k]]
            del names[k], weights[k]
        return []

    def _count(self, tokens: list[Token], rng: random.Random) -> int:
        """Poisson with a mean of one error per `words_per_error` words; at least one, at most a third."""
        words = sum(t.is_word for t in tokens)
        return max(1, min(_poisson(rng, words / self.words_per_error), max(1, words // 3)))

    def _spelling(self, tokens: list[Token], rng: random.Random) -> bool:
        words = self._words(tokens, lambda _i, w: w.isalpha() and len(w) > 2 and self._may_misspell(w))
        if not words:
            return False
        roll = rng.random()
        if roll < 0.8:
            rng.shuffle(words)
            for i in words:
                found = self.speller.misspell(tokens[i].text, rng)
                if found is not None:
                    tokens[i].text = found.text
                    return True
            return False
        known = [i for i in words if tokens[i].text.lower() in self.misspellings]
        if known and roll < 0.92:
            i = rng.choice(known)
            self._replace(tokens, i, rng.choice(self.misspellings[tokens[i].text.lower()]))
            return True
        longer = [i for i in words if len(tokens[i].text) > 3]
        if not longer:
            return False
        i = rng.choice(longer)
        tokens[i].text = keyboard_typo(tokens[i].text, rng)
        return True

    def _merge_split(self, tokens: list[Token], rng: random.Random) -> bool:
        options: list[tuple[str, int]] = []
        for i in range(len(tokens) - 1):
            pair = (tokens[i].text.lower(), tokens[i + 1].text.lower())
            if pair in MERGES and tokens[i].space_after and self._may_misspell(MERGES[pair]):
                options.append(("merge", i))
        for i, t in enumerate(tokens):
            if t.text.lower() in SPLITS and self._may_misspell(t.text):
                options.append(("split", i))
        if not options:
            return False
        op, i = rng.choice(options)
        if op == "merge":
            merged = MERGES[(tokens[i].text.lower(), tokens[i + 1].text.lower())]
            tokens[i].text = match_case(tokens[i].text, merged)
            tokens[i].space_after = tokens[i + 1].space_after
            del tokens[i + 1]
        else:
            first, *rest = SPLITS[tokens[i].text.lower()].split(" ")
            tokens[i].text, space = match_case(tokens[i].text, first), tokens[i].space_after
            tokens[i].space_after = True
            for j, part in enumerate(rest):
                tokens.insert(i + 1 + j, Token(part, space if j == len(rest) - 1 else True))
        return True


ERROR_MODELS = ("synthetic", "learner", "mixed")


def training_errors(model: str, seed: int, misspellings: Mapping[str, Sequence[str]] | None,
                    sentences: Sequence[str]) -> ErrorGenerator:
    """The error generator a training run corrupts its sentences with: `synthetic` (errors.ErrorGenerator),
    `learner` (learner-like), or `mixed` (half of each). Either misspells only training's words
    (`spelling_split`), codespell's pairs included, so that no misspelling the learner-like split holds out
    is ever trained on."""
    if model not in ERROR_MODELS:
        raise ValueError(f"unknown error model {model!r}; one of {', '.join(ERROR_MODELS)}")
    misspellings = {w: m for w, m in (misspellings or {}).items() if spelling_split(w) == "train"}
    synthetic = ErrorGenerator(seed=seed, misspellings=misspellings)
    if model == "synthetic":
        return synthetic
    lexicon = {w.strip(".,!?;:'\"()").lower() for s in sentences for w in s.split()}
    learner = LearnerErrorGenerator(seed=seed, misspellings=misspellings, lexicon=lexicon, spelling_words="train")
    return learner if model == "learner" else MixedErrors(seed, synthetic, learner)


class MixedErrors(ErrorGenerator):
    """Each sentence corrupted by one of two generators, chosen by (seed, sentence)."""

    def __init__(self, seed: int, first: ErrorGenerator, second: ErrorGenerator) -> None:
        super().__init__(seed=seed)
        self.first, self.second = first, second

    def corrupt(self, sentence: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
        pick = hashlib.sha256(f"{self.seed}\x1fmix\x1f{sentence}".encode()).digest()[0] % 2
        return (self.second if pick else self.first).corrupt(sentence, kinds)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; means here are small (a few errors per sentence)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
