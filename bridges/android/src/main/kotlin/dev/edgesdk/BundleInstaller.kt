package dev.edgesdk

import java.io.File
import java.io.IOException
import java.security.MessageDigest
import java.util.UUID

/**
 * Copies a bundle out of the app's assets once, so the core can map its files: into
 * `filesDir/edge-sdk/bundles/<name>-<first 16 hex digits of its digest>/`. The copy is made in a temporary
 * folder, checked by the core (every file's size and SHA-256 against the manifest) and then renamed into
 * place, so a crash or a full disk never leaves a half bundle that looks installed. A new app version with
 * a different bundle gets a new folder; older copies of the same bundle name are deleted.
 */
public object BundleInstaller {
    private const val MARKER = ".edge-sdk-installed"
    private const val MAX_MANIFEST_BYTES = 16 shl 20

    /** The installed folder of the bundle at [assetPath] (copied now if it is not there yet). */
    @Synchronized
    public fun install(assets: AppAssets, assetPath: String): File {
        val source = assetPath.trim('/')
        val segments = source.split('/')
        require(source.isNotEmpty() && segments.all(::isPlainName)) { "\"$assetPath\" is not a folder inside the assets" }
        val manifest = try {
            assets.open("$source/manifest.json").use { it.readNBytes(MAX_MANIFEST_BYTES + 1) }
        } catch (e: IOException) {
            throw EdgeSdkException.BundleException(ErrorCode.BUNDLE,
                "assets/$source/manifest.json: ${e.message ?: e.javaClass.simpleName} (is the bundle in the app's assets?)")
        }
        if (manifest.size > MAX_MANIFEST_BYTES) {
            throw EdgeSdkException.BundleException(ErrorCode.BUNDLE, "assets/$source/manifest.json: larger than 16 MiB")
        }
        val digest = MessageDigest.getInstance("SHA-256").digest(manifest).joinToString("") { "%02x".format(it) }
        val name = segments.last()
        val bundles = File(assets.filesDir, "edge-sdk/bundles")
        val target = File(bundles, "$name-${digest.take(16)}")
        if (isInstalled(target, digest)) return target

        if (!bundles.isDirectory && !bundles.mkdirs()) throw ioFailure(bundles, "cannot create the folder")
        val staging = File(bundles, ".tmp-$name-${UUID.randomUUID()}")
        try {
            copyTree(assets, source, staging)
            // The core's own checks, with the digest of the manifest just read: what was copied is what shipped.
            NativeCore.bundleFree(NativeCore.bundleOpen(staging.path.utf8(), true, digest.utf8()))
            File(staging, MARKER).writeText(digest)
            if (target.exists()) target.deleteRecursively()  // an earlier copy without its marker: incomplete
            if (!staging.renameTo(target) && !isInstalled(target, digest)) {
                throw ioFailure(target, "cannot move the verified copy into place")
            }
        } catch (e: IOException) {
            throw EdgeSdkException.BundleException(ErrorCode.BUNDLE,
                "copying assets/$source to ${target.path}: ${e.message ?: e.javaClass.simpleName}")
        } finally {
            if (staging.exists()) staging.deleteRecursively()
        }
        bundles.listFiles()?.filter { it.name.startsWith("$name-") && it != target && isStale(it, name) }
            ?.forEach { it.deleteRecursively() }
        return target
    }

    private fun isInstalled(folder: File, digest: String): Boolean {
        val marker = File(folder, MARKER)
        return marker.isFile && runCatching { marker.readText() }.getOrNull() == digest
    }

    // Only "<name>-<16 hex digits>" folders are ours to delete.
    private fun isStale(folder: File, name: String): Boolean =
        folder.isDirectory && Regex("[0-9a-f]{16}").matches(folder.name.removePrefix("$name-"))

    private fun copyTree(assets: AppAssets, from: String, to: File) {
        if (!to.mkdirs() && !to.isDirectory) throw ioFailure(to, "cannot create the folder")
        for (entry in assets.list(from)) {
            if (!isPlainName(entry)) throw IOException("assets/$from: refusing the entry name \"$entry\"")
            val path = "$from/$entry"
            val children = assets.list(path)
            if (children.isNotEmpty()) {
                copyTree(assets, path, File(to, entry))
            } else {
                assets.open(path).use { input -> File(to, entry).outputStream().use { input.copyTo(it) } }
            }
        }
    }

    private fun isPlainName(name: String): Boolean =
        name.isNotEmpty() && name != "." && name != ".." && '/' !in name && '\\' !in name && '\u0000' !in name

    private fun ioFailure(file: File, what: String) = IOException("${file.path}: $what")
}
