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
#include "model_input.h"
#include "runner.h"
#include "speller.h"
#include "tokenizer.h"

namespace edge_sdk {

constexpr size_t MAX_TEXT_CHARS = 100000;

// Throws InputError for more than MAX_TEXT_CHARS code points (same message as Python's check_text).
void check_text_length(const Text &text);

// A sentence's model input after the spelling stage (corrector.py's SessionCorrector._spelled).
struct SpelledInput {
    Text text;                // what the tokenizer encodes
    std::vector<Text> words;  // its words, a respelling of two words counted as two
};

struct DecodeResult {
    std::vector<int> tokens;     // generated ids, </s> included when reached
    std::vector<double> margins;  // per step (</s> included): p(best) - p(second), with keep_margins
};

class Corrector {
public:
    // Throws WrongModelError for a bundle that is not a corrector, BundleError for a spelling stage whose
    // files do not load (bundle_speller).
    Corrector(std::shared_ptr<const Bundle> bundle, std::unique_ptr<Runner> runner);
    // The tokenizer spec of a corrector manifest, or WrongModelError: callers that must size a runner
    // before constructing ask this first.
    static const TokenizerSpec &corrector_tokenizer(const Manifest &manifest);

    // `gate(sentence)`: when set and false, the sentence is left as it is (the cascade's detector).
    Correction correct(const Text &text, const std::function<bool(const Text &)> &gate = {});
    // `keep_margins`: each step's margin too (confidence.h), what the edit-confidence gate needs.
    DecodeResult greedy_decode(const std::vector<int64_t> &source, bool keep_margins = false);
    // The edit-confidence gate (docs/text-handling.md, "Edit confidence"): edits whose confidence is under
    // it are dropped; 0 keeps every edit. The bundle's generation.min_edit_margin until set; set throws
    // std::invalid_argument for a value outside [0, 1) (NaN included), leaving the threshold as it was.
    double min_edit_margin() const { return min_edit_margin_; }
    void set_min_edit_margin(double threshold);
    // The spelling stage (docs/text-handling.md, "Spelling stage"): on by default where the bundle has one;
    // off runs the model alone (Python's GrammarCorrector(spelling=False)). `spelling()`: whether it runs.
    bool spelling() const { return speller_ != nullptr && spelling_; }
    void set_spelling(bool enabled) { spelling_ = enabled; }
    // The model input `source` becomes with the stage (unchanged when it does not run); edits are still
    // aligned against `source`, what the user typed.
    SpelledInput spelled(const ModelInput &source) const;
    const Tokenizer &tokenizer() const { return *tokenizer_; }
    const Bundle &bundle() const { return *bundle_; }

private:
    std::optional<std::string> correct_sentence(const Text &text, size_t start, size_t end, const Style &text_style,
                                                std::vector<Edit> &edits);

    std::shared_ptr<const Bundle> bundle_;
    std::unique_ptr<Runner> runner_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<Speller> speller_;  // nullptr: the bundle has no spelling stage
    bool spelling_ = true;
    GenerationSettings generation_;
    std::vector<float> logits_;
    double min_edit_margin_ = 0.0;
};

}  // namespace edge_sdk
