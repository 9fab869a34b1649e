// Expected values are Python 3.11's, from edge_sdk.text (segment.py, fold.py, protect.py,
// model_input.py) on the same inputs, pasted as literals. The alphabet is the shipped tokenizer's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fold.h"
#include "model_input.h"
#include "protect.h"
#include "segment.h"
#include "unicode.h"

namespace edge_sdk {
namespace {

// SentencePieceTokenizer(edge_sdk/assets/grammar-corrector/tokenizer.model).alphabet
Alphabet shipped_alphabet() {
    Alphabet a;
    for (char32_t c : Text(U"!\"&'()+,-.0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u00ed")) a.insert(c);
    return a;
}

struct Sentences {
    Text text;
    std::vector<Span> spans;
};

TEST(Sentences, ArePythons) {
    // Python: [(s.start, s.end) for s in sentences(text)]
    const Sentences python[] = {
    {U"  Mr. Smith go home. Then he eat!\U0000000A\U0000000ASecond line, no end\U0000000D\U0000000A\U0000201CQuoted.\U0000201D Next one?  ", {{2, 20}, {21, 33}, {35, 54}, {56, 65}, {66, 75}}},
    {U"I met J. Smith. He is e.g. nice. (See it.) \"Yes.\" 3 cats.", {{0, 15}, {16, 32}, {33, 42}, {43, 49}, {50, 57}}},
    {U"Wait... What?! 'No.' [A] b. C", {{0, 7}, {8, 14}, {15, 20}, {21, 29}}},
    {U"It is 5 p.m. Then we go.", {{0, 12}, {13, 24}}},
    {U"\U00000130. Smith came. St. Peter is. Dec. 5 is fine. Inc. Ltd.", {{0, 2}, {3, 14}, {15, 28}, {29, 44}, {45, 54}}},
    {U"Hello.World. Bye.\U000000A0Now ok.\U00002028Next\U00002029line\U00000085x\U0000000By", {{0, 12}, {13, 17}, {18, 25}, {26, 30}, {31, 35}, {36, 37}, {38, 39}}},
    {U"Ends\U00002026 Then. \U000000BFQu\U000000E9? \U000000A1S\U000000ED!", {{0, 5}, {6, 22}}},
    {U"A.\U00002019 B.\U0000201D C.) D.] E. \U00002018F. (G. [H.", {{0, 3}, {4, 7}, {8, 11}, {12, 15}, {16, 30}}},
    {U"\"mr. X\" and (dr. Y) and \U0000201Cst. Z", {{0, 30}}},
    {U"Go! 9 lives. x? y", {{0, 3}, {4, 17}}},
    {U"", {}},
    {U"   ", {}},
    {U"\U0000000D\U0000000A\U0000000D\U0000000A", {}},
    {U"a .\U00000009B", {{0, 3}, {4, 5}}},
    };
    for (const auto &p : python) EXPECT_EQ(sentences(p.text), p.spans) << encode_utf8(p.text);
}

TEST(Sentences, LineBreaks) {
    for (char32_t c : Text(U"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")) EXPECT_TRUE(is_line_break(c));
    for (char32_t c : Text(U" \t\x1f\u00a0\u3000a")) EXPECT_FALSE(is_line_break(c));
}

TEST(Sentences, LongRunsAreLinear) {
    Text dots(100000, U'.');
    EXPECT_EQ(sentences(dots), (std::vector<Span>{{0, 100000}}));
    Text initials;
    for (int i = 0; i < 25000; ++i) initials += U"J. A";
    EXPECT_EQ(sentences(initials).size(), 25000u);  // Python: 25000 ("AJ" is no initial)
}

struct Fold {
    char32_t c;
    Text folded;
};

TEST(Fold, FromTheTable) {
    // Python: fold_char(c)
    const Fold python[] = {
    {0x2019, U"'"},
    {0x201C, U"\""},
    {0x2014, U"-"},
    {0x2026, U"..."},
    {0x200B, U""},
    {0xAD, U""},
    {0xFF01, U"!"},
    {0x61, U"a"},
    {0xE9, U"\U000000E9"},
    };
    for (const auto &p : python) {
        EXPECT_EQ(fold_char(p.c), p.folded) << std::hex << p.c;
        EXPECT_EQ(has_fold(p.c), p.folded != Text(1, p.c)) << std::hex << p.c;
    }
}

struct StyleOf {
    Text text;
    bool apostrophe, quotes, apostrophe_over_curly, quotes_over_curly;
};

TEST(Fold, StyleOf) {
    // Python: Style.of(text), Style.of(text, Style(True, True))
    const StyleOf python[] = {
    {U"", false, false, true, true},
    {U"don't", false, false, false, true},
    {U"don\U00002019t", true, false, true, true},
    {U"don\U000002BCt it's", false, false, false, true},
    {U"\U0000201CHi\U0000201D \"x\"", false, false, true, false},
    {U"\U0000201CHi\U0000201D", false, true, true, true},
    {U"it\U00002019s \U0000201Cok\U0000201D", true, true, true, true},
    };
    for (const auto &p : python) {
        const Style plain = Style::of(p.text), curly = Style::of(p.text, Style{true, true});
        EXPECT_EQ(plain.curly_apostrophe, p.apostrophe) << encode_utf8(p.text);
        EXPECT_EQ(plain.curly_quotes, p.quotes) << encode_utf8(p.text);
        EXPECT_EQ(curly.curly_apostrophe, p.apostrophe_over_curly) << encode_utf8(p.text);
        EXPECT_EQ(curly.curly_quotes, p.quotes_over_curly) << encode_utf8(p.text);
    }
}

struct Apply {
    Text text;
    char32_t before;
    bool apostrophe, quotes;
    Text styled;
};

TEST(Fold, StyleApply) {
    // Python: Style(apostrophe, quotes).apply(text, chr(before) if before else "")
    const Apply python[] = {
    {U"don't say \"no\"", 0x0, false, false, U"don't say \"no\""},
    {U"don't say \"no\"", 0x0, true, false, U"don\U00002019t say \"no\""},
    {U"don't say \"no\"", 0x0, false, true, U"don't say \U0000201Cno\U0000201D"},
    {U"don't say \"no\"", 0x0, true, true, U"don\U00002019t say \U0000201Cno\U0000201D"},
    {U"\"a\" (\"b\") [\"c\"] {\"d\"}", 0x20, false, false, U"\"a\" (\"b\") [\"c\"] {\"d\"}"},
    {U"\"a\" (\"b\") [\"c\"] {\"d\"}", 0x20, true, false, U"\"a\" (\"b\") [\"c\"] {\"d\"}"},
    {U"\"a\" (\"b\") [\"c\"] {\"d\"}", 0x20, false, true, U"\U0000201Ca\U0000201D (\U0000201Cb\U0000201D) [\U0000201Cc\U0000201D] {\U0000201Cd\U0000201D}"},
    {U"\"a\" (\"b\") [\"c\"] {\"d\"}", 0x20, true, true, U"\U0000201Ca\U0000201D (\U0000201Cb\U0000201D) [\U0000201Cc\U0000201D] {\U0000201Cd\U0000201D}"},
    {U"\"x", 0x61, false, false, U"\"x"},
    {U"\"x", 0x61, true, false, U"\"x"},
    {U"\"x", 0x61, false, true, U"\U0000201Dx"},
    {U"\"x", 0x61, true, true, U"\U0000201Dx"},
    {U"\"x", 0xA0, false, false, U"\"x"},
    {U"\"x", 0xA0, true, false, U"\"x"},
    {U"\"x", 0xA0, false, true, U"\U0000201Cx"},
    {U"\"x", 0xA0, true, true, U"\U0000201Cx"},
    {U"it's", 0x0, false, false, U"it's"},
    {U"it's", 0x0, true, false, U"it\U00002019s"},
    {U"it's", 0x0, false, true, U"it's"},
    {U"it's", 0x0, true, true, U"it\U00002019s"},
    };
    for (const auto &p : python) EXPECT_EQ((Style{p.apostrophe, p.quotes}.apply(p.text, p.before)), p.styled) << encode_utf8(p.text);
}

struct ExpectedWord {
    Text text;
    size_t start, end;
};

struct Words {
    Text text;
    std::vector<ExpectedWord> words;
};

TEST(ModelInput, Words) {
    // Python: [(w.text, w.start, w.end) for w in words(text)]
    const Words python[] = {
    {U"don't stop-believing", {{U"don't", 0, 5}, {U"stop-believing", 6, 20}}},
    {U"x-ray's 'quoted' --a", {{U"x-ray's", 0, 7}, {U"'", 8, 9}, {U"quoted", 9, 15}, {U"'", 15, 16}, {U"-", 17, 18}, {U"-", 18, 19}, {U"a", 19, 20}}},
    {U"Hello, world!", {{U"Hello", 0, 5}, {U",", 5, 6}, {U"world", 7, 12}, {U"!", 12, 13}}},
    {U"snake_case a__b 3.14", {{U"snake_case", 0, 10}, {U"a__b", 11, 15}, {U"3", 16, 17}, {U".", 17, 18}, {U"14", 18, 20}}},
    {U"\U000000E9t\U000000E9 na\U00000131ve \U00000663\U00000664", {{U"\U000000E9t\U000000E9", 0, 3}, {U"na\U00000131ve", 4, 9}, {U"\U00000663\U00000664", 10, 12}}},
    {U"a'-b", {{U"a", 0, 1}, {U"'", 1, 2}, {U"-", 2, 3}, {U"b", 3, 4}}},
    {U"  \U000000A0 ", {}},
    };
    for (const auto &p : python) {
        const auto got = words(p.text);
        ASSERT_EQ(got.size(), p.words.size()) << encode_utf8(p.text);
        for (size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].text, p.words[i].text);
            EXPECT_EQ(got[i].start, p.words[i].start);
            EXPECT_EQ(got[i].end, p.words[i].end);
        }
    }
}

struct Spans {
    Text text;
    std::vector<Protected> spans;
};

void expect_spans(const std::vector<Protected> &got, const std::vector<Protected> &expected, const Text &text) {
    ASSERT_EQ(got.size(), expected.size()) << encode_utf8(text);
    for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].start, expected[i].start) << encode_utf8(text) << " #" << i;
        EXPECT_EQ(got[i].end, expected[i].end) << encode_utf8(text) << " #" << i;
        EXPECT_STREQ(kind_name(got[i].kind), kind_name(expected[i].kind)) << encode_utf8(text) << " #" << i;
    }
}

TEST(Protect, SpansArePythons) {
    // Python: [(p.start, p.end, p.kind) for p in protected_spans(text, 0, len(text), alphabet)]
    const Spans python[] = {
    {U"Mail john.doe@example.com now", {{5, 25, ProtectedKind::email}}},
    {U"See https://example.com/a?b=1, ok", {{4, 29, ProtectedKind::url}}},
    {U"On 12/03/2024 at 5pm it cost $5", {{3, 13, ProtectedKind::number}, {17, 20, ProtectedKind::number}, {29, 31, ProtectedKind::number}}},
    {U"We ate at the caf\U000000E9 \U0001F600 today", {{14, 18, ProtectedKind::word}, {19, 20, ProtectedKind::symbol}}},
    {U"He said \U000005E9\U000005DC\U000005D5\U000005DD to me", {{8, 12, ProtectedKind::word}}},
    {U"cafe\U00000301 is nice", {{0, 5, ProtectedKind::word}}},
    {U"use and/or `x = 1` here", {{4, 10, ProtectedKind::word}, {11, 18, ProtectedKind::code}}},
    {U"I \U00002764\U0000FE0F you, @anna #fun", {{2, 4, ProtectedKind::symbol}, {10, 15, ProtectedKind::mention}, {16, 20, ProtectedKind::mention}}},
    {U"family \U0001F468\U0000200D\U0001F469\U0000200D\U0001F467 photo", {{7, 12, ProtectedKind::symbol}}},
    {U"I don\U00002019t think so \U00002014 no\U00002026", {}},
    {U"(www.x.org/a). and http://a.b/c\U0000201D", {{1, 12, ProtectedKind::url}, {19, 31, ProtectedKind::url}}},
    {U"5\U0000017Ft 7\U0000212A 2S 1.5x 3rd- a-5 x.5", {{0, 3, ProtectedKind::number}, {4, 6, ProtectedKind::number}, {7, 9, ProtectedKind::number}, {10, 11, ProtectedKind::number}, {15, 18, ProtectedKind::number}, {22, 23, ProtectedKind::number}}},
    {U"ftp://x, www.y; a+b://c", {{0, 7, ProtectedKind::url}, {9, 14, ProtectedKind::url}, {16, 23, ProtectedKind::url}}},
    {U"\U000000AB\U000000BB \U00003002 x*y a=b \U000000A9", {{0, 2, ProtectedKind::symbol}, {3, 4, ProtectedKind::symbol}, {5, 8, ProtectedKind::word}, {9, 12, ProtectedKind::word}, {13, 14, ProtectedKind::symbol}}},
    {U"$1,000.50 10:30am 50% -3", {{0, 9, ProtectedKind::number}, {10, 17, ProtectedKind::number}, {18, 21, ProtectedKind::number}, {22, 24, ProtectedKind::number}}},
    {U"a@b a@b.c @@x #_ q#x", {{0, 3, ProtectedKind::word}, {4, 9, ProtectedKind::email}, {10, 12, ProtectedKind::symbol}, {14, 16, ProtectedKind::mention}, {17, 20, ProtectedKind::word}}},
    {U"1..2 1.2.3 4/5/ 6-7-8th", {{0, 1, ProtectedKind::number}, {5, 10, ProtectedKind::number}, {11, 14, ProtectedKind::number}, {14, 15, ProtectedKind::symbol}, {16, 23, ProtectedKind::number}}},
    };
    const Alphabet alphabet = shipped_alphabet();
    for (const auto &p : python) expect_spans(protected_spans(p.text, 0, p.text.size(), alphabet), p.spans, p.text);
}

struct RangeSpans {
    Text text;
    size_t start, end;
    std::vector<Protected> spans;
};

TEST(Protect, LookbehindSeesBeforeTheRangeAndLookaheadStopsAtItsEnd) {
    // Python: protected_spans(text, start, end, alphabet), i.e. finditer(text, pos, endpos)
    const RangeSpans python[] = {
    {U"x1 2y", 1, 4, {{3, 4, ProtectedKind::number}}},
    {U"a@b.cd", 1, 6, {{1, 2, ProtectedKind::symbol}}},
    {U"http://x.y/z.", 0, 12, {{0, 12, ProtectedKind::url}}},
    {U"ab12", 2, 4, {}},
    {U"go 5pm", 0, 5, {}},
    };
    const Alphabet alphabet = shipped_alphabet();
    for (const auto &p : python) expect_spans(protected_spans(p.text, p.start, p.end, alphabet), p.spans, p.text);
}

TEST(Protect, KindNames) {
    EXPECT_STREQ(kind_name(ProtectedKind::code), "code");
    EXPECT_STREQ(kind_name(ProtectedKind::symbol), "symbol");
    EXPECT_TRUE((Protected{0, 1, ProtectedKind::number}.is_word()));
    EXPECT_FALSE((Protected{0, 1, ProtectedKind::symbol}.is_word()));
}

struct InputWord {
    Text text;
    size_t start, end, origin_start, origin_end;
    int span;  // index into the sentence's protected spans, -1 for none
};

struct Input {
    Text text, model_text, placeholder;
    bool has_content;
    size_t placeholders;
    std::vector<InputWord> words;
};

TEST(ModelInput, IsPythons) {
    // Python: model_input(text, 0, len(text), protected_spans(text, 0, len(text), alphabet), alphabet)
    const Input python[] = {
    {U"We ate at the caf\U000000E9\U0001F600today in Paris", U"We ate at the London today in Paris", U"London", true, 1, {{U"We", 0, 2, 0, 2, -1}, {U"ate", 3, 6, 3, 6, -1}, {U"at", 7, 9, 7, 9, -1}, {U"the", 10, 13, 10, 13, -1}, {U"London", 14, 20, 14, 18, 0}, {U"today", 21, 26, 19, 24, -1}, {U"in", 27, 29, 25, 27, -1}, {U"Paris", 30, 35, 28, 33, -1}}},
    {U"I don\U00002019t  think\U00002026 so", U"I don't think... so", U"Paris", true, 0, {{U"I", 0, 1, 0, 1, -1}, {U"don't", 2, 7, 2, 7, -1}, {U"think", 8, 13, 9, 14, -1}, {U".", 13, 14, 14, 15, -1}, {U".", 14, 15, 14, 15, -1}, {U".", 15, 16, 14, 15, -1}, {U"so", 17, 19, 16, 18, -1}}},
    {U"  see x@y.com,now  ", U"see Paris,now", U"Paris", true, 1, {{U"see", 0, 3, 2, 5, -1}, {U"Paris", 4, 9, 6, 13, 0}, {U",", 9, 10, 13, 14, -1}, {U"now", 10, 13, 14, 17, -1}}},
    {U"caf\U000000E9caf\U000000E9 \U0001F600", U"Paris", U"Paris", false, 1, {{U"Paris", 0, 5, 0, 8, 0}}},
    {U"\U0001F600", U"", U"Paris", false, 0, {}},
    {U"London Paris and 5pm", U"London Paris and Berlin", U"Berlin", true, 1, {{U"London", 0, 6, 0, 6, -1}, {U"Paris", 7, 12, 7, 12, -1}, {U"and", 13, 16, 13, 16, -1}, {U"Berlin", 17, 23, 17, 20, 0}}},
    {U"\U00002014 \U0000201Chi\U0000201D", U"- \"hi\"", U"Paris", true, 0, {{U"-", 0, 1, 0, 1, -1}, {U"\"", 2, 3, 2, 3, -1}, {U"hi", 3, 5, 3, 5, -1}, {U"\"", 5, 6, 5, 6, -1}}},
    };
    const Alphabet alphabet = shipped_alphabet();
    for (const auto &p : python) {
        const auto spans = protected_spans(p.text, 0, p.text.size(), alphabet);
        const ModelInput got = model_input(p.text, 0, p.text.size(), spans, alphabet);
        EXPECT_EQ(got.text, p.model_text) << encode_utf8(p.text);
        EXPECT_EQ(got.placeholder, p.placeholder) << encode_utf8(p.text);
        EXPECT_EQ(got.has_content(), p.has_content) << encode_utf8(p.text);
        EXPECT_EQ(got.placeholders(), p.placeholders) << encode_utf8(p.text);
        EXPECT_EQ(got.protected_spans.size(), spans.size());
        ASSERT_EQ(got.words.size(), p.words.size()) << encode_utf8(p.text);
        for (size_t i = 0; i < got.words.size(); ++i) {
            const Word &w = got.words[i];
            const InputWord &e = p.words[i];
            EXPECT_EQ(w.text, e.text) << encode_utf8(p.text) << " #" << i;
            EXPECT_EQ(w.start, e.start) << encode_utf8(p.text) << " #" << i;
            EXPECT_EQ(w.end, e.end) << encode_utf8(p.text) << " #" << i;
            EXPECT_EQ(w.origin_start, e.origin_start) << encode_utf8(p.text) << " #" << i;
            EXPECT_EQ(w.origin_end, e.origin_end) << encode_utf8(p.text) << " #" << i;
            ASSERT_EQ(w.protected_span.has_value(), e.span >= 0) << encode_utf8(p.text) << " #" << i;
            if (e.span >= 0) {
                EXPECT_EQ(w.protected_span->start, spans[static_cast<size_t>(e.span)].start);
                EXPECT_EQ(w.protected_span->end, spans[static_cast<size_t>(e.span)].end);
            }
        }
    }
}

TEST(ModelInput, Placeholders) {
    EXPECT_EQ(Text(PLACEHOLDERS[0]), U"Paris");
    EXPECT_EQ(Text(PLACEHOLDERS[1]), U"London");
    EXPECT_EQ(Text(PLACEHOLDERS[2]), U"Berlin");
    EXPECT_EQ(Text(PLACEHOLDERS[3]), U"Madrid");
    // Python: model_input("Paris London Berlin Madrid caf\u00e9", ...).placeholder == "Paris"
    const Text all = U"Paris London Berlin Madrid caf\u00e9";
    const Alphabet alphabet = shipped_alphabet();
    EXPECT_EQ(model_input(all, 0, all.size(), protected_spans(all, 0, all.size(), alphabet), alphabet).placeholder, U"Paris");
}

}  // namespace
}  // namespace edge_sdk
