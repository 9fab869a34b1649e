// manifest.json to a Manifest, as edge_sdk/bundle/io.py reads it and manifest.py's pydantic model
// validates it: the same checks, in the same order, so a manifest refused by one is refused by the other
// with the same first reason.
//
// Which messages equal Python's, byte for byte (given the same `where`; checked by tests/test_bundle.cpp
// and by differential runs of both on thousands of tampered manifests):
//  - the messages io.py writes itself about the manifest: "key 'x' appears twice in one object", "NaN is
//    not JSON ...", "a JSON object is needed, not list", "no schema_version", "schema_version '1' is not
//    supported ...";
//  - "not valid JSON (...)": python_json's reasons (python_compat.h);
//  - the manifest model's own validator messages (manifest.py: file names, "cannot list itself", "at
//    least one artifact", "exactly one of tokenizer or projection", the generation/spelling/labels rules, the
//    token and projection problems, "listed more than once"), with Python's repr of values;
//  - the pydantic messages for missing fields, extra fields, wrong types, patterns, bounds, literals,
//    tuples, lists and dictionaries ("Field required", "Extra inputs are not permitted", "Input should
//    be a valid integer", "String should match pattern '^[0-9a-f]{64}$'", ...), their locations
//    ("artifacts.0.file"), their order (fields in declaration order, then extra keys) and the cut to 5,
//    with pydantic's lax coercions ("12" and 12.0 are integers, "yes" a boolean) accepted as Python does.
// Only the same shape, where this core is stricter than Python (edge-sdk build never writes these):
// integers outside 64 bits ("Input should be an integer that fits in 64 bits"; Python ints are
// unbounded, and nlohmann holds integers beyond 2^64 as floats, so Python's repr of them differs), and
// what python_compat.h lists (lone surrogate escapes, numbers beyond a double, nesting deeper than
// kMaxDepth).
#include "manifest.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "errors.h"
#include "python_compat.h"

namespace edge_sdk {
namespace {

using python::Json;
using python::kMaxDepth;
using python::py_equal;
using python::py_repr;
using python::py_str;
using python::py_type;

bool is_py_int(const Json &j) { return j.is_number_integer(); }  // int, never bool (nlohmann keeps them apart)

// json.loads with io.py's hooks, its refusals as io.py words them.
Json parse_json(const std::string &bytes, const std::string &where) {
    try {
        return python::python_json(bytes, true);
    } catch (const python::SyntaxError &err) {
        throw BundleError(where + ": not valid JSON (" + err.message + ")");
    } catch (const python::RepeatedKey &r) {
        throw BundleError(where + ": key " + py_str(r.key) + " appears twice in one object");
    } catch (const python::Constant &c) {
        throw BundleError(where + ": " + c.name + " is not JSON (not a number a manifest can hold)");
    } catch (const python::TooDeep &) {
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

// Field(ge=.., le=..) on an int: pydantic's messages.
std::optional<long long> v_int_between(const Json *j, const std::string &loc, long long ge, long long le, Problems &p) {
    const auto v = v_int_ge(j, loc, ge, p);
    if (v && *v > le) {
        p.add(loc, "Input should be less than or equal to " + std::to_string(le));
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

// A float field's value under v_float's lax rules (bools and numeric strings too); nothing after a problem.
std::optional<double> v_float_value(const Json *j, const std::string &loc, Problems &p) {
    if (!v_float(j, loc, p)) return std::nullopt;
    if (j->is_boolean()) return j->get<bool>() ? 1.0 : 0.0;
    if (j->is_number()) return j->get<double>();
    std::string s = trim_ascii(j->get<std::string>());
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    return std::strtod(s.c_str(), nullptr);  // "inf" and "nan" (any case, signed) as Python's float() reads them
}

// Field(ge=0.0, lt=1.0, allow_inf_nan=False): pydantic's checks in its order, with its messages.
std::optional<double> v_unit_interval(const Json *j, const std::string &loc, Problems &p) {
    const auto v = v_float_value(j, loc, p);
    if (!v) return std::nullopt;
    if (!std::isfinite(*v)) {
        p.add(loc, "Input should be a finite number");
    } else if (*v < 0.0) {
        p.add(loc, "Input should be greater than or equal to 0");
    } else if (*v >= 1.0) {
        p.add(loc, "Input should be less than 1");
    } else {
        return v;
    }
    return std::nullopt;
}

// Field(gt=0.0, le=100.0, allow_inf_nan=False): pydantic's checks in its order, with its messages.
std::optional<double> v_positive_weight(const Json *j, const std::string &loc, Problems &p) {
    const auto v = v_float_value(j, loc, p);
    if (!v) return std::nullopt;
    if (!std::isfinite(*v)) {
        p.add(loc, "Input should be a finite number");
    } else if (*v <= 0.0) {
        p.add(loc, "Input should be greater than 0");
    } else if (*v > 100.0) {
        p.add(loc, "Input should be less than or equal to 100");
    } else {
        return v;
    }
    return std::nullopt;
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
    // Optional, but null is no number (pydantic refuses it: the field is a float with a default).
    if (const Json *v = m.get("min_edit_margin", false))
        set_if(v_unit_interval(v, m.loc("min_edit_margin"), p), g.min_edit_margin);
    m.finish();
    return p.count() == before ? std::optional<GenerationSettings>(g) : std::nullopt;
}

// SpellingDictionary.name's pattern ^[A-Za-z][A-Za-z_-]*$ (e.g. en_US).
bool dictionary_name(const std::string &s) {
    const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    return !s.empty() && letter(s[0]) &&
           std::all_of(s.begin() + 1, s.end(), [&](char c) { return letter(c) || c == '_' || c == '-'; });
}

std::optional<SpellingDictionary> v_dictionary(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "SpellingDictionary", p);
    if (!m.ok()) return std::nullopt;
    SpellingDictionary d;
    if (const Json *v = m.get("name")) {
        if (const auto s = v_str(v, m.loc("name"), p)) {
            if (dictionary_name(*s)) {
                d.name = *s;
            } else {
                p.add(m.loc("name"), "String should match pattern '^[A-Za-z][A-Za-z_-]*$'");
            }
        }
    }
    if (const Json *v = m.get("aff")) set_if(v_fileref(v, m.loc("aff"), p), d.aff);
    if (const Json *v = m.get("dic")) set_if(v_fileref(v, m.loc("dic"), p), d.dic);
    if (const Json *v = m.get("licence")) set_if(v_fileref(v, m.loc("licence"), p), d.licence);
    m.finish();
    return p.count() == before ? std::optional<SpellingDictionary>(std::move(d)) : std::nullopt;
}

std::optional<SpellingStage> v_spelling(const Json *j, const std::string &loc, Problems &p) {
    const size_t before = p.count();
    Model m(*j, loc, "SpellingStage", p);
    if (!m.ok()) return std::nullopt;
    SpellingStage s;
    if (const Json *v = m.get("type", false)) v_literal(v, m.loc("type"), {"hunspell"}, p);
    if (const Json *v = m.get("dictionaries"); v && v_list(v, m.loc("dictionaries"), p)) {
        const size_t items = p.count();
        for (size_t i = 0; i < v->size(); ++i)
            if (auto d = v_dictionary(&(*v)[i], at(m.loc("dictionaries"), i), p)) s.dictionaries.push_back(std::move(*d));
        // Field(min_length=1): checked on the validated list, so only when its items passed.
        if (p.count() == items && v->empty())
            p.add(m.loc("dictionaries"), "List should have at least 1 item after validation, not 0");
    }
    if (const Json *v = m.get("frequencies")) set_if(v_fileref(v, m.loc("frequencies"), p), s.frequencies);
    if (const Json *v = m.get("distance_weight"))
        set_if(v_positive_weight(v, m.loc("distance_weight"), p), s.distance_weight);
    if (const Json *v = m.get("max_distance")) set_if(v_int_between(v, m.loc("max_distance"), 1, 3, p), s.max_distance);
    if (const Json *v = m.get("max_distance_short"))
        set_if(v_int_between(v, m.loc("max_distance_short"), 0, 3, p), s.max_distance_short);
    if (const Json *v = m.get("known_count")) set_if(v_int_ge(v, m.loc("known_count"), 1, p), s.known_count);
    if (const Json *v = m.get("min_letters")) set_if(v_int_between(v, m.loc("min_letters"), 1, 10, p), s.min_letters);
    if (const Json *v = m.get("split_top", false)) set_if(v_int_ge(v, m.loc("split_top"), 0, p), s.split_top);
    m.finish();
    return p.count() == before ? std::optional<SpellingStage>(std::move(s)) : std::nullopt;
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
    if (m.spelling && !m.generation)
        return std::string("a spelling stage belongs to a corrector (a manifest with generation settings)");
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
    if (const Json *v = m.get("spelling", false); v && !v->is_null()) out.spelling = v_spelling(v, "spelling", p);
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

}  // namespace

bool hex64(const std::string &s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<const FileRef *> Manifest::files() const {
    std::vector<const FileRef *> out;
    if (tokenizer) out.push_back(&*tokenizer);
    if (projection) out.push_back(&*projection);
    if (spelling) {
        for (const SpellingDictionary &d : spelling->dictionaries)
            for (const FileRef *ref : {&d.aff, &d.dic, &d.licence}) out.push_back(ref);
        out.push_back(&spelling->frequencies);
    }
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

}  // namespace edge_sdk
