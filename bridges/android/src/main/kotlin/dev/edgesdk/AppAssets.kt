package dev.edgesdk

import java.io.File
import java.io.FileNotFoundException
import java.io.InputStream

/**
 * Read-only files shipped with the app, and where bundles copied out of them live. On Android this is
 * dev.edgesdk.android.ContextAssets (the APK's assets/ and the app's no-backup files folder); [FolderAssets]
 * is the same over a folder, for desktop JVMs and tests. Paths use "/" and are relative to the assets root.
 */
public interface AppAssets {
    /** Opens the file at [path]; throws an IOException when there is none. */
    public fun open(path: String): InputStream

    /** The names of the entries in folder [path]; empty for a file or a missing folder (as AssetManager.list). */
    public fun list(path: String): List<String>

    /** Where [BundleInstaller] keeps the bundles it copies. */
    public val filesDir: File
}

/** [AppAssets] over the folder [root]. */
public class FolderAssets(public val root: File, override val filesDir: File) : AppAssets {
    override fun open(path: String): InputStream {
        val file = resolve(path)
        if (!file.isFile) throw FileNotFoundException("${file.path}: no such asset")
        return file.inputStream()
    }

    override fun list(path: String): List<String> = resolve(path).list()?.sorted() ?: emptyList()

    private fun resolve(path: String): File {
        val file = File(root, path).canonicalFile
        val base = root.canonicalFile
        require(file == base || file.path.startsWith(base.path + File.separator)) { "$path: outside the assets folder" }
        return file
    }
}
