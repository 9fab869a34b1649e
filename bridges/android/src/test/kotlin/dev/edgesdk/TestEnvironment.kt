package dev.edgesdk

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File

/**
 * What the host tests run against, passed as JVM system properties by tests/android (pytest), which builds
 * the real default bundle, the golden files from the Python reference and the JNI library first:
 * `make android-test`. A missing property fails the test with this explanation; nothing is skipped.
 */
object TestEnvironment {
    private fun property(name: String): String = System.getProperty(name)?.takeIf { it.isNotEmpty() }
        ?: error("system property $name is not set: run these tests with `make android-test` (tests/android)")

    val bundle: File get() = File(property("dev.edgesdk.test.bundle"))
    val detector: File get() = File(property("dev.edgesdk.test.detector"))
    /** The default corrector with the spelling stage over the packaged dictionaries (tests/conftest.py). */
    val spellingBundle: File get() = File(property("dev.edgesdk.test.spellingBundle"))
    val goldenFiles: List<File> get() = property("dev.edgesdk.test.golden").split(File.pathSeparator).map(::File)
    val cascadeGolden: File get() = File(property("dev.edgesdk.test.cascadeGolden"))
    val work: File get() = File(property("dev.edgesdk.test.work")).also { it.mkdirs() }

    fun jsonLines(file: File): List<JsonObject> =
        file.readLines(Charsets.UTF_8).filter { it.isNotBlank() }.map { JsonParser.parseString(it).asJsonObject }

    /** A fresh copy of [source] under [work], for tests that damage a bundle. */
    fun copyOf(source: File, name: String): File {
        val target = File(work, name)
        target.deleteRecursively()
        source.copyRecursively(target)
        return target
    }
}
