"""Evaluation metrics on tiny examples whose scores were worked out by hand."""

from __future__ import annotations

import math

import pytest

from edge_sdk.evaluate.metrics import errant_counts, gleu, score
from edge_sdk.evaluate.systems import harper_correct

SOURCES = ["She go to school every day.", "I has a apple.", "The cat sat on the mat."]
REFERENCES = ["She goes to school every day.", "I have an apple.", "The cat sat on the mat."]
HYPOTHESES = ["She goes to school every day.", "I have a apple.", "The cat sit on the mat."]


def test_errant_counts_by_hand():
    # sentence 1: go->goes found (TP); 2: has->have found (TP), a->an missed (FN); 3: sat->sit wrong (FP)
    counts = errant_counts(SOURCES, HYPOTHESES, REFERENCES)
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 1)
    assert counts.precision == pytest.approx(2 / 3) and counts.recall == pytest.approx(2 / 3)
    assert counts.f_beta(0.5) == pytest.approx(2 / 3)


def test_gleu_by_hand():
    src, ref = ["a b c d e f"], ["a b x d e f"]
    assert gleu(src, ref, ref) == pytest.approx(1.0)
    # copying the source: unigrams 5 matches - 1 penalised (c) over 6; bigrams 3 - 2 (bc, cd) over 5
    assert gleu(src, src, ref, max_n=2) == pytest.approx(math.sqrt(4 / 6 * 1 / 5))


def test_score_reports_exact_match_and_false_positives():
    s = score("demo", SOURCES, HYPOTHESES, REFERENCES)
    assert s.exact_match == pytest.approx(1 / 3)
    assert s.false_positive_rate == 1.0  # the one correct sentence was changed
    copy = score("copy", SOURCES, SOURCES, REFERENCES)
    assert (copy.precision, copy.recall, copy.f05) == (1.0, 0.0, 0.0) and copy.false_positive_rate == 0.0


def test_harper_baseline_applies_suggestions():
    fixed = harper_correct(["She go to school every day.", "This sentence is fine."])
    assert fixed[0] == "She goes to school every day."
    assert fixed[1] == "This sentence is fine."


def test_fix_rate_by_type_counts_only_single_type_sentences():
    from edge_sdk.evaluate.by_type import fix_rate_by_type

    types = ["agreement", "agreement article", "-"]
    # sentence 1 fixed (agreement), sentence 2 has two types (left out), sentence 3 correct but changed
    rates = fix_rate_by_type(SOURCES, HYPOTHESES, REFERENCES, types)
    assert rates == {"correct": (1, 0.0), "agreement": (1, 1.0)}
    with pytest.raises(ValueError):
        fix_rate_by_type(SOURCES, HYPOTHESES, REFERENCES, types[:2])
