"""Sentence splitting and filtering of the offline sources."""

from __future__ import annotations

from edge_sdk.data.sentences import clean_sentences, is_clean, split_sentences


def test_split_respects_abbreviations():
    text = "Mr. Smith went to Washington. He met Dr. Jones there! Did they agree? Yes."
    assert list(split_sentences(text)) == ["Mr. Smith went to Washington.", "He met Dr. Jones there!",
                                            "Did they agree?", "Yes."]


def test_typography_is_folded():
    (s,) = split_sentences("\u201cCall me Ishmael,\u201d he said \u2014 quietly.")
    assert s == '"Call me Ishmael," he said - quietly.'


def test_filters_code_shouting_and_fragments():
    assert is_clean("The function returns a new list of values.")
    assert not is_clean("Call os.path.join() to build the path.")
    assert not is_clean("Set x = 5 before the loop starts.")
    assert not is_clean("THE UNITED STATES OF AMERICA WILL PREVAIL.")
    assert not is_clean("too short.")
    assert not is_clean("this starts with lower case and ends well.")
    assert not is_clean("Caf\u00e9 owners are not ASCII here.")
    assert not is_clean("It has an unbalanced \"quote in it.")


def test_clean_sentences_dedupes():
    out = list(clean_sentences(["The cat sat on the mat.", "The cat sat on the mat!", "A dog barked at the cat."]))
    assert out == ["The cat sat on the mat.", "A dog barked at the cat."]
