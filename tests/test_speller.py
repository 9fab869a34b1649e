"""The spelling stage (edge_sdk/spelling): real libhunspell (`make native-deps` installs it) and the packaged
dictionaries and frequency list."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_sdk.spelling.hunspell import Hunspell
from edge_sdk.spelling.speller import (
    Speller,
    SpellingSettings,
    load_speller,
    osa_distance,
    packaged_spelling,
    read_frequencies,
)


@pytest.fixture(scope="module")
def speller() -> Speller:
    return load_speller()


# Learner misspellings with the word the stage must put in their place (hand-written, not produced by it).
FIXED = [("becuse", "because"), ("definitly", "definitely"), ("knowlege", "knowledge"), ("untill", "until"),
         ("recieve", "receive"), ("alot", "a lot"), ("beleive", "believe"), ("goverment", "government"),
         ("tommorow", "tomorrow"), ("wich", "which"), ("freind", "friend"), ("realy", "really")]


@pytest.mark.parametrize(("typed", "fixed"), FIXED)
def test_learner_misspellings_get_the_intended_word(speller: Speller, typed: str, fixed: str) -> None:
    assert speller.correction(typed, sentence_start=False) == fixed


def test_case_follows_the_typed_word(speller: Speller) -> None:
    assert speller.correction("Becuse", sentence_start=True) == "Because"
    assert speller.correction("Becuse", sentence_start=False) is None  # capitalised inside a sentence: a name


@pytest.mark.parametrize("word", ["colour", "because", "Paris", "NASA", "it's", "ok", "x1", "e-mail", "naïve",
                                  "vLatest", "beCuse"])
def test_words_and_what_the_stage_must_not_touch(speller: Speller, word: str) -> None:
    assert speller.correction(word, sentence_start=False) is None


def test_frequent_unknown_words_are_taken_as_words_and_names_are_no_fix(tmp_path: Path) -> None:
    folder = packaged_spelling()
    us = Hunspell(folder / "en_US.aff", folder / "en_US.dic")
    frequencies = read_frequencies(folder / "frequencies.tsv")
    assert Speller([us], frequencies).correction("becuse", False) == "because"
    assert Speller([us], {**frequencies, "becuse": 3}).correction("becuse", False) is None
    # Only proposals the frequency list knows are taken.
    assert Speller([us], {"the": 10}).correction("becuse", False) is None
    # A lower-case word whose proposals are names: no fix.
    assert Speller([us], {"disney": 5, "Disney": 5}).correction("disnay", False) is None
    # The distance limit: "recieve" is two edits from nothing shorter than itself here.
    strict = SpellingSettings(max_distance=1, max_distance_short=0)
    assert Speller([us], frequencies, strict).correction("definitly", False) == "definitely"
    assert Speller([us], frequencies, strict).correction("alot", False) is None  # 4 letters: 0 edits allowed


def test_two_word_proposals_only_of_frequent_words() -> None:
    # Counts 50, 40, 30, 20 rank a, lot, the, wood; split_top keeps two-word proposals of that many top words.
    us = Hunspell(packaged_spelling() / "en_US.aff", packaged_spelling() / "en_US.dic")
    ranked = {"a": 50, "lot": 40, "the": 30, "wood": 20}
    assert Speller([us], ranked, SpellingSettings(split_top=2)).correction("alot", False) == "a lot"
    # Top 1 ("a" only) refuses the split; Hunspell's next proposal, lot, scores the same and is taken.
    assert Speller([us], ranked, SpellingSettings(split_top=1)).correction("alot", False) == "lot"
    assert Speller([us], ranked, SpellingSettings(split_top=0)).correction("alot", False) == "a lot"
    assert Speller([us], ranked, SpellingSettings(split_top=9)).correction("alot", False) == "a lot"
    # Ties at the cut are in: the and lot share the 2nd count.
    tied = {"a": 50, "the": 40, "lot": 40}
    assert Speller([us], tied, SpellingSettings(split_top=2)).correction("alot", False) == "a lot"


@pytest.mark.parametrize(("typed", "start"), [("Winwood", True), ("sawfish", False), ("subinterpreter", False)])
def test_names_and_compounds_are_not_split(speller: Speller, typed: str, start: bool) -> None:
    # Hunspell proposes Win wood, saw fish, sub interpreter: words, but not among the 1,000 most frequent.
    assert speller.correction(typed, sentence_start=start) is None


@pytest.mark.parametrize(("typed", "fixed"), [("infact", "in fact"), ("atleast", "at least"), ("aswell", "as well"),
                                              ("eachother", "each other"), ("incase", "in case")])
def test_learners_run_together_words_are_split(speller: Speller, typed: str, fixed: str) -> None:
    assert speller.correction(typed, sentence_start=False) == fixed


def test_dropping_a_negative_prefix_is_no_fix() -> None:
    us = Hunspell(packaged_spelling() / "en_US.aff", packaged_spelling() / "en_US.dic")
    assert "check" in us.suggest("uncheck")
    assert Speller([us], {"check": 1000}).correction("uncheck", False) is None
    assert Speller([us], {"check": 1000, "unchecked": 1}).correction("uncheck", False) == "unchecked"


def test_osa_distance_counts_transpositions_once() -> None:
    assert osa_distance("recieve", "receive") == 1
    assert osa_distance("alot", "a lot") == 1
    assert osa_distance("ca", "abc") == 3  # OSA, not unrestricted Damerau (which gives 2)
    assert osa_distance("", "abc") == 3


def test_learner_distance_makes_learner_slips_cheap() -> None:
    from edge_sdk.spelling.speller import learner_distance

    # (typed, intended, expected): a doubled letter, a silent h and a vowel for a vowel cost half an edit.
    for typed, intended, expected in (("realy", "really", 0.5), ("untill", "until", 0.5), ("wich", "which", 0.5),
                                      ("definately", "definitely", 0.5), ("becuse", "because", 1.0),
                                      ("wich", "with", 1.0), ("recieve", "receive", 1.0), ("realy", "real", 1.0)):
        assert learner_distance(typed, intended) == expected, (typed, intended)


def test_a_malformed_frequency_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "frequencies.tsv"
    path.write_text("the\t10\nBecause\t3\n")
    with pytest.raises(ValueError, match=r"frequencies.tsv:2: expected `word<TAB>count`"):
        read_frequencies(path)
    path.write_text("the 10\n")
    with pytest.raises(ValueError, match=":1:"):
        read_frequencies(path)


def test_missing_dictionary_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"en_XX\.aff"):
        Hunspell(tmp_path / "en_XX.aff", tmp_path / "en_XX.dic")


def test_the_stage_puts_the_fix_in_the_model_input_and_edits_the_users_text(speller: Speller) -> None:
    from edge_sdk.config import load_config
    from edge_sdk.evaluate.systems import eager_corrector, load_checkpoint
    from edge_sdk.generation.corrector import SentenceTrace

    default = load_config(None)
    model, tok = load_checkpoint(default.resolve(default.weights), default.resolve(default.tokenizer.model))
    corrector = eager_corrector(model, tok, speller=speller)
    traces: list[SentenceTrace] = []
    text = "I stayed at home becuse it was raining."
    result = corrector.correct(text, trace=traces.append)
    assert traces[0].spelled == "I stayed at home because it was raining."
    assert [(e.original, e.replacement, e.kind) for e in result.edits] == [("becuse", "because", "spelling")]
    assert result.text == "I stayed at home because it was raining."
    alone = eager_corrector(model, tok).correct(text, trace=traces.append)
    assert traces[-1].spelled is None and alone.text != result.text
