// load_bundle of edge_sdk/bundle/io.py in C++: the same checks, in the same order, so a bundle refused by
// one is refused by the other with the same first reason.
//
// Which messages equal Python's, byte for byte (given the same root string; checked by
// tests/test_bundle.cpp and by differential runs of both on thousands of tampered manifests):
//  - every message io.py writes itself: symlinked manifest, "is not a bundle", the expected digest ones,
//    "key 'x' appears twice in one object", "NaN is not JSON ...", "a JSON object is needed, not list",
//    "no schema_version", "schema_version '1' is not supported ...", "bundle file missing", the link /
//    folder / not-a-regular-file refusals, size and sha256 mismatches, and sha256_path's link refusal;
//  - "not valid JSON (...)": CPython's UnicodeDecodeError and json.JSONDecodeError texts, positions
//    included (PyJsonScanner re-does CPython 3.11's scanner), and its BOM refusal;
//  - the manifest model's own validator messages (manifest.py: file names, "cannot list itself", "at
//    least one artifact", "exactly one of tokenizer or projection", the generation/labels rules, the
//    token and projection problems, "listed more than once"), with Python's repr of values;
//  - the pydantic messages for missing fields, extra fields, wrong types, patterns, bounds, literals,
//    tuples, lists and dictionaries ("Field required", "Extra inputs are not permitted", "Input should
//    be a valid integer", "String should match pattern '^[0-9a-f]{64}$'", ...), their locations
//    ("artifacts.0.file"), their order (fields in declaration order, then extra keys) and the cut to 5,
//    with pydantic's lax coercions ("12" and 12.0 are integers, "yes" a boolean) accepted as Python does;
//  - assets.py's projection.json messages (settings that differ, missing or unknown fields, values
//    ProjectionSettings.__post_init__ refuses, Python's TypeError texts, JSON errors).
// Only the same shape, where this core is stricter than Python (edge-sdk build never writes these):
// integers outside 64 bits ("Input should be an integer that fits in 64 bits"; Python ints are
// unbounded, and nlohmann holds integers beyond 2^64 as floats, so Python's repr of them differs), lone
// surrogate escapes ("\ud800") and numbers beyond a double ("1e400"), which Python reads and nlohmann
// refuses (its reason in the parentheses), nesting deeper than kMaxDepth (Python: a RecursionError
// traceback near 1000), non-UTF-8 names inside a folder artifact and unreadable files (Python: a
// traceback), and a tokenizer that does not fit the manifest (refused by tokenizer.cpp, see open()).
#include "bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "errors.h"
#include "sha256.h"

namespace edge_sdk {
namespace {

using Json = nlohmann::ordered_json;

// Python's json module gives up near 1000 levels with a RecursionError (a traceback, not a BundleError);
// a manifest is 6 levels deep. The limit also bounds every recursion below (repr, comparisons).
constexpr int kMaxDepth = 256;

// ------------------------------------------------------------------------------------------------
// Python's repr, for the values messages quote.

// Python's repr of a float: the shortest digits that read back, fixed notation for exponents in
// [-4, 16), else d.ddde+XX.
std::string py_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    int precision = 1;
    for (; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    std::string s = buf;
    const bool negative = s[0] == '-';
    if (negative) s.erase(0, 1);
    const size_t e = s.find('e');
    std::string digits = s.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exponent = std::atoi(s.c_str() + e + 1);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    std::string out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
        } else {
            const auto point = static_cast<size_t>(exponent) + 1;
            if (digits.size() <= point) {
                out = digits + std::string(point - digits.size(), '0') + ".0";
            } else {
                out = digits.substr(0, point) + "." + digits.substr(point);
            }
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char ex[16];
        std::snprintf(ex, sizeof ex, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += ex;
    }
    return negative ? "-" + out : out;
}

void append_utf8(std::string &out, utf8proc_int32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char *>(buf), static_cast<size_t>(n));
}

// Python's repr of a str: single quotes unless only they occur, escapes for what str.isprintable refuses.
std::string py_str(const std::string &s) {
    const bool single = s.find('\'') != std::string::npos, dbl = s.find('"') != std::string::npos;
    const char quote = single && !dbl ? '"' : '\'';
    std::string out(1, quote);
    const auto *p = reinterpret_cast<const utf8proc_uint8_t *>(s.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0) {  // not UTF-8 (a caller-supplied digest): shown as Python shows surrogate escapes
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\udc%02x", static_cast<unsigned>(*p));
            out += buf;
            n = 1;
        } else if (cp == quote || cp == '\\') {
            out += '\\';
            out += static_cast<char>(cp);
        } else if (cp == '\t') {
            out += "\\t";
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else {
            const auto cat = utf8proc_category(cp);
            const bool printable = cp == ' ' || !(cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                                                  cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO ||
                                                  cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_ZL ||
                                                  cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_ZS);
            if (printable) {
                append_utf8(out, cp);
            } else {
                char buf[16];
                if (cp < 0x100) {
                    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
                } else if (cp < 0x10000) {
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
                } else {
                    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(cp));
                }
                out += buf;
            }
        }
        p += n;
        left -= n;
    }
    return out + quote;
}

std::string py_repr(const Json &j) {
    switch (j.type()) {
    case Json::value_t::null: return "None";
    case Json::value_t::boolean: return j.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer: return std::to_string(j.get<long long>());
    case Json::value_t::number_unsigned: return std::to_string(j.get<unsigned long long>());
    case Json::value_t::number_float: return py_float(j.get<double>());
    case Json::value_t::string: return py_str(j.get_ref<const std::string &>());
    case Json::value_t::array: {
        std::string out = "[";
        for (const Json &v : j) out += (out.size() > 1 ? ", " : "") + py_repr(v);
        return out + "]";
    }
    case Json::value_t::object: {
        std::string out = "{";
        for (const auto &[k, v] : j.items()) out += (out.size() > 1 ? ", " : "") + py_str(k) + ": " + py_repr(v);
        return out + "}";
    }
    default: return "<binary>";
    }
}

// str() of a JSON scalar as Python prints it in an f-string (only strings differ from repr).
std::string py_str_of(const Json &j) { return j.is_string() ? j.get<std::string>() : py_repr(j); }

std::string py_type(const Json &j) {
    switch (j.type()) {
    case Json::value_t::null: return "NoneType";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "int";
    case Json::value_t::number_float: return "float";
    case Json::value_t::string: return "str";
    case Json::value_t::array: return "list";
    case Json::value_t::object: return "dict";
    default: return "bytes";
    }
}

bool is_py_int(const Json &j) { return j.is_number_integer(); }  // int, never bool (nlohmann keeps them apart)

// Python's `a == b` for JSON values: numbers by value across int/float/bool, containers element-wise.
bool py_equal(const Json &a, const Json &b) {
    const bool an = a.is_number() || a.is_boolean(), bn = b.is_number() || b.is_boolean();
    if (an && bn) {
        auto as_exact = [](const Json &j, long long &i, unsigned long long &u, double &d) {
            // 0: signed integer in i, 1: unsigned beyond int64 in u, 2: float in d
            if (j.is_boolean()) {
                i = j.get<bool>() ? 1 : 0;
                return 0;
            }
            if (j.is_number_unsigned() && j.get<unsigned long long>() > 9223372036854775807ULL) {
                u = j.get<unsigned long long>();
                return 1;
            }
            if (j.is_number_integer()) {
                i = j.get<long long>();
                return 0;
            }
            d = j.get<double>();
            return 2;
        };
        long long ai = 0, bi = 0;
        unsigned long long au = 0, bu = 0;
        double ad = 0, bd = 0;
        const int ak = as_exact(a, ai, au, ad), bk = as_exact(b, bi, bu, bd);
        if (ak == 2 && bk == 2) return ad == bd;
        if (ak == 2 || bk == 2) {  // int vs float: exact, as Python compares them
            const double d = ak == 2 ? ad : bd;
            const int k = ak == 2 ? bk : ak;
            if (!std::isfinite(d) || d != std::floor(d)) return false;
            if (k == 1) return d == static_cast<double>(ak == 2 ? bu : au) &&
                               d >= 9223372036854775808.0 && d < 18446744073709551616.0 &&
                               static_cast<unsigned long long>(d) == (ak == 2 ? bu : au);
            if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
            return static_cast<long long>(d) == (ak == 2 ? bi : ai);
        }
        if (ak == 1 || bk == 1) return ak == bk && au == bu;
        return ai == bi;
    }
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!py_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (const auto &[k, v] : a.items()) {
            const auto it = b.find(k);
            if (it == b.end() || !py_equal(v, *it)) return false;
        }
        return true;
    }
    return a == b;
}

// ------------------------------------------------------------------------------------------------
// Bytes to JSON, refusing what io.py refuses.

// CPython's UTF-8 decoder, for its error text: "'utf-8' codec can't decode byte 0xff in position 0:
// invalid start byte" (range and reason computed as Objects/stringlib/codecs.h does).
std::optional<std::string> utf8_error(const std::string &s) {
    const size_t end = s.size();
    auto cont = [&](size_t i) { return (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    size_t i = 0;
    while (i < end) {
        const unsigned char c = byte(i);
        const char *reason = nullptr;
        size_t bad = 1;  // bytes in the refused range
        if (c < 0x80) {
            ++i;
            continue;
        }
        const size_t left = end - i;
        if (c < 0xC2) {
            reason = "invalid start byte";
        } else if (c < 0xE0) {
            if (left < 2) {
                reason = "unexpected end of data", bad = left;
            } else if (!cont(i + 1)) {
                reason = "invalid continuation byte";
            } else {
                i += 2;
                continue;
            }
        } else if (c < 0xF0) {
            auto bad2 = [&](unsigned char c2) { return (c2 & 0xC0) != 0x80 || (c2 < 0xA0 ? c == 0xE0 : c == 0xED); };
            if (left < 3) {
                if (left >= 2 && bad2(byte(i + 1))) {
                    reason = "invalid continuation byte";
                } else {
                    reason = "unexpected end of data", bad = left;
                }
            } else if (bad2(byte(i + 1))) {
                reason = "invalid continuation byte";
            } else if (!cont(i + 2)) {
                reason = "invalid continuation byte", bad = 2;
            } else {
                i += 3;
                continue;
            }
        } else if (c < 0xF5) {
            auto bad2 = [&](unsigned char c2) { return (c2 & 0xC0) != 0x80 || (c2 < 0x90 ? c == 0xF0 : c == 0xF4); };
            if (left < 4) {
                if (left >= 2 && bad2(byte(i + 1))) {
                    reason = "invalid continuation byte";
                } else if (left >= 3 && !cont(i + 2)) {
                    reason = "invalid continuation byte", bad = 2;
                } else {
                    reason = "unexpected end of data", bad = left;
                }
            } else if (bad2(byte(i + 1))) {
                reason = "invalid continuation byte";
            } else if (!cont(i + 2)) {
                reason = "invalid continuation byte", bad = 2;
            } else if (!cont(i + 3)) {
                reason = "invalid continuation byte", bad = 3;
            } else {
                i += 4;
                continue;
            }
        } else {
            reason = "invalid start byte";
        }
        char buf[160];
        if (bad == 1) {
            std::snprintf(buf, sizeof buf, "'utf-8' codec can't decode byte 0x%02x in position %zu: %s", c, i, reason);
        } else {
            std::snprintf(buf, sizeof buf, "'utf-8' codec can't decode bytes in position %zu-%zu: %s", i,
                          i + bad - 1, reason);
        }
        return std::string(buf);
    }
    return std::nullopt;
}

struct RepeatedKey {
    std::string key;
};
struct Constant {
    const char *name;
};
struct TooDeep {};
struct SyntaxError {
    std::string message;
};

std::string to_utf8(const std::u32string &s) {
    std::string out;
    for (const char32_t c : s) {
        if (c >= 0xD800 && c <= 0xDFFF) {  // a lone surrogate from "\ud800": kept distinct, as Python keeps it
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            append_utf8(out, static_cast<utf8proc_int32_t>(c));
        }
    }
    return out;
}

// CPython 3.11's json scanner (Modules/_json.c and json/decoder.py) re-done over code points, so a
// document is refused where Python refuses it, with Python's message and position ("Expecting ','
// delimiter: line 3 column 5 (char 17)"), and with io.py's hooks: NaN/Infinity refused where a value
// starts, repeated keys when their object closes (innermost first, the smallest key named).
class PyJsonScanner {
public:
    PyJsonScanner(const std::string &utf8, bool io_hooks) : hooks_(io_hooks) {
        const auto *p = reinterpret_cast<const utf8proc_uint8_t *>(utf8.data());
        utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
        while (left > 0) {  // already validated: every step decodes
            utf8proc_int32_t cp = 0;
            const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
            if (n <= 0) break;
            s_.push_back(static_cast<char32_t>(cp));
            p += n;
            left -= n;
        }
    }

    void scan() {
        size_t i = skip_ws(0);
        i = skip_ws(value(i, 0));
        if (i != s_.size()) fail("Extra data", i);
    }

private:
    [[noreturn]] void fail(const char *msg, size_t pos) const {
        size_t line = 1, last_newline = std::string::npos;
        for (size_t k = 0; k < pos && k < s_.size(); ++k)
            if (s_[k] == '\n') ++line, last_newline = k;
        const size_t column = last_newline == std::string::npos ? pos + 1 : pos - last_newline;
        throw SyntaxError{std::string(msg) + ": line " + std::to_string(line) + " column " + std::to_string(column) +
                          " (char " + std::to_string(pos) + ")"};
    }
    bool at(size_t i, char32_t c) const { return i < s_.size() && s_[i] == c; }
    bool word(size_t i, const char *w) const {
        for (size_t k = 0; w[k]; ++k)
            if (!at(i + k, static_cast<unsigned char>(w[k]))) return false;
        return true;
    }
    bool digit(size_t i) const { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; }
    size_t skip_ws(size_t i) const {
        while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t' || s_[i] == '\n' || s_[i] == '\r')) ++i;
        return i;
    }

    size_t value(size_t i, int depth) {
        if (i >= s_.size()) fail("Expecting value", i);
        switch (s_[i]) {
        case '"': return string(i + 1, nullptr);
        case '{': return object(i + 1, depth + 1);
        case '[': return array(i + 1, depth + 1);
        case 'n':
            if (word(i, "null")) return i + 4;
            break;
        case 't':
            if (word(i, "true")) return i + 4;
            break;
        case 'f':
            if (word(i, "false")) return i + 5;
            break;
        case 'N':
            if (word(i, "NaN")) return constant("NaN", i + 3);
            break;
        case 'I':
            if (word(i, "Infinity")) return constant("Infinity", i + 8);
            break;
        case '-':
            if (word(i, "-Infinity")) return constant("-Infinity", i + 9);
            break;
        default: break;
        }
        return number(i);
    }

    size_t constant(const char *name, size_t end) const {
        if (hooks_) throw Constant{name};
        return end;
    }

    size_t number(size_t start) {
        const size_t end_idx = s_.size() - 1;  // s_ is non-empty here
        size_t i = start;
        if (s_[i] == '-') {
            ++i;
            if (i > end_idx) fail("Expecting value", start);
        }
        if (s_[i] >= '1' && s_[i] <= '9') {
            ++i;
            while (digit(i)) ++i;
        } else if (s_[i] == '0') {
            ++i;
        } else {
            fail("Expecting value", start);
        }
        if (i < end_idx && s_[i] == '.' && digit(i + 1)) {
            i += 2;
            while (digit(i)) ++i;
        }
        if (i < end_idx && (s_[i] == 'e' || s_[i] == 'E')) {
            const size_t e_start = i++;
            if (i < end_idx && (s_[i] == '-' || s_[i] == '+')) ++i;
            while (digit(i)) ++i;
            if (!digit(i - 1)) i = e_start;  // no exponent digits: the number ends before the 'e'
        }
        return i;
    }

    static int hex(char32_t c) {
        if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
        return -1;
    }

    // From just after the opening quote; returns the index after the closing one.
    size_t string(size_t end, std::u32string *decoded) {
        const size_t begin = end - 1, len = s_.size();
        for (;;) {
            size_t next = end;
            char32_t c = 0;
            for (; next < len; ++next) {
                c = s_[next];
                if (c == '"' || c == '\\') break;
                if (c <= 0x1f) fail("Invalid control character at", next);
            }
            if (decoded) decoded->append(s_, end, next - end);
            if (next < len && c == '"') return next + 1;
            if (next == len) fail("Unterminated string starting at", begin);
            ++next;  // past the backslash
            if (next == len) fail("Unterminated string starting at", begin);
            c = s_[next];
            if (c != 'u') {
                end = next + 1;
                char32_t out = 0;
                switch (c) {
                case '"': out = '"'; break;
                case '\\': out = '\\'; break;
                case '/': out = '/'; break;
                case 'b': out = '\b'; break;
                case 'f': out = '\f'; break;
                case 'n': out = '\n'; break;
                case 'r': out = '\r'; break;
                case 't': out = '\t'; break;
                default: fail("Invalid \\escape", end - 2);
                }
                if (decoded) decoded->push_back(out);
                continue;
            }
            ++next;
            end = next + 4;
            if (end >= len) fail("Invalid \\uXXXX escape", next - 1);
            char32_t cp = 0;
            for (; next < end; ++next) {
                const int h = hex(s_[next]);
                if (h < 0) fail("Invalid \\uXXXX escape", end - 5);
                cp = (cp << 4) | static_cast<char32_t>(h);
            }
            if (cp >= 0xD800 && cp <= 0xDBFF && end + 6 < len && s_[next] == '\\' && s_[next + 1] == 'u') {
                next += 2;
                end += 6;
                char32_t low = 0;
                for (; next < end; ++next) {
                    const int h = hex(s_[next]);
                    if (h < 0) fail("Invalid \\uXXXX escape", end - 5);
                    low = (low << 4) | static_cast<char32_t>(h);
                }
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + (((cp - 0xD800) << 10) | (low - 0xDC00));
                } else {
                    end -= 6;  // not a pair: the second escape is read on its own
                }
            }
            if (decoded) decoded->push_back(cp);
        }
    }

    size_t object(size_t i, int depth) {
        if (depth > kMaxDepth) throw TooDeep{};
        const size_t end_idx = s_.size() - 1;
        std::set<std::u32string> seen, repeated;
        i = skip_ws(i);
        if (i > end_idx || s_[i] != '}') {
            for (;;) {
                if (i > end_idx || s_[i] != '"') fail("Expecting property name enclosed in double quotes", i);
                std::u32string key;
                i = skip_ws(string(i + 1, &key));
                if (!seen.insert(key).second) repeated.insert(key);
                if (i > end_idx || s_[i] != ':') fail("Expecting ':' delimiter", i);
                i = skip_ws(value(skip_ws(i + 1), depth));
                if (i <= end_idx && s_[i] == '}') break;
                if (i > end_idx || s_[i] != ',') fail("Expecting ',' delimiter", i);
                i = skip_ws(i + 1);
            }
        }
        if (hooks_ && !repeated.empty()) throw RepeatedKey{to_utf8(*repeated.begin())};
        return i + 1;
    }

    size_t array(size_t i, int depth) {
        if (depth > kMaxDepth) throw TooDeep{};
        const size_t end_idx = s_.size() - 1;
        i = skip_ws(i);
        if (i > end_idx || s_[i] != ']') {
            for (;;) {
                i = skip_ws(value(i, depth));
                if (i <= end_idx && s_[i] == ']') break;
                if (i > end_idx || s_[i] != ',') fail("Expecting ',' delimiter", i);
                i = skip_ws(i + 1);
            }
        }
        return i + 1;
    }

    std::u32string s_;
    bool hooks_;
};

// json.loads(bytes.decode("utf-8")) as Python runs it, then nlohmann for the value. `io_hooks`: io.py's
// object_pairs_hook and parse_constant. The reason in parentheses is Python's, except for the two things
// Python reads and nlohmann cannot hold (a lone surrogate escape, a number beyond a double), refused
// with nlohmann's reason.
Json python_json(const std::string &bytes, bool io_hooks) {
    if (const auto bad = utf8_error(bytes)) throw SyntaxError{*bad};
    if (bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)  // nlohmann would skip a BOM; Python's json refuses it
        throw SyntaxError{"Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"};
    PyJsonScanner(bytes, io_hooks).scan();
    try {
        return Json::parse(bytes);
    } catch (const nlohmann::json::exception &err) {
        throw SyntaxError{err.what()};
    }
}

Json parse_json(const std::string &bytes, const std::string &where) {
    try {
        return python_json(bytes, true);
    } catch (const SyntaxError &err) {
        throw BundleError(where + ": not valid JSON (" + err.message + ")");
    } catch (const RepeatedKey &r) {
        throw BundleError(where + ": key " + py_str(r.key) + " appears twice in one object");
    } catch (const Constant &c) {
        throw BundleError(where + ": " + c.name + " is not JSON (not a number a manifest can hold)");
    } catch (const TooDeep &) {
        // Python gives up with a RecursionError near 1000 levels (a traceback, not a BundleError).
        throw BundleError(where + ": not valid JSON (nested deeper than " + std::to_string(kMaxDepth) + " levels)");
    }
}

// ------------------------------------------------------------------------------------------------
// The pydantic model of manifest.py, lax mode as model_validate runs it on a dict: errors collected
// per field in declaration order, then extra keys, each "<loc>: <msg>".

struct Problems {
    std::vector<std::string> list;
    void add(const std::string &loc, const std::string &msg) { list.push_back(loc.empty() ? msg : loc + ": " + msg); }
    size_t count() const { return list.size(); }
};

std::string at(const std::string &loc, const std::string &key) { return loc.empty() ? key : loc + "." + key; }
std::string at(const std::string &loc, size_t i) { return at(loc, std::to_string(i)); }

std::string trim_ascii(const std::string &s) {
    const char *ws = " \t\n\r\v\f";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Digits with single underscores between them (Python's int() / pydantic-core's string rules).
bool digits_with_underscores(const std::string &s, size_t b, size_t e) {
    if (b >= e) return false;
    for (size_t i = b; i < e; ++i) {
        if (s[i] == '_') {
            if (i == b || i + 1 == e || s[i + 1] == '_' || s[i - 1] == '_') return false;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

constexpr const char *kIntType = "Input should be a valid integer";
constexpr const char *kIntParsing = "Input should be a valid integer, unable to parse string as an integer";
constexpr const char *kIntFraction = "Input should be a valid integer, got a number with a fractional part";
constexpr const char *kIntSize = "Unable to parse input string as an integer, exceeded maximum size";
// Python ints have no bound; this core reads 64-bit ones (a manifest's sizes and ids are far below).
constexpr const char *kIntRange = "Input should be an integer that fits in 64 bits (this edge-sdk core's limit)";

std::optional<long long> v_int(const Json *j, const std::string &loc, Problems &p) {
    switch (j->type()) {
    case Json::value_t::number_integer: return j->get<long long>();
    case Json::value_t::number_unsigned:
        if (j->get<unsigned long long>() <= 9223372036854775807ULL) return j->get<long long>();
        p.add(loc, kIntRange);
        return std::nullopt;
    case Json::value_t::boolean: return j->get<bool>() ? 1 : 0;
    case Json::value_t::number_float: {
        const double d = j->get<double>();
        if (!std::isfinite(d)) {
            p.add(loc, "Input should be a finite number");
        } else if (d != std::floor(d)) {
            p.add(loc, kIntFraction);
        } else if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
            p.add(loc, kIntSize);
        } else {
            return static_cast<long long>(d);
        }
        return std::nullopt;
    }
    case Json::value_t::string: {
        std::string s = trim_ascii(j->get<std::string>());
        size_t b = 0, e = s.size();
        if (b < e && (s[b] == '+' || s[b] == '-')) ++b;
        const size_t dot = s.find('.', b);
        if (dot != std::string::npos) {  // "1.00" is an integer to pydantic, "1." and "1.5" are not
            if (dot + 1 == e || s.find_first_not_of('0', dot + 1) != std::string::npos) {
                p.add(loc, kIntParsing);
                return std::nullopt;
            }
            e = dot;
        }
        if (!digits_with_underscores(s, b, e)) {
            p.add(loc, kIntParsing);
            return std::nullopt;
        }
        std::string digits = s.substr(0, e);
        digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
        errno = 0;
        char *stop = nullptr;
        const long long v = std::strtoll(digits.c_str(), &stop, 10);
        if (errno == ERANGE) {
            p.add(loc, kIntRange);
            return std::nullopt;
        }
        return v;
    }
    default: p.add(loc, kIntType); return std::nullopt;
    }
}

std::optional<long long> v_int_ge(const Json *j, const std::string &loc, long long ge, Problems &p) {
    const auto v = v_int(j, loc, p);
    if (v && *v < ge) {
        p.add(loc, "Input should be greater than or equal to " + std::to_string(ge));
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> v_str(const Json *j, const std::string &loc, Problems &p) {
    if (j->is_string()) return j->get<std::string>();
    p.add(loc, "Input should be a valid string");
    return std::nullopt;
}

bool plain_name(const std::string &s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

bool hex64(const std::string &s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<bool> v_bool(const Json *j, const std::string &loc, Problems &p) {
    constexpr const char *parsing = "Input should be a valid boolean, unable to interpret input";
    switch (j->type()) {
    case Json::value_t::boolean: return j->get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:  // nlohmann's type for every non-negative integer
        if (*j == 0 || *j == 1) return *j == 1;
        // Beyond int64 (pydantic-core's i64) it is not an int pydantic interprets at all.
        if (j->is_number_unsigned() && j->get<unsigned long long>() > 9223372036854775807ULL) break;
        p.add(loc, parsing);
        return std::nullopt;
    case Json::value_t::number_float: {
        // pydantic-core reads an integral float inside int64 as that int, anything else as no bool at all.
        const double d = j->get<double>();
        if (d == 0.0 || d == 1.0) return d == 1.0;
        if (d == std::floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            p.add(loc, parsing);
            return std::nullopt;
        }
        break;
    }
    case Json::value_t::string: {
        std::string s = j->get<std::string>();
        std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
        for (const char *t : {"1", "on", "t", "true", "y", "yes"})
            if (s == t) return true;
        for (const char *f : {"0", "off", "f", "false", "n", "no"})
            if (s == f) return false;
        p.add(loc, parsing);
        return std::nullopt;
    }
    default: break;
    }
    p.add(loc, "Input should be a valid boolean");
    return std::nullopt;
}

bool v_float(const Json *j, const std::string &loc, Problems &p) {
    if (j->is_number() || j->is_boolean()) return true;
    if (j->is_string()) {
        std::string s = trim_ascii(j->get<std::string>());
        std::string lower = s;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
        const size_t sign = !lower.empty() && (lower[0] == '+' || lower[0] == '-') ? 1 : 0;
        const std::string word = lower.substr(sign);
        if (word == "inf" || word == "infinity" || word == "nan") return true;
        bool ok = !s.empty() && lower.find('x') == std::string::npos && lower.find("inf") == std::string::npos &&
                  lower.find("nan") == std::string::npos;
        for (size_t i = 0; ok && i < s.size(); ++i)
            if (s[i] == '_')
                ok = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                     std::isdigit(static_cast<unsigned char>(s[i + 1]));
        if (ok) {
            s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
            char *stop = nullptr;
            std::strtod(s.c_str(), &stop);
            if (stop == s.c_str() + s.size()) return true;
        }
        p.add(loc, "Input should be a valid number, unable to parse string as a number");
        return false;
    }
    p.add(loc, "Input should be a valid number");
    return false;
}

std::optional<std::string> v_literal(const Json *j, const std::string &loc, const std::vector<std::string> &options,
                                     Problems &p) {
    if (j->is_string() && std::find(options.begin(), options.end(), j->get<std::string>()) != options.end())
        return j->get<std::string>();
    std::string expected;
    for (size_t i = 0; i < options.size(); ++i)
        expected += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + py_str(options[i]);
    p.add(loc, "Input should be " + expected);
    return std::nullopt;
}

bool v_list(const Json *j, const std::string &loc, Problems &p) {
    if (j->is_array()) return true;
    p.add(loc, "Input should be a valid list");
    return false;
}

bool v_dict(const Json *j, const std::string &loc, Problems &p) {
    if (j->is_object()) return true;
    p.add(loc, "Input should be a valid dictionary");
    return false;
}

// One pydantic model with extra="forbid": fields are looked up in declaration order, then every key
// that is not a field is an error.
class Model {
public:
    Model(const Json &j, std::string loc, const char *name, Problems &p) : j_(j), loc_(std::move(loc)), p_(p) {
        ok_ = j.is_object();
        if (!ok_) p.add(loc_, std::string("Input should be a valid dictionary or instance of ") + name);
    }
    bool ok() const { return ok_; }
    std::string loc(const char *field) const { return at(loc_, field); }
    // nullptr when absent (and then "Field required" if it has no default).
    const Json *get(const char *field, bool required = true) {
        fields_.insert(field);
        const auto it = j_.find(field);
        if (it == j_.end()) {
            if (required) p_.add(loc(field), "Field required");
            return nullptr;
        }
        return &*it;
    }
    void finish() {
        for (const auto &[key, value] : j_.items())
            if (!fields_.count(key)) p_.add(at(loc_, key), "Extra inputs are not permitted");
    }

private:
    const Json &j_;
    std::string loc_;
    Problems &p_;
    bool ok_ = false;
    std::set<std::string> fields_;
};

template <class F> void set_if(std::optional<F> v, F &out) {
    if (v) out = std::move(*v);
}

void v_fileref_fields(Model &m, FileRef &ref, Problems &p) {
    if (const Json *j = m.get("file")) {
        if (const auto s = v_str(j, m.loc("file"), p)) {
            if (!plain_name(*s)) {
                p.add(m.loc("file"), "String should match pattern '^[A-Za-z0-9._-]+$'");
            } else if ((*s)[0] == '.') {
                p.add(m.loc("file"), "file name " + py_str(*s) +
                                         " is refused: a bundle file name is a plain name that does not start "
                                         "with a dot (no `.`, `..` or hidden files)");
            } else if (*s == MANIFEST_NAME) {
                p.add(m.loc("file"), std::string(MANIFEST_NAME) + " cannot list itself");
            } else {
                ref.file = *s;
            }
        }
    }
    if (const Json *j = m.get("sha256")) {
        if (const auto s = v_str(j, m.loc("sha256"), p)) {
            if (hex64(*s)) {
                ref.sha256 = *s;
            } else {
                p.add(m.loc("sha256"), "String should match pattern '^[0-9a-f]{64}$'");
            }
        }
    }
    if (const Json *j = m.get("size_bytes"))
        if (const auto v = v_int_ge(j, m.loc("size_bytes"), 0, p)) ref.size_bytes = static_cast<unsigned long long>(*v);
}

std::optional<FileRef> v_fileref(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "FileRef", p);
    if (!m.ok()) return std::nullopt;
    FileRef ref;
    v_fileref_fields(m, ref, p);
    m.finish();
    return p.count() == before ? std::optional<FileRef>(ref) : std::nullopt;
}

void v_tensor(const Json *j, const std::string &loc, Problems &p) {
    Model m(*j, loc, "TensorSignature", p);
    if (!m.ok()) return;
    if (const Json *v = m.get("name")) v_str(v, m.loc("name"), p);
    if (const Json *v = m.get("dtype")) v_literal(v, m.loc("dtype"), {"float32", "float16", "int64", "int32", "bool"}, p);
    if (const Json *v = m.get("shape"); v && v_list(v, m.loc("shape"), p)) {
        for (size_t i = 0; i < v->size(); ++i) {
            // int | str in smart mode: an exact str or int wins, else int's lax rules; both errors otherwise.
            const Json &item = (*v)[i];
            if (item.is_string()) continue;
            Problems as_int;
            if (v_int(&item, at(at(m.loc("shape"), i), "int"), as_int)) continue;
            p.list.push_back(as_int.list[0]);
            p.add(at(at(m.loc("shape"), i), "str"), "Input should be a valid string");
        }
    }
    if (const Json *v = m.get("pad_value", false); v && !v->is_null()) v_float(v, m.loc("pad_value"), p);
    if (const Json *v = m.get("feeds", false); v && !v->is_null()) v_str(v, m.loc("feeds"), p);
    m.finish();
}

std::optional<std::string> v_method(const Json *j, const std::string &loc, Problems &p) {
    Model m(*j, loc, "MethodSignature", p);
    if (!m.ok()) return std::nullopt;
    std::optional<std::string> name;
    if (const Json *v = m.get("name")) name = v_str(v, m.loc("name"), p);
    for (const char *side : {"inputs", "outputs"})
        if (const Json *v = m.get(side); v && v_list(v, m.loc(side), p))
            for (size_t i = 0; i < v->size(); ++i) v_tensor(&(*v)[i], at(m.loc(side), i), p);
    if (const Json *v = m.get("dims", false); v && v_dict(v, m.loc("dims"), p)) {
        for (const auto &[key, bounds] : v->items()) {
            const std::string where = at(m.loc("dims"), key);
            if (!bounds.is_array()) {
                p.add(where, "Input should be a valid tuple");
            } else if (bounds.size() > 2) {
                p.add(where, "Tuple should have at most 2 items after validation, not " + std::to_string(bounds.size()));
            } else {
                for (size_t i = 0; i < 2; ++i) {
                    if (i < bounds.size()) {
                        v_int(&bounds[i], at(where, i), p);
                    } else {
                        p.add(at(where, i), "Field required");
                    }
                }
            }
        }
    }
    m.finish();
    return name;
}

std::optional<Artifact> v_artifact(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "Artifact", p);
    if (!m.ok()) return std::nullopt;
    Artifact a;
    v_fileref_fields(m, a, p);
    if (const Json *v = m.get("backend")) set_if(v_str(v, m.loc("backend"), p), a.backend);
    if (const Json *v = m.get("quantization")) set_if(v_str(v, m.loc("quantization"), p), a.quantization);
    if (const Json *v = m.get("methods"); v && v_list(v, m.loc("methods"), p))
        for (size_t i = 0; i < v->size(); ++i)
            if (auto name = v_method(&(*v)[i], at(m.loc("methods"), i), p)) a.methods.push_back(std::move(*name));
    m.finish();
    return p.count() == before ? std::optional<Artifact>(std::move(a)) : std::nullopt;
}

std::optional<TokenizerSpec> v_tokenizer(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "TokenizerSpec", p);
    if (!m.ok()) return std::nullopt;
    TokenizerSpec t;
    v_fileref_fields(m, t, p);
    if (const Json *v = m.get("type", false)) v_literal(v, m.loc("type"), {"sentencepiece"}, p);
    if (const Json *v = m.get("vocab_size")) set_if(v_int_ge(v, m.loc("vocab_size"), 1, p), t.vocab_size);
    if (const Json *v = m.get("bos_id")) set_if(v_int(v, m.loc("bos_id"), p), t.bos_id);
    if (const Json *v = m.get("pad_id")) set_if(v_int(v, m.loc("pad_id"), p), t.pad_id);
    if (const Json *v = m.get("eos_id")) set_if(v_int(v, m.loc("eos_id"), p), t.eos_id);
    if (const Json *v = m.get("unk_id")) set_if(v_int(v, m.loc("unk_id"), p), t.unk_id);
    if (const Json *v = m.get("append_eos_to_source", false))
        set_if(v_bool(v, m.loc("append_eos_to_source"), p), t.append_eos_to_source);
    m.finish();
    return p.count() == before ? std::optional<TokenizerSpec>(std::move(t)) : std::nullopt;
}

std::optional<ProjectionSpec> v_projection(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "ProjectionSpec", p);
    if (!m.ok()) return std::nullopt;
    ProjectionSpec s;
    v_fileref_fields(m, s, p);
    if (const Json *v = m.get("type", false)) v_literal(v, m.loc("type"), {"lsh"}, p);
    if (const Json *v = m.get("version")) set_if(v_str(v, m.loc("version"), p), s.version);
    if (const Json *v = m.get("features")) set_if(v_int(v, m.loc("features"), p), s.features);
    if (const Json *v = m.get("seed")) set_if(v_int(v, m.loc("seed"), p), s.seed);
    if (const Json *v = m.get("max_words")) set_if(v_int(v, m.loc("max_words"), p), s.max_words);
    if (const Json *v = m.get("char_ngrams", false); v && v_list(v, m.loc("char_ngrams"), p))
        for (size_t i = 0; i < v->size(); ++i)
            if (const auto n = v_int(&(*v)[i], at(m.loc("char_ngrams"), i), p)) s.char_ngrams.push_back(*n);
    m.finish();
    return p.count() == before ? std::optional<ProjectionSpec>(std::move(s)) : std::nullopt;
}

std::optional<GenerationSettings> v_generation(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "GenerationSettings", p);
    if (!m.ok()) return std::nullopt;
    GenerationSettings g;
    if (const Json *v = m.get("strategy", false)) v_literal(v, m.loc("strategy"), {"greedy"}, p);
    if (const Json *v = m.get("decoder_start_id")) set_if(v_int(v, m.loc("decoder_start_id"), p), g.decoder_start_id);
    if (const Json *v = m.get("eos_id")) set_if(v_int(v, m.loc("eos_id"), p), g.eos_id);
    if (const Json *v = m.get("max_source_len")) set_if(v_int_ge(v, m.loc("max_source_len"), 2, p), g.max_source_len);
    if (const Json *v = m.get("max_target_len")) set_if(v_int_ge(v, m.loc("max_target_len"), 1, p), g.max_target_len);
    m.finish();
    return p.count() == before ? std::optional<GenerationSettings>(g) : std::nullopt;
}

void v_provenance(const Json *j, const std::string &loc, Problems &p) {
    Model m(*j, loc, "Provenance", p);
    if (!m.ok()) return;
    for (const char *field : {"sdk_version", "created_at", "config_sha256"})
        if (const Json *v = m.get(field)) v_str(v, m.loc(field), p);
    if (const Json *v = m.get("weights_sha256"); v && !v->is_null()) v_str(v, m.loc("weights_sha256"), p);
    if (const Json *v = m.get("python")) v_str(v, m.loc("python"), p);
    if (const Json *v = m.get("packages"); v && v_dict(v, m.loc("packages"), p))
        for (const auto &[key, value] : v->items()) v_str(&value, at(m.loc("packages"), key), p);
    m.finish();
}

// Python's `a < b`-style comparisons of a manifest int with an architecture int (Python ints are
// unbounded; nlohmann holds those above int64 as unsigned, and they exceed every long long).
int compare(long long a, const Json &b) {
    if (b.is_number_unsigned() && b.get<unsigned long long>() > 9223372036854775807ULL) return -1;
    const long long v = b.get<long long>();
    return a < v ? -1 : a > v ? 1 : 0;
}

// manifest.py's _consistent and its _token_problems / _projection_problems, message for message.
std::optional<std::string> model_rules(const Manifest &m, const Json &arch) {
    if (m.tokenizer.has_value() == m.projection.has_value())
        return std::string("a manifest has exactly one of tokenizer or projection");
    if (m.tokenizer && !m.generation) return std::string("a tokenizer-input (seq2seq) manifest needs generation settings");
    if (m.projection && (!m.labels || m.labels->empty())) return std::string("a classification manifest needs labels");
    std::vector<std::string> problems;
    auto arch_get = [&](const char *name) -> const Json * {
        const auto it = arch.find(name);
        return it == arch.end() ? nullptr : &*it;
    };
    static const Json none;
    if (m.tokenizer) {
        const TokenizerSpec &tok = *m.tokenizer;
        const GenerationSettings &gen = *m.generation;
        const Json *vocab_json = arch_get("vocab_size");
        Json vocab;  // what the generation ids are checked against
        if (!vocab_json || !is_py_int(*vocab_json) || compare(1, *vocab_json) > 0) {
            problems.push_back("architecture.vocab_size must be a positive integer, got " +
                               py_repr(vocab_json ? *vocab_json : none));
            vocab = tok.vocab_size;
        } else {
            vocab = *vocab_json;
            if (compare(tok.vocab_size, vocab) != 0)
                problems.push_back("tokenizer.vocab_size " + std::to_string(tok.vocab_size) +
                                   " differs from architecture.vocab_size " + py_repr(vocab));
        }
        const std::pair<const char *, long long> specials[] = {
            {"bos_id", tok.bos_id}, {"pad_id", tok.pad_id}, {"eos_id", tok.eos_id}, {"unk_id", tok.unk_id}};
        for (const auto &[name, value] : specials) {
            const Json *declared = arch_get(name);
            if (value < 0 || value >= tok.vocab_size) {
                problems.push_back(std::string("tokenizer.") + name + " " + std::to_string(value) +
                                   " is outside the vocabulary [0, " + std::to_string(tok.vocab_size) + ")");
            } else if (declared && !py_equal(*declared, Json(value))) {
                problems.push_back(std::string("tokenizer.") + name + " " + std::to_string(value) +
                                   " differs from architecture." + name + " " + py_repr(*declared));
            }
        }
        std::set<long long> distinct;
        std::string shown = "{";
        for (const auto &[name, value] : specials) {
            distinct.insert(value);
            shown += (shown.size() > 1 ? ", '" : "'") + std::string(name) + "': " + std::to_string(value);
        }
        if (distinct.size() != 4) problems.push_back("tokenizer special ids " + shown + "} must be distinct");
        for (const auto &[name, value] : {std::pair<const char *, long long>{"decoder_start_id", gen.decoder_start_id},
                                          {"eos_id", gen.eos_id}}) {
            if (value < 0 || compare(value, vocab) >= 0)
                problems.push_back(std::string("generation.") + name + " " + std::to_string(value) +
                                   " is outside the vocabulary [0, " + py_repr(vocab) + ")");
        }
        for (const auto &[name, what, value] :
             {std::tuple<const char *, const char *, long long>{"max_source_len", "source tokens the encoder takes",
                                                                gen.max_source_len},
              {"max_target_len", "decode steps the KV cache holds", gen.max_target_len}}) {
            const Json *bound = arch_get(name);
            if (!bound || !is_py_int(*bound)) {
                problems.push_back(std::string("architecture.") + name + " must be an integer (" + what + "), got " +
                                   py_repr(bound ? *bound : none));
            } else if (compare(value, *bound) > 0) {
                problems.push_back(std::string("generation.") + name + " " + std::to_string(value) +
                                   " exceeds architecture." + name + " " + py_repr(*bound) + " (the " + what + ")");
            }
        }
    } else {
        const ProjectionSpec &proj = *m.projection;
        for (const auto &[name, value] :
             {std::pair<const char *, long long>{"features", proj.features}, {"max_words", proj.max_words}}) {
            const Json *declared = arch_get(name);
            if (declared && !py_equal(*declared, Json(value)))
                problems.push_back(std::string("projection.") + name + " " + std::to_string(value) +
                                   " differs from architecture." + name + " " + py_repr(*declared));
        }
        if (const Json *n = arch_get("num_labels"); n && !py_equal(*n, Json(m.labels->size())))
            problems.push_back(std::to_string(m.labels->size()) + " labels for architecture.num_labels " + py_repr(*n));
    }
    std::map<std::string, int> counts;
    for (const FileRef *ref : m.files()) ++counts[ref->file];
    std::string repeated;
    for (const auto &[name, n] : counts)
        if (n > 1) repeated += (repeated.empty() ? "" : ", ") + name;
    if (!repeated.empty()) problems.push_back(repeated + " listed more than once");
    if (problems.empty()) return std::nullopt;
    std::string joined;
    for (const std::string &s : problems) joined += (joined.empty() ? "" : "; ") + s;
    return joined;
}

Manifest validate_manifest(const Json &raw, Problems &p) {
    Manifest out;
    Model m(raw, "", "Manifest", p);
    if (const Json *v = m.get("schema_version")) {
        // io.py has already refused everything but 1 and 1.0, which Literal[1] accepts.
        if (py_equal(*v, Json(1)) && !v->is_boolean()) {
            out.schema_version = 1;
        } else {
            p.add("schema_version", "Input should be 1");
        }
    }
    for (auto [field, target] : {std::pair<const char *, std::string *>{"name", &out.name}, {"version", &out.version},
                                 {"family", &out.family}, {"task", &out.task}})
        if (const Json *v = m.get(field)) set_if(v_str(v, field, p), *target);
    const Json *arch = m.get("architecture");
    const bool arch_ok = arch && v_dict(arch, "architecture", p);
    if (const Json *v = m.get("parameters")) set_if(v_int(v, "parameters", p), out.parameters);
    if (const Json *v = m.get("tokenizer", false); v && !v->is_null()) out.tokenizer = v_tokenizer(v, "tokenizer", p);
    if (const Json *v = m.get("projection", false); v && !v->is_null())
        out.projection = v_projection(v, "projection", p);
    if (const Json *v = m.get("generation", false); v && !v->is_null())
        out.generation = v_generation(v, "generation", p);
    if (const Json *v = m.get("labels", false); v && !v->is_null() && v_list(v, "labels", p)) {
        std::vector<std::string> labels;
        for (size_t i = 0; i < v->size(); ++i) set_if(v_str(&(*v)[i], at("labels", i), p), labels.emplace_back());
        out.labels = std::move(labels);
    }
    if (const Json *v = m.get("artifacts"); v && v_list(v, "artifacts", p)) {
        const size_t before = p.count();
        for (size_t i = 0; i < v->size(); ++i)
            if (auto a = v_artifact(&(*v)[i], at("artifacts", i), p)) out.artifacts.push_back(std::move(*a));
        if (p.count() == before && v->empty())
            p.add("artifacts", "a bundle lists at least one artifact; this one lists none, so it runs nowhere");
    }
    if (const Json *v = m.get("golden")) set_if(v_fileref(v, "golden", p), out.golden);
    if (const Json *v = m.get("provenance")) v_provenance(v, "provenance", p);
    m.finish();
    if (p.count() == 0 && arch_ok) {
        if (auto problem = model_rules(out, *arch)) p.add("", *problem);
    }
    return out;
}

std::string join_path(const std::string &folder, const std::string &name) {
    return !folder.empty() && folder.back() == '/' ? folder + name : folder + "/" + name;
}

// str(Path(root)): repeated and trailing separators and "." components dropped, "//" kept as a root.
std::string py_path(const std::string &root) {
    std::string prefix;
    if (root.compare(0, 2, "//") == 0 && root.compare(0, 3, "///") != 0) {
        prefix = "//";
    } else if (!root.empty() && root[0] == '/') {
        prefix = "/";
    }
    std::string out;
    size_t i = 0;
    while (i <= root.size()) {
        size_t j = root.find('/', i);
        if (j == std::string::npos) j = root.size();
        const std::string part = root.substr(i, j - i);
        if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
        i = j + 1;
    }
    if (out.empty()) return prefix.empty() ? "." : prefix;
    return prefix + out;
}

// Python's str.strip(): ASCII whitespace, the separators \x1c-\x1f and Unicode's White_Space.
std::string py_strip(const std::string &s) {
    static const char *const spaces[] = {" ", "\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f",
                                         "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
                                         "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
                                         "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
                                         "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
                                         "\xe2\x81\x9f", "\xe3\x80\x80"};
    size_t b = 0, e = s.size();
    for (bool again = true; again;) {
        again = false;
        for (const char *sp : spaces) {
            const size_t n = std::strlen(sp);
            if (e - b >= n && s.compare(b, n, sp) == 0) b += n, again = true;
            if (e - b >= n && s.compare(e - n, n, sp) == 0) e -= n, again = true;
        }
    }
    return s.substr(b, e - b);
}

std::string normalised_digest(const std::string &expected) {
    std::string value = py_strip(expected);
    // Python lower-cases all of Unicode; only ASCII can end up as hex digits, so ASCII is enough.
    std::transform(value.begin(), value.end(), value.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
    if (value.compare(0, 7, "sha256:") == 0) value.erase(0, 7);
    if (!hex64(value))
        throw BundleError("expected bundle digest " + py_str(expected) +
                          " is not a SHA-256 (64 hex digits, the sha256 of " + MANIFEST_NAME + ")");
    return value;
}

[[noreturn]] void unreadable(const std::string &what, int err) {
    throw BundleError(what + ": cannot be read (" + std::strerror(err) + ")");
}

std::string read_regular_file(const std::string &path) {
    // O_NOFOLLOW and O_NONBLOCK: a link or FIFO swapped in after the lstat is refused, not followed or waited on.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) unreadable(path, errno);
    std::string data;
    struct stat st {};
    int err = 0;
    if (::fstat(fd, &st) != 0) {
        err = errno;
    } else if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw BundleError(path + " is not a regular file");
    } else {
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) err = errno;
            if (n <= 0) break;
            data.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    if (err) unreadable(path, err);
    return data;
}

std::string link_refusal(const std::string &name) {
    return name + " is a symbolic link: a bundle holds only regular files and folders, never links (they can point "
                  "outside it)";
}

void check_tree(const std::string &folder, const std::string &name, int depth) {
    // A folder nested this deep is no Core ML package; bounding it keeps the recursion bounded.
    if (depth > kMaxDepth) throw BundleError(name + " is nested too deeply for a bundle");
    DIR *dir = ::opendir(folder.c_str());
    if (!dir) unreadable(name, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(dir)) {
        const std::string entry = e->d_name;
        if (entry != "." && entry != "..") names.push_back(entry);
    }
    const int err = errno;
    ::closedir(dir);
    if (err) unreadable(name, err);
    std::sort(names.begin(), names.end());
    for (const std::string &entry : names) {
        const std::string inner = name + "/" + entry, path = join_path(folder, entry);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) unreadable(inner, errno);
        if (S_ISLNK(st.st_mode)) throw BundleError(link_refusal(inner));
        if (S_ISDIR(st.st_mode)) {
            check_tree(path, inner, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            throw BundleError(inner + " is not a regular file");
        }
    }
}

void check_entry(const std::string &root, const FileRef &ref, bool may_be_folder) {
    const std::string path = join_path(root, ref.file);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) throw BundleError("bundle file missing: " + ref.file);
        unreadable(ref.file, errno);
    }
    if (S_ISLNK(st.st_mode)) throw BundleError(link_refusal(ref.file));
    if (S_ISDIR(st.st_mode)) {
        if (!may_be_folder) throw BundleError(ref.file + " is a folder; the manifest lists it as a file");
        check_tree(path, ref.file, 1);
    } else if (!S_ISREG(st.st_mode)) {
        throw BundleError(ref.file + " is not a regular file");
    }
}

// ------------------------------------------------------------------------------------------------
// assets.py's load_projection: projection.json parses to exactly the manifest's projection fields.
// The rules are ProjectionSettings' (edge_sdk/projection/lsh.py): __post_init__'s checks in its order,
// with Python's TypeError for values of the wrong type.

constexpr const char *kSpecVersion = "lsh-v1";

struct PyNum {  // a JSON int, float or bool as Python computes with it
    bool is_float = false;
    long double v = 0;
};

std::optional<PyNum> py_num(const Json &j) {
    if (j.is_boolean()) return PyNum{false, j.get<bool>() ? 1.0L : 0.0L};
    if (j.is_number_float()) return PyNum{true, static_cast<long double>(j.get<double>())};
    if (j.is_number_unsigned()) return PyNum{false, static_cast<long double>(j.get<unsigned long long>())};
    if (j.is_number_integer()) return PyNum{false, static_cast<long double>(j.get<long long>())};
    return std::nullopt;
}

[[noreturn]] void projection_refused(const std::string &file, const std::string &why) {
    throw BundleError(file + ": not valid projection settings (" + why + ")");
}

std::string unsupported(const char *op, const Json &a, const Json &b) {
    return std::string("'") + op + "' not supported between instances of '" + py_type(a) + "' and '" + py_type(b) + "'";
}

void check_projection(const std::string &path, const ProjectionSpec &spec) {
    const std::string data_bytes = read_regular_file(path);
    Json data;
    try {
        data = python_json(data_bytes, false);
    } catch (const SyntaxError &err) {
        projection_refused(spec.file, err.message);
    } catch (const TooDeep &) {
        projection_refused(spec.file, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (!data.is_object()) projection_refused(spec.file, "'" + py_type(data) + "' object is not a mapping");  // {**data}
    const Json zero = 0, one = 1;
    Json ngrams = Json::array();
    if (const auto it = data.find("char_ngrams"); it != data.end()) {
        // tuple(value): iterating a str gives its characters, a dict its keys.
        if (it->is_array()) {
            ngrams = *it;
        } else if (it->is_object()) {
            for (const auto &[k, v] : it->items()) ngrams.push_back(k);
        } else if (it->is_string()) {
            const std::string &s = it->get_ref<const std::string &>();
            for (size_t i = 0; i < s.size();) {
                size_t n = 1;
                while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
                ngrams.push_back(s.substr(i, n));
                i += n;
            }
        } else {
            projection_refused(spec.file, "'" + py_type(*it) + "' object is not iterable");
        }
    }
    const std::set<std::string> known = {"version", "features", "seed", "max_words", "char_ngrams"};
    for (const auto &[key, value] : data.items())
        if (!known.count(key))
            projection_refused(spec.file, "ProjectionSettings.__init__() got an unexpected keyword argument " +
                                              py_str(key));
    // Missing fields take ProjectionSettings' defaults (and are then refused below as missing).
    const Json version = data.value("version", Json(kSpecVersion));
    const Json features = data.value("features", Json(256));
    const Json seed = data.value("seed", Json(0x5EED));
    const Json max_words = data.value("max_words", Json(64));
    if (!py_equal(version, Json(kSpecVersion)))
        projection_refused(spec.file, "projection spec " + py_repr(version) + " is not supported (this SDK: " +
                                          kSpecVersion + ")");
    const auto f = py_num(features);
    if (!f) projection_refused(spec.file, unsupported("<=", features, zero));
    long double f16 = 0;  // features // 16
    {
        const long double mod = f->v - 16 * std::floor(f->v / 16);
        if (f->v <= 0 || mod != 0)
            projection_refused(spec.file, "features must be a positive multiple of 16, got " + py_str_of(features));
        f16 = std::floor(f->v / 16);
    }
    const auto s = py_num(seed);
    if (!s) projection_refused(spec.file, unsupported("<=", zero, seed));
    if (!(0 <= s->v && s->v <= 4294967295.0L - f16))
        projection_refused(spec.file, "seed must leave room for features/16 consecutive 32-bit seeds");
    const auto w = py_num(max_words);
    if (!w) projection_refused(spec.file, unsupported("<", max_words, one));
    bool small = w->v < 1;
    for (const Json &n : ngrams) {
        if (small) break;
        const auto v = py_num(n);
        if (!v) projection_refused(spec.file, unsupported("<", n, one));
        small = v->v < 1;
    }
    if (small) projection_refused(spec.file, "max_words and char n-gram sizes must be >= 1");

    std::vector<std::string> present;
    for (const auto &[key, value] : data.items()) present.push_back(key);
    std::sort(present.begin(), present.end());
    if (present.size() != known.size()) {
        std::string have = "[", need = "['char_ngrams', 'features', 'max_words', 'seed', 'version']";
        for (const std::string &k : present) have += (have.size() > 1 ? ", " : "") + py_str(k);
        throw BundleError(spec.file + " has fields " + have + "], projection settings have " + need);
    }
    Json declared_ngrams = Json::array();
    for (long long n : spec.char_ngrams) declared_ngrams.push_back(n);
    const std::map<std::string, std::pair<Json, Json>> fields = {
        {"version", {version, Json(spec.version)}},       {"features", {features, Json(spec.features)}},
        {"seed", {seed, Json(spec.seed)}},                {"max_words", {max_words, Json(spec.max_words)}},
        {"char_ngrams", {ngrams, declared_ngrams}}};
    std::string shown;
    for (const auto &[name, pair] : fields)  // std::map: sorted by name, as Python's sorted(differing)
        if (!py_equal(pair.first, pair.second))
            shown += (shown.empty() ? "" : ", ") + name + " " + py_repr(pair.first) + " (manifest: " +
                     py_repr(pair.second) + ")";
    if (!shown.empty()) throw BundleError(spec.file + " differs from the manifest's projection fields: " + shown);
}

}  // namespace

std::vector<const FileRef *> Manifest::files() const {
    std::vector<const FileRef *> out;
    if (tokenizer) out.push_back(&*tokenizer);
    if (projection) out.push_back(&*projection);
    out.push_back(&golden);
    for (const Artifact &a : artifacts) out.push_back(&a);
    return out;
}

const Artifact &Manifest::artifact(const std::string &backend, const std::optional<std::string> &quantization) const {
    for (const Artifact &a : artifacts)
        if (a.backend == backend && (!quantization || a.quantization == *quantization)) return a;
    std::string have;
    for (const Artifact &a : artifacts) have += (have.empty() ? "" : ", ") + a.backend + "/" + a.quantization;
    // Python's `if quantization`: an empty string names no quantization in the message.
    const std::string asked = backend + (quantization && !quantization->empty() ? "/" + *quantization : "");
    throw NotFoundError("bundle has no " + asked + " artifact (it has: " + have + ")");
}

Manifest parse_manifest(const std::string &bytes, const std::string &where) {
    const Json raw = parse_json(bytes, where);
    if (!raw.is_object())
        throw BundleError(where + ": invalid manifest: a JSON object is needed, not " + py_type(raw));
    const auto version = raw.find("schema_version");
    if (version == raw.end())
        throw BundleError(where + ": no schema_version: not an edge-sdk bundle manifest (every version writes it); "
                                  "refusing to guess which format it is");
    if (!py_equal(*version, Json(SCHEMA_VERSION)) || version->is_boolean())
        throw BundleError(where + ": schema_version " + py_repr(*version) + " is not supported by this edge-sdk "
                                  "(supports " + std::to_string(SCHEMA_VERSION) + "); upgrade edge-sdk");
    Problems problems;
    Manifest manifest = validate_manifest(raw, problems);
    if (!problems.list.empty()) {
        std::string joined;
        for (size_t i = 0; i < problems.list.size() && i < 5; ++i) joined += (i ? "; " : "") + problems.list[i];
        throw BundleError(where + ": invalid manifest: " + joined);
    }
    return manifest;
}

std::string Bundle::path(const FileRef &ref) const { return join_path(root_, ref.file); }

std::shared_ptr<const Bundle> Bundle::open(const std::string &root_arg, const BundleOptions &options) {
    auto bundle = std::make_shared<Bundle>();
    const std::string root = py_path(root_arg);
    const std::string manifest_path = join_path(root, MANIFEST_NAME);
    struct stat st {};
    const bool exists = ::lstat(manifest_path.c_str(), &st) == 0;
    if (exists && S_ISLNK(st.st_mode))
        throw BundleError(manifest_path + " is a symbolic link: the manifest must be a regular file in the bundle");
    if (!exists || !S_ISREG(st.st_mode))
        throw BundleError(root + " is not a bundle: " + MANIFEST_NAME + " is missing");
    std::string data = read_regular_file(manifest_path);
    const std::string digest = sha256_hex(data);
    if (options.expected_digest) {
        const std::string expected = normalised_digest(*options.expected_digest);
        if (digest != expected)
            throw BundleError(root + ": bundle digest " + digest + " does not match the expected " + expected + ": " +
                              MANIFEST_NAME + " is not the one pinned, so the bundle is not either");
    }
    Manifest manifest = parse_manifest(data, manifest_path);
    std::set<std::string> folders_allowed;
    for (const Artifact &a : manifest.artifacts) folders_allowed.insert(a.file);
    for (const FileRef *ref : manifest.files()) check_entry(root, *ref, folders_allowed.count(ref->file) > 0);
    if (options.verify_checksums) {
        for (const FileRef *ref : manifest.files()) {
            const std::string path = join_path(root, ref->file);
            const unsigned long long size = size_of(path);
            if (size != ref->size_bytes)
                throw BundleError(ref->file + ": size " + std::to_string(size) + " bytes, manifest says " +
                                  std::to_string(ref->size_bytes) + ": the file was modified or truncated");
            if (sha256_path(path) != ref->sha256)
                throw BundleError(ref->file + ": sha256 does not match the manifest: the file was modified");
        }
    }
    // The input asset (assets.py's check_input_asset). A tokenizer is checked where it is loaded,
    // tokenizer.cpp (SentencePiece lives in edge_sdk_model, which links this component, not the
    // reverse): the corrector refuses a model whose vocabulary size or special ids are not the
    // manifest's, with assets.py's messages. A projection needs nothing but JSON: checked here.
    if (manifest.projection) check_projection(join_path(root, manifest.projection->file), *manifest.projection);
    bundle->root_ = root;
    bundle->digest_ = digest;
    bundle->manifest_json_ = std::move(data);
    bundle->manifest_ = std::move(manifest);
    return bundle;
}

}  // namespace edge_sdk
