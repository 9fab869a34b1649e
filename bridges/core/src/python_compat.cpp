// Python's view of JSON values and CPython's JSON reading (python_compat.h says what equals Python's).
#include "python_compat.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include <utf8proc.h>

#include "unicode.h"

namespace edge_sdk::python {
namespace {

void append_utf8(std::string &out, utf8proc_int32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char *>(buf), static_cast<size_t>(n));
}

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

}  // namespace

// ------------------------------------------------------------------------------------------------
// Python's repr, for the values messages quote.

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
// Bytes to JSON, refusing what Python refuses.

// CPython's UnicodeDecodeError text: "'utf-8' codec can't decode byte 0xff in position 0: invalid start
// byte" (the range and reason from edge_sdk::find_utf8_error, which follows CPython's decoder).
std::optional<std::string> utf8_error(const std::string &s) {
    const auto error = find_utf8_error(s);
    if (!error) return std::nullopt;
    char buf[160];
    if (error->length == 1) {
        std::snprintf(buf, sizeof buf, "'utf-8' codec can't decode byte 0x%02x in position %zu: %s",
                      static_cast<unsigned char>(s[error->offset]), error->offset, error->reason);
    } else {
        std::snprintf(buf, sizeof buf, "'utf-8' codec can't decode bytes in position %zu-%zu: %s", error->offset,
                      error->offset + error->length - 1, error->reason);
    }
    return std::string(buf);
}

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

}  // namespace edge_sdk::python
