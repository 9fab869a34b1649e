// JNI glue between dev.edgesdk.NativeCore (Kotlin) and the core's C ABI (edge_sdk.h). It holds no text
// rules: it moves bytes, handles and offsets across, and turns a failed status into the Kotlin exception
// that NativeCore.failure builds, thrown in the same native call so edge_sdk_last_error() is still this
// thread's message.
//
// Strings cross as UTF-8 byte arrays in both directions: JNI's own string functions speak "modified UTF-8",
// which encodes emoji (supplementary characters) and U+0000 differently from real UTF-8.
#include <jni.h>

#include <cstdint>
#include <string>
#include <vector>

#include "edge_sdk.h"

namespace {

struct JavaApi {
    jclass native_core = nullptr;   // dev.edgesdk.NativeCore, global ref
    jmethodID failure = nullptr;    // static Throwable failure(int status, byte[] message)
    jclass byte_array = nullptr;    // byte[], global ref
    jclass object = nullptr;        // java.lang.Object, global ref
};

JavaApi api;

std::vector<char> bytes_of(JNIEnv *env, jbyteArray array) {
    if (array == nullptr) {
        return {};
    }
    const jsize length = env->GetArrayLength(array);
    std::vector<char> out(static_cast<size_t>(length) + 1, '\0');  // NUL-terminated for the C strings
    env->GetByteArrayRegion(array, 0, length, reinterpret_cast<jbyte *>(out.data()));
    return out;
}

jbyteArray utf8_array(JNIEnv *env, const char *data, size_t length) {
    if (length > static_cast<size_t>(INT32_MAX)) {
        env->ThrowNew(env->FindClass("java/lang/OutOfMemoryError"), "native string larger than a Java array");
        return nullptr;
    }
    jbyteArray out = env->NewByteArray(static_cast<jsize>(length));
    if (out != nullptr && length > 0) {
        env->SetByteArrayRegion(out, 0, static_cast<jsize>(length), reinterpret_cast<const jbyte *>(data));
    }
    return out;  // NULL with an OutOfMemoryError pending when the VM has no room
}

jbyteArray utf8_array(JNIEnv *env, const char *text) {
    const std::string value = text == nullptr ? std::string() : std::string(text);
    return utf8_array(env, value.data(), value.size());
}

// Throws what NativeCore.failure(status, message) returns; the caller returns right after.
void throw_failure(JNIEnv *env, edge_sdk_status status) {
    jbyteArray message = utf8_array(env, edge_sdk_last_error());
    if (message == nullptr) {
        return;
    }
    auto error = static_cast<jthrowable>(
        env->CallStaticObjectMethod(api.native_core, api.failure, static_cast<jint>(status), message));
    env->DeleteLocalRef(message);
    if (error != nullptr && !env->ExceptionCheck()) {
        env->Throw(error);
    }
}

jobjectArray byte_arrays(JNIEnv *env, const std::vector<std::pair<const char *, size_t>> &strings) {
    jobjectArray out = env->NewObjectArray(static_cast<jsize>(strings.size()), api.byte_array, nullptr);
    for (size_t i = 0; out != nullptr && i < strings.size(); ++i) {
        jbyteArray item = utf8_array(env, strings[i].first, strings[i].second);
        if (item == nullptr) {
            return nullptr;
        }
        env->SetObjectArrayElement(out, static_cast<jsize>(i), item);
        env->DeleteLocalRef(item);
    }
    return out;
}

jintArray int_array(JNIEnv *env, const std::vector<jint> &values) {
    jintArray out = env->NewIntArray(static_cast<jsize>(values.size()));
    if (out != nullptr && !values.empty()) {
        env->SetIntArrayRegion(out, 0, static_cast<jsize>(values.size()), values.data());
    }
    return out;
}

jfloatArray float_array(JNIEnv *env, const std::vector<jfloat> &values) {
    jfloatArray out = env->NewFloatArray(static_cast<jsize>(values.size()));
    if (out != nullptr && !values.empty()) {
        env->SetFloatArrayRegion(out, 0, static_cast<jsize>(values.size()), values.data());
    }
    return out;
}

// An Object[] filled in order. After an allocation fails (an OutOfMemoryError is pending) no further JNI
// allocation may run, so each part is made only while all before it succeeded.
class Parts {
public:
    Parts(JNIEnv *env, jsize size) : env_(env), out_(env->NewObjectArray(size, api.object, nullptr)) {}

    template <typename Make>
    void add(Make make) {
        if (out_ == nullptr) {
            return;
        }
        jobject item = make();
        if (item == nullptr) {
            out_ = nullptr;
            return;
        }
        env_->SetObjectArrayElement(out_, next_++, item);
        env_->DeleteLocalRef(item);
    }

    jobjectArray result() const { return out_; }

private:
    JNIEnv *env_;
    jobjectArray out_;
    jsize next_ = 0;
};

// Java arrays index with int: offsets of a text within edge_sdk_max_text_chars() always fit.
jint index(size_t value) { return static_cast<jint>(value); }

// [text, edit ints (utf16 start, end, kind) x n, originals, replacements, skipped ints (utf16 start, end) x m,
//  reasons, meta ints (sentence count, corrector ran), meta floats (error probability)]: NativeCore.kt reads
// this layout back into a Correction.
jobjectArray correction_array(JNIEnv *env, const edge_sdk_correction *correction) {
    size_t text_length = 0;
    const char *text = edge_sdk_correction_text(correction, &text_length);
    std::vector<jint> edit_ints;
    std::vector<std::pair<const char *, size_t>> originals, replacements, reasons;
    for (size_t i = 0; i < edge_sdk_correction_edit_count(correction); ++i) {
        const edge_sdk_edit *e = edge_sdk_correction_edit(correction, i);
        edit_ints.insert(edit_ints.end(), {index(e->utf16_start), index(e->utf16_end), static_cast<jint>(e->kind)});
        originals.emplace_back(e->original, e->original_len);
        replacements.emplace_back(e->replacement, e->replacement_len);
    }
    std::vector<jint> skipped_ints;
    for (size_t i = 0; i < edge_sdk_correction_skipped_count(correction); ++i) {
        const edge_sdk_skipped *s = edge_sdk_correction_skipped(correction, i);
        skipped_ints.insert(skipped_ints.end(), {index(s->utf16_start), index(s->utf16_end)});
        reasons.emplace_back(s->reason, std::string(s->reason).size());
    }
    const std::vector<jint> meta = {index(edge_sdk_correction_sentence_count(correction)),
                                    edge_sdk_correction_corrector_ran(correction)};
    Parts parts(env, 8);
    parts.add([&] { return utf8_array(env, text, text_length); });
    parts.add([&] { return int_array(env, edit_ints); });
    parts.add([&] { return byte_arrays(env, originals); });
    parts.add([&] { return byte_arrays(env, replacements); });
    parts.add([&] { return int_array(env, skipped_ints); });
    parts.add([&] { return byte_arrays(env, reasons); });
    parts.add([&] { return int_array(env, meta); });
    parts.add([&] { return float_array(env, {edge_sdk_correction_error_probability(correction)}); });
    return parts.result();
}

template <typename Handle>
Handle *handle_of(jlong value) {
    return reinterpret_cast<Handle *>(static_cast<intptr_t>(value));
}

template <typename Handle>
jlong value_of(Handle *handle) {
    return static_cast<jlong>(reinterpret_cast<intptr_t>(handle));
}

edge_sdk_model_options model_options(const std::vector<char> &backend, const std::vector<char> &quantization,
                                     bool has_quantization) {
    edge_sdk_model_options options = edge_sdk_model_default_options();
    options.backend = backend.data();
    options.quantization = has_quantization ? quantization.data() : nullptr;
    return options;
}

// edge_sdk_corrector_open / edge_sdk_classifier_open with the backend and quantization from Kotlin.
template <typename Model, typename Open>
jlong open_model(JNIEnv *env, jlong bundle, jbyteArray backend, jbyteArray quantization, Open open) {
    const std::vector<char> backend_bytes = bytes_of(env, backend), quantization_bytes = bytes_of(env, quantization);
    const edge_sdk_model_options options = model_options(backend_bytes, quantization_bytes, quantization != nullptr);
    Model *model = nullptr;
    const edge_sdk_status status = open(handle_of<const edge_sdk_bundle>(bundle), &options, &model);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return 0;
    }
    return value_of(model);
}

// edge_sdk_corrector_correct / edge_sdk_cascade_correct on Kotlin's UTF-8 bytes, as the correction layout.
template <typename Model, typename Correct>
jobjectArray correct_with(JNIEnv *env, jlong model, jbyteArray text, Correct correct) {
    const std::vector<char> bytes = bytes_of(env, text);
    edge_sdk_correction *correction = nullptr;
    const edge_sdk_status status = correct(handle_of<Model>(model), bytes.data(), bytes.size() - 1, &correction);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return nullptr;
    }
    jobjectArray out = correction_array(env, correction);
    edge_sdk_correction_free(correction);
    return out;
}

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void * /*reserved*/) {
    JNIEnv *env = nullptr;
    if (vm->GetEnv(reinterpret_cast<void **>(&env), JNI_VERSION_1_6) != JNI_OK) {
        return JNI_ERR;
    }
    jclass native_core = env->FindClass("dev/edgesdk/NativeCore");
    jclass byte_array = env->FindClass("[B");
    jclass object = env->FindClass("java/lang/Object");
    if (native_core == nullptr || byte_array == nullptr || object == nullptr) {
        return JNI_ERR;  // NoClassDefFoundError pending: the Kotlin side was shrunk without consumer-rules.pro
    }
    api.failure = env->GetStaticMethodID(native_core, "failure", "(I[B)Ljava/lang/Throwable;");
    if (api.failure == nullptr) {
        return JNI_ERR;
    }
    api.native_core = static_cast<jclass>(env->NewGlobalRef(native_core));
    api.byte_array = static_cast<jclass>(env->NewGlobalRef(byte_array));
    api.object = static_cast<jclass>(env->NewGlobalRef(object));
    if (edge_sdk_abi_version() != EDGE_SDK_ABI_VERSION) {
        return JNI_ERR;  // a libedge_sdk.so from another release next to this glue
    }
    return JNI_VERSION_1_6;
}

JNIEXPORT jbyteArray JNICALL Java_dev_edgesdk_NativeCore_version(JNIEnv *env, jclass) {
    return utf8_array(env, edge_sdk_version());
}

JNIEXPORT jint JNICALL Java_dev_edgesdk_NativeCore_abiVersion(JNIEnv *, jclass) { return edge_sdk_abi_version(); }

JNIEXPORT jint JNICALL Java_dev_edgesdk_NativeCore_schemaVersion(JNIEnv *, jclass) {
    return edge_sdk_schema_version();
}

JNIEXPORT jlong JNICALL Java_dev_edgesdk_NativeCore_maxTextChars(JNIEnv *, jclass) {
    return static_cast<jlong>(edge_sdk_max_text_chars());
}

JNIEXPORT jlong JNICALL Java_dev_edgesdk_NativeCore_bundleOpen(JNIEnv *env, jclass, jbyteArray path,
                                                               jboolean verify_checksums, jbyteArray expected_digest) {
    const std::vector<char> path_bytes = bytes_of(env, path);
    const std::vector<char> digest = bytes_of(env, expected_digest);
    edge_sdk_bundle_options options = edge_sdk_bundle_default_options();
    options.verify_checksums = verify_checksums == JNI_TRUE ? 1 : 0;
    options.expected_digest = expected_digest == nullptr ? nullptr : digest.data();
    edge_sdk_bundle *bundle = nullptr;
    const edge_sdk_status status =
        edge_sdk_bundle_open(path == nullptr ? nullptr : path_bytes.data(), &options, &bundle);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return 0;
    }
    return value_of(bundle);
}

JNIEXPORT void JNICALL Java_dev_edgesdk_NativeCore_bundleFree(JNIEnv *, jclass, jlong bundle) {
    edge_sdk_bundle_free(handle_of<edge_sdk_bundle>(bundle));
}

// [name, version, family, task, digest, manifest.json]
JNIEXPORT jobjectArray JNICALL Java_dev_edgesdk_NativeCore_bundleFields(JNIEnv *env, jclass, jlong handle) {
    const auto *bundle = handle_of<const edge_sdk_bundle>(handle);
    const char *fields[] = {edge_sdk_bundle_name(bundle),   edge_sdk_bundle_version(bundle),
                            edge_sdk_bundle_family(bundle), edge_sdk_bundle_task(bundle),
                            edge_sdk_bundle_digest(bundle), edge_sdk_bundle_manifest_json(bundle)};
    std::vector<std::pair<const char *, size_t>> strings;
    for (const char *field : fields) {
        strings.emplace_back(field, std::string(field).size());
    }
    return byte_arrays(env, strings);
}

// [file, path, backend, quantization, sha256, size in decimal]
JNIEXPORT jobjectArray JNICALL Java_dev_edgesdk_NativeCore_bundleArtifact(JNIEnv *env, jclass, jlong handle,
                                                                          jbyteArray backend, jbyteArray quantization) {
    const std::vector<char> backend_bytes = bytes_of(env, backend), quantization_bytes = bytes_of(env, quantization);
    edge_sdk_artifact_info info{};
    const edge_sdk_status status =
        edge_sdk_bundle_artifact(handle_of<const edge_sdk_bundle>(handle), backend_bytes.data(),
                                 quantization == nullptr ? nullptr : quantization_bytes.data(), &info);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return nullptr;
    }
    const std::string size = std::to_string(info.size_bytes);
    std::vector<std::pair<const char *, size_t>> strings;
    for (const char *field : {info.file, info.path, info.backend, info.quantization, info.sha256}) {
        strings.emplace_back(field, std::string(field).size());
    }
    strings.emplace_back(size.c_str(), size.size());
    return byte_arrays(env, strings);
}

JNIEXPORT jlong JNICALL Java_dev_edgesdk_NativeCore_correctorOpen(JNIEnv *env, jclass, jlong bundle, jbyteArray backend,
                                                                  jbyteArray quantization) {
    return open_model<edge_sdk_corrector>(env, bundle, backend, quantization, edge_sdk_corrector_open);
}

JNIEXPORT jobjectArray JNICALL Java_dev_edgesdk_NativeCore_correctorCorrect(JNIEnv *env, jclass, jlong corrector,
                                                                            jbyteArray text) {
    return correct_with<edge_sdk_corrector>(env, corrector, text, edge_sdk_corrector_correct);
}

JNIEXPORT void JNICALL Java_dev_edgesdk_NativeCore_correctorSetSpelling(JNIEnv *env, jclass, jlong corrector,
                                                                       jboolean enabled) {
    const edge_sdk_status status =
        edge_sdk_corrector_set_spelling(handle_of<edge_sdk_corrector>(corrector), enabled == JNI_TRUE ? 1 : 0);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
    }
}

JNIEXPORT jboolean JNICALL Java_dev_edgesdk_NativeCore_correctorSpelling(JNIEnv *, jclass, jlong corrector) {
    return edge_sdk_corrector_spelling(handle_of<edge_sdk_corrector>(corrector)) != 0 ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_edgesdk_NativeCore_correctorFree(JNIEnv *, jclass, jlong corrector) {
    edge_sdk_corrector_free(handle_of<edge_sdk_corrector>(corrector));
}

JNIEXPORT jlong JNICALL Java_dev_edgesdk_NativeCore_classifierOpen(JNIEnv *env, jclass, jlong bundle,
                                                                   jbyteArray backend, jbyteArray quantization) {
    return open_model<edge_sdk_classifier>(env, bundle, backend, quantization, edge_sdk_classifier_open);
}

// [labels (byte[][]), probabilities (float[])]
JNIEXPORT jobjectArray JNICALL Java_dev_edgesdk_NativeCore_classifierClassify(JNIEnv *env, jclass, jlong classifier,
                                                                              jbyteArray text) {
    const std::vector<char> bytes = bytes_of(env, text);
    edge_sdk_prediction *prediction = nullptr;
    const edge_sdk_status status = edge_sdk_classifier_classify(handle_of<edge_sdk_classifier>(classifier),
                                                                bytes.data(), bytes.size() - 1, &prediction);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return nullptr;
    }
    std::vector<std::pair<const char *, size_t>> labels;
    std::vector<jfloat> probabilities;
    for (size_t i = 0; i < edge_sdk_prediction_label_count(prediction); ++i) {
        const char *label = edge_sdk_prediction_label(prediction, i);
        labels.emplace_back(label, std::string(label).size());
        probabilities.push_back(edge_sdk_prediction_probability(prediction, i));
    }
    Parts parts(env, 2);
    parts.add([&] { return byte_arrays(env, labels); });  // the labels are owned by the prediction
    parts.add([&] { return float_array(env, probabilities); });
    edge_sdk_prediction_free(prediction);
    return parts.result();
}

JNIEXPORT void JNICALL Java_dev_edgesdk_NativeCore_classifierFree(JNIEnv *, jclass, jlong classifier) {
    edge_sdk_classifier_free(handle_of<edge_sdk_classifier>(classifier));
}

JNIEXPORT jlong JNICALL Java_dev_edgesdk_NativeCore_cascadeOpen(JNIEnv *env, jclass, jlong detector, jlong corrector,
                                                                jbyteArray error_label, jfloat threshold) {
    const std::vector<char> label = bytes_of(env, error_label);
    edge_sdk_cascade_options options = edge_sdk_cascade_default_options();
    options.error_label = label.data();
    options.threshold = threshold;
    edge_sdk_cascade *cascade = nullptr;
    const edge_sdk_status status = edge_sdk_cascade_open(
        handle_of<edge_sdk_classifier>(detector), handle_of<edge_sdk_corrector>(corrector), &options, &cascade);
    if (status != EDGE_SDK_OK) {
        throw_failure(env, status);
        return 0;
    }
    return value_of(cascade);
}

JNIEXPORT jobjectArray JNICALL Java_dev_edgesdk_NativeCore_cascadeCorrect(JNIEnv *env, jclass, jlong cascade,
                                                                          jbyteArray text) {
    return correct_with<edge_sdk_cascade>(env, cascade, text, edge_sdk_cascade_correct);
}

JNIEXPORT void JNICALL Java_dev_edgesdk_NativeCore_cascadeFree(JNIEnv *, jclass, jlong cascade) {
    edge_sdk_cascade_free(handle_of<edge_sdk_cascade>(cascade));
}

}  // extern "C"
