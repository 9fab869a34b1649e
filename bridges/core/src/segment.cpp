// segment.py's regexes as scanners. Where a regex could backtrack, the comments say why backtracking
// can never produce another match, so one forward scan gives Python's matches.
#include "segment.h"

#include <algorithm>
#include <iterator>

namespace edge_sdk {

namespace {

bool is_end_mark(char32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }
bool is_closer(char32_t c) { return c == '\'' || c == '"' || c == 0x2019 || c == 0x201D || c == ')' || c == ']'; }
bool is_opener(char32_t c) { return c == '\'' || c == '"' || c == 0x2018 || c == 0x201C || c == '(' || c == '['; }
bool is_capital_or_digit(char32_t c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The lookahead (?=\s+['"‘“(\[]?[A-Z0-9]) at `i` within [0, n). Giving back whitespace or the opener
// leaves a whitespace or opener where [A-Z0-9] must match, so only the greedy path can succeed.
bool next_sentence_starts(const Text &text, size_t i, size_t n) {
    if (i >= n || !is_space(text[i])) return false;
    while (i < n && is_space(text[i])) ++i;
    if (i < n && is_opener(text[i]) && i + 1 < n && is_capital_or_digit(text[i + 1])) return true;
    return i < n && is_capital_or_digit(text[i]);
}

const char32_t *const ABBREVIATIONS[] = {
    U"mr", U"mrs", U"ms", U"dr", U"prof", U"sr", U"jr", U"st", U"mt", U"vs", U"etc", U"e.g", U"i.e", U"cf",
    U"vol", U"fig", U"approx", U"dept", U"inc", U"ltd", U"corp", U"jan", U"feb", U"mar", U"apr", U"jun",
    U"jul", U"aug", U"sep", U"sept", U"oct", U"nov", U"dec", U"mon", U"tue", U"wed", U"thu", U"fri", U"sat",
    U"sun",
};

bool is_abbreviation_word(const Text &word) {
    return std::any_of(std::begin(ABBREVIATIONS), std::end(ABBREVIATIONS),
                       [&](const char32_t *a) { return word == a; });
}

bool is_stripped_quote(char32_t c) { return c == '"' || c == '\'' || c == '(' || c == 0x2018 || c == 0x201C; }

// _is_abbreviation: the period at `end - 1` of the line [line, end) closes an abbreviation or an initial.
// (\S+)$ searched in line[:end] is the run of non-space characters ending at `end`.
bool is_abbreviation(const Text &text, size_t line, size_t end) {
    size_t a = end;
    while (a > line && !is_space(text[a - 1])) --a;
    if (a == end) return false;
    Text word = lower(TextView(text).substr(a, end - a));
    size_t b = 0, e = word.size();
    while (b < e && is_stripped_quote(word[b])) ++b;
    while (e > b && is_stripped_quote(word[e - 1])) --e;
    word = word.substr(b, e - b);
    if (!word.empty() && word.back() == '.') word.pop_back();
    return is_abbreviation_word(word) || (word.size() == 1 && is_alpha(word[0]));
}

}  // namespace

bool is_line_break(char32_t c) {
    switch (c) {
    case '\n': case '\r': case 0x0B: case 0x0C: case 0x1C: case 0x1D: case 0x1E: case 0x85: case 0x2028:
    case 0x2029:
        return true;
    default:
        return false;
    }
}

std::vector<Span> sentences(const Text &text) {
    std::vector<Span> spans;
    const size_t size = text.size();
    std::vector<size_t> cuts;
    size_t line = 0;
    while (line < size) {
        if (is_line_break(text[line])) {
            ++line;
            continue;
        }
        size_t line_end = line;
        while (line_end < size && !is_line_break(text[line_end])) ++line_end;

        // _END.finditer over the line. Every start inside one run of end marks reaches the same end, so a
        // failed run is skipped whole (a regex engine would retry each position, to the same result).
        cuts.clear();
        size_t p = line;
        while (p < line_end) {
            if (!is_end_mark(text[p])) {
                ++p;
                continue;
            }
            size_t marks_end = p;
            while (marks_end < line_end && is_end_mark(text[marks_end])) ++marks_end;
            size_t match_end = marks_end;
            while (match_end < line_end && is_closer(text[match_end])) ++match_end;
            if (!next_sentence_starts(text, match_end, line_end)) {
                p = marks_end;
                continue;
            }
            if (!(text[p] == '.' && match_end - p == 1 && is_abbreviation(text, line, match_end)))
                cuts.push_back(match_end);
            p = match_end;
        }
        cuts.push_back(line_end);

        size_t begin = line;
        for (size_t cut : cuts) {
            size_t a = begin, b = cut;
            while (a < b && is_space(text[a])) ++a;
            while (b > a && is_space(text[b - 1])) --b;
            if (a < b) spans.push_back(Span{a, b});
            begin = cut;
        }
        line = line_end;
    }
    return spans;
}

}  // namespace edge_sdk
