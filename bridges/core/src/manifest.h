// The bundle manifest (docs/bundle-format.md): its model, and manifest.json bytes parsed and validated
// as edge_sdk/bundle/manifest.py's pydantic model and io.py's load_bundle do, with the same rules and
// messages (manifest.cpp says which messages are byte-for-byte Python's).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace edge_sdk {

constexpr int SCHEMA_VERSION = 1;
constexpr const char *MANIFEST_NAME = "manifest.json";

struct FileRef {
    std::string file, sha256;
    unsigned long long size_bytes = 0;
};

struct Artifact : FileRef {
    std::string backend, quantization;
    std::vector<std::string> methods;  // method names, in manifest order
};

struct TokenizerSpec : FileRef {
    long long vocab_size = 0, bos_id = 0, pad_id = 1, eos_id = 2, unk_id = 3;
    // fairseq convention: the source ends with </s> before encoding (manifest.py's default: true).
    bool append_eos_to_source = true;
};

struct ProjectionSpec : FileRef {
    std::string version;
    long long features = 0, seed = 0, max_words = 0;
    std::vector<long long> char_ngrams;
};

struct GenerationSettings {
    long long decoder_start_id = 0, eos_id = 0, max_source_len = 0, max_target_len = 0;
    // The edit-confidence gate (docs/text-handling.md, "Edit confidence"): edits whose decoder margin is
    // lower are dropped. 0 (absent: bundles written before the gate) keeps every edit.
    double min_edit_margin = 0.0;
};

// The dictionary spelling stage in front of the model (docs/text-handling.md, "Spelling stage").
struct SpellingDictionary {
    std::string name;
    FileRef aff, dic, licence;
};

struct SpellingStage {
    std::vector<SpellingDictionary> dictionaries;  // the first proposes spellings; any one accepts a word
    FileRef frequencies;                           // word<TAB>count lines, lower-case words
    double distance_weight = 4.0;
    long long max_distance = 2, max_distance_short = 1, known_count = 3, min_letters = 3;
    long long split_top = 0;  // absent (bundles before it): any two-word proposal
};

struct Manifest {
    int schema_version = 0;
    std::string name, version, family, task;
    long long parameters = 0;
    std::optional<TokenizerSpec> tokenizer;
    std::optional<ProjectionSpec> projection;
    std::optional<GenerationSettings> generation;
    std::optional<SpellingStage> spelling;
    std::optional<std::vector<std::string>> labels;
    std::vector<Artifact> artifacts;
    FileRef golden;

    // Input asset, the spelling stage's (per dictionary aff, dic, licence; then frequencies), golden, artifacts
    // (manifest.py's order).
    std::vector<const FileRef *> files() const;
    // Manifest.artifact(backend, quantization) of manifest.py: the first match; throws NotFoundError
    // "bundle has no executorch/int8 artifact (it has: executorch/fp32, tflite/int8)".
    const Artifact &artifact(const std::string &backend, const std::optional<std::string> &quantization) const;
};

// Parse and validate manifest.json bytes; `where` prefixes messages (the manifest's path as Python prints
// it). Throws BundleError. Separate from opening so the fuzzer can drive it without a filesystem.
Manifest parse_manifest(const std::string &bytes, const std::string &where);

// The manifest's sha256 pattern, ^[0-9a-f]{64}$ (a bundle digest is one too).
bool hex64(const std::string &s);

}  // namespace edge_sdk
