// SHA-256 through mbedTLS, and the bundle's folder digest (docs/bundle-format.md, "Hashing"; the same
// values as edge_sdk/bundle/io.py's sha256_path and size_of).
#pragma once

#include <string>
#include <string_view>

namespace edge_sdk {

// 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);
// Of a regular file, streamed in chunks, opened without following a symbolic link. Throws BundleError
// naming `path` when it cannot be read or is not a regular file.
std::string sha256_file(const std::string &path);
// For a folder (a Core ML .mlpackage): sha256 of its "relpath NUL sha256 LF" lines over every regular
// file at any depth, ordered by path components (Python's sorted(path.rglob("*"))); for a file,
// sha256_file. A symbolic link anywhere inside is refused, never followed: BundleError
// "<path>/<inner>: symbolic links are not allowed inside a bundle", io.py's wording.
std::string sha256_path(const std::string &path);
// Bytes of a file, or the total of every regular file under a folder (links refused as above).
unsigned long long size_of(const std::string &path);

}  // namespace edge_sdk
