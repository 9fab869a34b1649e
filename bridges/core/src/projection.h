// ProFormer's LSH projection, bit for bit (docs/projection-spec.md; edge_sdk/projection/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "unicode.h"

namespace edge_sdk {

uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed);

struct ProjectionSettings {
    std::string version = "lsh-v1";
    int features = 0;  // T, a multiple of 16
    uint32_t seed = 0;
    int max_words = 0;  // N
    std::vector<int> char_ngrams;

    // projection.json's text; throws BundleError for unknown versions or invalid settings.
    static ProjectionSettings from_json(const std::string &json, const std::string &where);
};

// Normalisation (NFKC, full lower-casing, final sigma) of section 1.
Text projection_normalize(TextView text);
// Words of section 2, the first max_words of them.
std::vector<Text> projection_words(TextView text, int max_words);
// The hashes h_0 .. h_{T/16-1} of one word's UTF-8 bytes.
std::vector<uint32_t> word_hashes(const Text &word, const ProjectionSettings &settings);
// Features [words x T], row-major.
std::vector<float> project(TextView text, const ProjectionSettings &settings, size_t *words_out);

}  // namespace edge_sdk
