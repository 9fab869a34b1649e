// The LSH projection must be bit-identical to edge_sdk/projection/ (docs/projection-spec.md): the
// spec's MurmurHash3 vectors, and a replay of the golden file the Python reference writes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "projection.h"
#include "sha256.h"

namespace edge_sdk {
namespace {

TEST(Murmur3, SpecReferenceVectors) {
    EXPECT_EQ(murmur3_x86_32("", 0), 0x00000000u);
    EXPECT_EQ(murmur3_x86_32("", 1), 0x514E28B7u);
    EXPECT_EQ(murmur3_x86_32("", 0xFFFFFFFFu), 0x81F16F39u);
    EXPECT_EQ(murmur3_x86_32(std::string(4, '\0'), 0), 0x2362F9DEu);
    EXPECT_EQ(murmur3_x86_32("aaaa", 0x9747B28Cu), 0x5A97808Au);
    EXPECT_EQ(murmur3_x86_32("Hello, world!", 0x9747B28Cu), 0x24884CBAu);
    EXPECT_EQ(murmur3_x86_32("The quick brown fox jumps over the lazy dog", 0x9747B28Cu), 0x2FA826CDu);
}

// sha256 of the int16 little-endian matrix, as golden.py checksums features.
std::string features_sha256(const std::vector<float> &features) {
    std::string bytes;
    bytes.reserve(features.size() * 2);
    for (float f : features) {
        const auto v = static_cast<uint16_t>(static_cast<int16_t>(f));
        bytes.push_back(static_cast<char>(v & 0xFF));
        bytes.push_back(static_cast<char>(v >> 8));
    }
    return sha256_hex(bytes);
}

std::string words_json(const std::vector<Text> &words) {
    nlohmann::json out = nlohmann::json::array();
    for (const Text &w : words) out.push_back(encode_utf8(w));
    return out.dump();
}

// Produced by `python -m edge_sdk projection golden -o FILE`; pytest (tests/core) sets the variable.
TEST(ProjectionGolden, ReplaysThePythonVectors) {
    const char *path = std::getenv("EDGE_SDK_PROJECTION_GOLDEN");
    ASSERT_NE(path, nullptr) << "EDGE_SDK_PROJECTION_GOLDEN is not set: write the golden vectors with "
                                "`.venv/bin/python -m edge_sdk projection golden -o build/projection-golden.jsonl` "
                                "and run with EDGE_SDK_PROJECTION_GOLDEN=build/projection-golden.jsonl";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read EDGE_SDK_PROJECTION_GOLDEN=" << path;

    std::string line;
    ASSERT_TRUE(std::getline(in, line)) << path << " is empty";
    const auto first = nlohmann::json::parse(line);
    ASSERT_TRUE(first.contains("settings")) << path << ": the first line is not {\"settings\": ...}";
    const ProjectionSettings settings = ProjectionSettings::from_json(first["settings"].dump(), path);

    size_t texts = 0, mismatches = 0;
    constexpr size_t SHOWN = 10;  // a broken rule fails most lines: the first few say which
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto golden = nlohmann::json::parse(line);
        ++texts;
        const std::string utf8 = golden["text"].get<std::string>();
        const Text text = decode_utf8(utf8);

        const std::vector<Text> words = projection_words(text, settings.max_words);
        std::vector<std::vector<uint32_t>> hashes;
        for (const Text &w : words) hashes.push_back(word_hashes(w, settings));
        size_t rows = 0;
        const std::vector<float> features = project(text, settings, &rows);

        std::vector<std::string> expected_words;
        for (const auto &w : golden["words"]) expected_words.push_back(w.get<std::string>());
        std::vector<std::string> got_words;
        for (const Text &w : words) got_words.push_back(encode_utf8(w));
        const auto expected_hashes = golden["hashes"].get<std::vector<std::vector<uint32_t>>>();
        const auto shape = golden["features_shape"].get<std::vector<size_t>>();

        std::string why;
        if (got_words != expected_words)
            why = "words " + words_json(words) + ", expected " + golden["words"].dump();
        else if (hashes != expected_hashes)
            why = "hashes differ";
        else if (shape != std::vector<size_t>{rows, static_cast<size_t>(settings.features)})
            why = "features shape [" + std::to_string(rows) + ", " + std::to_string(settings.features) +
                  "], expected " + golden["features_shape"].dump();
        else if (features_sha256(features) != golden["features_sha256"].get<std::string>())
            why = "features checksum differs";
        if (!why.empty()) {
            ++mismatches;
            if (mismatches <= SHOWN) ADD_FAILURE() << "text " << nlohmann::json(utf8).dump() << ": " << why;
        }
    }
    EXPECT_EQ(mismatches, 0u) << "of " << texts << " texts";
    // The spec's golden file has at least 1,000 texts; fewer means a truncated or wrong file.
    EXPECT_GE(texts, 1000u) << path << " has only " << texts << " texts";
}

// The CLI's golden file has no n-grams: these were printed by edge_sdk.projection.lsh.project with
// ProjectionSettings(features=64, seed=7, max_words=8, char_ngrams=(1, 3, 5)).
TEST(Projection, CharNgramsAddToTheWordFeaturesLikePython) {
    const ProjectionSettings settings = ProjectionSettings::from_json(
        R"({"char_ngrams": [1, 3, 5], "features": 64, "max_words": 8, "seed": 7, "version": "lsh-v1"})", "test");
    struct Case {
        Text text;
        size_t rows;
        const char *sha256;
    };
    const std::vector<Case> cases{
        {U"", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {U"a", 1, "bd40223abf3dd8cc221e4236710501e9ead2d75f1c4227e9a61092a2ab286940"},
        {U"Hello, World!", 4, "2c6b8319d5e22d89033962fee6f5c3dcd2406560af7fd69c7ec7b3aa6acdf41d"},
        {U"Stra\u00DFe \uFB01ne", 2, "10afcc3c9b006fbc31711c656c29ada16dd4f05fcbb28cadeb8ffc48eedfb6de"},
        {U"\u6771\u4EAC \uC11C\uC6B8 \U0001F44D\U0001F3FD", 5,
         "a9bad29cd68976332fd8c1f4b0d694c369df1aacb6673148ee8930f8d058a0ca"},
        {U"internationalisation is long", 3, "36af7bd3996dd320cb8024a9e3deb95a848e90e0eb97a3323542ff14a2467798"},
        {U"one two three four five six seven eight nine ten", 8,
         "0ec6a5f536cbdf893382033d656d8d1e62761a0dd967ebb58ec15151ceacec14"},
    };
    for (const Case &c : cases) {
        size_t rows = 99;
        const std::vector<float> features = project(c.text, settings, &rows);
        EXPECT_EQ(rows, c.rows) << encode_utf8(c.text);
        EXPECT_EQ(features.size(), c.rows * 64u) << encode_utf8(c.text);
        EXPECT_EQ(features_sha256(features), c.sha256) << encode_utf8(c.text);
    }
}

TEST(Projection, NormalisesAndSplitsPerTheSpec) {
    EXPECT_EQ(projection_normalize(U"\uFB01ne \uFF21 \u0130 \u039F\u0394\u039F\u03A3 \u03C2"),
              U"fine a i\u0307 \u03BF\u03B4\u03BF\u03C3 \u03C3");
    const std::vector<Text> words = projection_words(U"Don't \u6771\u4EAC zero\u200Bwidth \U0001F44D\U0001F3FD!", 64);
    const std::vector<Text> expected{U"don", U"'", U"t", U"\u6771", U"\u4EAC", U"zero", U"width",
                                     U"\U0001F44D", U"\U0001F3FD", U"!"};
    EXPECT_EQ(words, expected);
    EXPECT_EQ(projection_words(U"a b c d", 2), (std::vector<Text>{U"a", U"b"}));
    EXPECT_TRUE(projection_words(U" \t\u00A0\u3000\n", 64).empty());
}

void expect_refused(const std::string &json, const std::string &message) {
    try {
        ProjectionSettings::from_json(json, "projection.json");
        ADD_FAILURE() << "accepted " << json;
    } catch (const BundleError &err) {
        EXPECT_EQ(std::string(err.what()), "projection.json: not valid projection settings (" + message + ")") << json;
    }
}

TEST(ProjectionSettings, RefusedLikeLshPy) {
    const ProjectionSettings s = ProjectionSettings::from_json(
        R"({"char_ngrams": [3], "features": 128, "max_words": 32, "seed": 24301, "version": "lsh-v1"})", "p");
    EXPECT_EQ(s.features, 128);
    EXPECT_EQ(s.seed, 24301u);
    EXPECT_EQ(s.max_words, 32);
    EXPECT_EQ(s.char_ngrams, std::vector<int>{3});
    // The message texts are Python's ValueError/TypeError ones.
    expect_refused(R"({"version": "lsh-v2"})", "projection spec 'lsh-v2' is not supported (this SDK: lsh-v1)");
    expect_refused(R"({"features": 100})", "features must be a positive multiple of 16, got 100");
    expect_refused(R"({"features": 0})", "features must be a positive multiple of 16, got 0");
    expect_refused(R"({"seed": 4294967295})", "seed must leave room for features/16 consecutive 32-bit seeds");
    expect_refused(R"({"seed": -1})", "seed must leave room for features/16 consecutive 32-bit seeds");
    expect_refused(R"({"max_words": 0})", "max_words and char n-gram sizes must be >= 1");
    expect_refused(R"({"char_ngrams": [0]})", "max_words and char n-gram sizes must be >= 1");
    // Python's order: unknown fields first, then version, then the values.
    expect_refused(R"({"version": "x", "features": "a"})", "projection spec 'x' is not supported (this SDK: lsh-v1)");
    expect_refused(R"({"version": 2})", "projection spec 2 is not supported (this SDK: lsh-v1)");
    expect_refused(R"({"features": 0, "zzz": 1})",
                   "ProjectionSettings.__init__() got an unexpected keyword argument 'zzz'");
    expect_refused(R"({"foo": 1})", "ProjectionSettings.__init__() got an unexpected keyword argument 'foo'");
    EXPECT_THROW(ProjectionSettings::from_json("{", "p"), BundleError);
    EXPECT_THROW(ProjectionSettings::from_json(R"({"features": "256"})", "p"), BundleError);
    EXPECT_THROW(ProjectionSettings::from_json("[]", "p"), BundleError);
}

}  // namespace
}  // namespace edge_sdk
