// Test helper: a space-separated ASCII string as the word list the aligners take.
#pragma once

#include <string>
#include <vector>

#include "unicode.h"

namespace edge_sdk::testing {

inline std::vector<Text> split(const std::string &s) {
    std::vector<Text> out;
    Text word;
    for (char c : s) {
        if (c == ' ') {
            if (!word.empty()) out.push_back(word);
            word.clear();
        } else {
            word.push_back(static_cast<char32_t>(c));
        }
    }
    if (!word.empty()) out.push_back(word);
    return out;
}

}  // namespace edge_sdk::testing
