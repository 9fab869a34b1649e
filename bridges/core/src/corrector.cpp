// The corrector's pipeline, step for step the Python reference's (edge_sdk/generation/corrector.py):
// sentences, pass-through spans, model input, spelling stage, greedy decode, guard, edits
// (docs/text-handling.md).
#include "corrector.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "confidence.h"
#include "errors.h"
#include "guard.h"
#include "model_input.h"
#include "protect.h"
#include "python_compat.h"
#include "segment.h"

namespace edge_sdk {
namespace {

// Python's f"{n:,}".
std::string thousands(size_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::vector<Text> word_texts(const std::vector<Word> &found) {
    std::vector<Text> texts;
    texts.reserve(found.size());
    for (const auto &w : found) {
        texts.push_back(w.text);
    }
    return texts;
}

}  // namespace

void check_text_length(const Text &text) {
    if (text.size() > MAX_TEXT_CHARS) {
        throw InputError("text is " + thousands(text.size()) + " characters; one call takes at most " +
                         thousands(MAX_TEXT_CHARS) + ": split it (by paragraph) and correct the parts");
    }
}

const TokenizerSpec &Corrector::corrector_tokenizer(const Manifest &m) {
    if (m.family != "edgeformer" || !m.tokenizer || !m.generation) {
        throw WrongModelError("bundle " + m.name + " is a " + m.family + " model, not a corrector");
    }
    return *m.tokenizer;
}

Corrector::Corrector(std::shared_ptr<const Bundle> bundle, std::unique_ptr<Runner> runner)
    : bundle_(std::move(bundle)), runner_(std::move(runner)) {
    corrector_tokenizer(bundle_->manifest());
    tokenizer_ = load_tokenizer(*bundle_);
    speller_ = bundle_speller(*bundle_);
    generation_ = *bundle_->manifest().generation;
    min_edit_margin_ = generation_.min_edit_margin;
}

void Corrector::set_min_edit_margin(double threshold) {
    if (!(threshold >= 0.0 && threshold < 1.0)) {
        throw std::invalid_argument("min_edit_margin must be in [0, 1), got " + python::py_float(threshold));
    }
    min_edit_margin_ = threshold;
}

SpelledInput Corrector::spelled(const ModelInput &source) const {
    SpelledInput out{source.text, word_texts(source.words)};
    if (!spelling()) {
        return out;
    }
    // The sentence starts at its first word that is no placeholder and starts with a letter or digit, so a
    // capitalised first word after a quote mark is respelled, a capitalised word later is a name.
    size_t first = source.words.size();
    for (size_t i = 0; i < source.words.size() && first == source.words.size(); ++i) {
        if (!source.words[i].protected_span && is_alnum(source.words[i].text[0])) {
            first = i;
        }
    }
    Text text;
    size_t at = 0;
    bool changed = false;
    for (size_t i = 0; i < source.words.size(); ++i) {
        const Word &w = source.words[i];
        if (w.protected_span) {
            continue;
        }
        const auto fixed = speller_->correction(w.text, i == first);
        if (fixed) {
            text.append(source.text, at, w.start - at).append(*fixed);
            at = w.end;
            out.words[i] = *fixed;
            changed = true;
        }
    }
    if (!changed) {
        return out;
    }
    out.text = text.append(source.text, at, Text::npos);
    // A respelling may be two words (alot -> a lot): the guard counts the model's input words.
    std::vector<Text> split;
    for (const Text &w : out.words) {
        for (const Word &y : words(w)) {
            split.push_back(y.text);
        }
    }
    out.words = std::move(split);
    return out;
}

DecodeResult Corrector::greedy_decode(const std::vector<int64_t> &source, bool keep_margins) {
    DecodeResult result;
    runner_->encode(source);
    int64_t token = generation_.decoder_start_id;
    for (int64_t step = 0; step < generation_.max_target_len; ++step) {
        runner_->decode_step(token, step, logits_);
        if (keep_margins) {
            result.margins.push_back(step_margin(logits_));
        }
        // numpy's argmax: the first of equal maxima.
        const auto best = std::max_element(logits_.begin(), logits_.end());
        const int predicted = static_cast<int>(best - logits_.begin());
        result.tokens.push_back(predicted);
        token = predicted;
        if (predicted == generation_.eos_id) {
            break;
        }
    }
    return result;
}

Correction Corrector::correct(const Text &text, const std::function<bool(const Text &)> &gate) {
    check_text_length(text);
    Correction result;
    // The whole text's style once: a sentence without apostrophes or quotes of its own falls back to it.
    const Style text_style = Style::of(text);
    for (const Span &span : sentences(text)) {
        ++result.sentences;
        if (gate && !gate(text.substr(span.start, span.end - span.start))) {
            continue;
        }
        std::vector<Edit> found;
        auto reason = correct_sentence(text, span.start, span.end, text_style, found);
        if (reason) {
            result.skipped.push_back(Skipped{span.start, span.end, *reason});
        }
        result.edits.insert(result.edits.end(), found.begin(), found.end());
    }
    result.text = apply_edits(text, result.edits);
    return result;
}

std::optional<std::string> Corrector::correct_sentence(const Text &text, size_t start, size_t end,
                                                       const Style &text_style, std::vector<Edit> &edits) {
    const Alphabet &alphabet = tokenizer_->alphabet();
    const ModelInput source = model_input(text, start, end, protected_spans(text, start, end, alphabet), alphabet);
    if (!source.has_content()) {
        return std::nullopt;
    }
    const auto bound = static_cast<size_t>(generation_.max_source_len);
    // No piece is longer than max_piece_chars: a longer model input cannot fit, and encoding a huge
    // unbroken word only to learn that is slow.
    if (source.text.size() > bound * tokenizer_->max_piece_chars()) {
        return std::string("too_long");
    }
    const SpelledInput model = spelled(source);
    const std::vector<int> ids = tokenizer_->encode(model.text);
    if (ids.size() + 1 > bound) {
        return std::string("too_long");
    }
    std::vector<int64_t> src(ids.begin(), ids.end());
    src.push_back(generation_.eos_id);
    const bool gated = min_edit_margin_ > 0.0;
    const DecodeResult decoded = greedy_decode(src, gated);
    const bool reached_end = !decoded.tokens.empty() && decoded.tokens.back() == generation_.eos_id;
    const Text output = tokenizer_->decode(decoded.tokens);
    auto reason = garbled(ids.size() + 1, decoded.tokens.size(), reached_end, model.words,
                          word_texts(words(output)), output, alphabet, source.placeholder, source.placeholders());
    if (reason) {
        return reason;
    }
    KeepEdit keep;
    std::vector<PieceSpan> spans;
    if (gated) {
        // </s> is in the tokens (its step has a margin); decode ignores it.
        const auto decode = [this](const std::vector<int> &prefix) { return tokenizer_->decode(prefix); };
        spans = piece_spans(decode, decoded.tokens);
        keep = [&](size_t from, size_t to) {
            return span_confidence(spans, decoded.margins, from, to) >= min_edit_margin_;
        };
    }
    auto found = sentence_edits(text, source, output,
                                Style::of(TextView(text).substr(start, end - start), text_style), keep);
    if (!found) {
        return std::string("pass_through_touched");
    }
    edits = std::move(*found);
    return std::nullopt;
}

}  // namespace edge_sdk
