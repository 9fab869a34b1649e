// Python 3.11's str semantics over UTF-32, from utf8proc's character data.
//
// Unicode versions: Python 3.11's unicodedata is Unicode 14.0; the utf8proc this is built against may be
// newer (Debian's 2.8.0 is Unicode 15.0). Characters assigned after Unicode 14 (Python: unassigned, Cn)
// therefore classify differently here (with 2.8.0: 4,489 code points, all unassigned for Python); they
// are the only difference, and the parity checks exclude them. Every property used here (isspace,
// isalpha, isalnum, \w, \d, category, lower, NFC, NFKC, the final-sigma context) was compared with
// Python over every code point 0..0x10FFFF.
#include "unicode.h"

#include <algorithm>
#include <utf8proc.h>

#include "errors.h"

namespace edge_sdk {

namespace {

const utf8proc_property_t *property(char32_t c) {
    return utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
}

utf8proc_propval_t category_of(char32_t c) { return property(c)->category; }

[[noreturn]] void invalid_utf8(const char *what, size_t offset, unsigned char byte) {
    static const char hex[] = "0123456789abcdef";
    std::string message = "text is not valid UTF-8: ";
    message += what;
    message += " 0x";
    message += hex[byte >> 4];
    message += hex[byte & 0xf];
    message += " at byte ";
    message += std::to_string(offset);
    throw InputError(message);
}

// DerivedCoreProperties' Case_Ignorable, which utf8proc does not carry: these categories plus the
// Word_Break classes MidLetter, MidNumLet and Single_Quote (UAX #29), listed here.
bool is_case_ignorable(char32_t c) {
    switch (category_of(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
        return true;
    default:
        break;
    }
    switch (c) {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387: case 0x055F: case 0x05F4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55:
    case 0xFF07: case 0xFF0E: case 0xFF1A:
        return true;
    default:
        return false;
    }
}

// DerivedCoreProperties' Cased, which utf8proc does not carry: Lu Ll Lt, characters with a case mapping
// (Other_Uppercase/Other_Lowercase letters such as Ⓐ and Roman numerals have one), and the
// Other_Lowercase/Other_Uppercase characters without a mapping that are not case-ignorable (the only
// ones Python's final-sigma rule can tell apart: it skips case-ignorable characters).
bool is_cased(char32_t c) {
    switch (category_of(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
        return true;
    default:
        break;
    }
    const auto u = static_cast<utf8proc_int32_t>(c);
    if (utf8proc_tolower(u) != u || utf8proc_toupper(u) != u || utf8proc_totitle(u) != u) return true;
    return c == 0x00AA || c == 0x00BA || (c >= 0x1F130 && c <= 0x1F149) || (c >= 0x1F150 && c <= 0x1F169) ||
           (c >= 0x1F170 && c <= 0x1F189);
}

// CPython's handle_capital_sigma: final when a cased letter precedes (skipping case-ignorable ones) and
// none follows.
bool final_sigma(TextView text, size_t i) {
    size_t j = i;
    while (j > 0 && is_case_ignorable(text[j - 1])) --j;
    if (j == 0 || !is_cased(text[j - 1])) return false;
    size_t k = i + 1;
    while (k < text.size() && is_case_ignorable(text[k])) ++k;
    return k == text.size() || !is_cased(text[k]);
}

Text normalize(TextView text, bool compat) {
    const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                        (compat ? UTF8PROC_COMPAT : 0));
    std::vector<utf8proc_int32_t> buffer;
    buffer.reserve(text.size() + 8);
    utf8proc_int32_t piece[32];
    for (char32_t c : text) {
        int boundclass = UTF8PROC_BOUNDCLASS_START;
        const utf8proc_ssize_t n =
            utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), piece, 32, options, &boundclass);
        if (n < 0 || n > 32) {
            // Python keeps what it cannot decompose (lone surrogates) as it is.
            buffer.push_back(static_cast<utf8proc_int32_t>(c));
        } else {
            buffer.insert(buffer.end(), piece, piece + n);
        }
    }
    // Canonical ordering: a stable sort by combining class of each run of non-starters. utf8proc's own
    // (in utf8proc_decompose) swaps neighbours and is quadratic on long runs of marks.
    const auto ccc = [](utf8proc_int32_t c) { return utf8proc_get_property(c)->combining_class; };
    for (size_t i = 0; i < buffer.size();) {
        if (ccc(buffer[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < buffer.size() && ccc(buffer[j]) != 0) ++j;
        if (j - i > 1)
            std::stable_sort(buffer.begin() + static_cast<std::ptrdiff_t>(i), buffer.begin() + static_cast<std::ptrdiff_t>(j),
                             [&](utf8proc_int32_t a, utf8proc_int32_t b) { return ccc(a) < ccc(b); });
        i = j;
    }
    const utf8proc_ssize_t n =
        buffer.empty() ? 0 : utf8proc_normalize_utf32(buffer.data(), static_cast<utf8proc_ssize_t>(buffer.size()), options);
    Text out;
    out.reserve(static_cast<size_t>(n));
    for (utf8proc_ssize_t i = 0; i < n; ++i) out.push_back(static_cast<char32_t>(buffer[static_cast<size_t>(i)]));
    return out;
}

}  // namespace

namespace {

// Decodes into `out` (when given) up to the first error, which it returns.
std::optional<Utf8Error> decode(std::string_view bytes, Text *out) {
    const size_t n = bytes.size();
    size_t i = 0;
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(bytes[i]);
        if (b0 < 0x80) {
            if (out != nullptr) out->push_back(b0);
            ++i;
            continue;
        }
        size_t length;
        char32_t c;
        // The range the second byte must be in (excludes overlongs, surrogates and > U+10FFFF), as in
        // CPython's decoder, which reports the same three kinds of error.
        unsigned char low = 0x80, high = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            c = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            c = b0 & 0x0F;
            if (b0 == 0xE0) low = 0xA0;
            if (b0 == 0xED) high = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            c = b0 & 0x07;
            if (b0 == 0xF0) low = 0x90;
            if (b0 == 0xF4) high = 0x8F;
        } else {
            return Utf8Error{i, 1, "invalid start byte"};
        }
        for (size_t k = 1; k < length; ++k) {
            if (i + k >= n) return Utf8Error{i, n - i, "unexpected end of data"};
            const auto b = static_cast<unsigned char>(bytes[i + k]);
            const unsigned char lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
            if (b < lo || b > hi) return Utf8Error{i, k, "invalid continuation byte"};
            c = (c << 6) | (b & 0x3F);
        }
        if (out != nullptr) out->push_back(c);
        i += length;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Utf8Error> find_utf8_error(std::string_view bytes) { return decode(bytes, nullptr); }

Text decode_utf8(std::string_view bytes) {
    Text out;
    out.reserve(bytes.size());
    if (const auto error = decode(bytes, &out)) {
        invalid_utf8(error->reason, error->offset, static_cast<unsigned char>(bytes[error->offset]));
    }
    return out;
}

std::string encode_utf8(TextView text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

bool is_space(char32_t c) {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    const utf8proc_property_t *p = property(c);
    return p->bidi_class == UTF8PROC_BIDI_CLASS_WS || p->bidi_class == UTF8PROC_BIDI_CLASS_B ||
           p->bidi_class == UTF8PROC_BIDI_CLASS_S || p->category == UTF8PROC_CATEGORY_ZS;
}

bool is_alpha(char32_t c) {
    if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    const auto k = category_of(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

bool is_alnum(char32_t c) {
    if (c < 0x80) return is_alpha(c) || (c >= '0' && c <= '9');
    // Python's isnumeric also holds for CJK ideographs with a Unihan numeric value (一, 万), which are
    // Lo and so alphabetic anyway: over Unicode 14, isalnum is exactly L* or N*.
    const auto k = category_of(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

bool is_word(char32_t c) { return c == '_' || is_alnum(c); }

bool is_decimal(char32_t c) {
    if (c < 0x80) return c >= '0' && c <= '9';
    return category_of(c) == UTF8PROC_CATEGORY_ND;
}

char major_category(char32_t c) { return utf8proc_category_string(static_cast<utf8proc_int32_t>(c))[0]; }

const char *category(char32_t c) { return utf8proc_category_string(static_cast<utf8proc_int32_t>(c)); }

Text nfc(TextView text) {
    // Most text is already NFC and ASCII: skip the work.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; })) return Text(text);
    return normalize(text, false);
}

Text nfkc(TextView text) {
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; })) return Text(text);
    return normalize(text, true);
}

Text lower(TextView text) {
    Text out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c < 0x80) {
            out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else if (c == 0x0130) {
            // SpecialCasing's only unconditional multi-character lower-case mapping.
            out.push_back(U'i');
            out.push_back(0x0307);
        } else if (c == 0x03A3) {
            out.push_back(final_sigma(text, i) ? 0x03C2 : 0x03C3);
        } else {
            out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
        }
    }
    return out;
}

TextView strip(TextView text) {
    size_t a = 0, b = text.size();
    while (a < b && is_space(text[a])) ++a;
    while (b > a && is_space(text[b - 1])) --b;
    return text.substr(a, b - a);
}

bool all_space(TextView text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char32_t c) { return is_space(c); });
}

Text normalize_text(TextView text) {
    const Text normal = nfc(text);
    Text out;
    out.reserve(normal.size());
    size_t i = 0;
    while (i < normal.size()) {
        while (i < normal.size() && is_space(normal[i])) ++i;
        if (i == normal.size()) break;
        if (!out.empty()) out.push_back(U' ');
        while (i < normal.size() && !is_space(normal[i])) out.push_back(normal[i++]);
    }
    return out;
}

std::vector<size_t> utf8_offsets(TextView text) {
    std::vector<size_t> out;
    out.reserve(text.size() + 1);
    size_t offset = 0;
    out.push_back(0);
    for (char32_t c : text) {
        offset += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        out.push_back(offset);
    }
    return out;
}

std::vector<size_t> utf16_offsets(TextView text) {
    std::vector<size_t> out;
    out.reserve(text.size() + 1);
    size_t offset = 0;
    out.push_back(0);
    for (char32_t c : text) {
        offset += c < 0x10000 ? 1 : 2;
        out.push_back(offset);
    }
    return out;
}

}  // namespace edge_sdk
