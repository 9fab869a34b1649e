// Output that must not reach the user (docs/text-handling.md, "Guard"; edge_sdk/text/guard.py).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alphabet.h"
#include "unicode.h"

namespace edge_sdk {

// The reason the output is unusable ("no_end", "output_too_long", "repetition", "unknown_characters",
// "placeholder_lost", "empty_output", "rewrite"), or nothing.
std::optional<std::string> garbled(size_t source_ids, size_t output_ids, bool reached_end,
                                   const std::vector<Text> &source_words, const std::vector<Text> &output_words,
                                   const Text &output, const Alphabet &alphabet, const Text &placeholder,
                                   size_t placeholders);

}  // namespace edge_sdk
