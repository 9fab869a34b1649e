// libFuzzer target: correct() through the C ABI on arbitrary bytes, with the real bundle named by
// EDGE_SDK_FUZZ_BUNDLE. Besides crashes and sanitizer reports, a finding is any broken promise of
// edge_sdk.h: a status other than OK / INVALID_INPUT, edits out of order or out of range, or edits that
// do not turn the input into the corrected text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "edge_sdk.h"

namespace {

edge_sdk_corrector *corrector = nullptr;

[[noreturn]] void broken(const char *what, const std::string &detail) {
    std::fprintf(stderr, "broken promise: %s: %s\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    const char *path = std::getenv("EDGE_SDK_FUZZ_BUNDLE");
    if (path == nullptr) {
        std::fprintf(stderr, "set EDGE_SDK_FUZZ_BUNDLE to a corrector bundle\n");
        std::exit(2);
    }
    edge_sdk_bundle *bundle = nullptr;
    edge_sdk_model_options options = edge_sdk_model_default_options();
    options.quantization = "int8";
    if (edge_sdk_bundle_open(path, nullptr, &bundle) != EDGE_SDK_OK ||
        edge_sdk_corrector_open(bundle, &options, &corrector) != EDGE_SDK_OK) {
        std::fprintf(stderr, "cannot open %s: %s\n", path, edge_sdk_last_error());
        std::exit(2);
    }
    edge_sdk_bundle_free(bundle);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = reinterpret_cast<const char *>(data);
    edge_sdk_correction *c = nullptr;
    const edge_sdk_status status = edge_sdk_corrector_correct(corrector, text, size, &c);
    if (status == EDGE_SDK_ERR_INVALID_INPUT) {
        if (c != nullptr) {
            broken("failed call set *out", edge_sdk_last_error());
        }
        return 0;
    }
    if (status != EDGE_SDK_OK) {
        broken("unexpected status", edge_sdk_last_error());
    }
    const std::string input(text, size);
    std::string rebuilt;
    size_t at = 0, at16 = 0;
    for (size_t i = 0; i < edge_sdk_correction_edit_count(c); ++i) {
        const edge_sdk_edit *e = edge_sdk_correction_edit(c, i);
        if (e->utf8_start < at || e->utf8_end < e->utf8_start || e->utf8_end > size || e->utf16_start < at16 ||
            e->utf16_end < e->utf16_start || e->utf16_start > e->utf8_start) {
            broken("edit offsets", std::to_string(i));
        }
        if (input.compare(e->utf8_start, e->utf8_end - e->utf8_start, e->original, e->original_len) != 0) {
            broken("edit original is not the input's span", std::to_string(i));
        }
        rebuilt += input.substr(at, e->utf8_start - at);
        rebuilt.append(e->replacement, e->replacement_len);
        at = e->utf8_end;
        at16 = e->utf16_end;
    }
    rebuilt += input.substr(at);
    size_t len = 0;
    const char *out = edge_sdk_correction_text(c, &len);
    if (rebuilt != std::string(out, len)) {
        broken("edits do not give the corrected text", rebuilt);
    }
    edge_sdk_correction_free(c);
    return 0;
}
