// The dictionary spelling stage in front of the model (docs/text-handling.md, "Spelling stage"):
// edge_sdk/spelling/speller.py rule for rule, over the same Hunspell release and dictionaries, so the
// model sees the same input in Python and on the phones.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "unicode.h"

struct Hunhandle;

namespace edge_sdk {

class Bundle;

struct SpellingSettings {
    double distance_weight = 4.0;
    long long max_distance = 2;
    long long max_distance_short = 1;  // words of at most kShortLetters letters
    long long known_count = 3;         // a word counted this often in the frequency list is taken as a word
    long long min_letters = 3;
    long long split_top = 0;  // two-word proposals only of two of the list's most frequent words; 0: any
};

constexpr size_t kShortLetters = 4;

// speller.py's _WORD, [A-Za-z]+(?:'[A-Za-z]+)*, as a full match.
bool spelling_word(std::string_view s);
// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent transpositions), bytes.
int osa_distance(std::string_view a, std::string_view b);
// OSA distance from `intended` to `typed` with learners' slips (doubled letters, a silent h after c, g, s,
// t, w, one vowel for another) at half price.
double learner_distance(std::string_view typed, std::string_view intended);

using Frequencies = std::unordered_map<std::string, long long>;
// `word<TAB>count` lines, lower-case words (read_frequencies): BundleError naming the file and line.
Frequencies read_frequencies(const std::string &path);

// One Hunspell dictionary (an .aff and a .dic, UTF-8). Hunspell keeps state per call: one call at a time.
class Dictionary {
public:
    // BundleError "Hunspell dictionary file not found: PATH" (hunspell.py's words) for a missing file.
    Dictionary(const std::string &aff, const std::string &dic);
    ~Dictionary();
    Dictionary(const Dictionary &) = delete;
    Dictionary &operator=(const Dictionary &) = delete;

    bool spell(const std::string &word) const;
    std::vector<std::string> suggest(const std::string &word) const;  // in Hunspell's order

private:
    Hunhandle *handle_;
};

class Speller {
public:
    // `dictionaries`: the first proposes spellings, any one accepts a word; at least one.
    Speller(std::vector<std::unique_ptr<Dictionary>> dictionaries, Frequencies frequencies,
            SpellingSettings settings);

    // The spelling the stage puts in the model's input, or nothing to leave the word as typed.
    std::optional<Text> correction(TextView word, bool sentence_start) const;

private:
    long long count(const std::string &word) const;  // in the frequency list, lower-cased; 0 when absent

    std::vector<std::unique_ptr<Dictionary>> dictionaries_;
    Frequencies frequencies_;
    SpellingSettings settings_;
    long long split_count_ = 0;  // the count of the split_top-th most frequent word (0: every word)
};

// The bundle's spelling stage (its manifest section, its checked files), or nullptr when it has none.
std::unique_ptr<Speller> bundle_speller(const Bundle &bundle);

}  // namespace edge_sdk
