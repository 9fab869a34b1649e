package dev.edgesdk

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * Detector first, corrector where it finds an error: per sentence, the corrector runs only when the
 * detector's p(error) reaches [CascadeOptions.threshold]; other sentences come back unchanged (not listed
 * as skipped). The cascade borrows both models: they stay usable on their own, and closing them before
 * the cascade is safe (they are freed when it closes). A cascade call holds both models for its duration.
 */
public class Cascade private constructor(
    public val detector: ErrorDetector,
    public val corrector: GrammarCorrector,
    public val options: CascadeOptions,
    private val dispatcher: CoroutineDispatcher,
    private val handle: NativeHandle,
) : AutoCloseable {
    public suspend fun correct(text: String): Correction = withContext(dispatcher) { correctBlocking(text) }

    public fun correctBlocking(text: String): Correction {
        val bytes = inputBytes(text)
        // Always cascade, then detector, then corrector: one lock order, so no two calls can deadlock.
        return handle.call { cascade ->
            detector.handle.borrowed {
                corrector.handle.borrowed {
                    val (parts, nanos) = timed { NativeCore.cascadeCorrect(cascade, bytes) }
                    correctionOf(text, parts, nanos, cascade = true)
                }
            }
        }
    }

    public val isClosed: Boolean get() = handle.isClosed

    override fun close(): Unit = handle.close()

    public companion object {
        public fun open(
            detector: ErrorDetector,
            corrector: GrammarCorrector,
            options: CascadeOptions = CascadeOptions(),
            dispatcher: CoroutineDispatcher = Dispatchers.Default,
        ): Cascade {
            val detectorHandle = detector.handle.retain()
            try {
                val correctorHandle = corrector.handle.retain()
                try {
                    val cascade = NativeCore.cascadeOpen(detectorHandle, correctorHandle, options.errorLabel.utf8(),
                                                         options.threshold)
                    val handle = NativeHandle("Cascade", cascade) { freed ->
                        NativeCore.cascadeFree(freed)
                        corrector.handle.release()
                        detector.handle.release()
                    }
                    return Cascade(detector, corrector, options, dispatcher, handle)
                } catch (e: Throwable) {
                    corrector.handle.release()
                    throw e
                }
            } catch (e: Throwable) {
                detector.handle.release()
                throw e
            }
        }
    }
}
