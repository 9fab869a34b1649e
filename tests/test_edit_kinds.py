"""Edit kinds (docs/text-handling.md, "Edit kinds"): expected kinds written by hand from the rule."""

import pytest

from edge_sdk.text.edits import Edit, edit_kind


@pytest.mark.parametrize(("original", "replacement", "kind"), [
    # 1. the same words: only punctuation or spacing differs
    ("", ",", "punctuation"),
    (".", "!", "punctuation"),
    ("place;", "place,", "punctuation"),
    ("word ,", "word,", "punctuation"),
    ("", " ", "punctuation"),
    ("said ", "said, \"", "punctuation"),
    # 2. words only on one side
    ("the ", "", "deletion"),
    (" very", "", "deletion"),
    ("", " the", "insertion"),
    ("", "a ", "insertion"),
    (", and", ",", "deletion"),
    ("", ", however,", "insertion"),
    # 3. case, split and joined words
    ("i", "I", "spelling"),
    ("alot", "a lot", "spelling"),
    ("every one", "everyone", "spelling"),
    ("London", "london", "spelling"),
    ("e-mail", "email", "spelling"),
    # 4. one respelled word
    ("becuse", "because", "spelling"),
    ("recieve", "receive", "spelling"),
    ("usefull", "useful", "spelling"),
    ("untill", "until", "spelling"),
    ("teh", "the", "spelling"),
    ("Wich", "which", "spelling"),
    ("beleive", "believe", "spelling"),
    ("acommodate", "accommodate", "spelling"),
    ("freind,", "friend", "spelling"),
    ("dont", "don't", "spelling"),  # "don't" is one word: one insertion, 5 code points
    # 4. not spelling: inflections, short words, too far apart
    ("informations", "information", "word"),
    ("banana", "bananas", "word"),
    ("go", "goes", "word"),
    ("has", "have", "word"),
    ("walked", "walking", "word"),
    ("quick", "quickly", "word"),
    ("John", "John's", "word"),
    ("big", "bigger", "word"),
    ("an", "a", "word"),
    ("is", "are", "word"),
    ("form", "from", "spelling"),
    ("then", "than", "spelling"),
    ("cat", "cut", "spelling"),
    ("cats", "cuts", "spelling"),
    ("cats", "cute", "word"),
    ("house", "horse", "spelling"),
    ("house", "mouse", "spelling"),
    ("bread", "beard", "spelling"),
    ("went", "gone", "word"),
    ("goed", "went", "word"),
    # 5. several words
    ("a apple", "an apple", "word"),
    ("he go", "he goes", "word"),
    ("in the morning", "this morning", "word"),
    ("becuse it", "because of it", "word"),
])
def test_edit_kind(original: str, replacement: str, kind: str) -> None:
    assert edit_kind(original, replacement) == kind


def test_edit_carries_its_kind() -> None:
    assert Edit(3, 9, "becuse", "because").kind == "spelling"
    assert Edit(3, 3, "", ",").kind == "punctuation"
    assert Edit(3, 7, "the ", "").kind == "deletion"
