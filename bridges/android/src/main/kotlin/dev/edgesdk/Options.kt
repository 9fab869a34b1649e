package dev.edgesdk

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers

/** How a bundle is opened and which of its artifacts runs. */
public data class OpenOptions(
    /** Only "executorch" runs inside the core on Android today. */
    public val backend: String = "executorch",
    /** null: the first artifact the manifest lists for [backend] (int8 in the default bundle). */
    public val quantization: String? = null,
    /** false skips only the size and SHA-256 comparison of each file (a bundle verified at install time). */
    public val verifyChecksums: Boolean = true,
    /** The bundle digest (SHA-256 of manifest.json) the app was built for; another bundle is refused. */
    public val expectedDigest: String? = null,
    /** The artifact SHA-256 generated bindings were made for; another artifact is refused at open. */
    public val expectedArtifactSha256: String? = null,
    /** Where the suspend functions run the native call. */
    public val dispatcher: CoroutineDispatcher = Dispatchers.Default,
)

/** The detector-first cascade: the corrector runs on sentences with p([errorLabel]) >= [threshold]. */
public data class CascadeOptions(
    public val errorLabel: String = "error",
    public val threshold: Float = 0.5f,
) {
    init {
        require(threshold in 0f..1f) { "threshold must be within 0..1, not $threshold" }
    }
}
