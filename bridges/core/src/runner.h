// Who runs the model's methods: the core's ExecuTorch runner, or a platform's callbacks (Core ML from
// Swift, LiteRT from Kotlin). Tokenizer, loop, guard and edits never depend on which.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edge_sdk.h"

namespace edge_sdk {

class Runner {
public:
    virtual ~Runner() = default;
    // Encode one source (</s> included); keeps the encoder outputs for the following decode steps.
    virtual void encode(const std::vector<int64_t> &ids) = 0;
    // One greedy step: `logits` is resized to the vocabulary and filled.
    virtual void decode_step(int64_t token, int64_t position, std::vector<float> &logits) = 0;
    // features: [max_words x features_per_word], zero-padded; `words` real rows.
    virtual void classify(const std::vector<float> &features, size_t max_words, size_t features_per_word,
                          int64_t words, std::vector<float> &logits) = 0;
};

// The bundle's .pte through ExecuTorch's Module API (XNNPACK). Throws RuntimeError when it cannot load.
std::unique_ptr<Runner> make_executorch_runner(const std::string &pte_path, size_t vocab_size, size_t labels);
// The platform's callbacks (copied); `vocab_size` / `labels` size the logits buffers.
std::unique_ptr<Runner> make_callback_runner(const edge_sdk_runner_callbacks &callbacks, size_t vocab_size,
                                             size_t labels);

}  // namespace edge_sdk
