// Python's difflib.SequenceMatcher(None, a, b, autojunk=False) over word lists: the alignment the guard
// and the edits use (docs/text-handling.md, "Edits"), ported so every layer aligns words identically.
#pragma once

#include <cstddef>
#include <vector>

#include "unicode.h"

namespace edge_sdk {

struct Opcode {
    enum Tag { equal, replace, del, insert } tag;
    size_t i1, i2, j1, j2;
};

struct MatchingBlock {
    size_t a, b, size;
};

class SequenceMatcher {
public:
    SequenceMatcher(const std::vector<Text> &a, const std::vector<Text> &b);
    std::vector<MatchingBlock> matching_blocks() const;  // ends with the (len(a), len(b), 0) sentinel
    std::vector<Opcode> opcodes() const;
    double ratio() const;

private:
    const std::vector<Text> &a_, &b_;
    std::vector<MatchingBlock> blocks_;  // computed once, as difflib caches them
};

}  // namespace edge_sdk
