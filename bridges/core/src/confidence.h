// How sure the decoder was of an edit: the edit-confidence gate (docs/text-handling.md, "Edit confidence";
// edge_sdk/generation/confidence.py is the Python twin, and these compute the same numbers in the same order).
#pragma once

#include <functional>
#include <vector>

#include "unicode.h"

namespace edge_sdk {

// The code points [start, end) of the decoded output that one generated piece wrote.
struct PieceSpan {
    size_t start, end;
};

// p(best) - p(second best) under the softmax of one step's logits, in double: (1 - exp(l2 - l1)) /
// sum(exp(l - l1)), the sum taken left to right in index order. l1 is the first of equal maxima (numpy's
// argmax, as the decode loop picks it), l2 the largest of the others. Fewer than two logits: 1.
double step_margin(const std::vector<float> &logits);

// Per generated piece k, [len(decode(tokens[:k])), len(decode(tokens[:k + 1]))) in code points, kept
// monotonic (end = max(previous end, length)). A piece starting a word owns the space before it.
std::vector<PieceSpan> piece_spans(const std::function<Text(const std::vector<int> &)> &decode,
                                   const std::vector<int> &tokens);

// The smallest margin of the pieces overlapping output code points [start, max(end, start + 1)); when none
// overlaps (past the last character), the last step's (</s>); with no margins at all, 1. Throws
// std::invalid_argument when spans and margins differ in length (a bug of the caller).
double span_confidence(const std::vector<PieceSpan> &spans, const std::vector<double> &margins, size_t start,
                       size_t end);

}  // namespace edge_sdk
