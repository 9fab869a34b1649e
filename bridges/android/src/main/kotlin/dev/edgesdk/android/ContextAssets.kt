package dev.edgesdk.android

import android.content.Context
import dev.edgesdk.AppAssets
import java.io.File
import java.io.InputStream

/**
 * The app's assets/ and its no-backup files folder: bundles copied out of the APK are not worth backing up
 * (the APK has them) and would otherwise count against the user's Auto Backup quota.
 */
public class ContextAssets(context: Context) : AppAssets {
    private val app = context.applicationContext

    override fun open(path: String): InputStream = app.assets.open(path)

    override fun list(path: String): List<String> = app.assets.list(path)?.toList() ?: emptyList()

    override val filesDir: File get() = app.noBackupFilesDir
}
