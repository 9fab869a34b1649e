#include "model_input.h"

#include <algorithm>
#include <map>
#include <utility>

#include "fold.h"

namespace edge_sdk {

const char32_t *const PLACEHOLDERS[4] = {U"Paris", U"London", U"Berlin", U"Madrid"};

// \w+(?:['-]\w+)*|\S: the \w runs are maximal (a shorter run leaves a \w where ' or - must follow),
// and nothing follows the group, so the greedy path is the match.
std::vector<Word> words(const Text &text) {
    std::vector<Word> out;
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const char32_t c = text[i];
        if (is_word(c)) {
            size_t j = i;
            while (j < n && is_word(text[j])) ++j;
            while (j + 1 < n && (text[j] == '\'' || text[j] == '-') && is_word(text[j + 1])) {
                j += 2;
                while (j < n && is_word(text[j])) ++j;
            }
            out.push_back(Word{text.substr(i, j - i), i, j, 0, 0, std::nullopt});
            i = j;
        } else if (!is_space(c)) {
            out.push_back(Word{Text(1, c), i, i + 1, 0, 0, std::nullopt});
            ++i;
        } else {
            ++i;
        }
    }
    return out;
}

size_t ModelInput::placeholders() const {
    return static_cast<size_t>(
        std::count_if(words.begin(), words.end(), [](const Word &w) { return w.protected_span.has_value(); }));
}

bool ModelInput::has_content() const {
    return std::any_of(words.begin(), words.end(),
                       [](const Word &w) { return !w.protected_span && is_alnum(w.text[0]); });
}

ModelInput model_input(const Text &text, size_t start, size_t end, const std::vector<Protected> &protected_spans,
                       const Alphabet &alphabet) {
    (void)alphabet;  // as in model_input.py: the spans already say what the alphabet lacks
    end = std::min(end, text.size());
    start = std::min(start, end);
    const TextView sentence = TextView(text).substr(start, end - start);
    const char32_t *placeholder = PLACEHOLDERS[0];
    for (const char32_t *p : PLACEHOLDERS) {
        if (sentence.find(p) == TextView::npos) {
            placeholder = p;
            break;
        }
    }

    Text chars;
    std::vector<std::pair<size_t, size_t>> origin;  // per model character: the user's characters it came from
    std::map<size_t, Protected> holders;            // model offset of a placeholder -> its span
    const auto emit = [&](TextView piece, size_t a, size_t b) {
        for (char32_t c : piece) {
            if (is_space(c)) {
                if (chars.empty() || chars.back() == ' ') continue;
                c = ' ';
            }
            chars.push_back(c);
            origin.emplace_back(a, b);
        }
    };

    auto pending = protected_spans.begin();
    size_t i = start;
    while (i < end) {
        if (pending != protected_spans.end() && i == pending->start) {
            if (pending->is_word()) {
                if (!chars.empty() && chars.back() != ' ' && is_alnum(chars.back())) emit(U" ", i, i);
                holders.insert_or_assign(chars.size(), *pending);
                emit(placeholder, pending->start, pending->end);
                if (pending->end < end && is_alnum(text[pending->end])) emit(U" ", pending->end, pending->end);
            } else {
                emit(U" ", i, i);
            }
            i = pending->end;
            ++pending;
            continue;
        }
        emit(fold_char(text[i]), i, i + 1);
        ++i;
    }
    while (!chars.empty() && chars.back() == ' ') {
        chars.pop_back();
        origin.pop_back();
    }

    ModelInput input;
    input.words = words(chars);
    for (Word &w : input.words) {
        w.origin_start = origin[w.start].first;
        w.origin_end = origin[w.end - 1].second;
        if (auto h = holders.find(w.start); h != holders.end()) w.protected_span = h->second;
    }
    input.text = std::move(chars);
    input.placeholder = placeholder;
    input.protected_spans = protected_spans;
    return input;
}

}  // namespace edge_sdk
