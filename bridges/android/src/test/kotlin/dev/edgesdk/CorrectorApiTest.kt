package dev.edgesdk

import com.google.gson.JsonParser
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import java.io.File
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

class CorrectorApiTest {
    private val bundle = TestEnvironment.bundle

    @Test
    fun reportsTheBundleAndTheArtifactItRuns() {
        GrammarCorrector.open(bundle).use { corrector ->
            assertEquals("grammar-corrector", corrector.info.name)
            assertEquals("executorch", corrector.info.artifact.backend)
            val firstListed = JsonParser.parseString(corrector.info.manifestJson).asJsonObject.getAsJsonArray("artifacts")
                .map { it.asJsonObject }.first { it.get("backend").asString == "executorch" }
            assertEquals(firstListed.get("quantization").asString, corrector.info.artifact.quantization,
                         "no quantization named: the first executorch artifact listed")
            assertTrue(File(corrector.info.artifact.path).isFile)
            assertEquals(64, corrector.info.digest.length)
            assertEquals(EDGE_SDK_ABI, EdgeSdk.abiVersion)
            assertEquals(1, EdgeSdk.schemaVersion)
        }
    }

    @Test
    fun editsIndexTheInputInUtf16() {
        // An emoji (a surrogate pair) before the error: UTF-16 offsets differ from code points by one.
        val text = "\uD83D\uDE00 I has a apple."
        GrammarCorrector.open(bundle).use { corrector ->
            val result = corrector.correctBlocking(text)
            assertTrue(result.changed, "the shipped model corrects this sentence")
            assertEquals(1, result.sentenceCount)
            for (edit in result.edits) assertEquals(edit.original, text.substring(edit.start, edit.end))
            assertEquals(text, result.applying(emptyList()))
            assertEquals(result.text, result.applying(result.edits))
            // Accepting one edit leaves the others' text as typed.
            val first = result.edits.first()
            val partial = result.applying(listOf(first))
            assertEquals(text.substring(0, first.start) + first.replacement, partial.substring(0, first.start + first.replacement.length))
        }
    }

    @Test
    fun badInputIsAClearErrorAndTheInstanceStaysUsable() {
        GrammarCorrector.open(bundle).use { corrector ->
            val lone = assertFailsWith<EdgeSdkException.InputException> { corrector.correctBlocking("ab\uD83D cd") }
            assertEquals(ErrorCode.INVALID_INPUT, lone.code)
            assertTrue("unpaired UTF-16 surrogate U+D83D at index 2" in lone.message!!, lone.message)
            val huge = "a".repeat(EdgeSdk.maxTextChars.toInt() + 1)
            val tooLong = assertFailsWith<EdgeSdkException.InputException> { corrector.correctBlocking(huge) }
            assertEquals(ErrorCode.INVALID_INPUT, tooLong.code)
            assertEquals("", corrector.correctBlocking("").text)
            assertEquals("\u0000", corrector.correctBlocking("\u0000").text, "U+0000 crosses JNI as real UTF-8")
            assertTrue(corrector.correctBlocking("I has a apple.").changed, "still works after refusals")
        }
    }

    @Test
    fun theSpellingStageRunsWhereTheBundleHasOneAndSwitchesOff() {
        // Hunspell proposes because for becuse and really for realy (the frequency list ranks them first);
        // the edits are still against what was typed.
        val text = "I realy like it becuse it is fun."
        GrammarCorrector.open(TestEnvironment.spellingBundle).use { corrector ->
            assertTrue(corrector.spelling)
            val spelled = corrector.correctBlocking(text).edits.map { Triple(it.start, it.end, it.replacement) }
            assertTrue(Triple(2, 7, "really") in spelled, spelled.toString())
            assertTrue(Triple(16, 22, "because") in spelled, spelled.toString())
            corrector.spelling = false
            assertFalse(corrector.spelling)
            corrector.correctBlocking(text)
            corrector.spelling = true
            assertEquals(spelled, corrector.correctBlocking(text).edits.map { Triple(it.start, it.end, it.replacement) })
        }
        GrammarCorrector.open(bundle).use { corrector ->
            assertFalse(corrector.spelling, "the default bundle has no spelling stage")
            corrector.spelling = true
            assertFalse(corrector.spelling)
        }
    }

    @Test
    fun closedInstancesThrowAndCloseIsIdempotent() {
        val corrector = GrammarCorrector.open(bundle)
        corrector.close()
        corrector.close()
        assertTrue(corrector.isClosed)
        val error = assertFailsWith<IllegalStateException> { corrector.correctBlocking("I has a apple.") }
        assertEquals("GrammarCorrector is closed", error.message)
    }

    @Test
    fun refusesBundlesThatCannotBeUsed() {
        val missing = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(File(TestEnvironment.work, "nowhere")) }
        assertEquals(ErrorCode.BUNDLE, missing.code)

        val tampered = TestEnvironment.copyOf(bundle, "tampered")
        val artifact = File(tampered, GrammarCorrector.open(bundle).use { it.info.artifact.file })
        val bytes = artifact.readBytes()
        bytes[bytes.size / 2] = (bytes[bytes.size / 2].toInt() xor 1).toByte()
        artifact.writeBytes(bytes)
        val changed = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(tampered) }
        assertTrue("sha256" in changed.message!!.lowercase() || "checksum" in changed.message!!.lowercase(), changed.message)

        val notFound = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(bundle, OpenOptions(quantization = "int4")) }
        assertEquals(ErrorCode.NOT_FOUND, notFound.code)

        val wrongModel = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(TestEnvironment.detector) }
        assertEquals(ErrorCode.WRONG_MODEL, wrongModel.code)
        val asDetector = assertFailsWith<EdgeSdkException.BundleException> { ErrorDetector.open(bundle) }
        assertEquals(ErrorCode.WRONG_MODEL, asDetector.code)

        val pinned = assertFailsWith<EdgeSdkException.BundleException> { GrammarCorrector.open(bundle, OpenOptions(expectedDigest = "0".repeat(64))) }
        assertEquals(ErrorCode.BUNDLE, pinned.code)

        val expected = "ab".repeat(32)
        val otherArtifact = assertFailsWith<EdgeSdkException.BundleException> {
            GrammarCorrector.open(bundle, OpenOptions(expectedArtifactSha256 = expected))
        }
        val actualSha = GrammarCorrector.open(bundle).use { it.info.artifact.sha256 }
        assertTrue(expected in otherArtifact.message!! && actualSha in otherArtifact.message!!, otherArtifact.message)
    }

    @Test
    fun suspendCallsRunOnTheInjectedDispatcher() {
        val executor = Executors.newSingleThreadExecutor { Thread(it, "edge-sdk-test-worker") }
        val dispatcher = executor.asCoroutineDispatcher()
        try {
            GrammarCorrector.open(bundle, OpenOptions(dispatcher = dispatcher)).use { corrector ->
                val thread = runBlocking {
                    corrector.correct("I has a apple.")
                    kotlinx.coroutines.withContext(dispatcher) { Thread.currentThread().name }
                }
                assertEquals("edge-sdk-test-worker", thread)
            }
        } finally {
            dispatcher.close()
        }
    }

    @Test
    fun oneInstanceServesManyThreadsWithTheSameResults() {
        val texts = listOf("I has a apple.", "We was going to the park yesterday.", "He don't like the the movie.",
                           "The informations are very usefull.", "This sentence is already correct.")
        GrammarCorrector.open(bundle).use { corrector ->
            val expected = texts.map { corrector.correctBlocking(it).text }
            val pool = Executors.newFixedThreadPool(4)
            val futures = (0 until 40).map { i -> pool.submit<String> { corrector.correctBlocking(texts[i % texts.size]).text } }
            val results = futures.map { it.get(120, TimeUnit.SECONDS) }
            // close() while calls may still run elsewhere waits for them instead of freeing under them.
            pool.shutdown()
            assertEquals((0 until 40).map { expected[it % texts.size] }, results)
        }
    }

    private companion object {
        const val EDGE_SDK_ABI = 1
    }
}
