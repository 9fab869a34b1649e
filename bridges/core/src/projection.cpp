#include "projection.h"

#include <array>
#include <climits>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "errors.h"

namespace edge_sdk {

namespace {

constexpr const char *SPEC_VERSION = "lsh-v1";

uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// Scripts written without spaces (lsh.py's _NO_SPACE_RANGES): every code point is a word of its own.
bool no_space_script(char32_t c) {
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

bool is_word_char(char32_t c) {
    const char major = major_category(c);
    return (major == 'L' || major == 'M' || major == 'N') && !no_space_script(c);
}

bool is_dropped(char32_t c) {
    if (is_space(c)) return true;
    const char *cat = category(c);
    return std::strcmp(cat, "Zs") == 0 || std::strcmp(cat, "Zl") == 0 || std::strcmp(cat, "Zp") == 0 ||
           std::strcmp(cat, "Cc") == 0 || std::strcmp(cat, "Cf") == 0;
}

// Ternary features of one hash set, added into `out` (T floats): bits (2i, 2i+1) of h_j -> 16j + i.
void add_ternary(const std::vector<uint32_t> &hashes, float *out) {
    static constexpr std::array<float, 4> TERNARY{0.0f, 1.0f, -1.0f, 0.0f};
    for (size_t j = 0; j < hashes.size(); ++j) {
        for (unsigned i = 0; i < 16; ++i) out[16 * j + i] += TERNARY[(hashes[j] >> (2 * i)) & 3u];
    }
}

// Python's ValueError/TypeError text, inside the message load_projection gives (assets.py).
[[noreturn]] void invalid(const std::string &where, const std::string &why) {
    throw BundleError(where + ": not valid projection settings (" + why + ")");
}

// lsh.py takes whatever JSON gives; only integers make sense here, so anything else is refused by name.
long long integer_field(const nlohmann::json &value, const char *name, const std::string &where) {
    if (!value.is_number_integer()) invalid(where, std::string(name) + " must be an integer, got " + value.dump());
    if (value.is_number_unsigned() && value.get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX))
        invalid(where, std::string(name) + " is out of range, got " + value.dump());
    return value.get<long long>();
}

}  // namespace

uint32_t murmur3_x86_32(std::string_view bytes, uint32_t seed) {
    constexpr uint32_t c1 = 0xCC9E2D51u, c2 = 0x1B873593u;
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
    const size_t n = bytes.size();
    const size_t blocks = n / 4;
    uint32_t h = seed;
    for (size_t b = 0; b < blocks; ++b) {
        // Little-endian reads whatever the host is: the spec fixes x86's byte order.
        const unsigned char *p = data + 4 * b;
        uint32_t k = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                     static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
        k *= c1;
        k = rotl(k, 15);
        k *= c2;
        h ^= k;
        h = rotl(h, 13);
        h = h * 5u + 0xE6546B64u;
    }
    const unsigned char *tail = data + 4 * blocks;
    uint32_t k1 = 0;
    switch (n & 3) {
    case 3:
        k1 ^= static_cast<uint32_t>(tail[2]) << 16;
        [[fallthrough]];
    case 2:
        k1 ^= static_cast<uint32_t>(tail[1]) << 8;
        [[fallthrough]];
    case 1:
        k1 ^= tail[0];
        k1 *= c1;
        k1 = rotl(k1, 15);
        k1 *= c2;
        h ^= k1;
        break;
    default:
        break;
    }
    h ^= static_cast<uint32_t>(n);
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

ProjectionSettings ProjectionSettings::from_json(const std::string &json, const std::string &where) {
    nlohmann::json data;
    try {
        data = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception &err) {
        invalid(where, err.what());
    }
    if (!data.is_object()) invalid(where, "projection settings must be a JSON object, got " + data.dump());

    // The dataclass refuses unknown fields (a TypeError) before __post_init__ looks at any value.
    static const char *const FIELDS[] = {"char_ngrams", "features", "max_words", "seed", "version"};
    for (const auto &item : data.items()) {
        bool known = false;
        for (const char *field : FIELDS) known = known || item.key() == field;
        if (!known)
            invalid(where, "ProjectionSettings.__init__() got an unexpected keyword argument '" + item.key() + "'");
    }

    // Then __post_init__'s checks, in its order and wording. Missing fields take the dataclass
    // defaults; whether the file lists every field is load_projection's check against the manifest.
    ProjectionSettings s;
    if (data.contains("version")) {
        const auto &version = data.at("version");
        // Python shows repr(version): quotes around a string, a number as it is.
        const std::string shown = version.is_string() ? "'" + version.get<std::string>() + "'" : version.dump();
        if (!version.is_string() || version.get<std::string>() != SPEC_VERSION)
            invalid(where, "projection spec " + shown + " is not supported (this SDK: " + SPEC_VERSION + ")");
    }
    s.version = SPEC_VERSION;
    const long long features = data.contains("features") ? integer_field(data.at("features"), "features", where) : 256;
    if (features <= 0 || features % 16)
        invalid(where, "features must be a positive multiple of 16, got " + std::to_string(features));
    const long long seed = data.contains("seed") ? integer_field(data.at("seed"), "seed", where) : 0x5EED;
    if (!(0 <= seed && seed <= 0xFFFFFFFFLL - features / 16))
        invalid(where, "seed must leave room for features/16 consecutive 32-bit seeds");
    const long long max_words =
        data.contains("max_words") ? integer_field(data.at("max_words"), "max_words", where) : 64;
    std::vector<long long> ngrams;
    if (data.contains("char_ngrams")) {
        const auto &value = data.at("char_ngrams");
        if (!value.is_array()) invalid(where, "char_ngrams must be a list of integers, got " + value.dump());
        for (const auto &n : value) ngrams.push_back(integer_field(n, "char n-gram sizes", where));
    }
    bool bad_ngram = false;
    for (long long n : ngrams) bad_ngram = bad_ngram || n < 1;
    if (max_words < 1 || bad_ngram) invalid(where, "max_words and char n-gram sizes must be >= 1");
    // Python's ints have no bound; ours must fit the matrices this core allocates.
    if (features > INT_MAX || max_words > INT_MAX) invalid(where, "features and max_words must be below 2^31");
    for (long long n : ngrams)
        if (n > INT_MAX) invalid(where, "char n-gram sizes must be below 2^31");

    s.features = static_cast<int>(features);
    s.seed = static_cast<uint32_t>(seed);
    s.max_words = static_cast<int>(max_words);
    for (long long n : ngrams) s.char_ngrams.push_back(static_cast<int>(n));
    return s;
}

Text projection_normalize(TextView text) {
    Text out = lower(nfkc(text));
    for (char32_t &c : out)
        if (c == U'\u03C2') c = U'\u03C3';
    return out;
}

std::vector<Text> projection_words(TextView text, int max_words) {
    const size_t limit = max_words < 0 ? 0 : static_cast<size_t>(max_words);
    std::vector<Text> words;
    Text current;
    for (char32_t c : projection_normalize(text)) {
        if (words.size() >= limit) break;  // later words are dropped anyway: stop early on long texts
        if (is_word_char(c)) {
            current.push_back(c);
            continue;
        }
        if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
        if (!is_dropped(c)) words.emplace_back(1, c);
    }
    if (!current.empty()) words.push_back(std::move(current));
    if (words.size() > limit) words.resize(limit);
    return words;
}

namespace {

std::vector<uint32_t> hashes_of(const std::string &utf8, const ProjectionSettings &settings) {
    const size_t count = static_cast<size_t>(settings.features / 16);
    std::vector<uint32_t> hashes(count);
    // from_json guarantees seed + count - 1 <= 0xFFFFFFFF: no wrap-around.
    for (size_t j = 0; j < count; ++j) hashes[j] = murmur3_x86_32(utf8, settings.seed + static_cast<uint32_t>(j));
    return hashes;
}

}  // namespace

std::vector<uint32_t> word_hashes(const Text &word, const ProjectionSettings &settings) {
    return hashes_of(encode_utf8(word), settings);
}

std::vector<float> project(TextView text, const ProjectionSettings &settings, size_t *words_out) {
    const std::vector<Text> words = projection_words(text, settings.max_words);
    const size_t t = static_cast<size_t>(settings.features);
    std::vector<float> features(words.size() * t, 0.0f);
    for (size_t w = 0; w < words.size(); ++w) {
        float *row = features.data() + w * t;
        add_ternary(word_hashes(words[w], settings), row);
        for (int n : settings.char_ngrams) {
            // Boundary markers so prefixes and suffixes hash differently from the word's inside.
            const Text padded = U"<" + words[w] + U">";
            const size_t size = static_cast<size_t>(n);
            const size_t grams = padded.size() > size ? padded.size() - size + 1 : 1;
            for (size_t i = 0; i < grams; ++i)
                add_ternary(hashes_of(encode_utf8(TextView(padded).substr(i, size)), settings), row);
        }
    }
    if (words_out) *words_out = words.size();
    return features;
}

}  // namespace edge_sdk
