package dev.edgesdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import java.io.File

/** Bundles shipped as app assets: copied once, verified, never half-installed. */
class BundleInstallerTest {
    private fun assetsWith(name: String): Pair<FolderAssets, File> {
        val root = File(TestEnvironment.work, "assets-$name")
        root.deleteRecursively()
        TestEnvironment.bundle.copyRecursively(File(root, "models/grammar-corrector"))
        return FolderAssets(root, File(TestEnvironment.work, "files-$name").also { it.deleteRecursively() }) to root
    }

    @Test
    fun copiesOnceAndOpens() {
        val (assets, _) = assetsWith("once")
        val installed = BundleInstaller.install(assets, "models/grammar-corrector")
        assertTrue(installed.path.startsWith(File(assets.filesDir, "edge-sdk/bundles").path), installed.path)
        val stamp = File(installed, "manifest.json").lastModified()
        Thread.sleep(20)
        assertEquals(installed, BundleInstaller.install(assets, "/models/grammar-corrector/"))
        assertEquals(stamp, File(installed, "manifest.json").lastModified(), "the second install copies nothing")
        GrammarCorrector.open(assets, "models/grammar-corrector").use { assertTrue(it.correctBlocking("I has a apple.").changed) }
        assertEquals(listOf(installed.name), File(assets.filesDir, "edge-sdk/bundles").list()!!.toList())
    }

    @Test
    fun theSpellingStagesFilesAreInstalledWithTheBundle() {
        // Its dictionaries and frequency list are bundle files the core reads from disk, like the model.
        val root = File(TestEnvironment.work, "assets-spelling")
        root.deleteRecursively()
        TestEnvironment.spellingBundle.copyRecursively(File(root, "models/grammar-corrector"))
        val assets = FolderAssets(root, File(TestEnvironment.work, "files-spelling").also { it.deleteRecursively() })
        val installed = BundleInstaller.install(assets, "models/grammar-corrector")
        val shipped = TestEnvironment.spellingBundle.list()!!.filter { it.startsWith("spelling-") }.sorted()
        assertTrue(shipped.any { it.endsWith(".dic") } && shipped.any { it.endsWith(".aff") }, shipped.toString())
        for (name in shipped) assertTrue(File(installed, name).isFile, name)
        GrammarCorrector.open(installed).use { assertTrue(it.spelling) }
    }

    @Test
    fun aTamperedAssetIsRefusedAndNothingIsInstalled() {
        val (assets, root) = assetsWith("tampered")
        File(root, "models/grammar-corrector/tokenizer.model").appendBytes(byteArrayOf(0))
        val error = assertFailsWith<EdgeSdkException.BundleException> { BundleInstaller.install(assets, "models/grammar-corrector") }
        assertTrue("tokenizer.model" in error.message!!, error.message)
        assertEquals(emptyList<String>(), File(assets.filesDir, "edge-sdk/bundles").list()!!.toList(), "no copy left behind")
    }

    @Test
    fun aNewBundleReplacesTheOldCopy() {
        val (assets, root) = assetsWith("update")
        val first = BundleInstaller.install(assets, "models/grammar-corrector")
        // A new app version ships another bundle of the same name (here: its manifest without one artifact).
        val manifest = File(root, "models/grammar-corrector/manifest.json")
        manifest.writeText(manifest.readText().replaceFirst("\"version\": ", "\"version\":  "))
        val second = BundleInstaller.install(assets, "models/grammar-corrector")
        assertFalse(first == second)
        assertFalse(first.exists(), "the old copy is deleted")
        assertTrue(second.isDirectory)
    }

    @Test
    fun refusesPathsOutsideTheAssetsAndMissingBundles() {
        val (assets, _) = assetsWith("paths")
        assertFailsWith<IllegalArgumentException> { BundleInstaller.install(assets, "../outside") }
        assertFailsWith<IllegalArgumentException> { BundleInstaller.install(assets, "") }
        val missing = assertFailsWith<EdgeSdkException.BundleException> { BundleInstaller.install(assets, "models/nothing") }
        assertTrue("models/nothing/manifest.json" in missing.message!!, missing.message)
    }
}
