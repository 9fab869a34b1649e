// The edit-confidence gate's numbers (confidence.cpp). Expected values are worked out by hand from the
// definitions in edge_sdk/generation/confidence.py (softmax probabilities of small logit vectors, spans
// of a made-up tokenizer), never produced by the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>

#include "confidence.h"

namespace edge_sdk {
namespace {

TEST(StepMargin, IsTheGapBetweenTheTwoLargestProbabilities) {
    // p = (1/4, 3/4): 3/4 - 1/4 = 0.5. ln 3 is rounded to float, hence the tolerance.
    EXPECT_NEAR(step_margin({0.0f, std::log(3.0f)}), 0.5, 1e-7);
    EXPECT_NEAR(step_margin({std::log(3.0f), 0.0f}), 0.5, 1e-7);  // the order of the logits does not matter
    // p = (4/7, 2/7, 1/7): 2/7.
    EXPECT_NEAR(step_margin({std::log(4.0f), std::log(2.0f), 0.0f}), 2.0 / 7.0, 1e-7);
    // p = (1/6, 1/6, 4/6) with ln 4 on the last: 3/6.
    EXPECT_NEAR(step_margin({0.0f, 0.0f, std::log(4.0f)}), 0.5, 1e-7);
    // Exact logits: (1 - e^-1) / (1 + e^-1) = tanh(1/2); a constant shift changes nothing.
    EXPECT_NEAR(step_margin({1.0f, 0.0f}), std::tanh(0.5), 1e-15);
    EXPECT_NEAR(step_margin({-9.0f, -10.0f}), std::tanh(0.5), 1e-15);
}

TEST(StepMargin, TiesAreZero) {
    EXPECT_EQ(step_margin({0.0f, 0.0f}), 0.0);
    EXPECT_EQ(step_margin({3.0f, 1.0f, 3.0f}), 0.0);  // the first max is best, the other max is second
    EXPECT_EQ(step_margin({-1.0f, 2.0f, 2.0f, 2.0f}), 0.0);
}

TEST(StepMargin, FewerThanTwoLogitsIsCertain) {
    EXPECT_EQ(step_margin({}), 1.0);
    EXPECT_EQ(step_margin({-4.0f}), 1.0);
}

TEST(StepMargin, ExtremeLogitsStayInRange) {
    // e^-1000 underflows to 0: (1 - 0) / (1 + 0) = 1, no overflow from the large logit.
    EXPECT_EQ(step_margin({1000.0f, 0.0f}), 1.0);
    EXPECT_EQ(step_margin({0.0f, -std::numeric_limits<float>::infinity(), 1000.0f}), 1.0);
    // Three equal runners-up under a clear best: (1 - e^-1) / (1 + 3 e^-1).
    const double e = std::exp(-1.0);
    EXPECT_NEAR(step_margin({0.0f, 1.0f, 0.0f, 0.0f}), (1.0 - e) / (1.0 + 3.0 * e), 1e-15);
}

// A made-up SentencePiece: "▁" starts a word, the decoded text has no leading space, </s> (2) is dropped.
Text fake_decode(const std::vector<int> &ids) {
    static const std::map<int, Text> pieces = {{10, U"▁I"}, {11, U"▁h"}, {12, U"as"}, {13, U"▁a"}, {14, U"."}};
    Text out;
    for (int id : ids) {
        if (id == 2) continue;
        for (char32_t c : pieces.at(id)) out += c == U'▁' ? U' ' : c;
    }
    if (!out.empty() && out[0] == U' ') out.erase(0, 1);
    return out;
}

bool same(const std::vector<PieceSpan> &got, const std::vector<std::pair<size_t, size_t>> &want) {
    if (got.size() != want.size()) return false;
    for (size_t i = 0; i < got.size(); ++i)
        if (got[i].start != want[i].first || got[i].end != want[i].second) return false;
    return true;
}

TEST(PieceSpans, EachPieceOwnsTheCharactersItAdded) {
    // "I" (1), "I h" (3), "I has" (5), "I has a" (7), "I has a." (8), then </s> adds nothing.
    EXPECT_TRUE(same(piece_spans(fake_decode, {10, 11, 12, 13, 14, 2}),
                     {{0, 1}, {1, 3}, {3, 5}, {5, 7}, {7, 8}, {8, 8}}));
    EXPECT_TRUE(same(piece_spans(fake_decode, {}), {}));
    EXPECT_TRUE(same(piece_spans(fake_decode, {2}), {{0, 0}}));
}

TEST(PieceSpans, StayMonotonicWhenADecodedPrefixShrinks) {
    // Prefix lengths 2, 1, 3 (a byte piece that completes a character shortens the text).
    const std::vector<size_t> lengths = {2, 1, 3};
    auto decode = [&](const std::vector<int> &ids) { return Text(lengths[ids.size() - 1], U'x'); };
    EXPECT_TRUE(same(piece_spans(decode, {5, 6, 7}), {{0, 2}, {2, 2}, {2, 3}}));
}

TEST(SpanConfidence, IsTheLeastSurePieceOverlappingTheRange) {
    const std::vector<PieceSpan> spans = {{0, 1}, {1, 3}, {3, 5}, {5, 5}};
    const std::vector<double> margins = {0.9, 0.2, 0.6, 0.95};
    EXPECT_EQ(span_confidence(spans, margins, 1, 3), 0.2);
    EXPECT_EQ(span_confidence(spans, margins, 0, 5), 0.2);
    EXPECT_EQ(span_confidence(spans, margins, 3, 5), 0.6);
    EXPECT_EQ(span_confidence(spans, margins, 0, 1), 0.9);
    EXPECT_EQ(span_confidence(spans, margins, 2, 4), 0.2);  // partly in two pieces
    // An empty range (a deletion's gap) counts the piece at its start.
    EXPECT_EQ(span_confidence(spans, margins, 3, 3), 0.6);
    EXPECT_EQ(span_confidence(spans, margins, 0, 0), 0.9);
    // Past the last character: no piece overlaps, the last step (</s>) decides.
    EXPECT_EQ(span_confidence(spans, margins, 5, 5), 0.95);
    EXPECT_EQ(span_confidence(spans, margins, 7, 9), 0.95);
}

TEST(SpanConfidence, EmptyPiecesInsideTheRangeCount) {
    // Python's overlap test (a < stop and start < b) takes the empty piece (2, 2) for [1, 3).
    const std::vector<PieceSpan> spans = {{0, 2}, {2, 2}, {2, 3}};
    EXPECT_EQ(span_confidence(spans, {0.5, 0.1, 0.7}, 1, 3), 0.1);
    EXPECT_EQ(span_confidence(spans, {0.5, 0.1, 0.7}, 2, 3), 0.7);
}

TEST(SpanConfidence, NoMarginsIsCertainAndMismatchesAreRefused) {
    EXPECT_EQ(span_confidence({}, {}, 0, 4), 1.0);
    EXPECT_THROW(span_confidence({{0, 1}}, {}, 0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace edge_sdk
