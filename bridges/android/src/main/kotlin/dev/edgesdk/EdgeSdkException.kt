package dev.edgesdk

/** The core's status codes (`edge_sdk_status` in edge_sdk.h). */
public enum class ErrorCode(public val status: Int) {
    INVALID_ARGUMENT(1),
    INVALID_INPUT(2),
    BUNDLE(3),
    NOT_FOUND(4),
    WRONG_MODEL(5),
    RUNTIME(6),
    INTERNAL(7),
    ;

    public companion object {
        /** The code for a core status; an unknown one (a newer core) reads as INTERNAL. */
        public fun of(status: Int): ErrorCode = entries.firstOrNull { it.status == status } ?: INTERNAL
    }
}

/**
 * Everything the SDK throws for a bundle, an input or a model that cannot be used: the core's code and its
 * message. Nothing else escapes a call except IllegalStateException for a closed instance. The subclasses
 * are nested so that `import dev.edgesdk.*` does not shadow kotlin.RuntimeException.
 */
public sealed class EdgeSdkException(public val code: ErrorCode, message: String) : Exception(message) {
    /** A bundle that is missing, malformed, tampered with, of another model, or not the one the bindings expect. */
    public class BundleException(code: ErrorCode, message: String) : EdgeSdkException(code, message)

    /** Text the core refuses (e.g. over [EdgeSdk.maxTextChars], or an unpaired UTF-16 surrogate). */
    public class InputException(code: ErrorCode, message: String) : EdgeSdkException(code, message)

    /** The model runtime failed to load or run the artifact, or the core reports a bug. */
    public class RuntimeException(code: ErrorCode, message: String) : EdgeSdkException(code, message)

    override fun toString(): String = "${this::class.simpleName}(${code.name}): $message"

    public companion object {
        /** The exception for a failed core call with this status and message. */
        public fun of(code: ErrorCode, message: String): EdgeSdkException = when (code) {
            ErrorCode.BUNDLE, ErrorCode.NOT_FOUND, ErrorCode.WRONG_MODEL -> BundleException(code, message)
            ErrorCode.INVALID_INPUT, ErrorCode.INVALID_ARGUMENT -> InputException(code, message)
            ErrorCode.RUNTIME, ErrorCode.INTERNAL -> RuntimeException(code, message)
        }
    }
}
