package dev.edgesdk

/**
 * The JNI functions of libedge_sdk_jni.so (src/main/cpp/edge_sdk_jni.cpp), one per C ABI call. Strings
 * cross as UTF-8 byte arrays; a failed call throws what [failure] builds from the core's status and message.
 * Handles are the core's pointers; [NativeHandle] owns their lifetime and serialises calls on them.
 */
internal object NativeCore {
    /** A JVM system property naming the library file to load instead of `System.loadLibrary` (host tests). */
    const val LIBRARY_PROPERTY: String = "dev.edgesdk.library"

    init {
        val path = System.getProperty(LIBRARY_PROPERTY)
        if (path.isNullOrEmpty()) System.loadLibrary("edge_sdk_jni") else System.load(path)
    }

    /** Called by the glue on a failed status, on the failing thread. */
    @JvmStatic
    fun failure(status: Int, message: ByteArray): Throwable =
        EdgeSdkException.of(ErrorCode.of(status), message.toString(Charsets.UTF_8))

    @JvmStatic external fun version(): ByteArray
    @JvmStatic external fun abiVersion(): Int
    @JvmStatic external fun schemaVersion(): Int
    @JvmStatic external fun maxTextChars(): Long

    @JvmStatic external fun bundleOpen(path: ByteArray, verifyChecksums: Boolean, expectedDigest: ByteArray?): Long
    @JvmStatic external fun bundleFree(bundle: Long)
    /** [name, version, family, task, digest, manifest.json]. */
    @JvmStatic external fun bundleFields(bundle: Long): Array<ByteArray>
    /** [file, path, backend, quantization, sha256, size in decimal]. */
    @JvmStatic external fun bundleArtifact(bundle: Long, backend: ByteArray, quantization: ByteArray?): Array<ByteArray>

    @JvmStatic external fun correctorOpen(bundle: Long, backend: ByteArray, quantization: ByteArray?): Long
    @JvmStatic external fun correctorCorrect(corrector: Long, text: ByteArray): Array<Any>
    @JvmStatic external fun correctorSetSpelling(corrector: Long, enabled: Boolean)
    @JvmStatic external fun correctorSpelling(corrector: Long): Boolean
    @JvmStatic external fun correctorFree(corrector: Long)

    @JvmStatic external fun classifierOpen(bundle: Long, backend: ByteArray, quantization: ByteArray?): Long
    /** [labels: Array<ByteArray>, probabilities: FloatArray]. */
    @JvmStatic external fun classifierClassify(classifier: Long, text: ByteArray): Array<Any>
    @JvmStatic external fun classifierFree(classifier: Long)

    @JvmStatic external fun cascadeOpen(detector: Long, corrector: Long, errorLabel: ByteArray, threshold: Float): Long
    @JvmStatic external fun cascadeCorrect(cascade: Long, text: ByteArray): Array<Any>
    @JvmStatic external fun cascadeFree(cascade: Long)
}

internal fun String.utf8(): ByteArray = toByteArray(Charsets.UTF_8)

/**
 * The UTF-8 bytes of text passed to the core. A Kotlin String may hold an unpaired surrogate (e.g. a
 * substring cut inside an emoji); the JDK's encoder would silently turn it into "?" and every offset after
 * it would describe another text, so it is refused instead.
 */
internal fun inputBytes(text: String): ByteArray {
    var i = 0
    while (i < text.length) {
        val c = text[i]
        if (c.isHighSurrogate() && i + 1 < text.length && text[i + 1].isLowSurrogate()) {
            i += 2
            continue
        }
        if (c.isSurrogate()) {
            throw EdgeSdkException.InputException(
                ErrorCode.INVALID_INPUT,
                "text has an unpaired UTF-16 surrogate U+%04X at index %d".format(c.code, i),
            )
        }
        i += 1
    }
    return text.utf8()
}

/** The glue's correction layout (edge_sdk_jni.cpp, correction_array) as a [Correction] of [input]. */
internal fun correctionOf(input: String, parts: Array<Any>, elapsedNanos: Long, cascade: Boolean): Correction {
    val editInts = parts[1] as IntArray
    val originals = parts[2] as Array<*>
    val replacements = parts[3] as Array<*>
    val skippedInts = parts[4] as IntArray
    val reasons = parts[5] as Array<*>
    val meta = parts[6] as IntArray
    val probability = (parts[7] as FloatArray)[0]
    val edits = List(originals.size) { i ->
        Edit(
            start = editInts[3 * i],
            end = editInts[3 * i + 1],
            original = (originals[i] as ByteArray).toString(Charsets.UTF_8),
            replacement = (replacements[i] as ByteArray).toString(Charsets.UTF_8),
            kind = EditKind.of(editInts[3 * i + 2]),
        )
    }
    val skipped = List(reasons.size) { i ->
        SkippedSentence(skippedInts[2 * i], skippedInts[2 * i + 1], (reasons[i] as ByteArray).toString(Charsets.UTF_8))
    }
    return Correction(
        input = input,
        text = (parts[0] as ByteArray).toString(Charsets.UTF_8),
        edits = edits,
        skipped = skipped,
        sentenceCount = meta[0],
        elapsedNanos = elapsedNanos,
        errorProbability = if (cascade) probability else null,
        correctorRan = meta[1] != 0,
    )
}
