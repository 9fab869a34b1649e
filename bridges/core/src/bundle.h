// Opening a bundle: the manifest validated (manifest.h), every listed file checked (docs/bundle-format.md;
// edge_sdk/bundle/io.py's load_bundle, same rules and messages; bundle.cpp and manifest.cpp say which
// messages are byte-for-byte Python's and which only have the same shape).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "manifest.h"

namespace edge_sdk {

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
