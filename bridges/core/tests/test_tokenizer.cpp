// The shipped tokenizer (edge_sdk/assets/grammar-corrector/tokenizer.model) through the C++ library must
// give the ids the Python reference gives: every expected value below was printed by
// edge_sdk.tokenizer.SentencePieceTokenizer (Python sentencepiece 0.2.3), e.g.
//   t = SentencePieceTokenizer("edge_sdk/assets/grammar-corrector/tokenizer.model")
//   t.encode(text), t.decode([0] + t.encode(text) + [2, 1]), "".join(sorted(t.alphabet)), t.max_piece_chars
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "errors.h"
#include "tokenizer.h"

namespace edge_sdk {
namespace {

// The test CMake passes no asset paths: the model is found relative to this source file (tests/ is
// bridges/core/tests, three levels below the repository root). EDGE_SDK_TOKENIZER_MODEL overrides it.
std::string tokenizer_path() {
    if (const char *env = std::getenv("EDGE_SDK_TOKENIZER_MODEL")) return env;
    std::string here = __FILE__;
    here = here.substr(0, here.find_last_of('/'));
    return here + "/../../../edge_sdk/assets/grammar-corrector/tokenizer.model";
}

const Tokenizer &shipped() {
    static const Tokenizer tokenizer(tokenizer_path());
    return tokenizer;
}

struct Case {
    Text text;
    std::vector<int> ids;
    Text decoded;  // of [bos] + ids + [eos, pad]: the specials are dropped
};

const std::vector<Case> &cases() {
    static const std::vector<Case> all{
    {U"", {}, U""},
    {U"Hello, world!", {343, 429, 310, 263, 449, 546}, U"Hello, world!"},
    {U"She go to school yesterday becuse she was late.", {491, 585, 265, 956, 1261, 260, 379, 1098, 275, 304, 1217, 715, 306, 1099, 262}, U"She go to school yesterday becuse she was late."},
    {U"  leading and   inner  spaces ", {857, 270, 267, 269, 1123, 1430, 260}, U"leading and inner spaces"},
    {U"Caf\u00E9 na\u00EFve r\u00E9sum\u00E9", {1244, 316, 199, 173, 584, 301, 199, 179, 434, 416, 199, 173, 260, 545, 199, 173}, U"Caf\u00E9 na\u00EFve r\u00E9sum\u00E9"},
    {U"tab\tand\nnewline", {1085, 331, 267, 377, 919}, U"tab and newline"},
    {U"\uFB01ne \uFF26\uFF35\uFF2C\uFF2C\uFF37\uFF29\uFF24\uFF34\uFF28", {388, 659, 458, 1478, 934, 934, 1824, 600, 1238, 838, 1737}, U"fine FULLWIDTH"},
    {U"\u6771\u4EAC\u3067\u4F1A\u3044\u307E\u3057\u3087\u3046", {328, 234, 161, 181, 232, 190, 176, 231, 133, 171, 232, 192, 158, 231, 133, 136, 231, 133, 194, 231, 133, 155, 231, 134, 139, 231, 133, 138}, U"\u6771\u4EAC\u3067\u4F1A\u3044\u307E\u3057\u3087\u3046"},
    {U"\U0001F44D\U0001F3FD \U0001F642!", {328, 244, 163, 149, 145, 244, 163, 147, 193, 328, 244, 163, 157, 134, 546}, U"\U0001F44D\U0001F3FD \U0001F642!"},
    {U"3.14159 and 1,000,000", {867, 262, 763, 846, 763, 747, 941, 267, 721, 1841, 1841}, U"3.14159 and 1,000,000"},
    {U"don't stop-believing", {1182, 289, 276, 1362, 282, 1066, 415, 274, 369, 270}, U"don't stop-believing"},
    {U"\u0130stanbul \u039F\u0394\u039F\u03A3 \u03BF\u03B4\u03CC\u03C2", {328, 200, 180, 349, 345, 331, 409, 328, 210, 163, 210, 152, 210, 163, 210, 167, 328, 210, 195, 210, 184, 211, 144, 211, 134}, U"\u0130stanbul \u039F\u0394\u039F\u03A3 \u03BF\u03B4\u03CC\u03C2"},
    {U"e\u0301 \u00E9", {328, 199, 173, 328, 199, 173}, U"\u00E9 \u00E9"},
    {U"zero\u200Bwidth", {1694, 494, 389, 367}, U"zero width"},
    {U"I has a apple .", {291, 308, 266, 848, 337, 328, 262}, U"I has a apple ."},
    {U"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", {328, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401}, U"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    };
    return all;
}

TEST(Tokenizer, EncodesLikePython) {
    for (const Case &c : cases()) EXPECT_EQ(shipped().encode(c.text), c.ids) << encode_utf8(c.text);
}

TEST(Tokenizer, DecodesLikePythonDroppingSpecials) {
    for (const Case &c : cases()) {
        std::vector<int> ids{Tokenizer::BOS_ID};
        ids.insert(ids.end(), c.ids.begin(), c.ids.end());
        ids.push_back(Tokenizer::EOS_ID);
        ids.push_back(Tokenizer::PAD_ID);
        EXPECT_EQ(encode_utf8(shipped().decode(ids)), encode_utf8(c.decoded)) << encode_utf8(c.text);
    }
}

TEST(Tokenizer, VocabularyAlphabetAndLongestPieceAreThePythonOnes) {
    EXPECT_EQ(shipped().vocab_size(), 2000);
    EXPECT_EQ(shipped().max_piece_chars(), 15u);
    const Text expected = U"!\"&'()+,-.0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u00ED";
    Text got(shipped().alphabet().begin(), shipped().alphabet().end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(encode_utf8(got), encode_utf8(expected));
}

std::string write_temp(const std::string &name, const std::string &bytes) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

TEST(Tokenizer, RefusesAFileThatIsNotAModel) {
    const std::string path = write_temp("edge_sdk_not_a_model.model", "garbage\n");
    try {
        Tokenizer tokenizer(path);
        FAIL() << "loaded a file that is not a SentencePiece model";
    } catch (const BundleError &err) {
        EXPECT_EQ(std::string(err.what()),
                  "not a SentencePiece model: " + path + " (INTERNAL: could not parse ModelProto from " + path + ")");
    }
    const std::string missing = path + ".missing";
    try {
        Tokenizer tokenizer(missing);
        FAIL() << "loaded a missing file";
    } catch (const BundleError &err) {
        EXPECT_EQ(std::string(err.what()), "not a SentencePiece model: " + missing + " (NOT_FOUND: \"" + missing +
                                               "\": No such file or directory)");
    }
    // The C++ library throws std::ios_base::failure for a folder; it must come out as a BundleError.
    const std::string folder = ::testing::TempDir();
    try {
        Tokenizer tokenizer(folder);
        FAIL() << "loaded a folder";
    } catch (const BundleError &err) {
        EXPECT_EQ(std::string(err.what()),
                  "not a SentencePiece model: " + folder + " (FAILED_PRECONDITION: \"" + folder +
                      "\": Is a directory)");
    }
}

TokenizerSpec spec_of_shipped() {
    TokenizerSpec spec;
    spec.file = "tokenizer.model";
    spec.vocab_size = 2000;
    return spec;
}

TEST(Tokenizer, CheckedAgainstTheManifestWithPythonMessages) {
    EXPECT_NO_THROW(check_tokenizer(shipped(), spec_of_shipped()));

    TokenizerSpec wrong_size = spec_of_shipped();
    wrong_size.vocab_size = 4000;
    try {
        check_tokenizer(shipped(), wrong_size);
        FAIL() << "accepted a vocabulary size that is not the tokenizer's";
    } catch (const BundleError &err) {
        EXPECT_STREQ(err.what(), "tokenizer.model has 2000 pieces, the manifest says tokenizer.vocab_size 4000: it is "
                                 "not the tokenizer this bundle was built with");
    }

    TokenizerSpec wrong_ids = spec_of_shipped();
    wrong_ids.pad_id = 0;
    wrong_ids.bos_id = 1;
    try {
        check_tokenizer(shipped(), wrong_ids);
        FAIL() << "accepted special ids that are not the tokenizer's";
    } catch (const BundleError &err) {
        EXPECT_STREQ(err.what(),
                     "tokenizer.model has special ids {'bos_id': 0, 'pad_id': 1, 'eos_id': 2, 'unk_id': 3}, "
                     "the manifest says {'bos_id': 1, 'pad_id': 0, 'eos_id': 2, 'unk_id': 3}");
    }
}

}  // namespace
}  // namespace edge_sdk
