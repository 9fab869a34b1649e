// The edit-confidence gate's numbers, operation for operation those of edge_sdk/generation/confidence.py.
#include "confidence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace edge_sdk {

double step_margin(const std::vector<float> &logits) {
    if (logits.size() < 2) {
        return 1.0;
    }
    size_t best = 0;
    for (size_t i = 1; i < logits.size(); ++i) {
        if (logits[best] < logits[i]) {  // the first of equal maxima, as std::max_element and numpy pick it
            best = i;
        }
    }
    const double top = logits[best];
    double second = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < logits.size(); ++i) {
        if (i != best) {
            second = std::max(second, static_cast<double>(logits[i]));
        }
    }
    // Left to right, as Python's np.cumsum adds (np.sum would add pairwise and round differently).
    double total = 0.0;
    for (const float l : logits) {
        total += std::exp(static_cast<double>(l) - top);
    }
    return (1.0 - std::exp(second - top)) / total;
}

std::vector<PieceSpan> piece_spans(const std::function<Text(const std::vector<int> &)> &decode,
                                   const std::vector<int> &tokens) {
    std::vector<PieceSpan> spans;
    spans.reserve(tokens.size());
    std::vector<int> prefix;
    prefix.reserve(tokens.size());
    size_t at = 0;
    for (const int token : tokens) {
        prefix.push_back(token);
        const size_t end = std::max(at, decode(prefix).size());
        spans.push_back(PieceSpan{at, end});
        at = end;
    }
    return spans;
}

double span_confidence(const std::vector<PieceSpan> &spans, const std::vector<double> &margins, size_t start,
                       size_t end) {
    if (spans.size() != margins.size()) {
        throw std::invalid_argument("span_confidence: " + std::to_string(spans.size()) + " piece spans for " +
                                    std::to_string(margins.size()) + " margins");
    }
    const size_t stop = std::max(end, start + 1);
    bool chosen = false;
    double lowest = 1.0;
    for (size_t i = 0; i < spans.size(); ++i) {
        if (spans[i].start < stop && start < spans[i].end) {
            lowest = chosen ? std::min(lowest, margins[i]) : margins[i];
            chosen = true;
        }
    }
    if (!chosen && !margins.empty()) {
        return margins.back();
    }
    return lowest;
}

}  // namespace edge_sdk
