"""Learner-like misspellings and error density (edge_sdk/data/misspell.py, learner.py)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from edge_sdk.data.errors import tokenize
from edge_sdk.data.learner import EVAL_WORD_SHARE, LearnerErrorGenerator, spelling_split
from edge_sdk.data.misspell import FAMILIES, LearnerSpeller, learner_misspellings

# Misspellings learners are known to write (lists of common misspellings in learner essays and spelling
# research), each with the family of mistake it is.
KNOWN = [("because", "becuse", "drop"), ("definitely", "definately", "schwa"), ("knowledge", "knowlege", "drop"),
         ("until", "untill", "double"), ("receive", "recieve", "ie_ei"), ("government", "goverment", "drop"),
         ("occurred", "occured", "single"), ("beginning", "begining", "single"), ("separate", "seperate", "schwa"),
         ("studies", "studys", "suffix"), ("truly", "truely", "suffix"), ("argument", "arguement", "suffix"),
         ("tomorrow", "tomorow", "single"), ("really", "realy", "single"), ("writing", "writting", "double"),
         ("necessary", "neccessary", "double"), ("independent", "independant", "schwa"), ("which", "wich", "drop"),
         ("believe", "beleive", "ie_ei"), ("interesting", "intresting", "drop"), ("environment", "enviroment", "drop"),
         ("finally", "finaly", "single"), ("stopped", "stoped", "single"), ("coming", "comeing", "suffix"),
         ("people", "peopel", "suffix")]


@pytest.mark.parametrize(("word", "misspelt", "family"), KNOWN)
def test_rules_produce_the_misspellings_learners_write(word: str, misspelt: str, family: str) -> None:
    found = {m.text: m.family for m in learner_misspellings(word)}
    assert misspelt in found, sorted(found)
    assert found[misspelt] in FAMILIES


def test_candidates_are_new_alphabetic_spellings_and_short_words_have_none() -> None:
    for word in ("because", "school", "people", "different"):
        found = [m.text for m in learner_misspellings(word)]
        assert found and word not in found and len(found) == len(set(found))
        assert all(t.isalpha() and t.islower() for t in found)
    assert learner_misspellings("at") == [] and learner_misspellings("Paris") == [] and learner_misspellings("x1") == []


def test_the_speller_keeps_case_and_avoids_real_words() -> None:
    lexicon = {"witch", "wich", "whach"}
    speller = LearnerSpeller(lexicon)
    rng = random.Random(0)
    for _ in range(50):
        found = speller.misspell("Which", rng)
        assert found is not None and found.text[0] == "W" and found.text.lower() not in lexicon
    with pytest.raises(ValueError, match="unknown misspelling families"):
        LearnerSpeller(weights={"typo": 1.0})


def test_spelling_split_is_stable_and_holds_out_about_a_fifth() -> None:
    words = [f"word{i}" for i in range(5000)]
    held_out = sum(spelling_split(w) == "eval" for w in words)
    assert abs(held_out / len(words) - 1 / EVAL_WORD_SHARE) < 0.03
    assert spelling_split("Because") == spelling_split("because")


SENTENCES = ["I think that a lot of people want to live in a big city because there are many jobs and interesting "
             "places to visit.", "Yesterday my friend and I went to the new restaurant near the station, but the "
             "food was not very good.", "In my opinion, students should have the opportunity to choose their own "
             "subjects at school.", "She has been working in this company for three years and she really enjoys "
             "her job."]


def test_learner_density_is_several_errors_per_long_sentence() -> None:
    counts = []
    for seed in range(200):
        generator = LearnerErrorGenerator(seed=seed, clean_rate=0.0)
        for sentence in SENTENCES:
            out, kinds = generator.corrupt(sentence)
            assert (out == sentence) == (not kinds)
            counts.append(len(kinds))
    mean_words = sum(sum(t.is_word for t in tokenize(s)) for s in SENTENCES) / len(SENTENCES)
    # About one error per 7 words (Poisson, at least one), against the base generator's 1-2 per sentence.
    assert 0.7 * mean_words / 7 < sum(counts) / len(counts) < 1.4 * mean_words / 7 + 1
    assert Counter(counts)[1] < len(counts) / 2


def test_corruption_is_deterministic_and_held_out_words_stay_out_of_training() -> None:
    a = LearnerErrorGenerator(seed=3).corrupt(SENTENCES[0])
    assert a == LearnerErrorGenerator(seed=3).corrupt(SENTENCES[0])
    for split in ("train", "eval"):
        for seed in range(300):
            out, kinds = LearnerErrorGenerator(seed=seed, spelling_words=split,
                                               weights={"spelling": 1.0}).corrupt(SENTENCES[1])
            before = [t.text for t in tokenize(SENTENCES[1])]
            after = [t.text for t in tokenize(out)]
            if kinds and len(before) == len(after):
                changed = [b for b, c in zip(before, after, strict=True) if b != c]
                assert all(spelling_split(w) == split for w in changed), (split, changed)


def test_words_are_run_together_and_split() -> None:
    outs = {LearnerErrorGenerator(seed=s, weights={"merge_split": 1.0}).corrupt(SENTENCES[0])[0] for s in range(40)}
    assert any("alot" in o for o in outs) or any(" in to " in o for o in outs)
    three = {LearnerErrorGenerator(seed=s, weights={"merge_split": 1.0}).corrupt("Nowadays we walk.")[0]
             for s in range(10)}
    assert "Now a days we walk." in three
    with pytest.raises(ValueError, match="words_per_error"):
        LearnerErrorGenerator(words_per_error=1.0)


def test_the_packaged_learner_split_is_frozen_everyday_text_with_several_errors() -> None:
    import json

    from edge_sdk.data.learner_split import learner_sentences
    from edge_sdk.data.sentences import dedupe_key
    from edge_sdk.evaluate.splits import load_split, packaged_splits

    split = load_split(packaged_splits(), "learner")
    assert len(split.sources) == len(split.references) == len(split.types) == 1000
    correct = sum(s == r for s, r in zip(split.sources, split.references, strict=True))
    assert 100 <= correct <= 200, correct  # enough correct sentences to measure how often they are changed
    assert all((t == "-") == (s == r) for s, r, t in zip(split.sources, split.references, split.types, strict=True))
    errors = sum(len(t.split()) for t in split.types if t != "-")
    assert errors / (1000 - correct) >= 2.2, "learner sentences carry several errors"
    assert sum(len(r.split()) for r in split.references) / 1000 >= 15
    test = {dedupe_key(s) for s in load_split(packaged_splits(), "test").references}
    assert not test & learner_sentences(packaged_splits())
    stats = json.loads((packaged_splits() / "learner-stats.json").read_text())
    assert stats["sentences"] == 1000 and max(stats["per_type"], key=stats["per_type"].get) == "spelling"


def test_recall_by_errant_type_counts_the_references_edits() -> None:
    from edge_sdk.evaluate.by_type import errant_category, recall_by_errant_type

    sources = ["He go to school every day.", "I like the apple very much."]
    references = ["He goes to school every day.", "I like apples very much."]
    assert errant_category("R:VERB:SVA") == "VERB:SVA" and errant_category("M:DET") == "DET"
    made = recall_by_errant_type(sources, references, references)
    assert made and all(rate == 1.0 for _, rate in made.values())
    copied = recall_by_errant_type(sources, sources, references)
    assert {k: n for k, (n, _) in copied.items()} == {k: n for k, (n, _) in made.items()}
    assert all(rate == 0.0 for _, rate in copied.values())


def test_training_error_models(tmp_path) -> None:
    from edge_sdk.data.errors import ErrorGenerator
    from edge_sdk.data.learner import MixedErrors, training_errors
    from edge_sdk.train.config import TrainConfigError, load_train_config

    sentences = SENTENCES * 50
    assert type(training_errors("synthetic", 0, {}, sentences)) is ErrorGenerator
    learner = training_errors("learner", 0, {}, sentences)
    assert isinstance(learner, LearnerErrorGenerator) and learner.spelling_words == "train"
    mixed = training_errors("mixed", 0, {}, sentences)
    assert isinstance(mixed, MixedErrors)
    picks = {mixed.corrupt(f"Sentence number {i} is here and it is long enough.")[0] ==
             mixed.first.corrupt(f"Sentence number {i} is here and it is long enough.")[0] for i in range(40)}
    assert picks == {True, False}, "mixed uses both generators"
    with pytest.raises(ValueError, match="unknown error model"):
        training_errors("noisy", 0, {}, sentences)
    config = tmp_path / "train.yaml"
    config.write_text("data_dir: d\nout_dir: o\nerrors: noisy\n")
    with pytest.raises(TrainConfigError, match="errors must be synthetic, learner or mixed"):
        load_train_config(config)
