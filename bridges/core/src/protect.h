// Spans the model must never see or touch (docs/text-handling.md, "Pass-through spans";
// edge_sdk/text/protect.py).
#pragma once

#include <vector>

#include "alphabet.h"
#include "unicode.h"

namespace edge_sdk {

enum class ProtectedKind { code, url, email, mention, number, word, symbol };

const char *kind_name(ProtectedKind kind);

struct Protected {
    size_t start, end;  // code points of the whole text
    ProtectedKind kind;
    // Shown to the model as the placeholder (every kind but symbol, which is hidden).
    bool is_word() const { return kind != ProtectedKind::symbol; }
};

// Pass-through spans of text[start, end), sorted and disjoint, in `text`'s coordinates.
std::vector<Protected> protected_spans(const Text &text, size_t start, size_t end, const Alphabet &alphabet);

}  // namespace edge_sdk
