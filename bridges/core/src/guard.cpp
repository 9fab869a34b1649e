#include "guard.h"

#include <algorithm>
#include <cstddef>

#include "sequence_matcher.h"

namespace edge_sdk {

namespace {

// The thresholds of edge_sdk/text/guard.py, where each is argued for.
constexpr size_t MAX_REPEATS = 2;
constexpr size_t REWRITE_MIN_WORDS = 4;
constexpr double MIN_SIMILARITY = 0.5;

bool same_gram(const std::vector<Text> &seq, size_t i, size_t j, size_t n) {
    for (size_t k = 0; k < n; ++k)
        if (seq[i + k] != seq[j + k]) return false;
    return true;
}

// _has_run: the first n-gram repeated `repeats` times in a row (or, given `gram`, whether that one is);
// returned as the position of its first occurrence.
std::optional<size_t> has_run(const std::vector<Text> &seq, size_t n, size_t repeats,
                              const std::vector<Text> *gram = nullptr, size_t gram_at = 0) {
    if (seq.size() < n * repeats) return std::nullopt;
    for (size_t i = 0; i + n * repeats <= seq.size(); ++i) {
        if (gram != nullptr && !std::equal(seq.begin() + static_cast<std::ptrdiff_t>(i),
                                           seq.begin() + static_cast<std::ptrdiff_t>(i + n),
                                           gram->begin() + static_cast<std::ptrdiff_t>(gram_at)))
            continue;
        bool run = true;
        for (size_t k = 1; k < repeats && run; ++k) run = same_gram(seq, i, i + k * n, n);
        if (run) return i;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> garbled(size_t source_ids, size_t output_ids, bool reached_end,
                                   const std::vector<Text> &source_words, const std::vector<Text> &output_words,
                                   const Text &output, const Alphabet &alphabet, const Text &placeholder,
                                   size_t placeholders) {
    if (!reached_end) return "no_end";
    // output_ids > 1.5 * source_ids + 4 (MAX_LENGTH_RATIO, LENGTH_SLACK), in integers.
    if (2 * output_ids > 3 * source_ids + 8) return "output_too_long";
    for (size_t n = 1; n <= 3; ++n) {
        std::optional<size_t> at = has_run(output_words, n, MAX_REPEATS);
        if (at && !has_run(source_words, n, MAX_REPEATS, &output_words, *at)) return "repetition";
    }
    for (char32_t c : output)
        if (!is_space(c) && alphabet.count(c) == 0) return "unknown_characters";
    size_t found = 0;
    for (const Text &w : output_words) found += w == placeholder;
    if (found != placeholders) return "placeholder_lost";
    if (!source_words.empty() && output_words.empty()) return "empty_output";
    if (source_words.size() >= REWRITE_MIN_WORDS &&
        SequenceMatcher(source_words, output_words).ratio() < MIN_SIMILARITY)
        return "rewrite";
    return std::nullopt;
}

}  // namespace edge_sdk
