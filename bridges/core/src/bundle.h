// Opening a bundle: the manifest validated, every listed file checked (docs/bundle-format.md;
// edge_sdk/bundle/io.py's load_bundle, same rules and messages; bundle.cpp says which messages are
// byte-for-byte Python's and which only have the same shape).
#pragma once

#include <map>
#include <memory>
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
};

struct Manifest {
    int schema_version = 0;
    std::string name, version, family, task;
    long long parameters = 0;
    std::optional<TokenizerSpec> tokenizer;
    std::optional<ProjectionSpec> projection;
    std::optional<GenerationSettings> generation;
    std::optional<std::vector<std::string>> labels;
    std::vector<Artifact> artifacts;
    FileRef golden;

    std::vector<const FileRef *> files() const;  // input asset, golden, artifacts (manifest.py's order)
    // Manifest.artifact(backend, quantization) of manifest.py: the first match; throws NotFoundError
    // "bundle has no executorch/int8 artifact (it has: executorch/fp32, tflite/int8)".
    const Artifact &artifact(const std::string &backend, const std::optional<std::string> &quantization) const;
};

// Parse and validate manifest.json bytes; `where` prefixes messages (the manifest's path as Python prints
// it). Throws BundleError. Separate from opening so the fuzzer can drive it without a filesystem.
Manifest parse_manifest(const std::string &bytes, const std::string &where);

struct BundleOptions {
    bool verify_checksums = true;
    std::optional<std::string> expected_digest;
};

class Bundle {
public:
    // Throws BundleError for everything load_bundle refuses, a malformed expected digest included
    // (Python raises BundleError there too).
    static std::shared_ptr<const Bundle> open(const std::string &root, const BundleOptions &options = {});

    // The folder as Python's Path(root) prints it ("a//b/" -> "a/b").
    const std::string &root() const { return root_; }
    const Manifest &manifest() const { return manifest_; }
    const std::string &digest() const { return digest_; }
    const std::string &manifest_json() const { return manifest_json_; }
    std::string path(const FileRef &ref) const;

private:
    std::string root_, digest_, manifest_json_;
    Manifest manifest_;
};

}  // namespace edge_sdk
