// Expected values are Python's: difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
// under CPython 3.11 (get_matching_blocks(), get_opcodes(), repr(ratio())), pasted as literals.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "sequence_matcher.h"
#include "word_lists.h"

namespace edge_sdk {
namespace {

using edge_sdk::testing::split;

using Block = std::tuple<size_t, size_t, size_t>;
using Op = std::tuple<char, size_t, size_t, size_t, size_t>;  // tag: e(qual) r(eplace) d(elete) i(nsert)

struct Case {
    std::string a, b;
    std::vector<Block> blocks;
    std::vector<Op> opcodes;
    double ratio;
};

const Case CASES[] = {
    {"", "", {{0, 0, 0}}, {}, 1.0},
    {"a", "", {{1, 0, 0}}, {{'d', 0, 1, 0, 0}}, 0.0},
    {"", "a b", {{0, 2, 0}}, {{'i', 0, 0, 0, 2}}, 0.0},
    {"a b c", "a b c", {{0, 0, 3}, {3, 3, 0}}, {{'e', 0, 3, 0, 3}}, 1.0},
    {"a b x c d", "a b c d", {{0, 0, 2}, {3, 2, 2}, {5, 4, 0}},
     {{'e', 0, 2, 0, 2}, {'d', 2, 3, 2, 2}, {'e', 3, 5, 2, 4}}, 0.8888888888888888},
    {"q a b x c d", "a b y c d f", {{1, 0, 2}, {4, 3, 2}, {6, 6, 0}},
     {{'d', 0, 1, 0, 0}, {'e', 1, 3, 0, 2}, {'r', 3, 4, 2, 3}, {'e', 4, 6, 3, 5}, {'i', 6, 6, 5, 6}},
     0.6666666666666666},
    {"the the cat", "the cat", {{1, 0, 2}, {3, 2, 0}}, {{'d', 0, 1, 0, 0}, {'e', 1, 3, 0, 2}}, 0.8},
    {"a b a b a b", "b a b a", {{1, 0, 4}, {6, 4, 0}}, {{'d', 0, 1, 0, 0}, {'e', 1, 5, 0, 4}, {'d', 5, 6, 4, 4}},
     0.8},
    // The earliest longest match splits the problem; the LIFO queue decides the rest.
    {"x a a a y", "a a z a a", {{1, 0, 2}, {3, 3, 1}, {5, 5, 0}},
     {{'d', 0, 1, 0, 0}, {'e', 1, 3, 0, 2}, {'i', 3, 3, 2, 3}, {'e', 3, 4, 3, 4}, {'r', 4, 5, 4, 5}}, 0.6},
    {"I has a apple .", "I have an apple .", {{0, 0, 1}, {3, 3, 2}, {5, 5, 0}},
     {{'e', 0, 1, 0, 1}, {'r', 1, 3, 1, 3}, {'e', 3, 5, 3, 5}}, 0.6},
    {"a b c d e", "e d c b a", {{0, 4, 1}, {5, 5, 0}}, {{'i', 0, 0, 0, 4}, {'e', 0, 1, 4, 5}, {'d', 1, 5, 5, 5}}, 0.2},
    {"a x b x c", "x a x b x c x", {{0, 1, 5}, {5, 7, 0}},
     {{'i', 0, 0, 0, 1}, {'e', 0, 5, 1, 6}, {'i', 5, 5, 6, 7}}, 0.8333333333333334},
};

char tag(Opcode::Tag t) {
    switch (t) {
        case Opcode::equal: return 'e';
        case Opcode::replace: return 'r';
        case Opcode::del: return 'd';
        case Opcode::insert: return 'i';
    }
    return '?';
}

TEST(SequenceMatcher, MatchesDifflib) {
    for (const Case &c : CASES) {
        const std::vector<Text> a = split(c.a), b = split(c.b);
        SequenceMatcher m(a, b);
        std::vector<Block> blocks;
        for (const MatchingBlock &x : m.matching_blocks()) blocks.emplace_back(x.a, x.b, x.size);
        std::vector<Op> ops;
        for (const Opcode &o : m.opcodes()) ops.emplace_back(tag(o.tag), o.i1, o.i2, o.j1, o.j2);
        EXPECT_EQ(blocks, c.blocks) << c.a << " | " << c.b;
        EXPECT_EQ(ops, c.opcodes) << c.a << " | " << c.b;
        EXPECT_EQ(m.ratio(), c.ratio) << c.a << " | " << c.b;  // same arithmetic: exactly equal
    }
}

TEST(SequenceMatcher, ComparesWholeWords) {
    // Exact string comparison: case and non-ASCII code points are different elements.
    const std::vector<Text> a{U"The", U"caf\u00e9"}, b{U"the", U"caf\u00e9"};
    std::vector<Block> blocks;
    for (const MatchingBlock &x : SequenceMatcher(a, b).matching_blocks()) blocks.emplace_back(x.a, x.b, x.size);
    EXPECT_EQ(blocks, (std::vector<Block>{{1, 1, 1}, {2, 2, 0}}));
}

}  // namespace
}  // namespace edge_sdk
