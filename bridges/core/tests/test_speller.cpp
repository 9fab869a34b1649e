// The spelling stage (speller.cpp) against edge_sdk/spelling/speller.py's rules. Distances are worked
// out by hand (the comments show the cheapest edits); the speller runs on the packaged Hunspell
// dictionaries (edge_sdk/assets/spelling) with small frequency tables, so which proposal wins is a sum
// a reader can redo. Error messages are Python's read_frequencies on the same files.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "errors.h"
#include "speller.h"
#include "unicode.h"

namespace fs = std::filesystem;
using edge_sdk::Dictionary;
using edge_sdk::Frequencies;
using edge_sdk::learner_distance;
using edge_sdk::osa_distance;
using edge_sdk::Speller;
using edge_sdk::SpellingSettings;

namespace {

const std::string kAssets = EDGE_SDK_SPELLING_ASSETS;

std::unique_ptr<Dictionary> dictionary(const std::string &name) {
    return std::make_unique<Dictionary>(kAssets + "/" + name + ".aff", kAssets + "/" + name + ".dic");
}

Speller speller(Frequencies frequencies, SpellingSettings settings = {}, bool british_too = false) {
    std::vector<std::unique_ptr<Dictionary>> dictionaries;
    dictionaries.push_back(dictionary("en_US"));
    if (british_too) dictionaries.push_back(dictionary("en_GB"));
    return Speller(std::move(dictionaries), std::move(frequencies), settings);
}

// The correction as UTF-8, "-" for none.
std::string fix(const Speller &s, const std::string &word, bool sentence_start = false) {
    const auto found = s.correction(edge_sdk::decode_utf8(word), sentence_start);
    return found ? edge_sdk::encode_utf8(*found) : "-";
}

TEST(SpellingWord, IsSpellersWordPattern) {
    for (const char *yes : {"a", "don't", "rock'n'roll", "O'Neill", "ABC"}) EXPECT_TRUE(edge_sdk::spelling_word(yes)) << yes;
    for (const char *no : {"", "'", "o'", "'a", "a''b", "a-b", "a b", "abc1", "caf\xc3\xa9", "a_b"})
        EXPECT_FALSE(edge_sdk::spelling_word(no)) << no;
}

TEST(OsaDistance, HandWorkedValues) {
    EXPECT_EQ(osa_distance("", ""), 0);
    EXPECT_EQ(osa_distance("abc", ""), 3);
    EXPECT_EQ(osa_distance("", "ab"), 2);
    EXPECT_EQ(osa_distance("cat", "cat"), 0);
    EXPECT_EQ(osa_distance("ca", "ac"), 1);              // one adjacent transposition
    EXPECT_EQ(osa_distance("teh", "the"), 1);
    EXPECT_EQ(osa_distance("ca", "abc"), 3);             // OSA edits no substring twice (Damerau: 2)
    EXPECT_EQ(osa_distance("kitten", "sitting"), 3);     // k->s, e->i, +g
    EXPECT_EQ(osa_distance("alot", "a lot"), 1);         // + space
    EXPECT_EQ(osa_distance("becuse", "because"), 1);     // +a
    EXPECT_EQ(osa_distance("definately", "definitely"), 1);
    EXPECT_EQ(osa_distance("realy", "relay"), 1);        // l/a transposed
    EXPECT_EQ(osa_distance("abcd", "badc"), 2);          // two transpositions
}

TEST(LearnerDistance, HandWorkedValues) {
    // (typed, intended). Half price: a letter that doubles its neighbour, an h after c/g/s/t/w, vowel for vowel.
    EXPECT_EQ(learner_distance("cat", "cat"), 0.0);
    EXPECT_EQ(learner_distance("realy", "really"), 0.5);        // one l of a double dropped
    EXPECT_EQ(learner_distance("untill", "until"), 0.5);        // an l doubled
    EXPECT_EQ(learner_distance("hapen", "happen"), 0.5);
    EXPECT_EQ(learner_distance("wich", "which"), 0.5);          // silent h after c
    EXPECT_EQ(learner_distance("definately", "definitely"), 0.5);  // i -> a
    EXPECT_EQ(learner_distance("becuse", "because"), 1.0);      // a dropped between c and u: full price
    EXPECT_EQ(learner_distance("teh", "the"), 1.0);             // a transposition; -h (0.5) +h (1) is 1.5
    EXPECT_EQ(learner_distance("thier", "their"), 1.0);         // e->i, i->e at 0.5 each, or a transposition
    EXPECT_EQ(learner_distance("realy", "relay"), 1.0);         // l/a transposed
    EXPECT_EQ(learner_distance("realy", "real"), 1.0);          // +y after l
    EXPECT_EQ(learner_distance("alot", "a lot"), 1.0);          // the space between a and l
    EXPECT_EQ(learner_distance("", "ab"), 2.0);
    EXPECT_EQ(learner_distance("", "aa"), 1.0);                 // each a doubles the other
    EXPECT_EQ(learner_distance("wigh", "wig"), 0.5);            // +h after g
    EXPECT_EQ(learner_distance("wig", "wigh"), 0.5);
    EXPECT_EQ(learner_distance("bot", "bet"), 0.5);
    EXPECT_EQ(learner_distance("bxt", "bet"), 1.0);
}

TEST(Speller, SkipRulesInPythonsOrder) {
    const Speller s = speller({{"because", 100}, {"the", 1000}, {"really", 100}});
    EXPECT_EQ(fix(s, "becuse"), "because");
    EXPECT_EQ(fix(s, "BECUSE"), "-");                    // all capitals: an acronym
    EXPECT_EQ(fix(s, "Becuse"), "-");                    // capitalised inside a sentence: a name
    EXPECT_EQ(fix(s, "BeCuse", true), "-");              // capitals after the first, even at the start
    EXPECT_EQ(fix(s, "beCuse"), "-");                    // or after a lower-case first letter (vLatest)
    EXPECT_EQ(fix(s, "b\xc3\xa9" "cuse"), "-");          // not plain ASCII letters
    EXPECT_EQ(fix(s, "becuse's"), "-");                  // a word with an apostrophe, but no proposal for it
    EXPECT_EQ(fix(s, "be-cuse"), "-");
    EXPECT_EQ(fix(s, "becuse1"), "-");
    EXPECT_EQ(fix(s, "teh"), "the");                     // three letters: min_letters
    SpellingSettings longer;
    longer.min_letters = 4;
    EXPECT_EQ(fix(speller({{"the", 1000}}, longer), "teh"), "-");
    SpellingSettings exact_short;
    exact_short.max_distance_short = 0;                  // "teh" has four letters or fewer: the short limit
    EXPECT_EQ(fix(speller({{"the", 1000}}, exact_short), "teh"), "-");
    // Common in the frequency list (known_count, 3): taken as a word.
    EXPECT_EQ(fix(speller({{"realy", 3}, {"really", 100}}), "realy"), "-");
    EXPECT_EQ(fix(speller({{"realy", 2}, {"really", 100}}), "realy"), "really");
    // Accepted by any dictionary; only the first proposes.
    EXPECT_EQ(fix(speller({{"color", 10}}), "colour"), "color");
    EXPECT_EQ(fix(speller({{"color", 10}}, {}, true), "colour"), "-");
    // A proposal must be a word of the frequency list.
    EXPECT_EQ(fix(speller({{"the", 1000}}), "becuse"), "-");
}

TEST(Speller, RankingAndCase) {
    // Same counts: the smallest learner distance wins (really 0.5; relay, rely 1.0; real 1.0).
    const Speller same = speller({{"real", 100}, {"really", 100}, {"relay", 100}, {"rely", 100}});
    EXPECT_EQ(fix(same, "realy"), "really");
    // A tie (relay, rely: ln(101) - 4) goes to Hunspell's first proposal (relay before rely).
    EXPECT_EQ(fix(speller({{"relay", 100}, {"rely", 100}}), "realy"), "relay");
    // Counts against distance: ln(10001) - 4 = 5.21 beats ln(11) - 2 = 0.40.
    EXPECT_EQ(fix(speller({{"relay", 10000}, {"really", 10}}), "realy"), "relay");
    // At the start of a sentence the case comes back; Hunspell proposes Recuse, Because, Bemuse, all one
    // full-price edit away: the count decides (ties would take Recuse).
    EXPECT_EQ(fix(speller({{"because", 100}, {"recuse", 1}, {"bemuse", 1}}), "Becuse", true), "Because");
    EXPECT_EQ(fix(speller({{"because", 100}, {"recuse", 100}, {"bemuse", 100}}), "Becuse", true), "Recuse");
    // Two words only as the typed word split in two (alot -> a lot, ln(41) - 4), the case restored on the first.
    EXPECT_EQ(fix(speller({{"a", 50}, {"lot", 40}}), "alot"), "a lot");
    EXPECT_EQ(fix(speller({{"a", 50}}), "alot"), "-");  // "lot" is in no list: min count 0
    // "Alot": Hunspell proposes Lot before "A lot", both ln(41) - 4: the tie takes Lot.
    EXPECT_EQ(fix(speller({{"a", 50}, {"lot", 40}}), "Alot", true), "Lot");
    // split_top: both words must be among that many most frequent words (counts 50, 40, 30, 20 rank a, lot,
    // the, wood). Top 2 takes "a lot"; top 1 ("a" only) refuses it, and Hunspell's next proposal, lot (the
    // same ln(41) - 4), is taken; 0 takes any split.
    const Frequencies ranked = {{"a", 50}, {"lot", 40}, {"the", 30}, {"wood", 20}};
    SpellingSettings top;
    top.split_top = 2;
    EXPECT_EQ(fix(speller(ranked, top), "alot"), "a lot");
    top.split_top = 1;
    EXPECT_EQ(fix(speller(ranked, top), "alot"), "lot");
    top.split_top = 0;
    EXPECT_EQ(fix(speller(ranked, top), "alot"), "a lot");
    top.split_top = 9;  // more than the list holds: every listed word
    EXPECT_EQ(fix(speller(ranked, top), "alot"), "a lot");
    // Ties at the cut count as in: lot and the share the 2nd count, so top 2 takes both.
    top.split_top = 2;
    EXPECT_EQ(fix(speller({{"a", 50}, {"the", 40}, {"lot", 40}}, top), "alot"), "a lot");
    // The typed word less a negative prefix is no fix (Hunspell proposes check, unchecked).
    EXPECT_EQ(fix(speller({{"check", 1000}}), "uncheck"), "-");
    EXPECT_EQ(fix(speller({{"check", 1000}, {"unchecked", 1}}), "uncheck"), "unchecked");
    // An apostrophe word proposed (don't: one edit, ln(51) - 4).
    EXPECT_EQ(fix(speller({{"don't", 50}}), "dont"), "don't");
}

class Frequency : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/edge_sdk_speller_test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = (dir_ / "frequencies.tsv").string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string &bytes) { std::ofstream(path_, std::ios::binary) << bytes; }
    std::string refusal() {
        try {
            edge_sdk::read_frequencies(path_);
        } catch (const edge_sdk::BundleError &e) {
            return e.what();
        }
        return "(read)";
    }
    fs::path dir_;
    std::string path_;
};

TEST_F(Frequency, ReadsWordTabCountLines) {
    write("a\t54987\ndon't\t7\r\nzebra\t0\n");
    const Frequencies table = edge_sdk::read_frequencies(path_);
    EXPECT_EQ(table.size(), 3u);
    EXPECT_EQ(table.at("a"), 54987);
    EXPECT_EQ(table.at("don't"), 7);
    EXPECT_EQ(table.at("zebra"), 0);
    write("");
    EXPECT_TRUE(edge_sdk::read_frequencies(path_).empty());
}

TEST_F(Frequency, BadLinesNameTheFileAndLine) {
    // Python's read_frequencies on the same bytes.
    const std::pair<std::string, std::string> cases[] = {
        {"a\t1\nWord\t3\n", ":2: expected `word<TAB>count` (a lower-case word), got 'Word\\t3'"},
        {"a 1\n", ":1: expected `word<TAB>count` (a lower-case word), got 'a 1'"},
        {"a\t-1\n", ":1: expected `word<TAB>count` (a lower-case word), got 'a\\t-1'"},
        {"a\t\n", ":1: expected `word<TAB>count` (a lower-case word), got 'a\\t'"},
        {"a\t1\n\nb\t2\n", ":2: expected `word<TAB>count` (a lower-case word), got ''"},
        {"caf\xc3\xa9\t1\n", ":1: expected `word<TAB>count` (a lower-case word), got 'caf\xc3\xa9\\t1'"},
        {"a-b\t1\n", ":1: expected `word<TAB>count` (a lower-case word), got 'a-b\\t1'"},
        {"a\t1\t2\n", ":1: expected `word<TAB>count` (a lower-case word), got 'a\\t1\\t2'"},
        {"\xef\xbb\xbf" "a\t1\n", ":1: expected `word<TAB>count` (a lower-case word), got '\\ufeffa\\t1'"},
        {std::string(70, 'x') + "\tx\n",
         ":1: expected `word<TAB>count` (a lower-case word), got '" + std::string(60, 'x') + "'"},
    };
    for (const auto &[bytes, message] : cases) {
        write(bytes);
        EXPECT_EQ(refusal(), path_ + message) << bytes;
    }
    write("a\t1\n\xff\n");
    EXPECT_EQ(refusal(), path_ + ": not valid UTF-8 ('utf-8' codec can't decode byte 0xff in position 4: invalid start "
                                 "byte)");
    fs::remove(path_);
    EXPECT_EQ(refusal(), path_ + ": the spelling stage's frequency list cannot be read");
}

TEST(Dictionary, MissingFilesAreNamed) {
    try {
        Dictionary(kAssets + "/en_US.aff", kAssets + "/xx_XX.dic");
        FAIL() << "opened";
    } catch (const edge_sdk::BundleError &e) {
        EXPECT_EQ(std::string(e.what()), "Hunspell dictionary file not found: " + kAssets + "/xx_XX.dic");
    }
    EXPECT_THROW(Speller({}, {}, {}), std::invalid_argument);
}

}  // namespace
