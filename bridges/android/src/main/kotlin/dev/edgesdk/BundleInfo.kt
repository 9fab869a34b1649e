package dev.edgesdk

import java.io.File

/** The model file an instance runs, as the bundle's manifest lists it. */
public data class ArtifactInfo(
    public val file: String,
    public val path: String,
    public val backend: String,
    public val quantization: String,
    public val sha256: String,
    public val sizeBytes: Long,
)

/** The opened bundle: manifest fields, its digest (SHA-256 of manifest.json) and the artifact in use. */
public data class BundleInfo(
    public val root: File,
    public val name: String,
    public val version: String,
    public val family: String,
    public val task: String,
    public val digest: String,
    public val artifact: ArtifactInfo,
    /** The whole manifest.json, for fields this class does not expose. */
    public val manifestJson: String,
)
