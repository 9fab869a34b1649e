#include "fold.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "typography_table.h"

namespace edge_sdk {

namespace {

struct Table {
    std::unordered_map<char32_t, Text> fold;
    char32_t apostrophe = 0, open_quote = 0, close_quote = 0;
};

char32_t single(const std::string &utf8) {
    const Text t = decode_utf8(utf8);
    if (t.size() != 1) throw std::logic_error("typography.json: a restore entry is not one character");
    return t[0];
}

// Parsed once, on first use (thread-safe static initialisation).
const Table &table() {
    static const Table parsed = [] {
        const auto json = nlohmann::json::parse(TYPOGRAPHY_JSON);
        Table t;
        for (const auto &[key, value] : json.at("fold").items()) {
            const Text from = decode_utf8(key);
            if (from.size() != 1) throw std::logic_error("typography.json: a fold key is not one character");
            t.fold.emplace(from[0], decode_utf8(value.get<std::string>()));
        }
        const auto &restore = json.at("restore");
        t.apostrophe = single(restore.at("apostrophe").at("typographic").get<std::string>());
        t.open_quote = single(restore.at("double_quote").at("open").get<std::string>());
        t.close_quote = single(restore.at("double_quote").at("close").get<std::string>());
        return t;
    }();
    return parsed;
}

size_t count(TextView text, char32_t c) {
    size_t n = 0;
    for (char32_t x : text) n += x == c;
    return n;
}

bool shown(size_t curly, size_t plain, bool fallback) { return curly == 0 && plain == 0 ? fallback : curly > plain; }

}  // namespace

Text fold_char(char32_t c) {
    const auto &fold = table().fold;
    const auto it = fold.find(c);
    return it == fold.end() ? Text(1, c) : it->second;
}

bool has_fold(char32_t c) { return table().fold.count(c) != 0; }

Style Style::of(TextView text, const Style &fallback) {
    Style style;
    style.curly_apostrophe =
        shown(count(text, 0x2019) + count(text, 0x02BC), count(text, '\''), fallback.curly_apostrophe);
    style.curly_quotes = shown(count(text, 0x201C) + count(text, 0x201D), count(text, '"'), fallback.curly_quotes);
    return style;
}

Text Style::apply(TextView text, char32_t before) const {
    const Table &t = table();
    Text out(text);
    if (curly_apostrophe)
        for (char32_t &c : out)
            if (c == '\'') c = t.apostrophe;
    if (curly_quotes && out.find(U'"') != Text::npos) {
        for (char32_t &c : out) {
            if (c == '"') {
                const bool opening = before == 0 || is_space(before) || before == '(' || before == '[' || before == '{';
                c = opening ? t.open_quote : t.close_quote;
            }
            before = c;
        }
    }
    return out;
}

}  // namespace edge_sdk
