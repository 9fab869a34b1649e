package com.example.grammar

import com.google.gson.JsonParser
import dev.edgesdk.EdgeSdkException
import dev.edgesdk.FolderAssets
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import kotlin.test.assertFailsWith

/**
 * The classes `edge-sdk bindings` generated for the default bundle and the detector (tests/android renders
 * them into this package and compiles them with the library, warnings as errors, explicit API mode).
 */
class GeneratedBindingsTest {
    private fun property(name: String): File = File(System.getProperty(name) ?: error("$name is not set: run `make android-test`"))

    private val bundle = property("dev.edgesdk.test.bundle")
    private val detectorBundle = property("dev.edgesdk.test.detector")
    private val otherBundle = property("dev.edgesdk.test.otherBundle")
    private val work = property("dev.edgesdk.test.work")

    @Test
    fun constantsDescribeTheBundleItWasGeneratedFrom() {
        val manifest = JsonParser.parseString(File(bundle, "manifest.json").readText()).asJsonObject
        assertEquals(manifest.get("name").asString, GrammarCorrector.BUNDLE_NAME)
        assertEquals(manifest.get("version").asString, GrammarCorrector.BUNDLE_VERSION)
        assertEquals(manifest.get("schema_version").asInt, GrammarCorrector.SCHEMA_VERSION)
        val artifact = manifest.getAsJsonArray("artifacts").map { it.asJsonObject }.first { it.get("file").asString == GrammarCorrector.ARTIFACT_FILE }
        assertEquals(artifact.get("sha256").asString, GrammarCorrector.ARTIFACT_SHA256)
        assertEquals("executorch", GrammarCorrector.BACKEND)
        assertEquals(artifact.get("quantization").asString, GrammarCorrector.QUANTIZATION)
        GrammarCorrector.open(bundle).use { corrector ->
            assertEquals(GrammarCorrector.BUNDLE_DIGEST, corrector.info.digest)
            assertEquals(GrammarCorrector.ARTIFACT_SHA256, corrector.info.artifact.sha256)
        }
    }

    @Test
    fun correctsThroughTheGeneratedClass() {
        GrammarCorrector.open(bundle).use { corrector ->
            val result = runBlocking { corrector.correct("😀 I has a apple.") }
            assertTrue(result.changed)
            assertEquals(result.text, corrector.correctBlocking("😀 I has a apple.").text)
        }
        val root = File(work, "generated-assets")
        root.deleteRecursively()
        bundle.copyRecursively(File(root, GrammarCorrector.ASSET_PATH))
        GrammarCorrector.open(FolderAssets(root, File(work, "generated-files"))).use { corrector ->
            assertTrue(corrector.correctBlocking("I has a apple.").changed)
        }
    }

    @Test
    fun aBundleWithAnotherArtifactIsRefusedNamingBothHashes() {
        val error = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(otherBundle) }
        val other = JsonParser.parseString(File(otherBundle, "manifest.json").readText()).asJsonObject
            .getAsJsonArray("artifacts").map { it.asJsonObject }
            .first { it.get("backend").asString == "executorch" && it.get("quantization").asString == GrammarCorrector.QUANTIZATION }
        assertTrue(GrammarCorrector.ARTIFACT_SHA256 in error.message!!, error.message)
        assertTrue(other.get("sha256").asString in error.message!!, error.message)
    }

    @Test
    fun detectorAndCascadeClassesWork() {
        TinyDetector.open(detectorBundle).use { detector ->
            GrammarCorrector.open(bundle).use { corrector ->
                assertEquals(detector.info.digest, TinyDetector.BUNDLE_DIGEST)
                val prediction = detector.classifyBlocking("She go to school.")
                assertEquals(listOf("correct", "error"), prediction.labels)
                GrammarCorrectorCascade.open(detector, corrector).use { cascade ->
                    val result = cascade.correctBlocking("She go to school.")
                    assertTrue(result.errorProbability != null)
                }
            }
        }
    }
}
