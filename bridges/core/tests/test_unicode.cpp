// Expected values are Python 3.11's (Unicode 14.0): str.isspace/isalpha/isalnum, re's \\w and \\d,
// unicodedata.category/normalize, str.lower/strip, bytes.decode's errors, pasted as literals.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "errors.h"
#include "unicode.h"

namespace edge_sdk {
namespace {

std::string decode_error(const std::string &bytes) {
    try {
        decode_utf8(bytes);
    } catch (const InputError &e) {
        return e.what();
    }
    return "no error";
}

TEST(Utf8, DecodesAndEncodesEveryLength) {
    const std::string bytes = "a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x91\x8d\xf4\x8f\xbf\xbf";
    const Text text = decode_utf8(bytes);
    EXPECT_EQ(text, (Text{U'a', 0xE9, 0x6771, 0x1F44D, 0x10FFFF}));
    EXPECT_EQ(encode_utf8(text), bytes);
    EXPECT_EQ(decode_utf8(""), Text());
    EXPECT_EQ(decode_utf8(std::string("a\0b", 3)), (Text{U'a', 0, U'b'}));
}

TEST(Utf8, RefusesWhatPythonRefusesWithItsReasonAndOffset) {
    // Python: bytes.decode("utf-8") raises UnicodeDecodeError(reason, start); the byte is bytes[start].
    EXPECT_EQ(decode_error("\xff"), "text is not valid UTF-8: invalid start byte 0xff at byte 0");
    EXPECT_EQ(decode_error("abc\x80"), "text is not valid UTF-8: invalid start byte 0x80 at byte 3");
    EXPECT_EQ(decode_error("\xc0\xaf"), "text is not valid UTF-8: invalid start byte 0xc0 at byte 0");
    EXPECT_EQ(decode_error("ab\xe2\x82"), "text is not valid UTF-8: unexpected end of data 0xe2 at byte 2");
    EXPECT_EQ(decode_error("\xed\xa0\x80"), "text is not valid UTF-8: invalid continuation byte 0xed at byte 0");
    EXPECT_EQ(decode_error("\xe0\x80\x80"), "text is not valid UTF-8: invalid continuation byte 0xe0 at byte 0");
    EXPECT_EQ(decode_error("x\xf4\x90\x80\x80"), "text is not valid UTF-8: invalid continuation byte 0xf4 at byte 1");
    EXPECT_EQ(decode_error("\xf5\x80\x80\x80"), "text is not valid UTF-8: invalid start byte 0xf5 at byte 0");
    EXPECT_EQ(decode_error("\xe6\x9d"), "text is not valid UTF-8: unexpected end of data 0xe6 at byte 0");
    EXPECT_EQ(decode_error("\xe6\x9dx"), "text is not valid UTF-8: invalid continuation byte 0xe6 at byte 0");
    try {
        decode_utf8("\xff");
    } catch (const Error &e) {
        EXPECT_EQ(e.status(), EDGE_SDK_ERR_INVALID_INPUT);
    }
}

TEST(Unicode, WhitespaceIsExactlyPythonsOverEveryCodePoint) {
    // Python: [hex(c) for c in range(0x110000) if chr(c).isspace()]
    const std::vector<char32_t> python = {0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000};
    for (char32_t c = 0; c < 0x110000; ++c)
        ASSERT_EQ(is_space(c), std::find(python.begin(), python.end(), c) != python.end()) << std::hex << c;
}

struct Props {
    char32_t c;
    bool space, alpha, alnum, word, decimal;
    const char *category;
};

TEST(Unicode, PredicatesAndCategories) {
    // Python: c.isspace(), c.isalpha(), c.isalnum(), re.match(r"\\w", c), re.match(r"\\d", c), unicodedata.category(c)
    const Props python[] = {
    {0x61, false, true, true, true, false, "Ll"},
    {0x5A, false, true, true, true, false, "Lu"},
    {0x5F, false, false, false, true, false, "Pc"},
    {0x35, false, false, true, true, true, "Nd"},
    {0x663, false, false, true, true, true, "Nd"},
    {0x2167, false, false, true, true, false, "Nl"},
    {0xBD, false, false, true, true, false, "No"},
    {0xB2, false, false, true, true, false, "No"},
    {0x4E00, false, true, true, true, false, "Lo"},
    {0x4E07, false, true, true, true, false, "Lo"},
    {0x301, false, false, false, false, false, "Mn"},
    {0xAA, false, true, true, true, false, "Lo"},
    {0x1F130, false, false, false, false, false, "So"},
    {0x24, false, false, false, false, false, "Sc"},
    {0xA0, true, false, false, false, false, "Zs"},
    {0x3000, true, false, false, false, false, "Zs"},
    {0x2028, true, false, false, false, false, "Zl"},
    {0x1C, true, false, false, false, false, "Cc"},
    {0x85, true, false, false, false, false, "Cc"},
    {0x200B, false, false, false, false, false, "Cf"},
    {0x1F44D, false, false, false, false, false, "So"},
    {0x5D0, false, true, true, true, false, "Lo"},
    {0x130, false, true, true, true, false, "Lu"},
    {0x212A, false, true, true, true, false, "Lu"},
    {0x17F, false, true, true, true, false, "Ll"},
    {0x345, false, false, false, false, false, "Mn"},
    {0xFEFF, false, false, false, false, false, "Cf"},
    {0x1D7CE, false, false, true, true, true, "Nd"},
    {0xF33, false, false, true, true, false, "No"},
    {0x2460, false, false, true, true, false, "No"},
    };
    for (const Props &p : python) {
        EXPECT_EQ(is_space(p.c), p.space) << std::hex << p.c;
        EXPECT_EQ(is_alpha(p.c), p.alpha) << std::hex << p.c;
        EXPECT_EQ(is_alnum(p.c), p.alnum) << std::hex << p.c;
        EXPECT_EQ(is_word(p.c), p.word) << std::hex << p.c;
        EXPECT_EQ(is_decimal(p.c), p.decimal) << std::hex << p.c;
        EXPECT_STREQ(category(p.c), p.category) << std::hex << p.c;
        EXPECT_EQ(major_category(p.c), p.category[0]) << std::hex << p.c;
    }
}

TEST(Unicode, LowerIsPythonsWithFullMappingsAndFinalSigma) {
    // Python: s.lower()
    const std::pair<Text, Text> python[] = {
    {U"Hello WORLD", U"hello world"},
    {U"\U00000130stanbul", U"i\U00000307stanbul"},
    {U"\U0000039F\U00000394\U0000039F\U000003A3", U"\U000003BF\U000003B4\U000003BF\U000003C2"},
    {U"\U000003A3", U"\U000003C3"},
    {U"A\U000003A3", U"a\U000003C2"},
    {U"A\U000003A3a", U"a\U000003C3a"},
    {U"A\U00000301\U000003A3", U"a\U00000301\U000003C2"},
    {U"A\U000003A3\U00000301", U"a\U000003C2\U00000301"},
    {U"A.\U000003A3", U"a.\U000003C2"},
    {U"A\U000003A3.b", U"a\U000003C3.b"},
    {U"\U000000AA\U000003A3", U"\U000000AA\U000003C2"},
    {U"\U0001F130\U000003A3", U"\U0001F130\U000003C2"},
    {U"\U000003A3\U000003A3", U"\U000003C3\U000003C2"},
    {U"A\U000003A3\U000003A3", U"a\U000003C3\U000003C2"},
    {U"\U0000212AELVIN", U"kelvin"},
    {U"\U00001E9E", U"\U000000DF"},
    {U"\U000001C5", U"\U000001C6"},
    {U"\U00002167", U"\U00002177"},
    {U"\U000024B6", U"\U000024D0"},
    {U"1\U000003A3", U"1\U000003C3"},
    {U"A'\U000003A3", U"a'\U000003C2"},
    };
    for (const auto &[text, expected] : python) EXPECT_EQ(lower(text), expected) << encode_utf8(text);
}

TEST(Unicode, Normalization) {
    // Python: unicodedata.normalize("NFC", s), unicodedata.normalize("NFKC", s)
    const Text python[][3] = {
    {U"e\U00000301", U"\U000000E9", U"\U000000E9"},
    {U"\U0000FB01ne", U"\U0000FB01ne", U"fine"},
    {U"\U0000212B", U"\U000000C5", U"\U000000C5"},
    {U"a\U00000301\U00000316", U"\U000000E1\U00000316", U"\U000000E1\U00000316"},
    {U"\U00001100\U00001161\U000011A8", U"\U0000AC01", U"\U0000AC01"},
    {U"\U0000FF26\U0000FF35\U0000FF2C\U0000FF2C", U"\U0000FF26\U0000FF35\U0000FF2C\U0000FF2C", U"FULL"},
    {U"\U000000BD", U"\U000000BD", U"1\U000020442"},
    {U"q\U00000307\U00000323", U"q\U00000323\U00000307", U"q\U00000323\U00000307"},
    {U"\U00000958", U"\U00000915\U0000093C", U"\U00000915\U0000093C"},
    {U"x\U000000A0y", U"x\U000000A0y", U"x y"},
    };
    for (const auto &row : python) {
        EXPECT_EQ(nfc(row[0]), row[1]) << encode_utf8(row[0]);
        EXPECT_EQ(nfkc(row[0]), row[2]) << encode_utf8(row[0]);
    }
}

TEST(Unicode, CanonicalOrderingOfALongRunOfMarksIsPythons) {
    // Python: unicodedata.normalize("NFC", "a" + "\u0301\u0316" * 3) == "\u00e1" + "\u0316" * 3 + "\u0301" * 2
    EXPECT_EQ(nfc(U"a\u0301\u0316\u0301\u0316\u0301\u0316"), U"\u00e1\u0316\u0316\u0316\u0301\u0301");
    Text marks(U"a");
    for (int i = 0; i < 50000; ++i) marks += U"\u0301\u0316";
    EXPECT_EQ(nfc(marks).size(), 100000u);  // not quadratic: this is instant
}

struct Stripped {
    Text text, normalized, stripped;
    bool space;
};

TEST(Unicode, StripSplitAndIsspace) {
    // Python: " ".join(unicodedata.normalize("NFC", s).split()), s.strip(), s.isspace()
    const Stripped python[] = {
    {U"", U"", U"", false},
    {U" \U00000009\U0000000A", U"", U"", true},
    {U"  a\U000000A0 b\U00003000\U00002028c  ", U"a b c", U"a\U000000A0 b\U00003000\U00002028c", false},
    {U"e\U00000301  x", U"\U000000E9 x", U"e\U00000301  x", false},
    {U"\U0000200Bzero\U0000200B", U"\U0000200Bzero\U0000200B", U"\U0000200Bzero\U0000200B", false},
    {U"one\U0000001Ctwo\U00000085three", U"one two three", U"one\U0000001Ctwo\U00000085three", false},
    {U"\U000000A0x\U00002029", U"x", U"x", false},
    };
    for (const Stripped &p : python) {
        EXPECT_EQ(normalize_text(p.text), p.normalized) << encode_utf8(p.text);
        EXPECT_EQ(Text(strip(p.text)), p.stripped) << encode_utf8(p.text);
        EXPECT_EQ(all_space(p.text), p.space) << encode_utf8(p.text);
    }
}

TEST(Unicode, Offsets) {
    // Python: len(s[:i].encode("utf-8")), len(s[:i].encode("utf-16-le")) // 2 for s = "a\u00e9\u6771\U0001f44d"
    const Text text = U"a\u00e9\u6771\U0001F44D";
    EXPECT_EQ(utf8_offsets(text), (std::vector<size_t>{0, 1, 3, 6, 10}));
    EXPECT_EQ(utf16_offsets(text), (std::vector<size_t>{0, 1, 2, 3, 5}));
    EXPECT_EQ(utf8_offsets(U""), std::vector<size_t>{0});
}

}  // namespace
}  // namespace edge_sdk
