// load_bundle of edge_sdk/bundle/io.py in C++: the same checks, in the same order, so a bundle refused by
// one is refused by the other with the same first reason. The manifest itself: manifest.cpp.
//
// Which messages equal Python's, byte for byte (given the same root string; checked by
// tests/test_bundle.cpp and by differential runs of both on thousands of tampered bundles):
//  - every message io.py writes itself about the bundle: symlinked manifest, "is not a bundle", the
//    expected digest ones, "bundle file missing", the link / folder / not-a-regular-file refusals, size
//    and sha256 mismatches, and sha256_path's link refusal (the manifest's own: manifest.cpp);
//  - assets.py's projection.json messages (settings that differ, missing or unknown fields, values
//    ProjectionSettings.__post_init__ refuses, Python's TypeError texts, JSON errors).
// Only the same shape, where this core is stricter than Python (edge-sdk build never writes these):
// non-UTF-8 names inside a folder artifact and unreadable files (Python: a traceback), folders nested
// deeper than kMaxDepth, and a tokenizer that does not fit the manifest (refused by tokenizer.cpp, see
// open()).
#include "bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "errors.h"
#include "python_compat.h"
#include "sha256.h"

namespace edge_sdk {
namespace {

using python::Json;
using python::kMaxDepth;
using python::py_equal;
using python::py_repr;
using python::py_str;
using python::py_str_of;
using python::py_type;

std::string join_path(const std::string &folder, const std::string &name) {
    return !folder.empty() && folder.back() == '/' ? folder + name : folder + "/" + name;
}

// str(Path(root)): repeated and trailing separators and "." components dropped, "//" kept as a root.
std::string py_path(const std::string &root) {
    std::string prefix;
    if (root.compare(0, 2, "//") == 0 && root.compare(0, 3, "///") != 0) {
        prefix = "//";
    } else if (!root.empty() && root[0] == '/') {
        prefix = "/";
    }
    std::string out;
    size_t i = 0;
    while (i <= root.size()) {
        size_t j = root.find('/', i);
        if (j == std::string::npos) j = root.size();
        const std::string part = root.substr(i, j - i);
        if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
        i = j + 1;
    }
    if (out.empty()) return prefix.empty() ? "." : prefix;
    return prefix + out;
}

// Python's str.strip(): ASCII whitespace, the separators \x1c-\x1f and Unicode's White_Space.
std::string py_strip(const std::string &s) {
    static const char *const spaces[] = {" ", "\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f",
                                         "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
                                         "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
                                         "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
                                         "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
                                         "\xe2\x81\x9f", "\xe3\x80\x80"};
    size_t b = 0, e = s.size();
    for (bool again = true; again;) {
        again = false;
        for (const char *sp : spaces) {
            const size_t n = std::strlen(sp);
            if (e - b >= n && s.compare(b, n, sp) == 0) b += n, again = true;
            if (e - b >= n && s.compare(e - n, n, sp) == 0) e -= n, again = true;
        }
    }
    return s.substr(b, e - b);
}

std::string normalised_digest(const std::string &expected) {
    std::string value = py_strip(expected);
    // Python lower-cases all of Unicode; only ASCII can end up as hex digits, so ASCII is enough.
    std::transform(value.begin(), value.end(), value.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
    if (value.compare(0, 7, "sha256:") == 0) value.erase(0, 7);
    if (!hex64(value))
        throw BundleError("expected bundle digest " + py_str(expected) +
                          " is not a SHA-256 (64 hex digits, the sha256 of " + MANIFEST_NAME + ")");
    return value;
}

[[noreturn]] void unreadable(const std::string &what, int err) {
    throw BundleError(what + ": cannot be read (" + std::strerror(err) + ")");
}

std::string read_regular_file(const std::string &path) {
    // O_NOFOLLOW and O_NONBLOCK: a link or FIFO swapped in after the lstat is refused, not followed or waited on.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) unreadable(path, errno);
    std::string data;
    struct stat st {};
    int err = 0;
    if (::fstat(fd, &st) != 0) {
        err = errno;
    } else if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw BundleError(path + " is not a regular file");
    } else {
        char buf[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) err = errno;
            if (n <= 0) break;
            data.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    if (err) unreadable(path, err);
    return data;
}

std::string link_refusal(const std::string &name) {
    return name + " is a symbolic link: a bundle holds only regular files and folders, never links (they can point "
                  "outside it)";
}

void check_tree(const std::string &folder, const std::string &name, int depth) {
    // A folder nested this deep is no Core ML package; bounding it keeps the recursion bounded.
    if (depth > kMaxDepth) throw BundleError(name + " is nested too deeply for a bundle");
    DIR *dir = ::opendir(folder.c_str());
    if (!dir) unreadable(name, errno);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(dir)) {
        const std::string entry = e->d_name;
        if (entry != "." && entry != "..") names.push_back(entry);
    }
    const int err = errno;
    ::closedir(dir);
    if (err) unreadable(name, err);
    std::sort(names.begin(), names.end());
    for (const std::string &entry : names) {
        const std::string inner = name + "/" + entry, path = join_path(folder, entry);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) unreadable(inner, errno);
        if (S_ISLNK(st.st_mode)) throw BundleError(link_refusal(inner));
        if (S_ISDIR(st.st_mode)) {
            check_tree(path, inner, depth + 1);
        } else if (!S_ISREG(st.st_mode)) {
            throw BundleError(inner + " is not a regular file");
        }
    }
}

void check_entry(const std::string &root, const FileRef &ref, bool may_be_folder) {
    const std::string path = join_path(root, ref.file);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) throw BundleError("bundle file missing: " + ref.file);
        unreadable(ref.file, errno);
    }
    if (S_ISLNK(st.st_mode)) throw BundleError(link_refusal(ref.file));
    if (S_ISDIR(st.st_mode)) {
        if (!may_be_folder) throw BundleError(ref.file + " is a folder; the manifest lists it as a file");
        check_tree(path, ref.file, 1);
    } else if (!S_ISREG(st.st_mode)) {
        throw BundleError(ref.file + " is not a regular file");
    }
}

// ------------------------------------------------------------------------------------------------
// assets.py's load_projection: projection.json parses to exactly the manifest's projection fields.
// The rules are ProjectionSettings' (edge_sdk/projection/lsh.py): __post_init__'s checks in its order,
// with Python's TypeError for values of the wrong type.

constexpr const char *kSpecVersion = "lsh-v1";

struct PyNum {  // a JSON int, float or bool as Python computes with it
    bool is_float = false;
    long double v = 0;
};

std::optional<PyNum> py_num(const Json &j) {
    if (j.is_boolean()) return PyNum{false, j.get<bool>() ? 1.0L : 0.0L};
    if (j.is_number_float()) return PyNum{true, static_cast<long double>(j.get<double>())};
    if (j.is_number_unsigned()) return PyNum{false, static_cast<long double>(j.get<unsigned long long>())};
    if (j.is_number_integer()) return PyNum{false, static_cast<long double>(j.get<long long>())};
    return std::nullopt;
}

[[noreturn]] void projection_refused(const std::string &file, const std::string &why) {
    throw BundleError(file + ": not valid projection settings (" + why + ")");
}

std::string unsupported(const char *op, const Json &a, const Json &b) {
    return std::string("'") + op + "' not supported between instances of '" + py_type(a) + "' and '" + py_type(b) + "'";
}

void check_projection(const std::string &path, const ProjectionSpec &spec) {
    const std::string data_bytes = read_regular_file(path);
    Json data;
    try {
        data = python::python_json(data_bytes, false);
    } catch (const python::SyntaxError &err) {
        projection_refused(spec.file, err.message);
    } catch (const python::TooDeep &) {
        projection_refused(spec.file, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (!data.is_object()) projection_refused(spec.file, "'" + py_type(data) + "' object is not a mapping");  // {**data}
    const Json zero = 0, one = 1;
    Json ngrams = Json::array();
    if (const auto it = data.find("char_ngrams"); it != data.end()) {
        // tuple(value): iterating a str gives its characters, a dict its keys.
        if (it->is_array()) {
            ngrams = *it;
        } else if (it->is_object()) {
            for (const auto &[k, v] : it->items()) ngrams.push_back(k);
        } else if (it->is_string()) {
            const std::string &s = it->get_ref<const std::string &>();
            for (size_t i = 0; i < s.size();) {
                size_t n = 1;
                while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
                ngrams.push_back(s.substr(i, n));
                i += n;
            }
        } else {
            projection_refused(spec.file, "'" + py_type(*it) + "' object is not iterable");
        }
    }
    const std::set<std::string> known = {"version", "features", "seed", "max_words", "char_ngrams"};
    for (const auto &[key, value] : data.items())
        if (!known.count(key))
            projection_refused(spec.file, "ProjectionSettings.__init__() got an unexpected keyword argument " +
                                              py_str(key));
    // Missing fields take ProjectionSettings' defaults (and are then refused below as missing).
    const Json version = data.value("version", Json(kSpecVersion));
    const Json features = data.value("features", Json(256));
    const Json seed = data.value("seed", Json(0x5EED));
    const Json max_words = data.value("max_words", Json(64));
    if (!py_equal(version, Json(kSpecVersion)))
        projection_refused(spec.file, "projection spec " + py_repr(version) + " is not supported (this SDK: " +
                                          kSpecVersion + ")");
    const auto f = py_num(features);
    if (!f) projection_refused(spec.file, unsupported("<=", features, zero));
    long double f16 = 0;  // features // 16
    {
        const long double mod = f->v - 16 * std::floor(f->v / 16);
        if (f->v <= 0 || mod != 0)
            projection_refused(spec.file, "features must be a positive multiple of 16, got " + py_str_of(features));
        f16 = std::floor(f->v / 16);
    }
    const auto s = py_num(seed);
    if (!s) projection_refused(spec.file, unsupported("<=", zero, seed));
    if (!(0 <= s->v && s->v <= 4294967295.0L - f16))
        projection_refused(spec.file, "seed must leave room for features/16 consecutive 32-bit seeds");
    const auto w = py_num(max_words);
    if (!w) projection_refused(spec.file, unsupported("<", max_words, one));
    bool small = w->v < 1;
    for (const Json &n : ngrams) {
        if (small) break;
        const auto v = py_num(n);
        if (!v) projection_refused(spec.file, unsupported("<", n, one));
        small = v->v < 1;
    }
    if (small) projection_refused(spec.file, "max_words and char n-gram sizes must be >= 1");

    std::vector<std::string> present;
    for (const auto &[key, value] : data.items()) present.push_back(key);
    std::sort(present.begin(), present.end());
    if (present.size() != known.size()) {
        std::string have = "[", need = "['char_ngrams', 'features', 'max_words', 'seed', 'version']";
        for (const std::string &k : present) have += (have.size() > 1 ? ", " : "") + py_str(k);
        throw BundleError(spec.file + " has fields " + have + "], projection settings have " + need);
    }
    Json declared_ngrams = Json::array();
    for (long long n : spec.char_ngrams) declared_ngrams.push_back(n);
    const std::map<std::string, std::pair<Json, Json>> fields = {
        {"version", {version, Json(spec.version)}},       {"features", {features, Json(spec.features)}},
        {"seed", {seed, Json(spec.seed)}},                {"max_words", {max_words, Json(spec.max_words)}},
        {"char_ngrams", {ngrams, declared_ngrams}}};
    std::string shown;
    for (const auto &[name, pair] : fields)  // std::map: sorted by name, as Python's sorted(differing)
        if (!py_equal(pair.first, pair.second))
            shown += (shown.empty() ? "" : ", ") + name + " " + py_repr(pair.first) + " (manifest: " +
                     py_repr(pair.second) + ")";
    if (!shown.empty()) throw BundleError(spec.file + " differs from the manifest's projection fields: " + shown);
}

}  // namespace

std::string Bundle::path(const FileRef &ref) const { return join_path(root_, ref.file); }

std::shared_ptr<const Bundle> Bundle::open(const std::string &root_arg, const BundleOptions &options) {
    auto bundle = std::make_shared<Bundle>();
    const std::string root = py_path(root_arg);
    const std::string manifest_path = join_path(root, MANIFEST_NAME);
    struct stat st {};
    const bool exists = ::lstat(manifest_path.c_str(), &st) == 0;
    if (exists && S_ISLNK(st.st_mode))
        throw BundleError(manifest_path + " is a symbolic link: the manifest must be a regular file in the bundle");
    if (!exists || !S_ISREG(st.st_mode))
        throw BundleError(root + " is not a bundle: " + MANIFEST_NAME + " is missing");
    std::string data = read_regular_file(manifest_path);
    const std::string digest = sha256_hex(data);
    if (options.expected_digest) {
        const std::string expected = normalised_digest(*options.expected_digest);
        if (digest != expected)
            throw BundleError(root + ": bundle digest " + digest + " does not match the expected " + expected + ": " +
                              MANIFEST_NAME + " is not the one pinned, so the bundle is not either");
    }
    Manifest manifest = parse_manifest(data, manifest_path);
    std::set<std::string> folders_allowed;
    for (const Artifact &a : manifest.artifacts) folders_allowed.insert(a.file);
    for (const FileRef *ref : manifest.files()) check_entry(root, *ref, folders_allowed.count(ref->file) > 0);
    if (options.verify_checksums) {
        for (const FileRef *ref : manifest.files()) {
            const std::string path = join_path(root, ref->file);
            const unsigned long long size = size_of(path);
            if (size != ref->size_bytes)
                throw BundleError(ref->file + ": size " + std::to_string(size) + " bytes, manifest says " +
                                  std::to_string(ref->size_bytes) + ": the file was modified or truncated");
            if (sha256_path(path) != ref->sha256)
                throw BundleError(ref->file + ": sha256 does not match the manifest: the file was modified");
        }
    }
    // The input asset (assets.py's check_input_asset). A tokenizer is checked where it is loaded,
    // tokenizer.cpp (SentencePiece lives in edge_sdk_model, which links this component, not the
    // reverse): the corrector refuses a model whose vocabulary size or special ids are not the
    // manifest's, with assets.py's messages. A projection needs nothing but JSON: checked here.
    if (manifest.projection) check_projection(join_path(root, manifest.projection->file), *manifest.projection);
    bundle->root_ = root;
    bundle->digest_ = digest;
    bundle->manifest_json_ = std::move(data);
    bundle->manifest_ = std::move(manifest);
    return bundle;
}

}  // namespace edge_sdk
