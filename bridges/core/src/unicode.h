// Unicode the way Python's str sees it, so every text rule reads the same in the core and in
// edge_sdk/text/ (docs/text-handling.md). Text is processed as UTF-32 (one element per code point,
// as Python indexes str); offsets are converted to UTF-8 / UTF-16 only at the C ABI.
// Character properties come from utf8proc, never hand-written tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edge_sdk {

using Text = std::u32string;
using TextView = std::u32string_view;

// Strict UTF-8 (no surrogates, no overlongs, <= U+10FFFF). Throws InputError
// "text is not valid UTF-8: <what> at byte <offset>".
Text decode_utf8(std::string_view bytes);

// The first error in `bytes` as CPython's UTF-8 decoder reports it: where it starts, how many bytes it
// refuses (its UnicodeDecodeError range) and why ("invalid start byte", "invalid continuation byte",
// "unexpected end of data"). One finder for every message that quotes Python's decoder.
struct Utf8Error {
    size_t offset, length;
    const char *reason;
};
std::optional<Utf8Error> find_utf8_error(std::string_view bytes);
std::string encode_utf8(TextView text);

// Python's predicates on one code point (str.isspace(), str.isalpha(), str.isalnum(), re's \w and \d).
bool is_space(char32_t c);    // Unicode White_Space as Python has it: bidi WS/B/S or category Zs
bool is_alpha(char32_t c);    // categories Lu Ll Lt Lm Lo
bool is_alnum(char32_t c);    // is_alpha or a numeric character (Nd, Nl, No and CJK numerals)
bool is_word(char32_t c);     // re's \w: is_alnum or '_'
bool is_decimal(char32_t c);  // re's \d: category Nd
// First letter of the general category ('L', 'M', 'N', 'P', 'S', 'Z', 'C'), as unicodedata.category()[0].
char major_category(char32_t c);
// The two-letter general category ("Lu", "Zs", "Cn" ...).
const char *category(char32_t c);

Text nfc(TextView text);
Text nfkc(TextView text);
// Python str.lower(): full lower-casing (U+0130 becomes "i\u0307"); Greek final sigma as Python does it.
Text lower(TextView text);
// Python str.strip() / lstrip() / rstrip() with no argument (is_space).
TextView strip(TextView text);
// `text` is only whitespace and not empty: Python's str.isspace() on a string.
bool all_space(TextView text);
// " ".join(nfc(text).split()): edge_sdk.generation.source.normalize_text.
Text normalize_text(TextView text);

// Offsets of a code-point index in the UTF-8 / UTF-16 encodings of `text` (index <= text.size()).
std::vector<size_t> utf8_offsets(TextView text);   // size text.size() + 1
std::vector<size_t> utf16_offsets(TextView text);  // size text.size() + 1

}  // namespace edge_sdk
