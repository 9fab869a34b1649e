package dev.edgesdk

import kotlinx.coroutines.withContext
import java.io.File

/**
 * A sentence error detector (a ProFormer bundle): projection features computed in the core, one small
 * encoder call per text. On its own it answers "does this look wrong?"; in a [Cascade] it decides, per
 * sentence, whether the corrector runs. Same threading and lifetime rules as [GrammarCorrector].
 */
public class ErrorDetector private constructor(
    public val info: BundleInfo,
    private val options: OpenOptions,
    internal val handle: NativeHandle,
) : AutoCloseable {
    /** Classifies [text] on [OpenOptions.dispatcher]. */
    public suspend fun classify(text: String): Prediction = withContext(options.dispatcher) { classifyBlocking(text) }

    /** Classifies [text] on the calling thread. */
    public fun classifyBlocking(text: String): Prediction {
        val bytes = inputBytes(text)
        return handle.call { classifier ->
            val (parts, nanos) = timed { NativeCore.classifierClassify(classifier, bytes) }
            val labels = (parts[0] as Array<*>).map { (it as ByteArray).toString(Charsets.UTF_8) }
            Prediction(labels, (parts[1] as FloatArray).toList(), nanos)
        }
    }

    public val isClosed: Boolean get() = handle.isClosed

    override fun close(): Unit = handle.close()

    override fun toString(): String = "ErrorDetector(${info.name} ${info.version}, ${info.artifact.file})"

    public companion object {
        public fun open(bundleDir: File, options: OpenOptions = OpenOptions()): ErrorDetector =
            OpenedBundle.use(bundleDir, options, "ErrorDetector") { bundle, info ->
                val classifier = NativeCore.classifierOpen(bundle, options.backend.utf8(), options.quantization?.utf8())
                ErrorDetector(info, options, NativeHandle("ErrorDetector", classifier, NativeCore::classifierFree))
            }

        public fun open(assets: AppAssets, assetPath: String, options: OpenOptions = OpenOptions()): ErrorDetector =
            open(BundleInstaller.install(assets, assetPath), options)
    }
}
