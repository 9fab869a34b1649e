// One sentence as the model sees it (docs/text-handling.md, "The model's input";
// edge_sdk/text/model_input.py).
#pragma once

#include <optional>
#include <vector>

#include "alphabet.h"
#include "protect.h"
#include "unicode.h"

namespace edge_sdk {

struct Word {
    Text text;           // as the model sees or wrote it
    size_t start, end;   // in the model text (input) or the decoded output
    size_t origin_start = 0, origin_end = 0;  // input words: the span of the user's text it stands for
    std::optional<Protected> protected_span;  // input words that are a placeholder
};

// Python's WORD regex: \w+(?:['-]\w+)*|\S over `text`.
std::vector<Word> words(const Text &text);

struct ModelInput {
    Text text;  // what the tokenizer encodes
    std::vector<Word> words;
    Text placeholder;
    std::vector<Protected> protected_spans;

    size_t placeholders() const;
    // Something for the model: a word that is not a placeholder and starts with a letter or digit.
    bool has_content() const;
};

extern const char32_t *const PLACEHOLDERS[4];

ModelInput model_input(const Text &text, size_t start, size_t end, const std::vector<Protected> &protected_spans,
                       const Alphabet &alphabet);

}  // namespace edge_sdk
