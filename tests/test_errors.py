"""Synthetic learner errors: each type changes what it claims to change, and nothing else."""

from __future__ import annotations

import re

import pytest

from edge_sdk.data.errors import ARTICLES, CONFUSIONS, FUNCTION_WORDS, PREPOSITIONS, ErrorGenerator, keyboard_typo

SENTENCES = [
    "The government will receive the report on Monday, and they are happy.",
    "She walks to the park every morning with her two dogs.",
    "I think it's better than going to school by bus.",
    "Children were playing in the garden when the man came home.",
    "He has written a letter to his sister about the new house.",
    "We don't know whose idea it was, but their plan is working.",
]
GEN = ErrorGenerator(seed=3, misspellings={"receive": ["recieve"], "government": ["goverment"]})


def words(s: str) -> list[str]:
    return re.findall(r"[A-Za-z']+", s)


def outputs(kind: str) -> list[tuple[str, str]]:
    pairs = []
    for s in SENTENCES:
        out, applied = GEN.corrupt(s, [kind])
        if applied:
            assert applied == [kind] and out != s
            pairs.append((s, out))
    assert pairs, f"{kind} applied to none of the sentences"
    return pairs


def changed_words(a: str, b: str) -> list[tuple[str, str]]:
    wa, wb = words(a), words(b)
    assert len(wa) == len(wb), (a, b)
    return [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]


def test_article():
    for s, out in outputs("article"):
        strip = lambda t: [w for w in words(t) if w.lower() not in ARTICLES]  # noqa: E731
        assert strip(s) == strip(out)


def test_preposition():
    for s, out in outputs("preposition"):
        strip = lambda t: [w for w in words(t) if w.lower() not in PREPOSITIONS]  # noqa: E731
        assert strip(s) == strip(out)


def test_agreement():
    for s, out in outputs("agreement"):
        ((old, new),) = changed_words(s, out)
        assert {old, new} in ({"is", "are"}, {"was", "were"}, {"has", "have"}, {"do", "does"},
                              {"don't", "doesn't"}) or old.rstrip("es") == new.rstrip("es")


def test_verb_form():
    for s, out in outputs("verb_form"):
        ((old, new),) = changed_words(s, out)
        assert old != new


def test_noun_number():
    for s, out in outputs("noun_number"):
        ((old, new),) = changed_words(s, out)
        singular, plural = sorted((old, new), key=len)
        assert plural.startswith(singular[:-1]) or (singular, plural) in {("man", "men"), ("child", "children")}


def test_spelling_uses_known_misspellings_and_keyboard_typos():
    pairs = outputs("spelling")
    assert any("recieve" in out or "goverment" in out for _, out in pairs)
    for s, out in pairs:
        ((old, new),) = changed_words(s, out)
        assert abs(len(old) - len(new)) <= 1


def test_keyboard_typo_is_one_edit():
    import random

    rng = random.Random(0)
    for _ in range(200):
        typo = keyboard_typo("keyboard", rng)
        assert typo != "keyboard" and abs(len(typo) - 8) <= 1
        assert sorted(typo) == sorted("keyboard") or len(set(typo) ^ set("keyboard")) <= 2


def test_confusion():
    for s, out in outputs("confusion"):
        ((old, new),) = changed_words(s, out)
        assert new.lower() in CONFUSIONS[old.lower()]


def test_missing_and_extra_words():
    for s, out in outputs("missing_word"):
        assert len(words(out)) == len(words(s)) - 1
        removed = [w for w in words(s) if w not in words(out)]
        assert all(w.lower() in FUNCTION_WORDS for w in removed)
    for s, out in outputs("extra_word"):
        assert len(words(out)) == len(words(s)) + 1


def test_word_order():
    for s, out in outputs("word_order"):
        assert sorted(words(s)) == sorted(words(out)) and words(s) != words(out)


def test_capitalisation():
    for s, out in outputs("capitalisation"):
        assert s.lower() == out.lower()


def test_punctuation():
    for s, out in outputs("punctuation"):
        assert re.sub(r"[^A-Za-z ]", "", s).split() == re.sub(r"[^A-Za-z ]", "", out).split()


def test_deterministic_and_seed_dependent():
    again = ErrorGenerator(seed=3, misspellings=GEN.misspellings)
    other = ErrorGenerator(seed=4, misspellings=GEN.misspellings)
    many = SENTENCES * 20
    batch = [GEN.corrupt(f"{s} {i}") for i, s in enumerate(many)]
    assert batch == [again.corrupt(f"{s} {i}") for i, s in enumerate(many)]
    assert batch != [other.corrupt(f"{s} {i}") for i, s in enumerate(many)]


def test_some_sentences_stay_correct():
    gen = ErrorGenerator(seed=0, clean_rate=0.25)
    results = [gen.corrupt(f"{SENTENCES[i % 6]} Item {i}.") for i in range(2000)]
    untouched = sum(not applied for _, applied in results) / len(results)
    assert 0.2 < untouched < 0.35
    assert all(out != src for (out, applied), src in
               zip(results, [f"{SENTENCES[i % 6]} Item {i}." for i in range(2000)], strict=True) if applied)


def test_unknown_error_type():
    with pytest.raises(ValueError, match="tyop"):
        ErrorGenerator(weights={"tyop": 1.0})


def test_empty_sentence():
    assert GEN.corrupt("") == ("", [])
