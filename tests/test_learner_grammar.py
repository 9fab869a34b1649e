"""The learner-like split's held-out grammar patterns (edge_sdk/data/learner_grammar.py) and the second
training corpus's data changes (training misspells only its half of the words)."""

from __future__ import annotations

import random

import pytest

from edge_sdk.data.errors import detokenize, tokenize
from edge_sdk.data.learner import LearnerErrorGenerator, spelling_split, training_errors
from edge_sdk.data.learner_grammar import HELD_OUT_PATTERNS, HELD_OUT_WEIGHTS

# Correct sentence -> the learner sentences the pattern may write (hand-written from the error lists
# teachers of English use; every output the pattern can produce for the sentence is listed).
CASES = {
    "collocation": ("It depends on the weather.", {"It depends of the weather.", "It depends from the weather."}),
    "uncountable": ("She gave me some advice.", {"She gave me some advices.", "She gave me an advice."}),
    "comparative": ("This one is easier.", {"This one is more easy."}),
    "gerund_infinitive": ("I enjoy swimming in the sea.", {"I enjoy to swim in the sea."}),
    "tense": ("Yesterday we went home.", {"Yesterday we have gone home.", "Yesterday we go home."}),
    "word_choice": ("He told me the truth.", {"He said me the truth."}),
    "adverb_order": ("I always drink tea.", {"I drink always tea."}),
    "modal_to": ("You can swim here.", {"You can to swim here.", "You can swims here."}),
    "relative_pronoun": ("The man who called is here.", {"The man which called is here."}),
    "conditional": ("If it rains, we stay home.", {"If it will rain, we stay home."}),
    "double_negative": ("I don't know anything about it.", {"I don't know nothing about it."}),
    "extra_be": ("I agree with you.", {"I am agree with you."}),
}


@pytest.mark.parametrize("name", sorted(HELD_OUT_PATTERNS))
def test_each_pattern_writes_the_learner_form(name: str) -> None:
    sentence, expected = CASES[name]
    seen = set()
    for seed in range(30):
        tokens = tokenize(sentence)
        assert HELD_OUT_PATTERNS[name](tokens, random.Random(seed))
        seen.add(detokenize(tokens))
    assert seen == expected


@pytest.mark.parametrize("name", sorted(HELD_OUT_PATTERNS))
def test_patterns_leave_sentences_without_their_trigger_alone(name: str) -> None:
    sentence = "Birds fly south."
    tokens = tokenize(sentence)
    assert not HELD_OUT_PATTERNS[name](tokens, random.Random(0))
    assert detokenize(tokens) == sentence


def test_every_pattern_has_a_case_and_a_weight() -> None:
    assert set(CASES) == set(HELD_OUT_PATTERNS) == set(HELD_OUT_WEIGHTS)


def test_held_out_grammar_is_placed_first_and_training_never_uses_it() -> None:
    sentences = [s for s, _ in CASES.values()]
    held_out = LearnerErrorGenerator(seed=3, grammar="held_out", clean_rate=0.0)
    kinds = [k for s in sentences for k in held_out.corrupt(s)[1]]
    assert len(set(kinds) & set(HELD_OUT_PATTERNS)) >= 8, kinds
    for model in ("synthetic", "learner", "mixed"):
        generator = training_errors(model, 0, {}, sentences * 10)
        for i in range(200):
            _, applied = generator.corrupt(f"{sentences[i % len(sentences)]} Number {i}.")
            assert not set(applied) & set(HELD_OUT_PATTERNS), (model, applied)
    with pytest.raises(ValueError, match="grammar must be"):
        LearnerErrorGenerator(grammar="rules")  # type: ignore[arg-type]


def test_training_misspells_only_its_half_of_codespell_words() -> None:
    words = ["receive", "believe", "separate", "government", "definitely", "necessary", "tomorrow", "beginning",
             "occurred", "environment", "independent", "argument", "interesting", "finally", "really"]
    table = {w: [w[:-1] + "z"] for w in words}
    held = [w for w in words if spelling_split(w) == "eval"]
    assert held, "the word list needs a held-out word for the test to mean anything"
    generator = training_errors("synthetic", 0, table, [])
    assert set(generator.misspellings) == {w for w in words if spelling_split(w) == "train"}
