// Python's view of JSON values, for messages that must read as edge_sdk's Python ones do: repr/str of
// values, float repr, ==, type names, CPython's UTF-8 decode errors, and json.loads with CPython 3.11's
// error messages. Internal to the core (manifest.cpp and bundle.cpp use it).
//
// What equals Python's, byte for byte (checked by tests/test_bundle.cpp and by differential runs):
//  - repr() of None, bools, ints, floats (shortest round-trip digits), str (quotes, escapes for what
//    str.isprintable refuses), lists and dicts; str() of scalars; type(x).__name__; `a == b` across
//    int/float/bool and containers;
//  - python_json's refusals: CPython's UnicodeDecodeError and json.JSONDecodeError texts, positions
//    included (PyJsonScanner re-does CPython 3.11's scanner), and its BOM refusal.
// Only the same shape, where this is stricter than Python: lone surrogate escapes ("\ud800") and
// numbers beyond a double ("1e400"), which Python reads and nlohmann refuses (its reason in the
// parentheses), and nesting deeper than kMaxDepth (Python: a RecursionError traceback near 1000).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace edge_sdk::python {

using Json = nlohmann::ordered_json;

// Python's json module gives up near 1000 levels with a RecursionError (a traceback, not a BundleError);
// a manifest is 6 levels deep. The limit also bounds every recursion over a parsed value (repr,
// comparisons) and the bundle's folder walk.
constexpr int kMaxDepth = 256;

// Python's repr of a float: the shortest digits that read back, fixed notation for exponents in
// [-4, 16), else d.ddde+XX.
std::string py_float(double v);
// Python's repr of a str: single quotes unless only they occur, escapes for what str.isprintable refuses.
std::string py_str(const std::string &s);
std::string py_repr(const Json &j);
// str() of a JSON scalar as Python prints it in an f-string (only strings differ from repr).
std::string py_str_of(const Json &j);
// type(x).__name__ of the Python value a JSON value reads as ("NoneType", "int", "dict", ...).
std::string py_type(const Json &j);
// Python's `a == b` for JSON values: numbers by value across int/float/bool, containers element-wise.
bool py_equal(const Json &a, const Json &b);

// CPython's UTF-8 decoder, for its error text: "'utf-8' codec can't decode byte 0xff in position 0:
// invalid start byte"; nullopt for valid UTF-8.
std::optional<std::string> utf8_error(const std::string &s);

// What python_json throws (not edge_sdk errors: callers turn them into their own messages).
struct RepeatedKey {  // io.py's object_pairs_hook: a key repeated in one object (the smallest named)
    std::string key;
};
struct Constant {  // io.py's parse_constant: NaN, Infinity or -Infinity
    const char *name;
};
struct TooDeep {};  // nested deeper than kMaxDepth
struct SyntaxError {  // Python's error text, e.g. "Expecting ',' delimiter: line 3 column 5 (char 17)"
    std::string message;
};

// json.loads(bytes.decode("utf-8")) as Python runs it, then nlohmann for the value. `io_hooks`: io.py's
// object_pairs_hook and parse_constant (RepeatedKey, Constant). The reason in SyntaxError is Python's,
// except for the two things Python reads and nlohmann cannot hold (a lone surrogate escape, a number
// beyond a double), refused with nlohmann's reason.
Json python_json(const std::string &bytes, bool io_hooks);

}  // namespace edge_sdk::python
