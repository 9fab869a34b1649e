// SHA-256 through mbedTLS, and the bundle's folder digest (docs/bundle-format.md, "Hashing").
#pragma once

#include <string>
#include <string_view>

namespace edge_sdk {

std::string sha256_hex(std::string_view bytes);
// Of a regular file, streamed. Throws BundleError when it cannot be read.
std::string sha256_file(const std::string &path);
// For a folder (a Core ML .mlpackage): sha256 of its sorted "relpath NUL sha256 LF" lines; for a file,
// sha256_file. Symbolic links inside are refused (BundleError naming `name`/inner path).
std::string sha256_path(const std::string &path, const std::string &name);
// Total bytes of a file, or of every regular file under a folder.
unsigned long long size_of(const std::string &path);

}  // namespace edge_sdk
