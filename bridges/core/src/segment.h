// Where sentences are in a user's text (docs/text-handling.md, "Sentences"; edge_sdk/text/segment.py).
#pragma once

#include <vector>

#include "unicode.h"

namespace edge_sdk {

struct Span {
    size_t start, end;  // code points, end exclusive
    bool operator==(const Span &o) const { return start == o.start && end == o.end; }
};

bool is_line_break(char32_t c);
// Spans of the sentences of `text`, in order, without surrounding whitespace.
std::vector<Span> sentences(const Text &text);

}  // namespace edge_sdk
