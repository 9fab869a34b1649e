// The model's alphabet (docs/text-handling.md, "The model's alphabet"): characters the tokenizer has
// pieces for. Filled by Tokenizer; used by the pass-through rules and the guard.
#pragma once

#include <unordered_set>

namespace edge_sdk {

using Alphabet = std::unordered_set<char32_t>;

}  // namespace edge_sdk
