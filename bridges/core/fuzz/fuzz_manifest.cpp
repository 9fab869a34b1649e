// libFuzzer: parse_manifest on arbitrary bytes. A BundleError (any edge_sdk::Error) is the expected
// answer to bad input; anything else escaping, a crash, a sanitizer report or a hang is a finding.
// Seeds: corpus/manifest/ (real manifests and tampered ones; crashes found become regression inputs).
#include <cstddef>
#include <cstdint>
#include <string>

#include "bundle.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    try {
        const edge_sdk::Manifest manifest = edge_sdk::parse_manifest(bytes, "fuzz/manifest.json");
        // A manifest that parses must answer the questions the bridges ask of it.
        (void)manifest.files();
        for (const edge_sdk::Artifact &a : manifest.artifacts) (void)manifest.artifact(a.backend, a.quantization);
        try {
            (void)manifest.artifact("no-such-backend", std::nullopt);
        } catch (const edge_sdk::NotFoundError &) {
        }
    } catch (const edge_sdk::Error &) {
    }
    return 0;
}
