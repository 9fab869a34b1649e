// Expected values are the Python reference's (edge_sdk/text/edits.py, guard.py), produced by running it
// on the same inputs and pasted as literals; the alphabet is ASCII printable characters, as below.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "edits.h"
#include "word_lists.h"
#include "guard.h"
#include "model_input.h"
#include "protect.h"

namespace edge_sdk {
namespace {

Alphabet printable() {
    Alphabet a;
    for (char32_t c = 32; c < 127; ++c) a.insert(c);
    return a;
}

using edge_sdk::testing::split;

struct KindCase {
    Text original, replacement;
    edge_sdk_edit_kind kind;
};

// edit_kind(original, replacement) in Python.
const KindCase KIND_CASES[] = {
    {U"", U",", EDGE_SDK_EDIT_PUNCTUATION},
    {U".", U"!", EDGE_SDK_EDIT_PUNCTUATION},
    {U"--", U"-", EDGE_SDK_EDIT_PUNCTUATION},
    {U"the ", U"", EDGE_SDK_EDIT_DELETION},
    {U"", U" the", EDGE_SDK_EDIT_INSERTION},
    {U"i", U"I", EDGE_SDK_EDIT_SPELLING},
    {U"alot", U"a lot", EDGE_SDK_EDIT_SPELLING},
    {U"e-mail", U"email", EDGE_SDK_EDIT_SPELLING},
    {U"becuse", U"because", EDGE_SDK_EDIT_SPELLING},
    {U"recieve", U"receive", EDGE_SDK_EDIT_SPELLING},
    {U"usefull", U"useful", EDGE_SDK_EDIT_SPELLING},
    {U"untill", U"until", EDGE_SDK_EDIT_SPELLING},
    {U"teh", U"the", EDGE_SDK_EDIT_SPELLING},
    {U"form", U"from", EDGE_SDK_EDIT_SPELLING},
    {U"bread", U"beard", EDGE_SDK_EDIT_SPELLING},
    {U"dont", U"don't", EDGE_SDK_EDIT_SPELLING},
    {U"don't", U"dont'", EDGE_SDK_EDIT_SPELLING},
    {U"_a_", U"_b_", EDGE_SDK_EDIT_SPELLING},
    {U"informations", U"information", EDGE_SDK_EDIT_WORD},
    {U"banana", U"bananas", EDGE_SDK_EDIT_WORD},
    {U"John", U"John's", EDGE_SDK_EDIT_WORD},
    {U"x-ray's", U"x-rays", EDGE_SDK_EDIT_WORD},
    {U"go", U"goes", EDGE_SDK_EDIT_WORD},
    {U"has", U"have", EDGE_SDK_EDIT_WORD},
    {U"cats", U"cute", EDGE_SDK_EDIT_WORD},
    {U"a apple", U"an apple", EDGE_SDK_EDIT_WORD},
    // Python's str.lower(): final sigma, U+0130 to "i" + U+0307, sharp s kept; U+0307 is not \w.
    {U"\U0000039f\U00000394\U0000039f\U000003a3", U"\U000003bf\U000003b4\U000003bf\U000003c2", EDGE_SDK_EDIT_SPELLING},
    {U"\U00000130stanbul", U"istanbul", EDGE_SDK_EDIT_SPELLING},
    {U"\U00000130i", U"i\U00000307i", EDGE_SDK_EDIT_WORD},
    {U"\U000000c9COLE", U"\U000000e9cole", EDGE_SDK_EDIT_SPELLING},
    {U"stra\U000000dfe", U"STRASSE", EDGE_SDK_EDIT_SPELLING},
    {U"caf\U000000e9", U"cafe", EDGE_SDK_EDIT_SPELLING},
    {U"na\U000000efve", U"naive", EDGE_SDK_EDIT_SPELLING},
};

TEST(EditKind, FollowsTheRule) {
    for (const KindCase &c : KIND_CASES)
        EXPECT_EQ(edit_kind(c.original, c.replacement), c.kind)
            << encode_utf8(c.original) << " -> " << encode_utf8(c.replacement);
}

TEST(EditKind, Names) {
    EXPECT_STREQ(edit_kind_name(EDGE_SDK_EDIT_SPELLING), "spelling");
    EXPECT_STREQ(edit_kind_name(EDGE_SDK_EDIT_PUNCTUATION), "punctuation");
    EXPECT_STREQ(edit_kind_name(EDGE_SDK_EDIT_WORD), "word");
    EXPECT_STREQ(edit_kind_name(EDGE_SDK_EDIT_INSERTION), "insertion");
    EXPECT_STREQ(edit_kind_name(EDGE_SDK_EDIT_DELETION), "deletion");
}

TEST(ApplyEdits, InOrderOfPosition) {
    // apply_edits("I has a apple.", [Edit(9, 9, "", "x"), Edit(2, 5, "has", "have"), Edit(9, 9, "", "y"),
    //                                Edit(6, 7, "a", "an")]) == "I have an axypple."
    const std::vector<Edit> edits{{9, 9, U"", U"x", EDGE_SDK_EDIT_INSERTION},
                                  {2, 5, U"has", U"have", EDGE_SDK_EDIT_WORD},
                                  {9, 9, U"", U"y", EDGE_SDK_EDIT_INSERTION},
                                  {6, 7, U"a", U"an", EDGE_SDK_EDIT_WORD}};
    EXPECT_EQ(apply_edits(U"I has a apple.", edits), U"I have an axypple.");
    EXPECT_EQ(apply_edits(U"abc", {}), U"abc");
}

TEST(ApplyEdits, RefusesOverlaps) {
    const std::vector<Edit> edits{{0, 3, U"abc", U"x", EDGE_SDK_EDIT_WORD}, {2, 4, U"cd", U"y", EDGE_SDK_EDIT_WORD}};
    EXPECT_THROW(apply_edits(U"abcdef", edits), std::invalid_argument);
}

struct EditsCase {
    Text text;
    size_t start, end;
    Text output;
    bool found;  // false: Python returned None (a pass-through span would be touched)
    std::vector<Edit> edits;
};

// In Python: source = model_input(text, start, end, protected_spans(text, start, end, A), A);
// sentence_edits(text, source, output, Style.of(text[start:end], Style.of(text))).
const EditsCase EDITS_CASES[] = {
    {U"I has a apple.", 0, 14, U"I have an apple.", true,
     {{2, 7, U"has a", U"have an", EDGE_SDK_EDIT_WORD}}},
    {U"I saw the the cat.", 0, 18, U"I saw the cat.", true,
     {{9, 13, U" the", U"", EDGE_SDK_EDIT_DELETION}}},
    {U"So I went home.", 0, 15, U"I went home.", true,
     {{0, 3, U"So ", U"", EDGE_SDK_EDIT_DELETION}}},
    {U"I went store.", 0, 13, U"I went to the store.", true,
     {{6, 6, U"", U" to the", EDGE_SDK_EDIT_INSERTION}}},
    {U"went home.", 0, 10, U"I went home.", true,
     {{0, 0, U"", U"I ", EDGE_SDK_EDIT_INSERTION}}},
    {U"It was a place;it was nice.", 0, 27, U"It was a place of it was nice.", true,
     {{14, 15, U";", U" of ", EDGE_SDK_EDIT_INSERTION}}},
    {U"It was good , really.", 0, 21, U"It was good, really.", true,
     {}},
    {U"i think becuse it rains", 0, 23, U"I think because it rains.", true,
     {{0, 1, U"i", U"I", EDGE_SDK_EDIT_SPELLING}, {8, 14, U"becuse", U"because", EDGE_SDK_EDIT_SPELLING}, {23, 23, U"", U".", EDGE_SDK_EDIT_PUNCTUATION}}},
    {U"Visit https://example.com now pls.", 0, 34, U"Visit Paris now please.", true,
     {{30, 33, U"pls", U"please", EDGE_SDK_EDIT_WORD}}},
    {U"Send it to bob@example.com today.", 0, 33, U"Send it today to Paris.", true,
     {{7, 7, U"", U" today", EDGE_SDK_EDIT_INSERTION}, {26, 32, U" today", U"", EDGE_SDK_EDIT_DELETION}}},
    {U"Mail bob@example.com or amy@example.org .", 0, 41, U"Mail Paris or Paris.", true,
     {}},
    {U"I dont know, he said \U0000201cno\U0000201d.", 0, 26, U"I don't know, he said \"no\".", true,
     {{2, 6, U"dont", U"don't", EDGE_SDK_EDIT_SPELLING}}},
    {U"He didn\U00002019t said it", 0, 17, U"He didn't say \"it\".", true,
     {{10, 15, U"said ", U"say \"", EDGE_SDK_EDIT_WORD}, {17, 17, U"", U"\".", EDGE_SDK_EDIT_PUNCTUATION}}},
    {U"I like \U0001f600 it alot.", 0, 17, U"I love that a lot.", false,
     {}},
    {U"First one. second one has error .", 11, 33, U"Second one has an error.", true,
     {{11, 17, U"second", U"Second", EDGE_SDK_EDIT_SPELLING}, {25, 25, U"", U" an", EDGE_SDK_EDIT_INSERTION}}},
    {U"He said \U0000201cyes\U0000201d and it", 0, 20, U"He said \"yes\" and \"it\".", true,
     {{17, 17, U"", U" \U0000201d", EDGE_SDK_EDIT_PUNCTUATION}, {20, 20, U"", U"\U0000201d.", EDGE_SDK_EDIT_PUNCTUATION}}},
    {U"He didn\U00002019t said it", 0, 17, U"He didn't say it, isn't it?", true,
     {{10, 14, U"said", U"say", EDGE_SDK_EDIT_WORD}, {17, 17, U"", U", isn\U00002019t it?", EDGE_SDK_EDIT_INSERTION}}},
    {U"I like \U0001f600 it alot.", 0, 17, U"I like it a lot.", true,
     {{12, 16, U"alot", U"a lot", EDGE_SDK_EDIT_SPELLING}}},
    {U"Call 555-1234 now", 0, 17, U"Call now Paris.", true,
     {{4, 4, U"", U" now", EDGE_SDK_EDIT_INSERTION}, {13, 17, U" now", U".", EDGE_SDK_EDIT_DELETION}}},
    {U"Paris is nice.", 0, 14, U"Paris is nice.", true,
     {}},
    {U"A  B   c", 0, 8, U"A B C", true,
     {{7, 8, U"c", U"C", EDGE_SDK_EDIT_SPELLING}}},
};

TEST(SentenceEdits, MatchPython) {
    const Alphabet alphabet = printable();
    for (const EditsCase &c : EDITS_CASES) {
        const ModelInput source =
            model_input(c.text, c.start, c.end, protected_spans(c.text, c.start, c.end, alphabet), alphabet);
        const Style style = Style::of(TextView(c.text).substr(c.start, c.end - c.start), Style::of(c.text));
        const std::optional<std::vector<Edit>> found = sentence_edits(c.text, source, c.output, style);
        ASSERT_EQ(found.has_value(), c.found) << encode_utf8(c.text);
        if (!found) continue;
        ASSERT_EQ(found->size(), c.edits.size()) << encode_utf8(c.text);
        for (size_t i = 0; i < found->size(); ++i) {
            const Edit &got = (*found)[i], &want = c.edits[i];
            EXPECT_EQ(got.start, want.start) << encode_utf8(c.text) << " edit " << i;
            EXPECT_EQ(got.end, want.end) << encode_utf8(c.text) << " edit " << i;
            EXPECT_EQ(encode_utf8(got.original), encode_utf8(want.original)) << encode_utf8(c.text) << " edit " << i;
            EXPECT_EQ(encode_utf8(got.replacement), encode_utf8(want.replacement))
                << encode_utf8(c.text) << " edit " << i;
            EXPECT_EQ(got.kind, want.kind) << encode_utf8(c.text) << " edit " << i;
        }
    }
}

struct KeepCase {
    Text text, output;
    std::vector<std::pair<size_t, size_t>> asked;  // the output ranges keep() is asked about, in order
};

// In Python: sentence_edits(..., keep) with a keep that records its arguments (edge_sdk/text/edits.py).
const KeepCase KEEP_CASES[] = {
    {U"I has a apple.", U"I have an apple.", {{2, 9}}},                     // the words "have an" wrote
    {U"I saw the the cat.", U"I saw the cat.", {{9, 10}}},                  // a deletion: the gap it leaves
    {U"So I went home.", U"I went home.", {{0, 0}}},                        // ... at the start
    {U"I went home now", U"I went home", {{11, 11}}},                       // ... at the end
    {U"I went store.", U"I went to the store.", {{7, 13}}},                 // an insertion
    {U"i think becuse it rains", U"I think because it rains.", {{0, 1}, {8, 15}, {24, 25}}},
    {U"I like \U0001f600 it alot.", U"I love that a lot.", {{2, 17}}},     // over a pass-through span
};

TEST(SentenceEdits, KeepIsAskedAboutEachEditWithTheOutputThatWroteIt) {
    const Alphabet alphabet = printable();
    for (const KeepCase &c : KEEP_CASES) {
        const ModelInput source = model_input(c.text, 0, c.text.size(),
                                              protected_spans(c.text, 0, c.text.size(), alphabet), alphabet);
        const Style style = Style::of(c.text, Style::of(c.text));
        std::vector<std::pair<size_t, size_t>> asked;
        const auto all = sentence_edits(c.text, source, c.output, style, [&](size_t start, size_t end) {
            asked.emplace_back(start, end);
            return true;
        });
        EXPECT_EQ(asked, c.asked) << encode_utf8(c.text);
        // Keeping everything is no gate at all.
        const auto ungated = sentence_edits(c.text, source, c.output, style);
        ASSERT_EQ(all.has_value(), ungated.has_value()) << encode_utf8(c.text);
        if (all) {
            EXPECT_EQ(all->size(), ungated->size()) << encode_utf8(c.text);
        }
        // Refusing everything leaves the sentence as typed; the pass-through check sees only kept edits, so
        // the emoji case is no longer "touched".
        const auto none = sentence_edits(c.text, source, c.output, style, [](size_t, size_t) { return false; });
        ASSERT_TRUE(none.has_value()) << encode_utf8(c.text);
        EXPECT_TRUE(none->empty()) << encode_utf8(c.text);
    }
}

TEST(SentenceEdits, KeepDropsOnlyTheEditsItRefuses) {
    // Python: dropping (8, 15) keeps "i" -> "I" and the final "."; dropping (0, 1) keeps the other two.
    const Alphabet alphabet = printable();
    const Text text = U"i think becuse it rains", output = U"I think because it rains.";
    const ModelInput source = model_input(text, 0, text.size(), protected_spans(text, 0, text.size(), alphabet),
                                          alphabet);
    const Style style = Style::of(text, Style::of(text));
    const auto without_spelling = sentence_edits(text, source, output, style,
                                                 [](size_t start, size_t end) { return !(start == 8 && end == 15); });
    ASSERT_TRUE(without_spelling.has_value());
    ASSERT_EQ(without_spelling->size(), 2u);
    EXPECT_EQ((*without_spelling)[0].start, 0u);
    EXPECT_EQ(encode_utf8((*without_spelling)[0].replacement), "I");
    EXPECT_EQ((*without_spelling)[1].start, 23u);
    EXPECT_EQ(encode_utf8((*without_spelling)[1].replacement), ".");
    const auto without_capital = sentence_edits(text, source, output, style,
                                                [](size_t start, size_t) { return start != 0; });
    ASSERT_TRUE(without_capital.has_value());
    ASSERT_EQ(without_capital->size(), 2u);
    EXPECT_EQ((*without_capital)[0].start, 8u);
    EXPECT_EQ((*without_capital)[0].end, 14u);
    EXPECT_EQ(encode_utf8((*without_capital)[0].replacement), "because");
    EXPECT_EQ((*without_capital)[1].start, 23u);
}

struct GuardCase {
    size_t source_ids, output_ids;
    bool reached_end;
    std::string source, output;
    size_t placeholders;
    std::string reason;  // empty: Python returned None
};

// garbled(source_ids, output_ids, reached_end, source.split(), output.split(),
//         " ".join(output.split()) + "\u00a0", set(ascii_letters + digits + ".,'"), "Paris", placeholders)
const GuardCase GUARD_CASES[] = {
    {10, 12, false, "a b c", "a b c", 0, "no_end"},
    {10, 20, true, "a b c", "a b c", 0, "output_too_long"},
    {10, 19, true, "a b c", "a b c", 0, ""},
    {10, 12, true, "the cat sat", "the the cat sat", 0, "repetition"},
    {10, 12, true, "the the cat sat", "the the cat sat", 0, ""},
    {10, 12, true, "a b a b c", "a b a b c", 0, ""},
    {10, 12, true, "x a b c a b c", "a b c a b c", 0, ""},
    {10, 12, true, "a b a b", "a b c a b c", 0, "repetition"},
    {10, 12, true, "a b", "a b !", 0, "unknown_characters"},
    {10, 12, true, "a Paris b", "a b", 1, "placeholder_lost"},
    {10, 12, true, "a Paris b", "a Paris Paris b", 2, "repetition"},
    {10, 12, true, "a", "", 0, "empty_output"},
    {10, 12, true, "a Paris b Paris", "a Paris b Paris", 2, ""},
    {10, 12, true, "a a c", "a a b b", 0, ""},
    {10, 12, true, "a a b", "a a b c b c", 0, "repetition"},
    {10, 12, true, "", "", 0, ""},
    {10, 12, true, "one two three four", "five six seven four", 0, "rewrite"},
    {10, 12, true, "one two three four", "one six seven four", 0, ""},
    {10, 12, true, "one two three", "five six seven", 0, ""},
};

TEST(Garbled, MatchesPython) {
    Alphabet alphabet;
    for (char c : std::string("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,'"))
        alphabet.insert(static_cast<char32_t>(c));
    for (const GuardCase &c : GUARD_CASES) {
        const std::vector<Text> source = split(c.source), output = split(c.output);
        Text text;
        for (size_t i = 0; i < output.size(); ++i) text += (i ? U" " : U"") + output[i];
        text += U"\u00a0";
        const std::optional<std::string> reason = garbled(c.source_ids, c.output_ids, c.reached_end, source, output,
                                                          text, alphabet, U"Paris", c.placeholders);
        EXPECT_EQ(reason.value_or(""), c.reason) << c.source << " | " << c.output;
    }
}

}  // namespace
}  // namespace edge_sdk
