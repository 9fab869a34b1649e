package dev.edgesdk

import kotlinx.coroutines.withContext
import java.io.File

/**
 * A grammar corrector (an EdgeFormer bundle) running in the native core. Open it once, call [correct] for
 * any text (a word, a paragraph, an e-mail), close it when done:
 * ```
 * GrammarCorrector.open(bundleDir).use { corrector -> corrector.correct(text) }
 * ```
 * Calls on one instance run one at a time; separate instances run in parallel. After [close], calls throw
 * IllegalStateException.
 */
public class GrammarCorrector private constructor(
    public val info: BundleInfo,
    private val options: OpenOptions,
    internal val handle: NativeHandle,
) : AutoCloseable {
    /** Corrects [text] on [OpenOptions.dispatcher] (default Dispatchers.Default): safe to call from the main thread. */
    public suspend fun correct(text: String): Correction = withContext(options.dispatcher) { correctBlocking(text) }

    /** Corrects [text] on the calling thread, for callers that manage their own threads. */
    public fun correctBlocking(text: String): Correction {
        val bytes = inputBytes(text)
        return handle.call { corrector ->
            val (parts, nanos) = timed { NativeCore.correctorCorrect(corrector, bytes) }
            correctionOf(text, parts, nanos, cascade = false)
        }
    }

    /**
     * The bundle's spelling stage (Hunspell in front of the model; docs/text-handling.md, "Spelling stage"):
     * true while it runs. It is on for a bundle that has one; false runs the model alone, true runs it again
     * (a bundle without a stage stays false). Cascades using this corrector follow it.
     */
    public var spelling: Boolean
        get() = handle.call { NativeCore.correctorSpelling(it) }
        set(value) = handle.call { NativeCore.correctorSetSpelling(it, value) }

    public val isClosed: Boolean get() = handle.isClosed

    /** Frees the model; waits for a running call. Idempotent. */
    override fun close(): Unit = handle.close()

    override fun toString(): String = "GrammarCorrector(${info.name} ${info.version}, ${info.artifact.file})"

    public companion object {
        /** Opens the bundle folder [bundleDir]; throws [EdgeSdkException.BundleException] when it cannot be used. */
        public fun open(bundleDir: File, options: OpenOptions = OpenOptions()): GrammarCorrector =
            OpenedBundle.use(bundleDir, options, "GrammarCorrector") { bundle, info ->
                val corrector = NativeCore.correctorOpen(bundle, options.backend.utf8(), options.quantization?.utf8())
                GrammarCorrector(info, options, NativeHandle("GrammarCorrector", corrector, NativeCore::correctorFree))
            }

        /** Opens the bundle shipped at [assetPath] in the app's assets, copied once to [AppAssets.filesDir]. */
        public fun open(assets: AppAssets, assetPath: String, options: OpenOptions = OpenOptions()): GrammarCorrector =
            open(BundleInstaller.install(assets, assetPath), options)
    }
}
