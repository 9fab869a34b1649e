// Replays the Python reference's golden vectors (`edge-sdk golden`) in the core: the corrections
// through the C ABI exactly as a platform calls it, and the text stages (normalisation, token ids,
// sentences, model inputs) through the core's internals, so a mismatch says where the two diverge.
// Goldens written with the edit-confidence gate on (header `min_edit_margin` > 0, golden version 2) also
// carry each sentence's decoder margins: the core decodes Python's ids again and must give the same
// tokens and every margin within 1e-9. The header's threshold is set through the C ABI
// (edge_sdk_corrector_set_min_edit_margin); a version 1 golden has none and runs at the bundle's.
// Version 3 records whether the spelling stage ran (header `spelling`, set through
// edge_sdk_corrector_set_spelling) and, when it did, each sentence's model input after it (`spelled`),
// which the core's stage must give exactly.
//
// Needs EDGE_SDK_TEST_BUNDLE (the bundle the goldens were written from) and EDGE_SDK_GOLDEN (one or more
// golden files, separated by ':'); tests/core/test_native_core.py sets both. Without them the test fails
// and says how to produce them. EDGE_SDK_REPLAY_REPORT, when set, receives the counts as JSON.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "corrector.h"
#include "edge_sdk.h"
#include "model_input.h"
#include "protect.h"
#include "segment.h"
#include "unicode.h"

namespace {

using nlohmann::json;

std::vector<std::string> split(const std::string &value, char sep) {
    std::vector<std::string> parts;
    std::stringstream in(value);
    for (std::string part; std::getline(in, part, sep);) {
        if (!part.empty()) {
            parts.push_back(part);
        }
    }
    return parts;
}

json correction_json(const edge_sdk_correction *c) {
    json edits = json::array(), skipped = json::array();
    for (size_t i = 0; i < edge_sdk_correction_edit_count(c); ++i) {
        const edge_sdk_edit *e = edge_sdk_correction_edit(c, i);
        edits.push_back({{"utf8", {e->utf8_start, e->utf8_end}},
                         {"utf16", {e->utf16_start, e->utf16_end}},
                         {"original", std::string(e->original, e->original_len)},
                         {"replacement", std::string(e->replacement, e->replacement_len)},
                         {"kind", e->kind_name}});
    }
    for (size_t i = 0; i < edge_sdk_correction_skipped_count(c); ++i) {
        const edge_sdk_skipped *s = edge_sdk_correction_skipped(c, i);
        skipped.push_back({{"utf8", {s->utf8_start, s->utf8_end}},
                           {"utf16", {s->utf16_start, s->utf16_end}},
                           {"reason", s->reason}});
    }
    size_t len = 0;
    const char *text = edge_sdk_correction_text(c, &len);
    return {{"text", std::string(text, len)}, {"edits", edits}, {"skipped", skipped}};
}

// How far the core's decoder margins may be from Python's: both compute in double in the same order, from
// the same float logits; only exp() of two math libraries may differ, in the last bits.
constexpr double kMarginTolerance = 1e-9;

struct Counts {
    size_t inputs = 0, corrections = 0, normalized = 0, ids = 0, sentences = 0, model_inputs = 0,
           spelled_diverged = 0, sentence_ids = 0, tokens = 0;
    size_t spelled_sentences = 0, spelled_changed = 0, spelled = 0;  // compared; changed by Python; mismatching
    bool spelling = false;                                            // the stage ran
    size_t margin_sentences = 0, margin_steps = 0, margins = 0;  // compared sentences, steps; mismatching sentences
    double margin_difference = 0.0;                               // the largest |core - python| seen
    double threshold = 0.0;                                       // the gate the corrections ran at
    std::map<std::string, std::pair<size_t, size_t>> groups;  // group -> (inputs, correction mismatches)
};

// The sentence's model input after the spelling stage where Python computes it (content, not too long),
// as SentenceTrace.spelled has it: nothing when the stage changed nothing.
std::optional<std::string> spelled_text(edge_sdk::Corrector &internal, const edge_sdk::ModelInput &source) {
    const auto bound = static_cast<size_t>(internal.bundle().manifest().generation->max_source_len);
    if (!source.has_content() || source.text.size() > bound * internal.tokenizer().max_piece_chars()) {
        return std::nullopt;
    }
    const edge_sdk::SpelledInput model = internal.spelled(source);
    if (model.text == source.text) {
        return std::nullopt;
    }
    return edge_sdk::encode_utf8(model.text);
}

json optional_json(const std::optional<std::string> &value) { return value ? json(*value) : json(nullptr); }

// Where a mismatching correction first diverged: sentence spans, model inputs, ids, or decoded tokens.
void diagnose(edge_sdk::Corrector &internal, const edge_sdk::Text &text, const json &golden, Counts &counts,
              std::string &where) {
    using namespace edge_sdk;
    const auto spans = sentences(text);
    const auto &expected = golden.at("sentences");
    const auto u8 = utf8_offsets(text);
    if (spans.size() != expected.size()) {
        ++counts.sentences;
        where = "sentences: " + std::to_string(spans.size()) + " vs " + std::to_string(expected.size());
        return;
    }
    const Alphabet &alphabet = internal.tokenizer().alphabet();
    for (size_t i = 0; i < spans.size(); ++i) {
        const auto &want = expected[i];
        if (json{u8[spans[i].start], u8[spans[i].end]} != want.at("utf8")) {
            ++counts.sentences;
            where = "sentence " + std::to_string(i) + " span";
            return;
        }
        const auto source = model_input(text, spans[i].start, spans[i].end,
                                        protected_spans(text, spans[i].start, spans[i].end, alphabet), alphabet);
        if (encode_utf8(source.text) != want.at("model_input").get<std::string>()) {
            ++counts.model_inputs;
            where = "sentence " + std::to_string(i) + " model input: " + encode_utf8(source.text);
            return;
        }
        if (want.contains("spelled") && optional_json(spelled_text(internal, source)) != want.at("spelled")) {
            ++counts.spelled_diverged;
            where = "sentence " + std::to_string(i) + " spelled: " + optional_json(spelled_text(internal, source)).dump();
            return;
        }
        if (want.at("ids").is_null()) {
            continue;
        }
        const auto ids = internal.tokenizer().encode(internal.spelled(source).text);
        if (json(ids) != want.at("ids")) {
            ++counts.sentence_ids;
            where = "sentence " + std::to_string(i) + " ids";
            return;
        }
        if (want.at("tokens").is_null()) {
            continue;
        }
        std::vector<int64_t> src(ids.begin(), ids.end());
        src.push_back(internal.bundle().manifest().generation->eos_id);
        const auto decoded = internal.greedy_decode(src);
        if (json(decoded.tokens) != want.at("tokens")) {
            ++counts.tokens;
            where = "sentence " + std::to_string(i) + " decoded tokens " + json(decoded.tokens).dump() + " vs " +
                    want.at("tokens").dump();
            return;
        }
    }
    where = "text handling after decoding (guard or edits)";
}

void replay(const std::string &bundle_path, const std::string &golden_path, Counts &counts) {
    std::ifstream in(golden_path);
    ASSERT_TRUE(in) << "cannot read " << golden_path;
    std::string line;
    ASSERT_TRUE(std::getline(in, line)) << golden_path << " is empty";
    const json header = json::parse(line);
    ASSERT_EQ(header.at("golden"), "edge-sdk-core");

    edge_sdk_bundle *bundle = nullptr;
    ASSERT_EQ(edge_sdk_bundle_open(bundle_path.c_str(), nullptr, &bundle), EDGE_SDK_OK) << edge_sdk_last_error();
    ASSERT_EQ(std::string(edge_sdk_bundle_digest(bundle)), header.at("bundle_digest").get<std::string>())
        << "the golden file was written from another bundle";
    const std::string backend = header.at("backend"), quantization = header.at("quantization");
    edge_sdk_model_options options = edge_sdk_model_default_options();
    options.backend = backend.c_str();
    options.quantization = quantization.c_str();
    edge_sdk_corrector *corrector = nullptr;
    ASSERT_EQ(edge_sdk_corrector_open(bundle, &options, &corrector), EDGE_SDK_OK) << edge_sdk_last_error();
    // Version 2: the threshold Python corrected with (absent in version 1: the bundle's, as in Python).
    const bool has_threshold = header.contains("min_edit_margin");
    const double threshold = has_threshold ? header.at("min_edit_margin").get<double>() : 0.0;
    if (has_threshold) {
        ASSERT_EQ(edge_sdk_corrector_set_min_edit_margin(corrector, threshold), EDGE_SDK_OK) << edge_sdk_last_error();
        ASSERT_EQ(edge_sdk_corrector_min_edit_margin(corrector), threshold);
    }

    // The internals, for the stage checks and the diagnosis of a mismatch.
    auto internal_bundle = edge_sdk::Bundle::open(bundle_path);
    const auto &artifact = internal_bundle->manifest().artifact(backend, quantization);
    edge_sdk::Corrector internal(internal_bundle,
                                 edge_sdk::make_executorch_runner(internal_bundle->path(artifact),
                                                                  static_cast<size_t>(
                                                                      internal_bundle->manifest().tokenizer->vocab_size),
                                                                  0));
    if (has_threshold) {
        internal.set_min_edit_margin(threshold);
    }
    // Version 3: whether Python ran the spelling stage (absent before: bundles had none, nor has the core).
    if (header.contains("spelling")) {
        const bool spelling = header.at("spelling").get<bool>();
        ASSERT_EQ(edge_sdk_corrector_set_spelling(corrector, spelling ? 1 : 0), EDGE_SDK_OK) << edge_sdk_last_error();
        ASSERT_EQ(edge_sdk_corrector_spelling(corrector), spelling ? 1 : 0)
            << "the golden file says whether the stage ran; the bundle must have one when it did";
        internal.set_spelling(spelling);
    }
    counts.spelling = internal.spelling();
    counts.threshold = internal.min_edit_margin();
    const int64_t eos = internal_bundle->manifest().generation->eos_id;
    size_t reported = 0;
    while (std::getline(in, line)) {
        const json golden = json::parse(line);
        const std::string text = golden.at("text");
        const std::string group = golden.at("group");
        ++counts.inputs;
        ++counts.groups[group].first;
        const edge_sdk::Text decoded = edge_sdk::decode_utf8(text);
        if (edge_sdk::encode_utf8(edge_sdk::normalize_text(decoded)) != golden.at("normalized").get<std::string>()) {
            ++counts.normalized;
        }
        if (json(internal.tokenizer().encode(edge_sdk::normalize_text(decoded))) != golden.at("ids")) {
            ++counts.ids;
        }
        edge_sdk_correction *correction = nullptr;
        const edge_sdk_status status = edge_sdk_corrector_correct(corrector, text.data(), text.size(), &correction);
        json got = status == EDGE_SDK_OK ? correction_json(correction) : json{{"error", edge_sdk_last_error()}};
        if (status == EDGE_SDK_OK) {
            // One trace per sentence in Python: the count apps divide latency by.
            got["sentence_count"] = edge_sdk_correction_sentence_count(correction);
        }
        edge_sdk_correction_free(correction);
        json want = golden.at("correction");
        want["sentence_count"] = golden.at("sentences").size();
        const auto &sentences = golden.at("sentences");
        // The spelling stage's model input, where Python recorded it, sentence by sentence.
        const auto spans = edge_sdk::sentences(decoded);
        const edge_sdk::Alphabet &alphabet = internal.tokenizer().alphabet();
        for (size_t i = 0; i < sentences.size(); ++i) {
            if (!sentences[i].contains("spelled")) {
                continue;
            }
            const json &expected = sentences[i].at("spelled");
            ++counts.spelled_sentences;
            counts.spelled_changed += expected.is_null() ? 0 : 1;
            json got_spelled = "(no such sentence in the core)";
            if (i < spans.size()) {
                const auto &span = spans[i];
                got_spelled = optional_json(spelled_text(
                    internal, edge_sdk::model_input(decoded, span.start, span.end,
                                                    edge_sdk::protected_spans(decoded, span.start, span.end, alphabet),
                                                    alphabet)));
            }
            if (got_spelled != expected) {
                ++counts.spelled;
                if (reported++ < 20) {
                    ADD_FAILURE() << quantization << " input " << golden.at("id") << " (" << group << ") sentence " << i
                                  << ": spelling stage differs\n  core:   " << got_spelled.dump()
                                  << "\n  python: " << expected.dump();
                }
            }
        }
        // The decoder's margins, where Python recorded them (the gate on): Python's ids decoded again.
        for (size_t i = 0; i < sentences.size(); ++i) {
            const auto &sentence = sentences[i];
            if (!sentence.contains("margins") || sentence.at("margins").is_null()) {
                continue;
            }
            std::vector<int64_t> src = sentence.at("ids").get<std::vector<int64_t>>();
            src.push_back(eos);
            const auto result = internal.greedy_decode(src, true);
            const auto expected = sentence.at("margins").get<std::vector<double>>();
            bool same = json(result.tokens) == sentence.at("tokens") && result.margins.size() == expected.size();
            for (size_t k = 0; same && k < expected.size(); ++k) {
                const double difference = std::fabs(result.margins[k] - expected[k]);
                counts.margin_difference = std::max(counts.margin_difference, difference);
                same = difference <= kMarginTolerance;
            }
            ++counts.margin_sentences;
            counts.margin_steps += expected.size();
            if (!same) {
                ++counts.margins;
                if (reported++ < 20) {
                    ADD_FAILURE() << quantization << " input " << golden.at("id") << " (" << group << ") sentence " << i
                                  << ": decoder margins differ (tolerance " << kMarginTolerance << ")\n  core:   "
                                  << json(result.tokens).dump() << " " << json(result.margins).dump()
                                  << "\n  python: " << sentence.at("tokens").dump() << " " << json(expected).dump();
                }
            }
        }
        if (got != want) {
            ++counts.corrections;
            ++counts.groups[group].second;
            std::string where;
            diagnose(internal, decoded, golden, counts, where);
            if (reported++ < 20) {
                ADD_FAILURE() << quantization << " input " << golden.at("id") << " (" << group << ") differs at "
                              << where << "\n  text:   " << json(text).dump() << "\n  core:   " << got.dump()
                              << "\n  python: " << want.dump();
            }
        }
    }
    edge_sdk_corrector_free(corrector);
    edge_sdk_bundle_free(bundle);
}

TEST(Replay, GoldenVectorsMatchThePythonReference) {
    const char *bundle = std::getenv("EDGE_SDK_TEST_BUNDLE");
    const char *goldens = std::getenv("EDGE_SDK_GOLDEN");
    ASSERT_TRUE(bundle != nullptr && goldens != nullptr)
        << "set EDGE_SDK_TEST_BUNDLE to a corrector bundle and EDGE_SDK_GOLDEN to golden files written from it "
           "(`edge-sdk golden BUNDLE -o FILE`); `make test` runs this through tests/core/test_native_core.py";
    json report = json::object();
    for (const auto &path : split(goldens, ':')) {
        Counts counts;
        replay(bundle, path, counts);
        json groups = json::object();
        for (const auto &[name, value] : counts.groups) {
            groups[name] = {{"inputs", value.first}, {"mismatches", value.second}};
        }
        report[path] = {{"inputs", counts.inputs},
                        {"correction_mismatches", counts.corrections},
                        {"normalized_mismatches", counts.normalized},
                        {"ids_mismatches", counts.ids},
                        {"diverged_at", {{"sentences", counts.sentences},
                                         {"model_inputs", counts.model_inputs},
                                         {"spelled", counts.spelled_diverged},
                                         {"sentence_ids", counts.sentence_ids},
                                         {"tokens", counts.tokens}}},
                        {"min_edit_margin", counts.threshold},
                        {"spelling", counts.spelling},
                        {"spelled", {{"sentences", counts.spelled_sentences},
                                     {"changed", counts.spelled_changed},
                                     {"mismatches", counts.spelled}}},
                        {"margins", {{"sentences", counts.margin_sentences},
                                     {"steps", counts.margin_steps},
                                     {"mismatches", counts.margins},
                                     {"largest_difference", counts.margin_difference}}},
                        {"groups", groups}};
        EXPECT_GT(counts.inputs, 0u) << path << " holds no inputs";
        EXPECT_EQ(counts.corrections, 0u) << path;
        EXPECT_EQ(counts.normalized, 0u) << path;
        EXPECT_EQ(counts.ids, 0u) << path;
        EXPECT_EQ(counts.margins, 0u) << path;
        EXPECT_EQ(counts.spelled, 0u) << path;
    }
    if (const char *out = std::getenv("EDGE_SDK_REPLAY_REPORT")) {
        std::ofstream(out) << report.dump(2) << "\n";
    }
    std::cout << report.dump(2) << "\n";
}

}  // namespace
