package dev.edgesdk

import java.io.File

/**
 * A bundle opened and checked by the core for as long as a model is being opened from it: the core's
 * corrector/classifier keeps what it needs, so the bundle handle is freed right after.
 */
internal object OpenedBundle {
    fun <T> use(root: File, options: OpenOptions, kind: String, open: (bundle: Long, info: BundleInfo) -> T): T {
        val bundle = NativeCore.bundleOpen(root.path.utf8(), options.verifyChecksums, options.expectedDigest?.utf8())
        try {
            val info = infoOf(root, bundle, options)
            val expected = options.expectedArtifactSha256
            if (expected != null && !expected.equals(info.artifact.sha256, ignoreCase = true)) {
                throw EdgeSdkException.BundleException(
                    ErrorCode.BUNDLE,
                    "${root.path}: ${info.artifact.file} has SHA-256 ${info.artifact.sha256}, but this $kind was " +
                        "generated for an artifact with SHA-256 ${expected.lowercase()}: ship the bundle the " +
                        "bindings were generated from, or regenerate them (`edge-sdk bindings`) for this one",
                )
            }
            return open(bundle, info)
        } finally {
            NativeCore.bundleFree(bundle)
        }
    }

    private fun infoOf(root: File, bundle: Long, options: OpenOptions): BundleInfo {
        val fields = NativeCore.bundleFields(bundle).map { it.toString(Charsets.UTF_8) }
        val artifact = NativeCore.bundleArtifact(bundle, options.backend.utf8(), options.quantization?.utf8())
            .map { it.toString(Charsets.UTF_8) }
        return BundleInfo(
            root = root,
            name = fields[0],
            version = fields[1],
            family = fields[2],
            task = fields[3],
            digest = fields[4],
            manifestJson = fields[5],
            artifact = ArtifactInfo(artifact[0], artifact[1], artifact[2], artifact[3], artifact[4], artifact[5].toLong()),
        )
    }
}
