// Bundle opening (bundle.cpp, sha256.cpp) against edge_sdk/bundle/io.py's load_bundle. Every bundle is
// built here from tiny files; expected SHA-256 values come from sha256sum or Python's hashlib and
// io.py's sha256_path (pasted), and expected messages are Python's, obtained by running load_bundle on
// the same tampered bundles ("{R}" below is the bundle folder). Never computed by the code under test.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "bundle.h"
#include "errors.h"
#include "sha256.h"

namespace fs = std::filesystem;
using edge_sdk::Bundle;
using edge_sdk::BundleError;
using edge_sdk::BundleOptions;

namespace {

// The manifests Python's json.dumps(..., indent=1) wrote for the files below (byte for byte: their
// digests are the bundle digests Python printed).
const std::string kTokenManifest = R"JSON({
 "schema_version": 1,
 "name": "t",
 "version": "0",
 "family": "edgeformer",
 "task": "grammar-correction",
 "architecture": {
  "vocab_size": 8,
  "max_source_len": 4,
  "max_target_len": 4
 },
 "parameters": 1,
 "tokenizer": {
  "file": "tokenizer.model",
  "sha256": "1a7674eb4ee78df7e1ac439a93c3fa8e3c945784d4dec9fd8e3011738b2f1d62",
  "size_bytes": 3,
  "vocab_size": 8,
  "bos_id": 0,
  "pad_id": 1,
  "eos_id": 2,
  "unk_id": 3
 },
 "generation": {
  "decoder_start_id": 2,
  "eos_id": 2,
  "max_source_len": 4,
  "max_target_len": 4
 },
 "artifacts": [
  {
   "file": "model.pte",
   "sha256": "36e18895c9ecc673526eb6ab2f5b8fa0b3422a0dcca17e02a66c8634954e0c34",
   "size_bytes": 3,
   "backend": "executorch",
   "quantization": "fp32",
   "methods": [
    {
     "name": "forward",
     "inputs": [
      {
       "name": "x",
       "dtype": "int64",
       "shape": [
        1,
        "n"
       ]
      }
     ],
     "outputs": [],
     "dims": {
      "n": [
       1,
       4
      ]
     }
    }
   ]
  },
  {
   "file": "model.mlpackage",
   "sha256": "42e92b8f29546728691b1efbfb72d396add0f34b69c809fc43fad7e183f87a95",
   "size_bytes": 8,
   "backend": "coreml",
   "quantization": "fp16",
   "methods": []
  },
  {
   "file": "model-int8.tflite",
   "sha256": "da5435de0c60ba6936eda2a871b6dc51a960abfe14c45a122c64f854b372d192",
   "size_bytes": 3,
   "backend": "tflite",
   "quantization": "int8",
   "methods": []
  }
 ],
 "golden": {
  "file": "golden.safetensors",
  "sha256": "24d7f03d8dc3c3666969e6fa5bb1fac4736d3f1353c28307ed51b320f9dc42d3",
  "size_bytes": 4
 },
 "provenance": {
  "sdk_version": "0",
  "created_at": "x",
  "config_sha256": "x",
  "weights_sha256": null,
  "python": "3",
  "packages": {}
 }
}
)JSON";
const std::string kTokenDigest = "426edddb7da8b29b4022219dabb29dde6efe54e4da442c4e568875d36d9dde69";

const std::string kProjectionManifest = R"JSON({
 "schema_version": 1,
 "name": "t",
 "version": "0",
 "family": "proformer",
 "task": "error-detection",
 "architecture": {
  "features": 64,
  "max_words": 16,
  "num_labels": 2
 },
 "parameters": 1,
 "projection": {
  "file": "projection.json",
  "sha256": "6153bd9b2d7493eb9072092f14030bdd5cea91ccaa466c42f7970f88df567275",
  "size_bytes": 88,
  "type": "lsh",
  "version": "lsh-v1",
  "features": 64,
  "seed": 24301,
  "max_words": 16,
  "char_ngrams": []
 },
 "labels": [
  "correct",
  "error"
 ],
 "artifacts": [
  {
   "file": "model.pte",
   "sha256": "36e18895c9ecc673526eb6ab2f5b8fa0b3422a0dcca17e02a66c8634954e0c34",
   "size_bytes": 3,
   "backend": "executorch",
   "quantization": "fp32",
   "methods": [
    {
     "name": "forward",
     "inputs": [
      {
       "name": "x",
       "dtype": "int64",
       "shape": [
        1,
        "n"
       ]
      }
     ],
     "outputs": [],
     "dims": {
      "n": [
       1,
       4
      ]
     }
    }
   ]
  },
  {
   "file": "model.mlpackage",
   "sha256": "42e92b8f29546728691b1efbfb72d396add0f34b69c809fc43fad7e183f87a95",
   "size_bytes": 8,
   "backend": "coreml",
   "quantization": "fp16",
   "methods": []
  },
  {
   "file": "model-int8.tflite",
   "sha256": "da5435de0c60ba6936eda2a871b6dc51a960abfe14c45a122c64f854b372d192",
   "size_bytes": 3,
   "backend": "tflite",
   "quantization": "int8",
   "methods": []
  }
 ],
 "golden": {
  "file": "golden.safetensors",
  "sha256": "24d7f03d8dc3c3666969e6fa5bb1fac4736d3f1353c28307ed51b320f9dc42d3",
  "size_bytes": 4
 },
 "provenance": {
  "sdk_version": "0",
  "created_at": "x",
  "config_sha256": "x",
  "weights_sha256": null,
  "python": "3",
  "packages": {}
 }
}
)JSON";
const std::string kProjectionDigest = "f12171b5998cd4a887aac43899f696549c86da125e0ceacdee0e6f62a0623aeb";
const std::string kProjectionJson =
    R"({"char_ngrams": [], "features": 64, "max_words": 16, "seed": 24301, "version": "lsh-v1"})";
// io.py's sha256_path / size_of of model.mlpackage as written by make_bundle.
const std::string kPackageDigest = "42e92b8f29546728691b1efbfb72d396add0f34b69c809fc43fad7e183f87a95";

void write(const fs::path &path, const std::string &bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string replaced(std::string text, const std::string &from, const std::string &to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

class BundleTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/edge_sdk_bundle_test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        base_ = tmpl;
        root_ = (base_ / "b").string();
    }
    void TearDown() override { fs::remove_all(base_); }

    // The files of /tmp/pyref's make(): a tokenizer (or projection) bundle with three artifacts, one a
    // Core ML-style folder whose names exercise the folder-digest order ("Data/a" before "Data-x").
    void make_bundle(bool projection = false) {
        const fs::path r = root_;
        write(r / "tokenizer.model", "tok");
        write(r / "golden.safetensors", "gold");
        write(r / "model.pte", "pte");
        write(r / "model-int8.tflite", "tfl");
        write(r / "model.mlpackage/Manifest.json", "m");
        write(r / "model.mlpackage/Data/com.apple.CoreML/model.mlmodel", "mm");
        write(r / "model.mlpackage/Data/com.apple.CoreML/weights/weight.bin", "w");
        write(r / "model.mlpackage/Data-x", "dx");
        write(r / "model.mlpackage/Data/a", "a");
        write(r / "model.mlpackage/.hidden", "h");
        write(r / "projection.json", kProjectionJson);
        write(r / "manifest.json", projection ? kProjectionManifest : kTokenManifest);
    }
    void set_manifest(const std::string &text) { write(fs::path(root_) / "manifest.json", text); }
    void edit_manifest(const std::string &from, const std::string &to) { set_manifest(replaced(kTokenManifest, from, to)); }

    // Python's message with "{R}" standing for the bundle folder.
    std::string py(const std::string &message) const {
        std::string out = message;
        for (size_t at; (at = out.find("{R}")) != std::string::npos;) out.replace(at, 3, root_);
        return out;
    }
    std::string refusal(const BundleOptions &options = {}) const { return refusal_at(root_, options); }
    static std::string refusal_at(const std::string &root, const BundleOptions &options = {}) {
        try {
            Bundle::open(root, options);
        } catch (const BundleError &e) {
            return e.what();
        }
        return "(opened)";
    }
    static BundleOptions unverified() {
        BundleOptions o;
        o.verify_checksums = false;
        return o;
    }
    static BundleOptions expecting(const std::string &digest) {
        BundleOptions o;
        o.expected_digest = digest;
        return o;
    }

    fs::path base_;
    std::string root_;
};

}  // namespace

// ------------------------------------------------------------------------------------------------ hashing
TEST(Sha256, KnownVectors) {
    EXPECT_EQ(edge_sdk::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(edge_sdk::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(edge_sdk::sha256_hex("tok"), "1a7674eb4ee78df7e1ac439a93c3fa8e3c945784d4dec9fd8e3011738b2f1d62");
}

TEST_F(BundleTest, FileDigestIsStreamedAcrossChunks) {
    // 3 MB + 1 crosses the 1 MiB read chunks; value from hashlib.sha256(b"a" * 3_000_001).
    write(base_ / "big", std::string(3000001, 'a'));
    EXPECT_EQ(edge_sdk::sha256_file((base_ / "big").string()),
              "71b1401c2645810a611615bae0fce7b308f0ed904a54af8ec8be0fe435581611");
    EXPECT_EQ(edge_sdk::size_of((base_ / "big").string()), 3000001u);
    write(base_ / "empty", "");
    EXPECT_EQ(edge_sdk::sha256_path((base_ / "empty").string()),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(BundleTest, FolderDigestIsPythonsSha256Path) {
    make_bundle();
    const std::string package = root_ + "/model.mlpackage";
    EXPECT_EQ(edge_sdk::sha256_path(package), kPackageDigest);  // hidden files and "a/b" < "a-b" included
    EXPECT_EQ(edge_sdk::size_of(package), 8u);
    fs::create_directories(package + "/Empty");  // folders are not entries
    EXPECT_EQ(edge_sdk::sha256_path(package), kPackageDigest);
    write(package + "/Data/b", "");  // an empty file is
    EXPECT_NE(edge_sdk::sha256_path(package), kPackageDigest);
}

TEST_F(BundleTest, FolderDigestRefusesLinks) {
    make_bundle();
    const std::string package = root_ + "/model.mlpackage";
    fs::create_symlink("/etc/passwd", package + "/Data/link");
    try {
        edge_sdk::sha256_path(package);
        FAIL() << "a link was hashed";
    } catch (const BundleError &e) {
        EXPECT_EQ(std::string(e.what()), package + "/Data/link: symbolic links are not allowed inside a bundle");
    }
    EXPECT_THROW(edge_sdk::size_of(package), BundleError);
}

// ------------------------------------------------------------------------------------------------ loading
TEST_F(BundleTest, AnUntamperedBundleOpens) {
    make_bundle();
    const auto bundle = Bundle::open(root_);
    EXPECT_EQ(bundle->digest(), kTokenDigest);
    EXPECT_EQ(bundle->manifest_json(), kTokenManifest);
    EXPECT_EQ(bundle->root(), root_);
    const edge_sdk::Manifest &m = bundle->manifest();
    EXPECT_EQ(m.name, "t");
    EXPECT_EQ(m.family, "edgeformer");
    ASSERT_TRUE(m.tokenizer.has_value());
    EXPECT_EQ(m.tokenizer->vocab_size, 8);
    EXPECT_EQ(m.tokenizer->unk_id, 3);
    EXPECT_TRUE(m.tokenizer->append_eos_to_source);
    ASSERT_TRUE(m.generation.has_value());
    EXPECT_EQ(m.generation->max_target_len, 4);
    EXPECT_FALSE(m.projection.has_value());
    ASSERT_EQ(m.artifacts.size(), 3u);
    EXPECT_EQ(m.artifacts[0].methods, std::vector<std::string>{"forward"});
    EXPECT_EQ(m.artifacts[1].sha256, kPackageDigest);
    std::vector<std::string> files;
    for (const edge_sdk::FileRef *ref : m.files()) files.push_back(ref->file);
    EXPECT_EQ(files, (std::vector<std::string>{"tokenizer.model", "golden.safetensors", "model.pte", "model.mlpackage",
                                               "model-int8.tflite"}));
    EXPECT_EQ(bundle->path(m.artifacts[0]), root_ + "/model.pte");
}

TEST_F(BundleTest, ArtifactSelectionAndItsMessage) {
    make_bundle();
    const auto bundle = Bundle::open(root_);
    const edge_sdk::Manifest &m = bundle->manifest();
    EXPECT_EQ(m.artifact("executorch", std::nullopt).file, "model.pte");
    EXPECT_EQ(m.artifact("tflite", std::string("int8")).file, "model-int8.tflite");
    EXPECT_EQ(m.artifact("coreml", std::nullopt).file, "model.mlpackage");
    auto message = [&](const std::string &backend, const std::optional<std::string> &q) -> std::string {
        try {
            m.artifact(backend, q);
        } catch (const edge_sdk::NotFoundError &e) {
            EXPECT_EQ(e.status(), EDGE_SDK_ERR_NOT_FOUND);
            return e.what();
        }
        return "(found)";
    };
    // manifest.py's Manifest.artifact on the same manifest.
    EXPECT_EQ(message("executorch", "int8"),
              "bundle has no executorch/int8 artifact (it has: executorch/fp32, coreml/fp16, tflite/int8)");
    EXPECT_EQ(message("onnx", std::nullopt), "bundle has no onnx artifact (it has: executorch/fp32, coreml/fp16, tflite/int8)");
}

TEST_F(BundleTest, ManifestFileRefusals) {
    make_bundle();
    fs::remove(root_ + "/manifest.json");
    EXPECT_EQ(refusal(), py("{R} is not a bundle: manifest.json is missing"));
    // Path(root) as Python prints it: repeated separators, "." and a trailing "/" dropped.
    EXPECT_EQ(refusal_at(root_ + "//./"), py("{R} is not a bundle: manifest.json is missing"));
    // The manifest is looked for before the expected digest is read.
    EXPECT_EQ(refusal(expecting("abc")), py("{R} is not a bundle: manifest.json is missing"));
    fs::create_directory(root_ + "/manifest.json");
    EXPECT_EQ(refusal(), py("{R} is not a bundle: manifest.json is missing"));
    fs::remove(root_ + "/manifest.json");
    write(base_ / "outside.json", kTokenManifest);
    fs::create_symlink(base_ / "outside.json", root_ + "/manifest.json");
    EXPECT_EQ(refusal(), py("{R}/manifest.json is a symbolic link: the manifest must be a regular file in the bundle"));
    EXPECT_EQ(refusal_at(base_.string() + "/missing"), base_.string() + "/missing is not a bundle: manifest.json is missing");
}

TEST_F(BundleTest, JsonRefusals) {
    make_bundle();
    set_manifest("{");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: not valid JSON (Expecting property name enclosed in double quotes: "
                            "line 1 column 2 (char 1))"));
    set_manifest("{\"a\": \"\xe2\x82\"}");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: not valid JSON ('utf-8' codec can't decode bytes in position 7-8: "
                            "invalid continuation byte)"));
    set_manifest("{\"a\": \"\xf0\x90\x80\"}");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: not valid JSON ('utf-8' codec can't decode bytes in position 7-9: "
                            "invalid continuation byte)"));
    set_manifest("\xef\xbb\xbf{}");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 "
                            "column 1 (char 0))"));
    edit_manifest("\"eos_id\": 2,\n  \"max_source_len\"", "\"eos_id\": 2, \"eos_id\": 3,\n  \"max_source_len\"");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: key 'eos_id' appears twice in one object"));
    edit_manifest("\"parameters\": 1", "\"parameters\": NaN");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: NaN is not JSON (not a number a manifest can hold)"));
    edit_manifest("\"parameters\": 1", "\"parameters\": -Infinity");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: -Infinity is not JSON (not a number a manifest can hold)"));
    set_manifest("[1, 2]");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: invalid manifest: a JSON object is needed, not list"));
}

TEST_F(BundleTest, SchemaVersionRefusals) {
    make_bundle();
    edit_manifest("\"schema_version\": 1,", "");
    EXPECT_EQ(refusal(), py("{R}/manifest.json: no schema_version: not an edge-sdk bundle manifest (every version "
                            "writes it); refusing to guess which format it is"));
    for (const auto &[value, shown] : {std::pair<std::string, std::string>{"2", "2"}, {"true", "True"}, {"\"1\"", "'1'"}}) {
        edit_manifest("\"schema_version\": 1,", "\"schema_version\": " + value + ",");
        EXPECT_EQ(refusal(), py("{R}/manifest.json: schema_version " + shown +
                                " is not supported by this edge-sdk (supports 1); upgrade edge-sdk"));
    }
    edit_manifest("\"schema_version\": 1,", "\"schema_version\": 1.0,");  // Python: 1.0 == 1
    EXPECT_EQ(refusal(unverified()), "(opened)");
}

TEST_F(BundleTest, ModelRefusals) {
    make_bundle();
    const std::pair<std::pair<std::string, std::string>, std::string> cases[] = {
        {{"\"parameters\": 1", "\"parameters\": 1, \"colour\": \"red\""},
         "{R}/manifest.json: invalid manifest: colour: Extra inputs are not permitted"},
        {{"\"file\": \"tokenizer.model\"", "\"file\": \"../x\""},
         "{R}/manifest.json: invalid manifest: tokenizer.file: String should match pattern '^[A-Za-z0-9._-]+$'"},
        {{"\"file\": \"tokenizer.model\"", "\"file\": \"a/b\""},
         "{R}/manifest.json: invalid manifest: tokenizer.file: String should match pattern '^[A-Za-z0-9._-]+$'"},
        {{"\"file\": \"tokenizer.model\"", "\"file\": \".hidden\""},
         "{R}/manifest.json: invalid manifest: tokenizer.file: file name '.hidden' is refused: a bundle file name is a "
         "plain name that does not start with a dot (no `.`, `..` or hidden files)"},
        {{"\"file\": \"tokenizer.model\"", "\"file\": \".\""},
         "{R}/manifest.json: invalid manifest: tokenizer.file: file name '.' is refused: a bundle file name is a plain "
         "name that does not start with a dot (no `.`, `..` or hidden files)"},
        {{"\"file\": \"tokenizer.model\"", "\"file\": \"manifest.json\""},
         "{R}/manifest.json: invalid manifest: tokenizer.file: manifest.json cannot list itself"},
        {{"\"pad_id\": 1", "\"pad_id\": 8"},
         "{R}/manifest.json: invalid manifest: tokenizer.pad_id 8 is outside the vocabulary [0, 8)"},
        {{"\"artifacts\": [", "\"artifacts\": [], \"x\": ["},
         "{R}/manifest.json: invalid manifest: artifacts: a bundle lists at least one artifact; this one lists none, so "
         "it runs nowhere; x: Extra inputs are not permitted"},
        {{"\"size_bytes\": 3", "\"size_bytes\": \"x\""},
         "{R}/manifest.json: invalid manifest: tokenizer.size_bytes: Input should be a valid integer, unable to parse "
         "string as an integer"},
        {{"\"size_bytes\": 3", "\"size_bytes\": -1"},
         "{R}/manifest.json: invalid manifest: tokenizer.size_bytes: Input should be greater than or equal to 0"},
        {{"\"size_bytes\": 3", "\"size_bytes\": 1.5"},
         "{R}/manifest.json: invalid manifest: tokenizer.size_bytes: Input should be a valid integer, got a number with "
         "a fractional part"},
        // At most 5 problems, as _validation_problems shows.
        {{"\"parameters\": 1", "\"parameters\": 1, \"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"f\": 6"},
         "{R}/manifest.json: invalid manifest: a: Extra inputs are not permitted; b: Extra inputs are not permitted; c: "
         "Extra inputs are not permitted; d: Extra inputs are not permitted; e: Extra inputs are not permitted"},
        {{"\"size_bytes\": 4\n", "\"size\": 4\n"},
         "{R}/manifest.json: invalid manifest: golden.size_bytes: Field required; golden.size: Extra inputs are not "
         "permitted"},
        {{"\"file\": \"golden.safetensors\"", "\"file\": \"model.pte\""},
         "{R}/manifest.json: invalid manifest: model.pte listed more than once"},
    };
    for (const auto &[change, message] : cases) {
        edit_manifest(change.first, change.second);
        EXPECT_EQ(refusal(), py(message)) << change.second;
    }
}

TEST_F(BundleTest, GenerationMinEditMargin) {
    make_bundle();
    EXPECT_EQ(Bundle::open(root_)->manifest().generation->min_edit_margin, 0.0);  // absent: every edit kept
    const std::string anchor = "\"eos_id\": 2,\n  \"max_source_len\"";  // generation's eos_id
    auto with = [&](const std::string &value) {
        edit_manifest(anchor, "\"eos_id\": 2, \"min_edit_margin\": " + value + ",\n  \"max_source_len\"");
    };
    // Accepted as pydantic's float field accepts them, with the values Python reads.
    for (const auto &[value, expected] : {std::pair<std::string, double>{"0.25", 0.25}, {"\"0.5\"", 0.5}, {"0", 0.0},
                                          {"0.999", 0.999}, {"1e-300", 1e-300}}) {
        with(value);
        EXPECT_EQ(Bundle::open(root_)->manifest().generation->min_edit_margin, expected) << value;
    }
    // Python's load_bundle on the same manifests.
    const std::string where = "{R}/manifest.json: invalid manifest: generation.min_edit_margin: ";
    for (const auto &[value, message] : {std::pair<std::string, std::string>{"1", "Input should be less than 1"},
                                         {"1.0", "Input should be less than 1"},
                                         {"true", "Input should be less than 1"},
                                         {"\"1_0\"", "Input should be less than 1"},
                                         {"-0.5", "Input should be greater than or equal to 0"},
                                         {"null", "Input should be a valid number"},
                                         {"[0.1]", "Input should be a valid number"},
                                         {"\"x\"", "Input should be a valid number, unable to parse string as a number"},
                                         {"\"inf\"", "Input should be a finite number"}}) {
        with(value);
        EXPECT_EQ(refusal(), py(where + message)) << value;
    }
}

// A spelling section (manifest.py's SpellingStage) over the files make_spelling writes; digests from sha256sum.
const std::string kSpelling = R"JSON("spelling": {
  "type": "hunspell",
  "dictionaries": [
   {"name": "en_US",
    "aff": {"file": "spelling-en_US.aff", "sha256": "543b4bb6a59be2120f339bc9963f7a5917a919a90c1d47a5a72fdaa88cb71bb2", "size_bytes": 3},
    "dic": {"file": "spelling-en_US.dic", "sha256": "f6f8057c7a9964f94fdd4a62ba70ff351ecb7411952760f549d8897b9c4fb201", "size_bytes": 3},
    "licence": {"file": "spelling-en_US-LICENSE.txt", "sha256": "49cb34e27fc75301ab83ddc594153cbc93ba4f3efdbd8fb09545b725cf742301", "size_bytes": 3}}
  ],
  "frequencies": {"file": "spelling-frequencies.tsv", "sha256": "d762b7867ae83f55a9fc378812a523e59d18155614f3f307437e6bdf917c160f", "size_bytes": 4},
  "distance_weight": 4.0,
  "max_distance": 2,
  "max_distance_short": 1,
  "known_count": 3,
  "min_letters": 3
 },
 "artifacts")JSON";

class SpellingBundleTest : public BundleTest {
protected:
    void make_spelling() {
        make_bundle();
        const fs::path r = root_;
        write(r / "spelling-en_US.aff", "aff");
        write(r / "spelling-en_US.dic", "dic");
        write(r / "spelling-en_US-LICENSE.txt", "lic");
        write(r / "spelling-frequencies.tsv", "freq");
        spell("", "");
    }
    // The spelling section with `from` replaced by `to` (nothing replaced for an empty `from`).
    void spell(const std::string &from, const std::string &to) {
        const std::string section = from.empty() ? kSpelling : replaced(kSpelling, from, to);
        edit_manifest(" \"artifacts\"", " " + section);
    }
};

TEST_F(SpellingBundleTest, ASpellingStageOpensAndItsFilesAreTheBundles) {
    make_spelling();
    const auto bundle = Bundle::open(root_);
    const edge_sdk::Manifest &m = bundle->manifest();
    ASSERT_TRUE(m.spelling.has_value());
    ASSERT_EQ(m.spelling->dictionaries.size(), 1u);
    EXPECT_EQ(m.spelling->dictionaries[0].name, "en_US");
    EXPECT_EQ(bundle->path(m.spelling->dictionaries[0].aff), root_ + "/spelling-en_US.aff");
    EXPECT_EQ(m.spelling->dictionaries[0].dic.file, "spelling-en_US.dic");
    EXPECT_EQ(m.spelling->frequencies.size_bytes, 4u);
    EXPECT_EQ(m.spelling->distance_weight, 4.0);
    EXPECT_EQ(m.spelling->max_distance, 2);
    EXPECT_EQ(m.spelling->max_distance_short, 1);
    EXPECT_EQ(m.spelling->known_count, 3);
    EXPECT_EQ(m.spelling->min_letters, 3);
    std::vector<std::string> files;
    for (const edge_sdk::FileRef *ref : m.files()) files.push_back(ref->file);
    // manifest.py's files(): input asset, the spelling stage's, golden, artifacts.
    EXPECT_EQ(files, (std::vector<std::string>{"tokenizer.model", "spelling-en_US.aff", "spelling-en_US.dic",
                                               "spelling-en_US-LICENSE.txt", "spelling-frequencies.tsv",
                                               "golden.safetensors", "model.pte", "model.mlpackage",
                                               "model-int8.tflite"}));
    // "type" has a default; numeric strings are pydantic's lax numbers.
    spell("\"type\": \"hunspell\",", "");
    EXPECT_EQ(refusal(), "(opened)");
    spell("\"distance_weight\": 4.0", "\"distance_weight\": \"2.5\"");
    EXPECT_EQ(Bundle::open(root_)->manifest().spelling->distance_weight, 2.5);
    spell("\"distance_weight\": 4.0", "\"distance_weight\": 100");
    EXPECT_EQ(Bundle::open(root_)->manifest().spelling->distance_weight, 100.0);
    spell("\"known_count\": 3", "\"known_count\": \"7\"");
    EXPECT_EQ(Bundle::open(root_)->manifest().spelling->known_count, 7);
    // split_top: absent in bundles written before it (any split), else as written.
    EXPECT_EQ(m.spelling->split_top, 0);
    spell("\"min_letters\": 3", "\"min_letters\": 3, \"split_top\": 100");
    EXPECT_EQ(Bundle::open(root_)->manifest().spelling->split_top, 100);
}

TEST_F(SpellingBundleTest, NullIsNoStage) {
    make_bundle();
    edit_manifest(" \"artifacts\"", " \"spelling\": null,\n \"artifacts\"");  // what every build without one writes
    EXPECT_FALSE(Bundle::open(root_)->manifest().spelling.has_value());
    make_bundle();
    EXPECT_FALSE(Bundle::open(root_)->manifest().spelling.has_value());  // absent: the same
}

TEST_F(SpellingBundleTest, ItsFilesAreChecked) {
    make_spelling();
    fs::remove(root_ + "/spelling-en_US.dic");
    EXPECT_EQ(refusal(), "bundle file missing: spelling-en_US.dic");
    write(root_ + "/spelling-en_US.dic", "dix");
    EXPECT_EQ(refusal(), "spelling-en_US.dic: sha256 does not match the manifest: the file was modified");
    write(root_ + "/spelling-en_US.dic", "dic");
    write(root_ + "/spelling-frequencies.tsv", "freq\n");
    EXPECT_EQ(refusal(), "spelling-frequencies.tsv: size 5 bytes, manifest says 4: the file was modified or truncated");
    write(root_ + "/spelling-frequencies.tsv", "freq");
    write(base_ / "outside.txt", "lic");
    fs::remove(root_ + "/spelling-en_US-LICENSE.txt");
    fs::create_symlink(base_ / "outside.txt", root_ + "/spelling-en_US-LICENSE.txt");
    EXPECT_EQ(refusal(unverified()), "spelling-en_US-LICENSE.txt is a symbolic link: a bundle holds only regular files "
                                     "and folders, never links (they can point outside it)");
}

TEST_F(SpellingBundleTest, Refusals) {
    make_spelling();
    // Python's load_bundle on the same manifests.
    const std::string where = "{R}/manifest.json: invalid manifest: spelling.";
    const std::pair<std::pair<std::string, std::string>, std::string> cases[] = {
        {{"\"min_letters\": 3", "\"min_letters\": 3, \"colour\": 1"}, "colour: Extra inputs are not permitted"},
        {{"\"type\": \"hunspell\"", "\"type\": \"aspell\""}, "type: Input should be 'hunspell'"},
        {{"\"type\": \"hunspell\"", "\"type\": null"}, "type: Input should be 'hunspell'"},
        {{"\"known_count\": 3,", ""}, "known_count: Field required"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": 0"}, "distance_weight: Input should be greater than 0"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": -1"}, "distance_weight: Input should be greater than 0"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": 100.5"},
         "distance_weight: Input should be less than or equal to 100"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": \"inf\""}, "distance_weight: Input should be a finite number"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": null"}, "distance_weight: Input should be a valid number"},
        {{"\"distance_weight\": 4.0", "\"distance_weight\": \"x\""},
         "distance_weight: Input should be a valid number, unable to parse string as a number"},
        {{"\"max_distance\": 2", "\"max_distance\": 0"}, "max_distance: Input should be greater than or equal to 1"},
        {{"\"max_distance\": 2", "\"max_distance\": 4"}, "max_distance: Input should be less than or equal to 3"},
        {{"\"max_distance_short\": 1", "\"max_distance_short\": -1"},
         "max_distance_short: Input should be greater than or equal to 0"},
        {{"\"max_distance_short\": 1", "\"max_distance_short\": 4"},
         "max_distance_short: Input should be less than or equal to 3"},
        {{"\"known_count\": 3", "\"known_count\": 0"}, "known_count: Input should be greater than or equal to 1"},
        {{"\"min_letters\": 3", "\"min_letters\": 0"}, "min_letters: Input should be greater than or equal to 1"},
        {{"\"min_letters\": 3", "\"min_letters\": 11"}, "min_letters: Input should be less than or equal to 10"},
        {{"\"min_letters\": 3", "\"min_letters\": 3, \"split_top\": -1"},
         "split_top: Input should be greater than or equal to 0"},
        {{"\"min_letters\": 3", "\"min_letters\": 2.5"},
         "min_letters: Input should be a valid integer, got a number with a fractional part"},
        {{"\"min_letters\": 3", "\"min_letters\": \"three\""},
         "min_letters: Input should be a valid integer, unable to parse string as an integer"},
        {{"\"name\": \"en_US\"", "\"name\": \"1en\""},
         "dictionaries.0.name: String should match pattern '^[A-Za-z][A-Za-z_-]*$'"},
        {{"\"name\": \"en_US\"", "\"name\": \"en US\""},
         "dictionaries.0.name: String should match pattern '^[A-Za-z][A-Za-z_-]*$'"},
        {{"\"name\": \"en_US\"", "\"name\": 5"}, "dictionaries.0.name: Input should be a valid string"},
        {{"\"name\": \"en_US\",", ""}, "dictionaries.0.name: Field required"},
        {{"\"file\": \"spelling-en_US.aff\"", "\"file\": \"../en_US.aff\""},
         "dictionaries.0.aff.file: String should match pattern '^[A-Za-z0-9._-]+$'"},
        {{"\"file\": \"spelling-en_US.aff\"", "\"file\": \"..\""},
         "dictionaries.0.aff.file: file name '..' is refused: a bundle file name is a plain name that does not start "
         "with a dot (no `.`, `..` or hidden files)"},
        {{"\"file\": \"spelling-frequencies.tsv\"", "\"file\": \"manifest.json\""},
         "frequencies.file: manifest.json cannot list itself"},
        {{"\"size_bytes\": 4}", "\"size_bytes\": -4}"}, "frequencies.size_bytes: Input should be greater than or equal to 0"},
        {{"{\"name\": \"en_US\",", "{\"name\": \"en_US\", \"x\": 1,"}, "dictionaries.0.x: Extra inputs are not permitted"},
    };
    for (const auto &[change, message] : cases) {
        spell(change.first, change.second);
        EXPECT_EQ(refusal(), py(where + message)) << change.second;
    }
    const std::string top = "{R}/manifest.json: invalid manifest: ";
    const std::pair<std::string, std::string> sections[] = {
        {"\"spelling\": 1,", "spelling: Input should be a valid dictionary or instance of SpellingStage"},
        {"\"spelling\": {\"dictionaries\": [], \"frequencies\": null},",
         "spelling.dictionaries: List should have at least 1 item after validation, not 0; spelling.frequencies: Input "
         "should be a valid dictionary or instance of FileRef; spelling.distance_weight: Field required; "
         "spelling.max_distance: Field required; spelling.max_distance_short: Field required"},
        {"\"spelling\": {\"dictionaries\": {}, \"frequencies\": 1},",
         "spelling.dictionaries: Input should be a valid list; spelling.frequencies: Input should be a valid "
         "dictionary or instance of FileRef; spelling.distance_weight: Field required; spelling.max_distance: Field "
         "required; spelling.max_distance_short: Field required"},
        {"\"spelling\": {\"dictionaries\": [\"en_US\"]},",
         "spelling.dictionaries.0: Input should be a valid dictionary or instance of SpellingDictionary; "
         "spelling.frequencies: Field required; spelling.distance_weight: Field required; spelling.max_distance: Field "
         "required; spelling.max_distance_short: Field required"},
    };
    for (const auto &[section, message] : sections) {
        edit_manifest(" \"artifacts\"", " " + section + "\n \"artifacts\"");
        EXPECT_EQ(refusal(), py(top + message)) << section;
    }
    // The model's own rules: file names unique across the whole manifest, a stage only for a corrector.
    spell("\"file\": \"spelling-frequencies.tsv\"", "\"file\": \"golden.safetensors\"");
    EXPECT_EQ(refusal(), py(top + "golden.safetensors listed more than once"));
    spell("\"file\": \"spelling-en_US.dic\"", "\"file\": \"spelling-en_US.aff\"");
    EXPECT_EQ(refusal(), py(top + "spelling-en_US.aff listed more than once"));
    set_manifest(replaced(kProjectionManifest, " \"artifacts\"", " " + kSpelling));
    EXPECT_EQ(refusal(), py(top + "a spelling stage belongs to a corrector (a manifest with generation settings)"));
}

TEST_F(BundleTest, ListedFileRefusals) {
    make_bundle();
    fs::remove(root_ + "/golden.safetensors");
    EXPECT_EQ(refusal(), "bundle file missing: golden.safetensors");
    fs::create_directory(root_ + "/golden.safetensors");
    EXPECT_EQ(refusal(), "golden.safetensors is a folder; the manifest lists it as a file");
    fs::remove(root_ + "/golden.safetensors");
    write(root_ + "/golden.safetensors", "gold");
    ASSERT_EQ(refusal(), "(opened)");

    write(base_ / "outside.model", "tok");  // same bytes: only the link check can tell
    fs::remove(root_ + "/tokenizer.model");
    fs::create_symlink(base_ / "outside.model", root_ + "/tokenizer.model");
    const std::string link = "tokenizer.model is a symbolic link: a bundle holds only regular files and folders, never "
                             "links (they can point outside it)";
    EXPECT_EQ(refusal(), link);
    EXPECT_EQ(refusal(unverified()), link);
    fs::remove(root_ + "/tokenizer.model");
    write(root_ + "/tokenizer.model", "tok");

    fs::remove(root_ + "/model.pte");
    ASSERT_EQ(::mkfifo((root_ + "/model.pte").c_str(), 0600), 0);
    EXPECT_EQ(refusal(), "model.pte is not a regular file");  // and never opened: opening a FIFO would block
    fs::remove(root_ + "/model.pte");
    write(root_ + "/model.pte", "pte");
    ASSERT_EQ(refusal(), "(opened)");
}

TEST_F(BundleTest, FolderArtifactRefusals) {
    make_bundle();
    const std::string package = root_ + "/model.mlpackage";
    fs::create_directory_symlink("/tmp", package + "/Data/link");
    EXPECT_EQ(refusal(unverified()), "model.mlpackage/Data/link is a symbolic link: a bundle holds only regular files "
                                     "and folders, never links (they can point outside it)");
    fs::remove(package + "/Data/link");
    ASSERT_EQ(::mkfifo((package + "/Data/fifo").c_str(), 0600), 0);
    EXPECT_EQ(refusal(), "model.mlpackage/Data/fifo is not a regular file");
    fs::remove(package + "/Data/fifo");
    write(package + "/Data/a", "b");  // same size, other bytes
    EXPECT_EQ(refusal(), "model.mlpackage: sha256 does not match the manifest: the file was modified");
}

TEST_F(BundleTest, ChecksumRefusalsAndVerifyChecksumsFalse) {
    make_bundle();
    write(root_ + "/model.pte", "pte!");
    EXPECT_EQ(refusal(), "model.pte: size 4 bytes, manifest says 3: the file was modified or truncated");
    EXPECT_EQ(refusal(unverified()), "(opened)");  // skips only the size and SHA-256 comparison
    write(root_ + "/model.pte", "ptf");
    EXPECT_EQ(refusal(), "model.pte: sha256 does not match the manifest: the file was modified");
    EXPECT_EQ(refusal(unverified()), "(opened)");
    fs::remove(root_ + "/model.pte");
    EXPECT_EQ(refusal(unverified()), "bundle file missing: model.pte");  // structure checks always run
}

TEST_F(BundleTest, ExpectedDigest) {
    make_bundle();
    EXPECT_EQ(Bundle::open(root_, expecting(kTokenDigest))->digest(), kTokenDigest);
    // Normalised like _normalised_digest: stripped (Unicode spaces too), lower-cased, "sha256:" dropped.
    std::string upper = kTokenDigest;
    for (char &c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(Bundle::open(root_, expecting(" SHA256:" + upper + "\n\xc2\xa0"))->digest(), kTokenDigest);
    EXPECT_EQ(refusal(expecting(std::string(64, '0'))),
              py("{R}: bundle digest 426edddb7da8b29b4022219dabb29dde6efe54e4da442c4e568875d36d9dde69 does not match the "
                 "expected 0000000000000000000000000000000000000000000000000000000000000000: manifest.json is not the one "
                 "pinned, so the bundle is not either"));
    EXPECT_EQ(refusal(expecting("abc")),
              "expected bundle digest 'abc' is not a SHA-256 (64 hex digits, the sha256 of manifest.json)");
    edit_manifest("\"max_target_len\": 4\n }", "\"max_target_len\": 3\n }");  // valid, covered by no checksum
    const std::string changed = refusal(expecting(kTokenDigest));
    EXPECT_EQ(changed.rfind(py("{R}: bundle digest "), 0), 0u) << changed;
    EXPECT_NE(changed.find(" does not match the expected " + kTokenDigest + ": "), std::string::npos) << changed;
}

TEST_F(BundleTest, ProjectionAsset) {
    make_bundle(true);
    const auto bundle = Bundle::open(root_);
    EXPECT_EQ(bundle->digest(), kProjectionDigest);
    ASSERT_TRUE(bundle->manifest().projection.has_value());
    EXPECT_EQ(bundle->manifest().projection->seed, 24301);
    EXPECT_EQ(*bundle->manifest().labels, (std::vector<std::string>{"correct", "error"}));
    // The file replaced with checksums off: only the asset check can catch it (Python's messages).
    const std::pair<std::string, std::string> cases[] = {
        {R"({"char_ngrams": [], "features": 64, "max_words": 16, "seed": 24302, "version": "lsh-v1"})",
         "projection.json differs from the manifest's projection fields: seed 24302 (manifest: 24301)"},
        {R"({"char_ngrams": [], "features": 64, "max_words": 16, "seed": 24301, "version": "lsh-v1", "extra": 1})",
         "projection.json: not valid projection settings (ProjectionSettings.__init__() got an unexpected keyword "
         "argument 'extra')"},
        {"[1, 2]", "projection.json: not valid projection settings ('list' object is not a mapping)"},
        {R"({"char_ngrams": [], "features": 64, "max_words": 16, "version": "lsh-v1"})",
         "projection.json has fields ['char_ngrams', 'features', 'max_words', 'version'], projection settings have "
         "['char_ngrams', 'features', 'max_words', 'seed', 'version']"},
        {R"({"char_ngrams": [], "features": 60, "max_words": 16, "seed": 24301, "version": "lsh-v1"})",
         "projection.json: not valid projection settings (features must be a positive multiple of 16, got 60)"},
    };
    for (const auto &[content, message] : cases) {
        write(root_ + "/projection.json", content);
        EXPECT_EQ(refusal(unverified()), message) << content;
    }
    write(root_ + "/projection.json", "{not json");
    EXPECT_EQ(refusal(unverified()), "projection.json: not valid projection settings (Expecting property name enclosed "
                                     "in double quotes: line 1 column 2 (char 1))");
    write(root_ + "/projection.json", kProjectionJson);
    set_manifest(replaced(kProjectionManifest, "\"correct\",", "\"correct\", \"maybe\","));
    EXPECT_EQ(refusal(), py("{R}/manifest.json: invalid manifest: 3 labels for architecture.num_labels 2"));
}

TEST(ParseManifest, WhereIsThePrefix) {
    try {
        edge_sdk::parse_manifest("null", "x/manifest.json");
        FAIL();
    } catch (const BundleError &e) {
        EXPECT_EQ(std::string(e.what()), "x/manifest.json: invalid manifest: a JSON object is needed, not NoneType");
        EXPECT_EQ(e.status(), EDGE_SDK_ERR_BUNDLE);
    }
    // Nesting is bounded before any recursion over the document.
    EXPECT_THROW(edge_sdk::parse_manifest(std::string(100000, '[') + std::string(100000, ']'), "m"), BundleError);
}

TEST(ParseManifest, JsonErrorsAreCPythonsJsonErrors) {
    // json.loads(text) in CPython 3.11, the exception's text.
    const std::pair<std::string, std::string> cases[] = {
        {"[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"},
        {"{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"},
        {"\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"},
        {"\"\\x\"", "Invalid \\escape: line 1 column 2 (char 1)"},
        {"{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
        {"[1,]", "Expecting value: line 1 column 4 (char 3)"},
        {"1 2", "Extra data: line 1 column 3 (char 2)"},
        {"\"\\u12\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"},
        {"{\"a\": \"\x01\"}", "Invalid control character at: line 1 column 8 (char 7)"},
        {"{\n \"a\": [1,\n  2 3]}", "Expecting ',' delimiter: line 3 column 5 (char 16)"},
        {"", "Expecting value: line 1 column 1 (char 0)"},
        {"-", "Expecting value: line 1 column 1 (char 0)"},
        {"[1.]", "Expecting ',' delimiter: line 1 column 3 (char 2)"},
        {"{\"\xc3\xa9\": tru}", "Expecting value: line 1 column 7 (char 6)"},  // positions count code points
        {"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
        {"[\"\xed\xa0\x80\"]", "'utf-8' codec can't decode byte 0xed in position 2: invalid continuation byte"},
        {"[\"\xe2\x82", "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"},
    };
    for (const auto &[text, reason] : cases) {
        try {
            edge_sdk::parse_manifest(text, "m");
            ADD_FAILURE() << text;
        } catch (const BundleError &e) {
            EXPECT_EQ(std::string(e.what()), "m: not valid JSON (" + reason + ")") << text;
        }
    }
    // Keys are compared decoded, as the object_pairs_hook sees them; the innermost object first.
    for (const auto &[text, key] : {std::pair<std::string, std::string>{"{\"a\": 1, \"\\u0061\": 2}", "a"},
                                    {"{\"z\": {\"b\": 1, \"b\": 2}, \"z\": 3}", "b"},
                                    {"{\"z\": 1, \"z\": 2, \"a\": 1, \"a\": 2} x", "a"}}) {
        try {
            edge_sdk::parse_manifest(text, "m");
            ADD_FAILURE() << text;
        } catch (const BundleError &e) {
            EXPECT_EQ(std::string(e.what()), "m: key '" + key + "' appears twice in one object") << text;
        }
    }
}
