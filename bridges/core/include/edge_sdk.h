/*
 * edge_sdk.h: the C ABI of the edge-sdk native core, the only thing the Android (JNI) and iOS (Swift)
 * layers call. docs/c-abi.md explains it for platform teams; docs/text-handling.md specifies what
 * correct() does to text, identically to the Python reference (edge_sdk/generation/corrector.py).
 *
 * Conventions
 * - Opaque handles; every *_open / result has one *_free, which accepts NULL.
 * - Text in and out is UTF-8 with an explicit byte length (no NUL needed on input; outputs are also
 *   NUL-terminated for convenience). Offsets are given in UTF-8 bytes AND UTF-16 code units of the
 *   input text (Android String / NSString index by the latter).
 * - Every function that can fail returns an edge_sdk_status. On failure *out is set to NULL and
 *   edge_sdk_last_error() describes it. No function aborts, throws across the boundary or exits.
 * - Ownership is stated per function: "owned by X" pointers stay valid until X is freed.
 * - Threading is stated per function. In short: a bundle is immutable and may be shared by threads;
 *   a corrector, classifier or cascade is used by one thread at a time (the platform layers serialise
 *   calls per instance); results are immutable and may be read from any thread.
 */
#ifndef EDGE_SDK_H
#define EDGE_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define EDGE_SDK_API __declspec(dllexport)
#else
#define EDGE_SDK_API __attribute__((visibility("default")))
#endif

/* Bumped on any incompatible change of this header. */
#define EDGE_SDK_ABI_VERSION 1

typedef enum edge_sdk_status {
    EDGE_SDK_OK = 0,
    EDGE_SDK_ERR_INVALID_ARGUMENT = 1, /* NULL where a pointer is needed, an unknown option value */
    EDGE_SDK_ERR_INVALID_INPUT = 2,    /* text that is not valid UTF-8, or longer than the call limit */
    EDGE_SDK_ERR_BUNDLE = 3,           /* missing, malformed, tampered or unsupported bundle */
    EDGE_SDK_ERR_NOT_FOUND = 4,        /* no artifact for the backend/quantization asked for */
    EDGE_SDK_ERR_WRONG_MODEL = 5,      /* e.g. a classifier bundle opened as a corrector */
    EDGE_SDK_ERR_RUNTIME = 6,          /* the model runtime failed to load or run (or a callback did) */
    EDGE_SDK_ERR_INTERNAL = 7          /* a bug in the core; the message says where */
} edge_sdk_status;

/* The message of the last failed call on this thread (UTF-8, NUL-terminated, never NULL; "" when none).
 * Owned by the core; valid until the next edge_sdk_* call on the same thread. Thread-safe. */
EDGE_SDK_API const char *edge_sdk_last_error(void);

/* Library version ("0.5.0"), static string. Thread-safe. */
EDGE_SDK_API const char *edge_sdk_version(void);
/* EDGE_SDK_ABI_VERSION the library was built with; compare with the header's. Thread-safe. */
EDGE_SDK_API int edge_sdk_abi_version(void);
/* The bundle manifest schema_version this core reads. Thread-safe. */
EDGE_SDK_API int edge_sdk_schema_version(void);
/* The largest text one correct()/classify() call accepts, in Unicode code points. Thread-safe. */
EDGE_SDK_API size_t edge_sdk_max_text_chars(void);

/* ---------------------------------------------------------------------------------------------- */
/* Bundles                                                                                         */

typedef struct edge_sdk_bundle edge_sdk_bundle;

typedef struct edge_sdk_bundle_options {
    /* 1 (default): compare every listed file's size and SHA-256 with the manifest. 0 skips only that
     * comparison (a bundle already verified at install time); structure checks always run. */
    int verify_checksums;
    /* NULL, or the bundle digest the app was built for (64 hex digits, optionally "sha256:"): the
     * SHA-256 of manifest.json's bytes must equal it. */
    const char *expected_digest;
} edge_sdk_bundle_options;

EDGE_SDK_API edge_sdk_bundle_options edge_sdk_bundle_default_options(void);

/* Open and check the bundle folder at `path` (UTF-8). `options` may be NULL (defaults). Same checks and
 * messages as edge_sdk/bundle/io.py's load_bundle. On success *out is owned by the caller:
 * edge_sdk_bundle_free. Thread-safe (independent calls). */
EDGE_SDK_API edge_sdk_status edge_sdk_bundle_open(const char *path, const edge_sdk_bundle_options *options,
                                                  edge_sdk_bundle **out);
/* Correctors/classifiers opened from a bundle keep what they need: freeing the bundle first is safe. */
EDGE_SDK_API void edge_sdk_bundle_free(edge_sdk_bundle *bundle);

/* Manifest fields, owned by the bundle (NUL-terminated UTF-8). Thread-safe. */
EDGE_SDK_API const char *edge_sdk_bundle_name(const edge_sdk_bundle *bundle);
EDGE_SDK_API const char *edge_sdk_bundle_version(const edge_sdk_bundle *bundle);
EDGE_SDK_API const char *edge_sdk_bundle_family(const edge_sdk_bundle *bundle); /* "edgeformer", "proformer" */
EDGE_SDK_API const char *edge_sdk_bundle_task(const edge_sdk_bundle *bundle);
/* SHA-256 of manifest.json (64 lower-case hex digits). */
EDGE_SDK_API const char *edge_sdk_bundle_digest(const edge_sdk_bundle *bundle);
/* The whole manifest.json text, for platform code that needs more fields. */
EDGE_SDK_API const char *edge_sdk_bundle_manifest_json(const edge_sdk_bundle *bundle);

typedef struct edge_sdk_artifact_info {
    const char *file;         /* name inside the bundle */
    const char *path;         /* absolute path on this device */
    const char *backend;      /* "executorch", "tflite", "coreml" */
    const char *quantization; /* "fp32", "int8", "fp16", ... */
    const char *sha256;       /* as listed in the manifest */
    uint64_t size_bytes;
} edge_sdk_artifact_info;

/* The artifact for `backend` and `quantization` (NULL: the first listed for that backend), with the
 * same rule and message as Manifest.artifact in Python. Strings owned by the bundle. Thread-safe. */
EDGE_SDK_API edge_sdk_status edge_sdk_bundle_artifact(const edge_sdk_bundle *bundle, const char *backend,
                                                      const char *quantization, edge_sdk_artifact_info *out);

/* ---------------------------------------------------------------------------------------------- */
/* Runners: who executes the model's methods                                                      */

/* A platform-supplied runner (Core ML from Swift, LiteRT from Kotlin): the core keeps tokenizer, loop,
 * guard and edits and calls these for the model itself. Each returns 0 on success; anything else fails
 * the correct()/classify() call with EDGE_SDK_ERR_RUNTIME. Called on the thread that called the core. */
typedef struct edge_sdk_runner_callbacks {
    void *user_data;
    /* Encode one source of `count` ids (</s> included); keep the encoder's outputs for the decode steps
     * that follow (until the next encode). Correctors only. */
    int (*encode)(void *user_data, const int64_t *ids, size_t count);
    /* One decoder step at `position` (0-based) after `token`: write `vocab_size` logits. Correctors only. */
    int (*decode_step)(void *user_data, int64_t token, int64_t position, float *logits, size_t vocab_size);
    /* Projection features [max_words x features] (row-major, zero-padded) and the real word count:
     * write `labels` logits. Classifiers only. */
    int (*classify)(void *user_data, const float *features, size_t max_words, size_t features_per_word,
                    int64_t words, float *logits, size_t labels);
    /* Optional (may be NULL). Once callbacks are passed to an *_open call, release runs exactly once: when
     * the corrector/classifier is freed, or before the *_open call returns if it fails. */
    void (*release)(void *user_data);
} edge_sdk_runner_callbacks;

typedef struct edge_sdk_model_options {
    /* "executorch" (default): the core runs the bundle's .pte itself. Any other backend name needs
     * `runner`, the platform running that backend's artifact. */
    const char *backend;
    /* NULL (default): the first artifact of `backend`; else e.g. "int8" or "fp32". */
    const char *quantization;
    /* NULL: the core's own ExecuTorch runner. Non-NULL: copied; its callbacks run the model. */
    const edge_sdk_runner_callbacks *runner;
} edge_sdk_model_options;

EDGE_SDK_API edge_sdk_model_options edge_sdk_model_default_options(void);

/* ---------------------------------------------------------------------------------------------- */
/* Corrections                                                                                     */

typedef enum edge_sdk_edit_kind {
    EDGE_SDK_EDIT_SPELLING = 0,    /* one word respelled, case or spacing changed ("becuse" -> "because") */
    EDGE_SDK_EDIT_PUNCTUATION = 1, /* only punctuation differs ("," added, "." -> "!") */
    EDGE_SDK_EDIT_WORD = 2,        /* words replaced by other words ("has" -> "have") */
    EDGE_SDK_EDIT_INSERTION = 3,   /* words added */
    EDGE_SDK_EDIT_DELETION = 4     /* words removed */
} edge_sdk_edit_kind;

typedef struct edge_sdk_edit {
    /* The replaced span of the INPUT text, end exclusive; start == end is an insertion point. */
    size_t utf8_start, utf8_end;
    size_t utf16_start, utf16_end;
    const char *original;    /* the input's text in the span (NUL-terminated) */
    size_t original_len;     /* bytes */
    const char *replacement; /* what replaces it (NUL-terminated; "" for deletions) */
    size_t replacement_len;
    edge_sdk_edit_kind kind;
    const char *kind_name;   /* "spelling", "punctuation", "word", "insertion", "deletion" */
} edge_sdk_edit;

/* A sentence returned exactly as typed, and why (docs/text-handling.md, "Guard"). */
typedef struct edge_sdk_skipped {
    size_t utf8_start, utf8_end;
    size_t utf16_start, utf16_end;
    const char *reason; /* "too_long", "no_end", "repetition", ... */
} edge_sdk_skipped;

typedef struct edge_sdk_correction edge_sdk_correction;

/* The corrected text (owned by the correction). `len` may be NULL. Thread-safe (immutable). */
EDGE_SDK_API const char *edge_sdk_correction_text(const edge_sdk_correction *correction, size_t *len);
EDGE_SDK_API size_t edge_sdk_correction_edit_count(const edge_sdk_correction *correction);
/* Edit i in input order, or NULL when i is out of range; owned by the correction. */
EDGE_SDK_API const edge_sdk_edit *edge_sdk_correction_edit(const edge_sdk_correction *correction, size_t i);
EDGE_SDK_API size_t edge_sdk_correction_skipped_count(const edge_sdk_correction *correction);
EDGE_SDK_API const edge_sdk_skipped *edge_sdk_correction_skipped(const edge_sdk_correction *correction, size_t i);
/* Cascades only (else -1 and 1): the highest error probability the detector gave a sentence, and
 * whether the corrector ran on at least one sentence. */
EDGE_SDK_API float edge_sdk_correction_error_probability(const edge_sdk_correction *correction);
EDGE_SDK_API int edge_sdk_correction_corrector_ran(const edge_sdk_correction *correction);
/* How many sentences the text was split into (docs/text-handling.md, section 2), including those a
 * cascade's detector passed and those skipped: apps divide their latency by it. 0 for empty text. */
EDGE_SDK_API size_t edge_sdk_correction_sentence_count(const edge_sdk_correction *correction);
EDGE_SDK_API void edge_sdk_correction_free(edge_sdk_correction *correction);

/* ---------------------------------------------------------------------------------------------- */
/* Grammar corrector (EdgeFormer bundles)                                                          */

typedef struct edge_sdk_corrector edge_sdk_corrector;

/* Load the corrector of `bundle`. `options` may be NULL. *out owned by the caller:
 * edge_sdk_corrector_free. Thread-safe (independent calls). */
EDGE_SDK_API edge_sdk_status edge_sdk_corrector_open(const edge_sdk_bundle *bundle,
                                                     const edge_sdk_model_options *options,
                                                     edge_sdk_corrector **out);
/* Correct any text (a sentence, a paragraph, an e-mail): `text` is `len` bytes of UTF-8. Invalid UTF-8
 * and text over edge_sdk_max_text_chars() code points fail with EDGE_SDK_ERR_INVALID_INPUT; everything
 * else succeeds (sentences the model cannot handle come back unchanged and are listed as skipped).
 * *out owned by the caller: edge_sdk_correction_free. NOT thread-safe per corrector: one call at a time. */
EDGE_SDK_API edge_sdk_status edge_sdk_corrector_correct(edge_sdk_corrector *corrector, const char *text,
                                                        size_t len, edge_sdk_correction **out);
/* The edit-confidence gate (docs/text-handling.md, "Edit confidence"): correct() drops each edit the
 * model wrote with a decoder margin, p(best) - p(second best) at its least sure step, under
 * `min_edit_margin`; the rest still apply. 0 keeps every edit. A corrector starts with its bundle's
 * generation.min_edit_margin (0 when the manifest has none); this overrides it for this corrector only,
 * cascades using it included. A value outside [0, 1) (NaN included) fails with
 * EDGE_SDK_ERR_INVALID_ARGUMENT and leaves the threshold as it was. NOT thread-safe per corrector: not
 * during a correct() call on it. */
EDGE_SDK_API edge_sdk_status edge_sdk_corrector_set_min_edit_margin(edge_sdk_corrector *corrector,
                                                                    double min_edit_margin);
/* The threshold in effect (0.0 for NULL). Same threading as edge_sdk_corrector_set_min_edit_margin. */
EDGE_SDK_API double edge_sdk_corrector_min_edit_margin(const edge_sdk_corrector *corrector);
/* The spelling stage (docs/text-handling.md, "Spelling stage"): Hunspell in front of the model, from the
 * bundle's `spelling` manifest section. A corrector starts with it on where the bundle has one; `enabled`
 * 0 runs the model alone (to measure the stage, or an app's "no spelling" setting), non-zero runs it again.
 * On a bundle without a spelling stage, enabling it changes nothing (the getter stays 0). For this
 * corrector only, cascades using it included. NOT thread-safe per corrector: not during a correct() call
 * on it. */
EDGE_SDK_API edge_sdk_status edge_sdk_corrector_set_spelling(edge_sdk_corrector *corrector, int enabled);
/* 1 when the spelling stage runs in front of the model (the bundle has one and it is on), else 0 (NULL
 * too). Same threading as edge_sdk_corrector_set_spelling. */
EDGE_SDK_API int edge_sdk_corrector_spelling(const edge_sdk_corrector *corrector);
EDGE_SDK_API void edge_sdk_corrector_free(edge_sdk_corrector *corrector);

/* ---------------------------------------------------------------------------------------------- */
/* Classifier (ProFormer detector bundles)                                                         */

typedef struct edge_sdk_classifier edge_sdk_classifier;
typedef struct edge_sdk_prediction edge_sdk_prediction;

EDGE_SDK_API edge_sdk_status edge_sdk_classifier_open(const edge_sdk_bundle *bundle,
                                                      const edge_sdk_model_options *options,
                                                      edge_sdk_classifier **out);
/* Classify `len` bytes of UTF-8. *out owned by the caller: edge_sdk_prediction_free. NOT thread-safe per
 * classifier. */
EDGE_SDK_API edge_sdk_status edge_sdk_classifier_classify(edge_sdk_classifier *classifier, const char *text,
                                                          size_t len, edge_sdk_prediction **out);
EDGE_SDK_API void edge_sdk_classifier_free(edge_sdk_classifier *classifier);

/* Predictions are immutable; strings owned by the prediction. */
EDGE_SDK_API size_t edge_sdk_prediction_best(const edge_sdk_prediction *prediction);
EDGE_SDK_API size_t edge_sdk_prediction_label_count(const edge_sdk_prediction *prediction);
EDGE_SDK_API const char *edge_sdk_prediction_label(const edge_sdk_prediction *prediction, size_t i);
EDGE_SDK_API float edge_sdk_prediction_probability(const edge_sdk_prediction *prediction, size_t i);
EDGE_SDK_API void edge_sdk_prediction_free(edge_sdk_prediction *prediction);

/* ---------------------------------------------------------------------------------------------- */
/* Cascade: the detector decides, per sentence, whether the corrector runs                         */

typedef struct edge_sdk_cascade edge_sdk_cascade;

typedef struct edge_sdk_cascade_options {
    const char *error_label; /* default "error" */
    float threshold;         /* default 0.5: the corrector runs on sentences with p(error) >= threshold */
} edge_sdk_cascade_options;

EDGE_SDK_API edge_sdk_cascade_options edge_sdk_cascade_default_options(void);

/* The cascade borrows both: they must outlive it and must not be used by another thread while it runs.
 * `options` may be NULL. *out owned by the caller: edge_sdk_cascade_free. */
EDGE_SDK_API edge_sdk_status edge_sdk_cascade_open(edge_sdk_classifier *detector, edge_sdk_corrector *corrector,
                                                   const edge_sdk_cascade_options *options,
                                                   edge_sdk_cascade **out);
/* Like edge_sdk_corrector_correct; sentences the detector passes are left unchanged (not "skipped").
 * NOT thread-safe per cascade. */
EDGE_SDK_API edge_sdk_status edge_sdk_cascade_correct(edge_sdk_cascade *cascade, const char *text, size_t len,
                                                      edge_sdk_correction **out);
EDGE_SDK_API void edge_sdk_cascade_free(edge_sdk_cascade *cascade);

#ifdef __cplusplus
}
#endif

#endif /* EDGE_SDK_H */
