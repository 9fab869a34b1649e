// text in, correction out: the whole pipeline of docs/text-handling.md over a Runner
// (edge_sdk/generation/corrector.py is the Python twin).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bundle.h"
#include "edits.h"
#include "runner.h"
#include "tokenizer.h"

namespace edge_sdk {

constexpr size_t MAX_TEXT_CHARS = 100000;

// Throws InputError for more than MAX_TEXT_CHARS code points (same message as Python's check_text).
void check_text_length(const Text &text);

struct DecodeResult {
    std::vector<int> tokens;  // generated ids, </s> included when reached
};

class Corrector {
public:
    // Throws WrongModelError for a bundle that is not a corrector.
    Corrector(std::shared_ptr<const Bundle> bundle, std::unique_ptr<Runner> runner);
    // The tokenizer spec of a corrector manifest, or WrongModelError: callers that must size a runner
    // before constructing ask this first.
    static const TokenizerSpec &corrector_tokenizer(const Manifest &manifest);

    // `gate(sentence)`: when set and false, the sentence is left as it is (the cascade's detector).
    Correction correct(const Text &text, const std::function<bool(const Text &)> &gate = {});
    DecodeResult greedy_decode(const std::vector<int64_t> &source);
    const Tokenizer &tokenizer() const { return *tokenizer_; }
    const Bundle &bundle() const { return *bundle_; }

private:
    std::optional<std::string> correct_sentence(const Text &text, size_t start, size_t end, const Style &text_style,
                                                std::vector<Edit> &edits);

    std::shared_ptr<const Bundle> bundle_;
    std::unique_ptr<Runner> runner_;
    std::unique_ptr<Tokenizer> tokenizer_;
    GenerationSettings generation_;
    std::vector<float> logits_;
};

}  // namespace edge_sdk
