// edge_sdk/spelling/speller.py and hunspell.py in C++: the same skip rules in the same order, the same
// distances and scores (doubles, as Python's floats), ties kept in Hunspell's order, so a word the
// Python reference respells is respelled the same way here.
#include "speller.h"

#include <hunspell.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <sys/stat.h>

#include "bundle.h"
#include "errors.h"
#include "python_compat.h"

namespace edge_sdk {
namespace {

bool ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
char ascii_lower(char c) { return ascii_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string lower_ascii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ascii_lower);
    return s;
}

// Python's str.split(" "): empty parts kept.
std::vector<std::string> split_on_space(const std::string &s) {
    std::vector<std::string> parts(1);
    for (const char c : s) {
        if (c == ' ') {
            parts.emplace_back();
        } else {
            parts.back() += c;
        }
    }
    return parts;
}

constexpr std::string_view kNegations[] = {"un", "in", "im", "ir", "il", "dis", "non"};

constexpr double kCheap = 0.5;  // exact in binary: the same sums as Python's floats

// Inserting or deleting word[i]: cheap when it doubles a neighbour or is an h after c, g, s, t, w.
double indel_cost(std::string_view word, size_t i) {
    const char c = word[i];
    if ((i > 0 && word[i - 1] == c) || (i + 1 < word.size() && word[i + 1] == c)) {
        return kCheap;
    }
    return c == 'h' && i > 0 && std::string_view("cgstw").find(word[i - 1]) != std::string_view::npos ? kCheap : 1.0;
}

bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// str.splitlines()'s line boundaries.
bool line_boundary(char32_t c) {
    return c == U'\n' || c == U'\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85 ||
           c == 0x2028 || c == 0x2029;
}

bool regular_file(const std::string &path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

bool spelling_word(std::string_view s) {
    // Letters, then groups of an apostrophe followed by letters.
    bool after_letter = false;
    for (const char c : s) {
        if (ascii_letter(c)) {
            after_letter = true;
        } else if (c == '\'' && after_letter) {
            after_letter = false;
        } else {
            return false;
        }
    }
    return after_letter;
}

int osa_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1 : 0)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

double learner_distance(std::string_view typed, std::string_view intended) {
    const std::string_view a = intended, b = typed;
    std::vector<std::vector<double>> d(a.size() + 1, std::vector<double>(b.size() + 1, 0.0));
    for (size_t i = 1; i <= a.size(); ++i) d[i][0] = d[i - 1][0] + indel_cost(a, i - 1);
    for (size_t j = 1; j <= b.size(); ++j) d[0][j] = d[0][j - 1] + indel_cost(b, j - 1);
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const char x = a[i - 1], y = b[j - 1];
            const double sub = x == y ? 0.0 : (vowel(x) && vowel(y) ? kCheap : 1.0);
            d[i][j] = std::min({d[i - 1][j] + indel_cost(a, i - 1), d[i][j - 1] + indel_cost(b, j - 1),
                                d[i - 1][j - 1] + sub});
            if (i > 1 && j > 1 && x == b[j - 2] && a[i - 2] == y) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1.0);
            }
        }
    }
    return d[a.size()][b.size()];
}

Frequencies read_frequencies(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in || !regular_file(path)) {
        throw BundleError(path + ": the spelling stage's frequency list cannot be read");
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (const auto error = python::utf8_error(bytes)) {
        throw BundleError(path + ": not valid UTF-8 (" + *error + ")");
    }
    const Text text = decode_utf8(bytes);
    Frequencies table;
    size_t n = 0;
    for (size_t at = 0; at < text.size();) {
        size_t end = at;
        while (end < text.size() && !line_boundary(text[end])) ++end;
        const TextView line = TextView(text).substr(at, end - at);
        ++n;
        at = end + (end + 1 < text.size() && text[end] == U'\r' && text[end + 1] == U'\n' ? 2 : 1);
        const size_t tab = line.find(U'\t');
        const std::string word = tab == TextView::npos ? std::string() : encode_utf8(line.substr(0, tab));
        const std::string count = tab == TextView::npos ? std::string() : encode_utf8(line.substr(tab + 1));
        // Python's str.isdigit() also takes other scripts' digits; a build writes ASCII ones only, and
        // this core reads only those (and counts that fit in 64 bits).
        const bool digits = !count.empty() && std::all_of(count.begin(), count.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        errno = 0;
        const long long value = digits ? std::strtoll(count.c_str(), nullptr, 10) : 0;
        if (tab == TextView::npos || !digits || errno == ERANGE || !spelling_word(word) || word != lower_ascii(word)) {
            throw BundleError(path + ":" + std::to_string(n) + ": expected `word<TAB>count` (a lower-case word), got " +
                              python::py_str(encode_utf8(line.substr(0, 60))));
        }
        table[word] = value;
    }
    return table;
}

Dictionary::Dictionary(const std::string &aff, const std::string &dic) {
    for (const std::string *path : {&aff, &dic}) {
        if (!regular_file(*path)) {
            throw BundleError("Hunspell dictionary file not found: " + *path);
        }
    }
    // Hunspell reads both files itself and reports nothing when they are not a dictionary; the bundle has
    // checked their hashes first.
    handle_ = Hunspell_create(aff.c_str(), dic.c_str());
    if (handle_ == nullptr) {
        throw BundleError("Hunspell could not load " + aff + " / " + dic);
    }
}

Dictionary::~Dictionary() { Hunspell_destroy(handle_); }

bool Dictionary::spell(const std::string &word) const { return Hunspell_spell(handle_, word.c_str()) != 0; }

std::vector<std::string> Dictionary::suggest(const std::string &word) const {
    char **found = nullptr;
    const int n = Hunspell_suggest(handle_, &found, word.c_str());
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.emplace_back(found[i]);
    if (n > 0) {
        Hunspell_free_list(handle_, &found, n);
    }
    return out;
}

Speller::Speller(std::vector<std::unique_ptr<Dictionary>> dictionaries, Frequencies frequencies,
                 SpellingSettings settings)
    : dictionaries_(std::move(dictionaries)), frequencies_(std::move(frequencies)), settings_(settings) {
    if (dictionaries_.empty()) {
        throw std::invalid_argument("a speller needs at least one dictionary");
    }
    if (settings_.split_top > 0 && static_cast<size_t>(settings_.split_top) <= frequencies_.size()) {
        std::vector<long long> counts;
        counts.reserve(frequencies_.size());
        for (const auto &[word, count] : frequencies_) counts.push_back(count);
        const auto nth = counts.begin() + (settings_.split_top - 1);
        std::nth_element(counts.begin(), nth, counts.end(), std::greater<>());
        split_count_ = *nth;
    }
}

long long Speller::count(const std::string &word) const {
    const auto found = frequencies_.find(lower_ascii(word));
    return found == frequencies_.end() ? 0 : found->second;
}

std::optional<Text> Speller::correction(TextView typed, bool sentence_start) const {
    const SpellingSettings &s = settings_;
    if (typed.size() < static_cast<size_t>(s.min_letters) ||
        !std::all_of(typed.begin(), typed.end(), [](char32_t c) { return c < 0x80; })) {
        return std::nullopt;
    }
    std::string word;
    for (const char32_t c : typed) word += static_cast<char>(c);
    // Every character is a letter or an apostrophe: str.isupper() is "no lower-case letter".
    if (!spelling_word(word) || std::none_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
        return std::nullopt;
    }
    const bool capital = ascii_upper(word[0]);
    if (std::any_of(word.begin() + 1, word.end(), ascii_upper) || (capital && !sentence_start)) {
        return std::nullopt;  // a name, or an identifier (vLatest, iPhone)
    }
    const std::string folded = lower_ascii(word);
    if (count(folded) >= s.known_count ||
        std::any_of(dictionaries_.begin(), dictionaries_.end(), [&](const auto &d) { return d->spell(word); })) {
        return std::nullopt;
    }
    const long long limit = word.size() <= kShortLetters ? s.max_distance_short : s.max_distance;
    std::optional<std::string> best;
    double best_score = -std::numeric_limits<double>::infinity();
    for (const std::string &candidate : dictionaries_[0]->suggest(word)) {
        const std::vector<std::string> parts = split_on_space(candidate);
        if (parts.size() > 2 || !std::all_of(parts.begin(), parts.end(), [](const std::string &p) {
                return spelling_word(p);
            })) {
            continue;
        }
        if (parts.size() == 2 && (lower_ascii(parts[0] + parts[1]) != folded || count(parts[0]) < split_count_ ||
                                  count(parts[1]) < split_count_)) {
            continue;  // two words only as the typed word split in two frequent ones (alot -> a lot)
        }
        const std::string candidate_lower = lower_ascii(candidate);
        const std::string tail = candidate.substr(1);
        if (candidate != candidate_lower && !(capital && tail == lower_ascii(tail))) {
            continue;  // a name or an acronym for a lower-case word: not a spelling fix
        }
        if (std::any_of(std::begin(kNegations), std::end(kNegations), [&](std::string_view prefix) {
                return folded.size() == prefix.size() + candidate_lower.size() &&
                       folded.compare(0, prefix.size(), prefix) == 0 &&
                       folded.compare(prefix.size(), std::string::npos, candidate_lower) == 0;
            })) {
            continue;  // the typed word less a negative prefix flips the meaning (uncheck -> check)
        }
        const int distance = osa_distance(folded, candidate_lower);
        long long least = std::numeric_limits<long long>::max();
        for (const std::string &p : parts) least = std::min(least, count(p));
        if (distance > limit || least == 0) {
            continue;
        }
        const double score = std::log(static_cast<double>(least) + 1.0) -
                             s.distance_weight * learner_distance(folded, candidate_lower);
        if (score > best_score) {  // ties: Hunspell's order
            best = candidate_lower;
            best_score = score;
        }
    }
    if (!best) {
        return std::nullopt;
    }
    if (capital) {
        (*best)[0] = static_cast<char>((*best)[0] - ('a' - 'A'));
    }
    return Text(best->begin(), best->end());
}

std::unique_ptr<Speller> bundle_speller(const Bundle &bundle) {
    const auto &stage = bundle.manifest().spelling;
    if (!stage) {
        return nullptr;
    }
    std::vector<std::unique_ptr<Dictionary>> dictionaries;
    for (const SpellingDictionary &d : stage->dictionaries) {
        dictionaries.push_back(std::make_unique<Dictionary>(bundle.path(d.aff), bundle.path(d.dic)));
    }
    SpellingSettings settings;
    settings.distance_weight = stage->distance_weight;
    settings.max_distance = stage->max_distance;
    settings.max_distance_short = stage->max_distance_short;
    settings.known_count = stage->known_count;
    settings.min_letters = stage->min_letters;
    settings.split_top = stage->split_top;
    return std::make_unique<Speller>(std::move(dictionaries), read_frequencies(bundle.path(stage->frequencies)),
                                     settings);
}

}  // namespace edge_sdk
