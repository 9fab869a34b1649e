// protect.py's five regexes as explicit matchers with Python's finditer semantics: the leftmost match,
// then the next search from its end; lookbehinds see the text before `start` (Python's pos), lookaheads
// and greedy runs stop at `end` (Python's endpos truncates the string). Where a pattern could
// backtrack, the comment says which alternatives can succeed, so each matcher tries exactly those, in
// the regex's order.
#include "protect.h"

#include <algorithm>
#include <optional>

#include "fold.h"

namespace edge_sdk {

namespace {

struct Match {
    size_t start, end;
};

bool is_ascii_alpha(char32_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }

// A matcher tries one start position: the end of the match there, or nothing.
using Matcher = std::optional<size_t> (*)(const Text &text, size_t p, size_t end);

// `[^`\n]+`: the run stops at the first ` or \n; giving back characters leaves one that is not `.
std::optional<size_t> match_code(const Text &text, size_t p, size_t end) {
    if (text[p] != '`') return std::nullopt;
    size_t i = p + 1;
    while (i < end && text[i] != '`' && text[i] != '\n') ++i;
    if (i == p + 1 || i >= end || text[i] != '`') return std::nullopt;
    return i + 1;
}

bool is_scheme_char(char32_t c) { return is_ascii_alpha(c) || is_ascii_digit(c) || c == '+' || c == '.' || c == '-'; }
bool is_url_stop(char32_t c) { return is_space(c) || c == '<' || c == '>' || c == '"'; }
bool is_url_trailing(char32_t c) {
    switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case ')': case ']': case '\'': case 0x2019:
    case 0x201D:
        return true;
    default:
        return is_url_stop(c);
    }
}

// [^\s<>"]*[^\s<>".,;:!?)\]'’”] from `q`: the greedy run gives back characters until its last one may
// end the URL, so the match ends after the run's last character that is not trailing punctuation.
std::optional<size_t> match_url_tail(const Text &text, size_t q, size_t end) {
    std::optional<size_t> last;
    for (size_t i = q; i < end && !is_url_stop(text[i]); ++i)
        if (!is_url_trailing(text[i])) last = i + 1;
    return last;
}

// (?:(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://|www\.) then the tail; the alternatives in order.
// The scheme run is maximal: ':' is not a scheme character, so a shorter run cannot precede "://".
std::optional<size_t> match_url(const Text &text, size_t p, size_t end) {
    if ((p == 0 || !is_scheme_char(text[p - 1])) && is_ascii_alpha(text[p])) {
        size_t i = p + 1;
        while (i < end && is_scheme_char(text[i])) ++i;
        if (i + 3 <= end && text[i] == ':' && text[i + 1] == '/' && text[i + 2] == '/')
            if (auto e = match_url_tail(text, i + 3, end)) return e;
    }
    if (p + 4 <= end && text[p] == 'w' && text[p + 1] == 'w' && text[p + 2] == 'w' && text[p + 3] == '.')
        return match_url_tail(text, p + 4, end);
    return std::nullopt;
}

bool is_email_local(char32_t c) { return is_word(c) || c == '.' || c == '+' || c == '-'; }
bool is_email_label(char32_t c) { return is_word(c) || c == '-'; }

// (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+: every run is maximal ('@' and '.' end the runs before
// them, and a shorter label leaves a label character where '.' must follow); at least one dot-label.
std::optional<size_t> match_email(const Text &text, size_t p, size_t end) {
    if (p > 0 && is_email_local(text[p - 1])) return std::nullopt;
    size_t i = p;
    while (i < end && is_email_local(text[i])) ++i;
    if (i == p || i >= end || text[i] != '@') return std::nullopt;
    size_t j = i + 1;
    while (j < end && is_email_label(text[j])) ++j;
    if (j == i + 1) return std::nullopt;
    size_t labels = 0;
    while (j + 1 < end && text[j] == '.' && is_email_label(text[j + 1])) {
        j += 2;
        while (j < end && is_email_label(text[j])) ++j;
        ++labels;
    }
    if (labels == 0) return std::nullopt;
    return j;
}

// (?<![\w@#])[@#]\w+
std::optional<size_t> match_mention(const Text &text, size_t p, size_t end) {
    if (text[p] != '@' && text[p] != '#') return std::nullopt;
    if (p > 0 && (is_word(text[p - 1]) || text[p - 1] == '@' || text[p - 1] == '#')) return std::nullopt;
    size_t i = p + 1;
    while (i < end && is_word(text[i])) ++i;
    if (i == p + 1) return std::nullopt;
    return i;
}

// Case-insensitive letters as Python's re.IGNORECASE has them: 's' also matches U+017F LATIN SMALL
// LETTER LONG S and 'k' U+212A KELVIN SIGN (checked against re over every code point).
bool letter_is(char32_t c, char lower_case) {
    const auto l = static_cast<char32_t>(lower_case);
    if (c == l || c == l - 32) return true;
    return (lower_case == 's' && c == 0x017F) || (lower_case == 'k' && c == 0x212A);
}

bool is_sign(char32_t c) {
    return c == '$' || c == 0x20AC || c == 0x00A3 || c == 0x00A5 || c == '+' || c == '-';
}
bool is_number_separator(char32_t c) { return c == '.' || c == ',' || c == ':' || c == '/' || c == '-'; }

// (?<![\w.])[$€£¥+-]?\d+(?:[.,:/-]\d+)*(?:%|st|nd|rd|th|s|am|pm|k|m)?(?!\w), re.IGNORECASE.
// Digit runs are maximal (giving a digit back leaves a digit where a separator, a suffix or a non-word
// character must follow). What backtracks is the suffix (each alternative, then none) and the number
// of groups: with one group fewer the match ends before a separator, which is not \w.
std::optional<size_t> match_number(const Text &text, size_t p, size_t end) {
    if (p > 0 && (is_word(text[p - 1]) || text[p - 1] == '.')) return std::nullopt;
    size_t i = p;
    if (is_sign(text[i])) ++i;  // without the sign, \d would have to match the sign
    if (i >= end || !is_decimal(text[i])) return std::nullopt;
    while (i < end && is_decimal(text[i])) ++i;
    std::vector<size_t> group_ends{i};
    while (i + 1 < end && is_number_separator(text[i]) && is_decimal(text[i + 1])) {
        i += 2;
        while (i < end && is_decimal(text[i])) ++i;
        group_ends.push_back(i);
    }
    const auto free_after = [&](size_t e) { return e >= end || !is_word(text[e]); };
    const auto letters = [&](size_t e, const char *suffix) -> std::optional<size_t> {
        for (; *suffix; ++suffix, ++e)
            if (e >= end || !letter_is(text[e], *suffix)) return std::nullopt;
        return e;
    };
    const size_t e = group_ends.back();
    if (e < end && text[e] == '%' && free_after(e + 1)) return e + 1;
    for (const char *suffix : {"st", "nd", "rd", "th", "s", "am", "pm", "k", "m"})
        if (auto s = letters(e, suffix); s && free_after(*s)) return *s;
    if (free_after(e)) return e;
    if (group_ends.size() > 1) return group_ends[group_ends.size() - 2];
    return std::nullopt;
}

// finditer over [start, end), calling `found` with each match.
template <class F>
void find_all(const Text &text, size_t start, size_t end, Matcher matcher, F found) {
    size_t p = start;
    while (p < end) {
        if (auto e = matcher(text, p, end)) {
            found(p, *e);
            p = *e;  // the patterns never match the empty string
        } else {
            ++p;
        }
    }
}

bool is_word_char(char32_t c) {
    if (c == '_') return true;
    const char m = major_category(c);
    return m == 'L' || m == 'M' || m == 'N';
}

bool is_joiner(char32_t c) { return c == '\'' || c == 0x2019 || c == '-'; }

bool in_alphabet(char32_t c, const Alphabet &alphabet) {
    if (c < 0x80 && alphabet.count(c)) return true;  // the common case, and fold_char(c) is c then
    const Text folded = fold_char(c);
    return std::all_of(folded.begin(), folded.end(), [&](char32_t f) { return alphabet.count(f) != 0; });
}

bool is_removed(char32_t c) { return has_fold(c) && fold_char(c).empty(); }

// _word_end: word characters, joined by ' ’ - . when more follow.
size_t word_end(const Text &text, size_t i, size_t end) {
    size_t j = i;
    while (j < end) {
        const char32_t c = text[j];
        if (is_word_char(c) || ((is_joiner(c) || c == '.') && j + 1 < end && is_word_char(text[j + 1]) && j > i))
            ++j;
        else
            break;
    }
    return j;
}

}  // namespace

const char *kind_name(ProtectedKind kind) {
    switch (kind) {
    case ProtectedKind::code: return "code";
    case ProtectedKind::url: return "url";
    case ProtectedKind::email: return "email";
    case ProtectedKind::mention: return "mention";
    case ProtectedKind::number: return "number";
    case ProtectedKind::word: return "word";
    case ProtectedKind::symbol: return "symbol";
    }
    return "?";
}

std::vector<Protected> protected_spans(const Text &text, size_t start, size_t end, const Alphabet &alphabet) {
    end = std::min(end, text.size());
    if (start >= end) return {};
    std::vector<char> taken(end - start, 0);
    std::vector<Protected> spans;
    const auto any_taken = [&](size_t a, size_t b) {
        return std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(a - start),
                           taken.begin() + static_cast<std::ptrdiff_t>(b - start), [](char t) { return t != 0; });
    };
    const auto claim = [&](size_t a, size_t b, ProtectedKind kind) {
        if (a < b && !any_taken(a, b)) {
            std::fill(taken.begin() + static_cast<std::ptrdiff_t>(a - start),
                      taken.begin() + static_cast<std::ptrdiff_t>(b - start), 1);
            spans.push_back(Protected{a, b, kind});
        }
    };

    const std::pair<ProtectedKind, Matcher> patterns[] = {
        {ProtectedKind::code, match_code},
        {ProtectedKind::url, match_url},
        {ProtectedKind::email, match_email},
        {ProtectedKind::mention, match_mention},
        {ProtectedKind::number, match_number},
    };
    for (const auto &[kind, matcher] : patterns)
        find_all(text, start, end, matcher, [&, k = kind](size_t a, size_t b) { claim(a, b, k); });

    size_t i = start;
    while (i < end) {
        if (taken[i - start]) {
            ++i;
            continue;
        }
        const char32_t c = text[i];
        if (is_word_char(c)) {
            const size_t j = word_end(text, i, end);
            bool foreign = false;
            for (size_t k = i; k < j && !foreign; ++k) foreign = !taken[k - start] && !in_alphabet(text[k], alphabet);
            if (foreign && !any_taken(i, j)) claim(i, j, ProtectedKind::word);
            i = j;
        } else if (is_space(c) || in_alphabet(c, alphabet)) {
            ++i;
        } else {
            size_t j = i + 1;
            // One symbol run: emoji with their joiners, variation selectors and modifiers stay together.
            while (j < end && !taken[j - start] && !is_space(text[j]) &&
                   (!is_word_char(text[j]) || major_category(text[j]) == 'M') &&
                   (!in_alphabet(text[j], alphabet) || is_removed(text[j])))
                ++j;
            // A symbol inside a word ("and/or", "x*y", "a=b") makes the whole thing one protected word.
            if (i > start && j < end && is_word_char(text[i - 1]) && is_word_char(text[j])) {
                size_t a = i - 1;
                while (a > start && (is_word_char(text[a - 1]) || is_joiner(text[a - 1]))) --a;
                const size_t b = word_end(text, j, end);
                if (!any_taken(a, b)) {
                    claim(a, b, ProtectedKind::word);
                    i = b;
                    continue;
                }
            }
            claim(i, j, ProtectedKind::symbol);
            i = j;
        }
    }
    std::stable_sort(spans.begin(), spans.end(), [](const Protected &x, const Protected &y) { return x.start < y.start; });
    return spans;
}

}  // namespace edge_sdk
