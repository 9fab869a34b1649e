#include "sha256.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "errors.h"

namespace edge_sdk {
namespace {

// mbedTLS 3 renamed the *_ret functions to the plain names; 2.28 (Debian 12) deprecates the plain ones.
#if MBEDTLS_VERSION_MAJOR >= 3
int sha_starts(mbedtls_sha256_context *c) { return mbedtls_sha256_starts(c, 0); }
int sha_update(mbedtls_sha256_context *c, const unsigned char *p, size_t n) { return mbedtls_sha256_update(c, p, n); }
int sha_finish(mbedtls_sha256_context *c, unsigned char *out) { return mbedtls_sha256_finish(c, out); }
#else
int sha_starts(mbedtls_sha256_context *c) { return mbedtls_sha256_starts_ret(c, 0); }
int sha_update(mbedtls_sha256_context *c, const unsigned char *p, size_t n) {
    return mbedtls_sha256_update_ret(c, p, n);
}
int sha_finish(mbedtls_sha256_context *c, unsigned char *out) { return mbedtls_sha256_finish_ret(c, out); }
#endif

class Hasher {
public:
    Hasher() {
        mbedtls_sha256_init(&ctx_);
        check(sha_starts(&ctx_));
    }
    ~Hasher() { mbedtls_sha256_free(&ctx_); }
    Hasher(const Hasher &) = delete;
    Hasher &operator=(const Hasher &) = delete;

    void update(const void *data, size_t n) {
        if (n) check(sha_update(&ctx_, static_cast<const unsigned char *>(data), n));
    }
    std::string hex() {
        unsigned char out[32];
        check(sha_finish(&ctx_, out));
        static const char digits[] = "0123456789abcdef";
        std::string s(64, '0');
        for (size_t i = 0; i < 32; ++i) {
            s[2 * i] = digits[out[i] >> 4];
            s[2 * i + 1] = digits[out[i] & 15];
        }
        return s;
    }

private:
    static void check(int rc) {
        // Software SHA-256 only fails on misuse; a hardware-accelerated port could fail for real.
        if (rc != 0) throw RuntimeError("sha256 failed (mbedTLS error " + std::to_string(rc) + ")");
    }
    mbedtls_sha256_context ctx_;
};

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
};

std::string join(const std::string &folder, const std::string &name) {
    // pathlib's `folder / name`: no doubled separator after "/".
    return !folder.empty() && folder.back() == '/' ? folder + name : folder + "/" + name;
}

[[noreturn]] void unreadable(const std::string &path, int err) {
    throw BundleError(path + ": cannot be read (" + std::strerror(err) + ")");
}

[[noreturn]] void link_refused(const std::string &path) {
    throw BundleError(path + ": symbolic links are not allowed inside a bundle");
}

bool valid_utf8(const std::string &s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
        }
        i += n + 1;
    }
    return true;
}

struct Entry {
    std::vector<std::string> parts;  // relative to the walked folder
    mode_t mode;
    unsigned long long size;
};

// Every entry under `dir_fd` (folders included, links not descended into), like Path.rglob("*").
void walk(int dir_fd, const std::string &shown, std::vector<std::string> &prefix, std::vector<Entry> &out) {
    const int dup_fd = ::dup(dir_fd);
    if (dup_fd < 0) unreadable(shown, errno);
    std::unique_ptr<DIR, int (*)(DIR *)> dir(::fdopendir(dup_fd), ::closedir);
    if (!dir) {
        const int err = errno;
        ::close(dup_fd);
        unreadable(shown, err);
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent *e = ::readdir(dir.get())) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    if (errno != 0) unreadable(shown, errno);
    for (const std::string &name : names) {
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) unreadable(join(shown, name), errno);
        prefix.push_back(name);
        out.push_back({prefix, st.st_mode, static_cast<unsigned long long>(st.st_size)});
        if (S_ISDIR(st.st_mode)) {
            Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (sub.fd < 0) unreadable(join(shown, name), errno);
            walk(sub.fd, join(shown, name), prefix, out);
        }
        prefix.pop_back();
    }
}

std::string joined(const std::vector<std::string> &parts) {
    std::string s;
    for (const std::string &p : parts) s += (s.empty() ? "" : "/") + p;
    return s;
}

// The regular files of a folder in io.py's order, refusing the first link in that order as
// _tree_files does. Comparing component vectors is how Python compares Path objects ("a/b" < "a-b");
// std::string compares bytes, which for UTF-8 is code point order.
std::vector<Entry> tree_files(const std::string &path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.fd < 0) unreadable(path, errno);
    std::vector<Entry> entries;
    std::vector<std::string> prefix;
    walk(fd.fd, path, prefix, entries);
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.parts < b.parts; });
    std::vector<Entry> files;
    for (Entry &e : entries) {
        const std::string rel = joined(e.parts);
        if (S_ISLNK(e.mode)) link_refused(join(path, rel));
        // Python holds names as str and encodes the lines as UTF-8: a name that is not UTF-8 fails there.
        if (!valid_utf8(rel)) throw BundleError(join(path, rel) + ": a file name inside a bundle must be UTF-8");
        if (S_ISREG(e.mode)) files.push_back(std::move(e));
    }
    return files;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    Hasher h;
    h.update(bytes.data(), bytes.size());
    return h.hex();
}

std::string sha256_file(const std::string &path) {
    // O_NONBLOCK: a FIFO swapped in after the caller's checks must not hang the open.
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (fd.fd < 0) {
        if (errno == ELOOP) link_refused(path);
        unreadable(path, errno);
    }
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) unreadable(path, errno);
    if (!S_ISREG(st.st_mode)) throw BundleError(path + " is not a regular file");
    Hasher h;
    std::vector<char> buffer(1 << 20);
    for (;;) {
        const ssize_t n = ::read(fd.fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            unreadable(path, errno);
        }
        if (n == 0) break;
        h.update(buffer.data(), static_cast<size_t>(n));
    }
    return h.hex();
}

std::string sha256_path(const std::string &path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) unreadable(path, errno);
    if (!S_ISDIR(st.st_mode)) return sha256_file(path);
    Hasher h;
    for (const Entry &e : tree_files(path)) {
        const std::string rel = joined(e.parts);
        const std::string line = rel + std::string(1, '\0') + sha256_file(join(path, rel)) + "\n";
        h.update(line.data(), line.size());
    }
    return h.hex();
}

unsigned long long size_of(const std::string &path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) unreadable(path, errno);
    if (S_ISLNK(st.st_mode)) link_refused(path);
    if (!S_ISDIR(st.st_mode)) return static_cast<unsigned long long>(st.st_size);
    unsigned long long total = 0;
    for (const Entry &e : tree_files(path)) total += e.size;
    return total;
}

}  // namespace edge_sdk
