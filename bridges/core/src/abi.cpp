// The C ABI (include/edge_sdk.h) over the C++ core. Every entry point catches everything: a platform
// layer sees a status and a message, never an exception, an abort or a dangling pointer it did not free.
#include "edge_sdk.h"

#include <cmath>
#include <deque>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "bundle.h"
#include "classifier.h"
#include "corrector.h"
#include "errors.h"
#include "python_compat.h"
#include "runner.h"
#include "tokenizer.h"
#include "unicode.h"

using namespace edge_sdk;

struct edge_sdk_bundle {
    struct ArtifactStrings {
        std::string file, path, backend, quantization, sha256;
        uint64_t size_bytes;
    };
    std::shared_ptr<const Bundle> bundle;
    std::deque<ArtifactStrings> artifacts;  // deque: stable addresses for the pointers handed out
};

struct edge_sdk_corrector {
    std::unique_ptr<Corrector> corrector;
};

struct edge_sdk_classifier {
    std::unique_ptr<Classifier> classifier;
};

struct edge_sdk_cascade {
    edge_sdk_classifier *detector;
    edge_sdk_corrector *corrector;
    size_t error_index;
    float threshold;
};

struct edge_sdk_correction {
    std::string text;
    std::vector<edge_sdk_edit> edits;
    std::vector<edge_sdk_skipped> skipped;
    std::deque<std::string> strings;  // originals, replacements and reasons the structs point into
    float error_probability = -1.0f;
    int corrector_ran = 1;
    size_t sentences = 0;
};

struct edge_sdk_prediction {
    Prediction prediction;
};

namespace {

std::string &last_error_storage() {
    thread_local std::string message;
    return message;
}

template <class F>
edge_sdk_status guarded(F &&body) noexcept {
    try {
        last_error_storage().clear();
        body();
        return EDGE_SDK_OK;
    } catch (const Error &e) {
        last_error_storage() = e.what();
        return e.status();
    } catch (const std::bad_alloc &) {
        last_error_storage() = "out of memory";
        return EDGE_SDK_ERR_INTERNAL;
    } catch (const std::exception &e) {
        last_error_storage() = std::string("internal error in the edge-sdk core: ") + e.what();
        return EDGE_SDK_ERR_INTERNAL;
    } catch (...) {
        last_error_storage() = "internal error in the edge-sdk core: unknown exception";
        return EDGE_SDK_ERR_INTERNAL;
    }
}

struct ArgumentError : Error {
    explicit ArgumentError(const std::string &m) : Error(EDGE_SDK_ERR_INVALID_ARGUMENT, m) {}
};

template <class T>
void require(const T *pointer, const char *name) {
    if (pointer == nullptr) {
        throw ArgumentError(std::string(name) + " must not be NULL");
    }
}

Text input_text(const char *text, size_t len) {
    if (text == nullptr && len > 0) {
        throw ArgumentError("text is NULL but len is " + std::to_string(len));
    }
    return decode_utf8(std::string_view(text == nullptr ? "" : text, len));
}

// The rule for platform runners: once callbacks are passed to an *_open call, `release` runs exactly once,
// when the instance is freed or, if the open fails, before it returns. This guard covers the failures
// that happen before the callback runner (which then owns them) exists.
class CallbacksGuard {
public:
    explicit CallbacksGuard(const edge_sdk_model_options *options)
        : callbacks_(options != nullptr ? options->runner : nullptr) {}
    ~CallbacksGuard() {
        if (callbacks_ != nullptr && callbacks_->release != nullptr) {
            callbacks_->release(callbacks_->user_data);
        }
    }
    CallbacksGuard(const CallbacksGuard &) = delete;
    CallbacksGuard &operator=(const CallbacksGuard &) = delete;
    void owned_by_runner() { callbacks_ = nullptr; }

private:
    const edge_sdk_runner_callbacks *callbacks_;
};

std::unique_ptr<Runner> make_runner(const edge_sdk_bundle &b, const edge_sdk_model_options *options,
                                    size_t vocab_size, size_t labels, CallbacksGuard &guard) {
    const edge_sdk_model_options defaults = edge_sdk_model_default_options();
    const edge_sdk_model_options &o = options != nullptr ? *options : defaults;
    const std::string backend = o.backend != nullptr ? o.backend : "executorch";
    std::optional<std::string> quantization;
    if (o.quantization != nullptr) {
        quantization = o.quantization;
    }
    const Artifact &artifact = b.bundle->manifest().artifact(backend, quantization);
    if (o.runner != nullptr) {
        auto runner = make_callback_runner(*o.runner, vocab_size, labels);
        guard.owned_by_runner();
        return runner;
    }
    if (backend != "executorch") {
        throw ArgumentError("backend " + backend + " needs a runner: the core runs only ExecuTorch itself; pass "
                            "edge_sdk_runner_callbacks that run " + artifact.file + " on the platform");
    }
#ifdef EDGE_SDK_WITH_EXECUTORCH
    return make_executorch_runner(b.bundle->path(artifact), vocab_size, labels);
#else
    throw ArgumentError("this build of the core has no ExecuTorch runner: pass edge_sdk_runner_callbacks");
#endif
}

void fill_correction(edge_sdk_correction &out, const Text &input, const Correction &result) {
    const std::vector<size_t> u8 = utf8_offsets(input), u16 = utf16_offsets(input);
    out.text = encode_utf8(result.text);
    out.sentences = result.sentences;
    out.edits.reserve(result.edits.size());
    for (const Edit &e : result.edits) {
        const std::string &original = out.strings.emplace_back(encode_utf8(e.original));
        const std::string &replacement = out.strings.emplace_back(encode_utf8(e.replacement));
        out.edits.push_back(edge_sdk_edit{u8[e.start], u8[e.end], u16[e.start], u16[e.end], original.c_str(),
                                          original.size(), replacement.c_str(), replacement.size(), e.kind,
                                          edit_kind_name(e.kind)});
    }
    for (const Skipped &s : result.skipped) {
        const std::string &reason = out.strings.emplace_back(s.reason);
        out.skipped.push_back(edge_sdk_skipped{u8[s.start], u8[s.end], u16[s.start], u16[s.end], reason.c_str()});
    }
}

}  // namespace

extern "C" {

const char *edge_sdk_last_error(void) { return last_error_storage().c_str(); }
const char *edge_sdk_version(void) { return EDGE_SDK_VERSION; }
int edge_sdk_abi_version(void) { return EDGE_SDK_ABI_VERSION; }
int edge_sdk_schema_version(void) { return SCHEMA_VERSION; }
size_t edge_sdk_max_text_chars(void) { return MAX_TEXT_CHARS; }

edge_sdk_bundle_options edge_sdk_bundle_default_options(void) { return edge_sdk_bundle_options{1, nullptr}; }

edge_sdk_status edge_sdk_bundle_open(const char *path, const edge_sdk_bundle_options *options,
                                     edge_sdk_bundle **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        require(out, "out");
        require(path, "path");
        BundleOptions o;
        if (options != nullptr) {
            o.verify_checksums = options->verify_checksums != 0;
            if (options->expected_digest != nullptr) {
                o.expected_digest = options->expected_digest;
            }
        }
        auto handle = std::make_unique<edge_sdk_bundle>();
        handle->bundle = Bundle::open(path, o);
        // load_bundle's input-asset check: a tokenizer that does not load or disagrees with the manifest is
        // a bundle error at open, as in Python, not a surprise when a corrector opens later.
        if (handle->bundle->manifest().tokenizer) {
            load_tokenizer(*handle->bundle);
        }
        const std::filesystem::path root = std::filesystem::absolute(handle->bundle->root());
        for (const Artifact &a : handle->bundle->manifest().artifacts) {
            handle->artifacts.push_back({a.file, (root / a.file).lexically_normal().string(), a.backend,
                                         a.quantization, a.sha256, a.size_bytes});
        }
        *out = handle.release();
    });
}

void edge_sdk_bundle_free(edge_sdk_bundle *bundle) { delete bundle; }

const char *edge_sdk_bundle_name(const edge_sdk_bundle *b) {
    return b == nullptr ? "" : b->bundle->manifest().name.c_str();
}
const char *edge_sdk_bundle_version(const edge_sdk_bundle *b) {
    return b == nullptr ? "" : b->bundle->manifest().version.c_str();
}
const char *edge_sdk_bundle_family(const edge_sdk_bundle *b) {
    return b == nullptr ? "" : b->bundle->manifest().family.c_str();
}
const char *edge_sdk_bundle_task(const edge_sdk_bundle *b) {
    return b == nullptr ? "" : b->bundle->manifest().task.c_str();
}
const char *edge_sdk_bundle_digest(const edge_sdk_bundle *b) { return b == nullptr ? "" : b->bundle->digest().c_str(); }
const char *edge_sdk_bundle_manifest_json(const edge_sdk_bundle *b) {
    return b == nullptr ? "" : b->bundle->manifest_json().c_str();
}

edge_sdk_status edge_sdk_bundle_artifact(const edge_sdk_bundle *bundle, const char *backend, const char *quantization,
                                         edge_sdk_artifact_info *out) {
    return guarded([&] {
        require(bundle, "bundle");
        require(backend, "backend");
        require(out, "out");
        std::optional<std::string> q;
        if (quantization != nullptr) {
            q = quantization;
        }
        const Artifact &a = bundle->bundle->manifest().artifact(backend, q);
        const auto &artifacts = bundle->bundle->manifest().artifacts;
        const auto index = static_cast<size_t>(&a - artifacts.data());
        const auto &s = bundle->artifacts[index];
        *out = edge_sdk_artifact_info{s.file.c_str(), s.path.c_str(), s.backend.c_str(), s.quantization.c_str(),
                                      s.sha256.c_str(), s.size_bytes};
    });
}

edge_sdk_model_options edge_sdk_model_default_options(void) {
    return edge_sdk_model_options{"executorch", nullptr, nullptr};
}

edge_sdk_status edge_sdk_corrector_open(const edge_sdk_bundle *bundle, const edge_sdk_model_options *options,
                                        edge_sdk_corrector **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        CallbacksGuard guard(options);
        require(out, "out");
        require(bundle, "bundle");
        const TokenizerSpec &tokenizer = Corrector::corrector_tokenizer(bundle->bundle->manifest());
        auto runner = make_runner(*bundle, options, static_cast<size_t>(tokenizer.vocab_size), 0, guard);
        auto handle = std::make_unique<edge_sdk_corrector>();
        handle->corrector = std::make_unique<Corrector>(bundle->bundle, std::move(runner));
        *out = handle.release();
    });
}

edge_sdk_status edge_sdk_corrector_correct(edge_sdk_corrector *corrector, const char *text, size_t len,
                                           edge_sdk_correction **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        require(out, "out");
        require(corrector, "corrector");
        const Text input = input_text(text, len);
        auto result = std::make_unique<edge_sdk_correction>();
        fill_correction(*result, input, corrector->corrector->correct(input));
        *out = result.release();
    });
}

edge_sdk_status edge_sdk_corrector_set_min_edit_margin(edge_sdk_corrector *corrector, double min_edit_margin) {
    return guarded([&] {
        require(corrector, "corrector");
        if (!(min_edit_margin >= 0.0 && min_edit_margin < 1.0)) {  // NaN too
            throw ArgumentError("min_edit_margin " + python::py_float(min_edit_margin) +
                                " is not a margin in [0, 1) (0 keeps every edit)");
        }
        corrector->corrector->set_min_edit_margin(min_edit_margin);
    });
}

double edge_sdk_corrector_min_edit_margin(const edge_sdk_corrector *corrector) {
    return corrector == nullptr ? 0.0 : corrector->corrector->min_edit_margin();
}

edge_sdk_status edge_sdk_corrector_set_spelling(edge_sdk_corrector *corrector, int enabled) {
    return guarded([&] {
        require(corrector, "corrector");
        corrector->corrector->set_spelling(enabled != 0);
    });
}

int edge_sdk_corrector_spelling(const edge_sdk_corrector *corrector) {
    return corrector != nullptr && corrector->corrector->spelling() ? 1 : 0;
}

void edge_sdk_corrector_free(edge_sdk_corrector *corrector) { delete corrector; }

const char *edge_sdk_correction_text(const edge_sdk_correction *c, size_t *len) {
    if (c == nullptr) {
        if (len != nullptr) {
            *len = 0;
        }
        return "";
    }
    if (len != nullptr) {
        *len = c->text.size();
    }
    return c->text.c_str();
}
size_t edge_sdk_correction_edit_count(const edge_sdk_correction *c) { return c == nullptr ? 0 : c->edits.size(); }
const edge_sdk_edit *edge_sdk_correction_edit(const edge_sdk_correction *c, size_t i) {
    return c == nullptr || i >= c->edits.size() ? nullptr : &c->edits[i];
}
size_t edge_sdk_correction_skipped_count(const edge_sdk_correction *c) {
    return c == nullptr ? 0 : c->skipped.size();
}
const edge_sdk_skipped *edge_sdk_correction_skipped(const edge_sdk_correction *c, size_t i) {
    return c == nullptr || i >= c->skipped.size() ? nullptr : &c->skipped[i];
}
float edge_sdk_correction_error_probability(const edge_sdk_correction *c) {
    return c == nullptr ? -1.0f : c->error_probability;
}
int edge_sdk_correction_corrector_ran(const edge_sdk_correction *c) { return c == nullptr ? 0 : c->corrector_ran; }
size_t edge_sdk_correction_sentence_count(const edge_sdk_correction *c) { return c == nullptr ? 0 : c->sentences; }
void edge_sdk_correction_free(edge_sdk_correction *correction) { delete correction; }

edge_sdk_status edge_sdk_classifier_open(const edge_sdk_bundle *bundle, const edge_sdk_model_options *options,
                                         edge_sdk_classifier **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        CallbacksGuard guard(options);
        require(out, "out");
        require(bundle, "bundle");
        const auto &labels = Classifier::classifier_labels(bundle->bundle->manifest());
        auto runner = make_runner(*bundle, options, 0, labels.size(), guard);
        auto handle = std::make_unique<edge_sdk_classifier>();
        handle->classifier = std::make_unique<Classifier>(bundle->bundle, std::move(runner));
        *out = handle.release();
    });
}

edge_sdk_status edge_sdk_classifier_classify(edge_sdk_classifier *classifier, const char *text, size_t len,
                                             edge_sdk_prediction **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        require(out, "out");
        require(classifier, "classifier");
        const Text input = input_text(text, len);
        auto result = std::make_unique<edge_sdk_prediction>();
        result->prediction = classifier->classifier->classify(input);
        *out = result.release();
    });
}

void edge_sdk_classifier_free(edge_sdk_classifier *classifier) { delete classifier; }

size_t edge_sdk_prediction_best(const edge_sdk_prediction *p) { return p == nullptr ? 0 : p->prediction.best; }
size_t edge_sdk_prediction_label_count(const edge_sdk_prediction *p) {
    return p == nullptr ? 0 : p->prediction.labels.size();
}
const char *edge_sdk_prediction_label(const edge_sdk_prediction *p, size_t i) {
    return p == nullptr || i >= p->prediction.labels.size() ? "" : p->prediction.labels[i].c_str();
}
float edge_sdk_prediction_probability(const edge_sdk_prediction *p, size_t i) {
    return p == nullptr || i >= p->prediction.probabilities.size() ? 0.0f : p->prediction.probabilities[i];
}
void edge_sdk_prediction_free(edge_sdk_prediction *prediction) { delete prediction; }

edge_sdk_cascade_options edge_sdk_cascade_default_options(void) { return edge_sdk_cascade_options{"error", 0.5f}; }

edge_sdk_status edge_sdk_cascade_open(edge_sdk_classifier *detector, edge_sdk_corrector *corrector,
                                      const edge_sdk_cascade_options *options, edge_sdk_cascade **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        require(out, "out");
        require(detector, "detector");
        require(corrector, "corrector");
        const edge_sdk_cascade_options o = options != nullptr ? *options : edge_sdk_cascade_default_options();
        const std::string label = o.error_label != nullptr ? o.error_label : "error";
        if (!std::isfinite(o.threshold) || o.threshold < 0.0f || o.threshold > 1.0f) {
            throw ArgumentError("threshold " + std::to_string(o.threshold) + " is not a probability in [0, 1]");
        }
        const auto &labels = detector->classifier->labels();
        size_t index = labels.size();
        std::string have;
        for (size_t i = 0; i < labels.size(); ++i) {
            if (labels[i] == label && index == labels.size()) {
                index = i;
            }
            have += (i > 0 ? ", " : "") + labels[i];
        }
        if (index == labels.size()) {
            throw ArgumentError("detector labels [" + have + "] have no '" + label + "'");
        }
        *out = new edge_sdk_cascade{detector, corrector, index, o.threshold};
    });
}

edge_sdk_status edge_sdk_cascade_correct(edge_sdk_cascade *cascade, const char *text, size_t len,
                                         edge_sdk_correction **out) {
    if (out != nullptr) {
        *out = nullptr;
    }
    return guarded([&] {
        require(out, "out");
        require(cascade, "cascade");
        const Text input = input_text(text, len);
        auto result = std::make_unique<edge_sdk_correction>();
        float highest = 0.0f;
        bool ran = false;
        Classifier &detector = *cascade->detector->classifier;
        auto gate = [&](const Text &sentence) {
            const float p = detector.classify(sentence).probabilities[cascade->error_index];
            highest = std::max(highest, p);
            const bool flagged = p >= cascade->threshold;
            ran = ran || flagged;
            return flagged;
        };
        fill_correction(*result, input, cascade->corrector->corrector->correct(input, gate));
        result->error_probability = highest;
        result->corrector_ran = ran ? 1 : 0;
        *out = result.release();
    });
}

void edge_sdk_cascade_free(edge_sdk_cascade *cascade) { delete cascade; }

}  // extern "C"
