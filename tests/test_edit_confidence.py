"""The edit-confidence gate's parts (edge_sdk/generation/confidence.py, sentence_edits' `keep`), with
expectations worked out by hand from the definitions; bridges/core/tests/test_confidence.cpp and
test_edits.cpp hold the native core to the same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from edge_sdk.generation.confidence import piece_spans, span_confidence, step_margin
from edge_sdk.text import Style, model_input, protected_spans, sentence_edits

PRINTABLE = {chr(c) for c in range(32, 127)}


def test_step_margin_is_the_gap_between_the_two_largest_probabilities() -> None:
    # p = (1/4, 3/4): 3/4 - 1/4.
    assert step_margin(np.array([0.0, math.log(3)])) == pytest.approx(0.5, abs=1e-12)
    assert step_margin(np.array([math.log(3), 0.0])) == pytest.approx(0.5, abs=1e-12)
    # p = (4/7, 2/7, 1/7): 2/7.
    assert step_margin(np.array([math.log(4), math.log(2), 0.0])) == pytest.approx(2 / 7, abs=1e-12)
    # (1 - e^-1) / (1 + e^-1) = tanh(1/2), whatever the shift of the logits.
    assert step_margin(np.array([1.0, 0.0])) == pytest.approx(math.tanh(0.5), abs=1e-15)
    assert step_margin(np.array([-9.0, -10.0], dtype=np.float32)) == pytest.approx(math.tanh(0.5), abs=1e-15)
    # A [1, 1, V] model output reads as V logits.
    assert step_margin(np.array([[[0.0, 1.0, 0.0, 0.0]]])) == pytest.approx(
        (1 - math.exp(-1)) / (1 + 3 * math.exp(-1)), abs=1e-15)


def test_step_margin_ties_single_logits_and_extremes() -> None:
    assert step_margin(np.array([0.0, 0.0])) == 0.0
    assert step_margin(np.array([3.0, 1.0, 3.0])) == 0.0  # the first max is best, the other one second
    assert step_margin(np.array([-4.0])) == 1.0
    assert step_margin(np.array([])) == 1.0
    assert step_margin(np.array([1000.0, 0.0], dtype=np.float32)) == 1.0  # e^-1000 is 0, nothing overflows
    assert step_margin(np.array([0.0, -np.inf, 1000.0])) == 1.0


def _decode(ids: list[int]) -> str:
    """A made-up SentencePiece: "▁" starts a word, no leading space, </s> (2) dropped."""
    pieces = {10: "▁I", 11: "▁h", 12: "as", 13: "▁a", 14: "."}
    return "".join(pieces[i] for i in ids if i != 2).replace("▁", " ").removeprefix(" ")


def test_piece_spans_give_each_piece_the_characters_it_added() -> None:
    # "I", "I h", "I has", "I has a", "I has a.", then </s> adds nothing.
    assert piece_spans(_decode, [10, 11, 12, 13, 14, 2]) == [(0, 1), (1, 3), (3, 5), (5, 7), (7, 8), (8, 8)]
    assert piece_spans(_decode, []) == []
    assert piece_spans(_decode, [2]) == [(0, 0)]
    # A prefix that decodes shorter than the one before (a byte piece completing a character): monotonic.
    lengths = [2, 1, 3]
    assert piece_spans(lambda ids: "x" * lengths[len(ids) - 1], [5, 6, 7]) == [(0, 2), (2, 2), (2, 3)]


def test_span_confidence_is_the_least_sure_piece_overlapping_the_range() -> None:
    spans, margins = [(0, 1), (1, 3), (3, 5), (5, 5)], [0.9, 0.2, 0.6, 0.95]
    assert span_confidence(spans, margins, 1, 3) == 0.2
    assert span_confidence(spans, margins, 0, 5) == 0.2
    assert span_confidence(spans, margins, 3, 5) == 0.6
    assert span_confidence(spans, margins, 2, 4) == 0.2
    assert span_confidence(spans, margins, 3, 3) == 0.6  # a deletion's gap: the piece at its start
    assert span_confidence(spans, margins, 0, 0) == 0.9
    assert span_confidence(spans, margins, 5, 5) == 0.95  # past the last character: </s>
    assert span_confidence(spans, margins, 7, 9) == 0.95
    # An empty piece inside the range counts.
    assert span_confidence([(0, 2), (2, 2), (2, 3)], [0.5, 0.1, 0.7], 1, 3) == 0.1
    assert span_confidence([(0, 2), (2, 2), (2, 3)], [0.5, 0.1, 0.7], 2, 3) == 0.7
    assert span_confidence([], [], 0, 4) == 1.0
    with pytest.raises(ValueError):
        span_confidence([(0, 1)], [], 0, 1)


def _edits(text: str, output: str, keep=None):
    source = model_input(text, 0, len(text), protected_spans(text, 0, len(text), PRINTABLE), PRINTABLE)
    return sentence_edits(text, source, output, Style.of(text, Style.of(text)), keep)


@pytest.mark.parametrize(("text", "output", "asked"), [
    ("I has a apple.", "I have an apple.", [(2, 9)]),  # the output words "have an"
    ("I saw the the cat.", "I saw the cat.", [(9, 10)]),  # a deletion: the gap it leaves in the output
    ("So I went home.", "I went home.", [(0, 0)]),  # ... at the start
    ("I went home now", "I went home", [(11, 11)]),  # ... at the end
    ("I went store.", "I went to the store.", [(7, 13)]),  # an insertion: the words it adds
    ("i think becuse it rains", "I think because it rains.", [(0, 1), (8, 15), (24, 25)]),
    ("I like \U0001f600 it alot.", "I love that a lot.", [(2, 17)]),  # over a pass-through span
])
def test_keep_is_asked_about_each_edit_with_the_output_that_wrote_it(text: str, output: str, asked) -> None:
    calls = []
    kept = _edits(text, output, lambda a, b: calls.append((a, b)) or True)
    assert calls == asked
    assert kept == _edits(text, output)
    # Refusing every edit leaves the sentence as typed; the pass-through check sees only kept edits, so
    # the emoji sentence is no longer "touched".
    assert _edits(text, output, lambda a, b: False) == []


def test_keep_drops_only_the_edits_it_refuses() -> None:
    text, output = "i think becuse it rains", "I think because it rains."
    without_spelling = _edits(text, output, lambda a, b: (a, b) != (8, 15))
    assert [(e.start, e.end, e.replacement) for e in without_spelling] == [(0, 1, "I"), (23, 23, ".")]
    without_capital = _edits(text, output, lambda a, b: a != 0)
    assert [(e.start, e.end, e.replacement) for e in without_capital] == [(8, 14, "because"), (23, 23, ".")]


def _curve(f05: list[float], changed: list[float], correct: int = 100):
    from edge_sdk.evaluate.metrics import Scores

    return [Scores("m", 0.0, 0.0, f, 0.0, 0.0, c, 400, correct) for f, c in zip(f05, changed, strict=True)]


def test_operating_points_take_the_lowest_threshold_within_the_budget_over_the_dev_splits_together() -> None:
    from edge_sdk.evaluate.gate import operating_points

    thresholds = (0.0, 0.3, 0.5, 0.7)
    # Pooled over 300 + 100 correct sentences: 0.0 changes (27 + 12) / 400 = 9.75 %, 0.3 (12 + 6) / 400 =
    # 4.5 %, 0.5 (6 + 5) / 400 = 2.75 %, 0.7 (3 + 2) / 400 = 1.25 %. Per split, 0.3 would fail learner-dev's
    # 6 %: the small split alone does not set the threshold.
    curves = {"dev": _curve([0.60, 0.62, 0.61, 0.55], [0.09, 0.04, 0.02, 0.01], correct=300),
              "learner-dev": _curve([0.50, 0.52, 0.53, 0.49], [0.12, 0.06, 0.05, 0.02], correct=100)}
    recall, balanced, precision = operating_points(curves, thresholds, 0.05)
    assert (recall.threshold, balanced.threshold, precision.threshold) == (0.3, 0.3, 0.7)
    assert "lowest with <= 5.0%" in recall.rule and "lowest with <= 2.5%" in precision.rule


def test_operating_points_weigh_each_split_by_its_correct_sentences() -> None:
    from edge_sdk.evaluate.gate import operating_points

    # The same rates with the sizes swapped: learner-dev's 6 % now weighs three times dev's 4 %, pooling to
    # (4 + 18) / 400 = 5.5 % at 0.3, so the lowest within 5 % is 0.5 ((2 + 15) / 400 = 4.25 %).
    curves = {"dev": _curve([0.60, 0.62, 0.61, 0.55], [0.09, 0.04, 0.02, 0.01], correct=100),
              "learner-dev": _curve([0.50, 0.52, 0.53, 0.49], [0.12, 0.06, 0.05, 0.02], correct=300)}
    recall, _balanced, _precision = operating_points(curves, (0.0, 0.3, 0.5, 0.7), 0.05)
    assert recall.threshold == 0.5


def test_operating_points_say_so_when_no_threshold_meets_the_budget() -> None:
    from edge_sdk.evaluate.gate import operating_points

    # At 0.9: (3 + 6.8) / 200 = 4.9 % of both splits' correct sentences, above the 2.5 % of "precision".
    curves = {"dev": _curve([0.6, 0.6], [0.06, 0.03]), "learner-dev": _curve([0.5, 0.5], [0.19, 0.068])}
    recall, _balanced, precision = operating_points(curves, (0.0, 0.9), 0.05)
    assert recall.threshold == 0.9 and precision.threshold == 0.9
    assert precision.rule.startswith("none reaches <= 2.5% changed") and "4.9%" in precision.rule
