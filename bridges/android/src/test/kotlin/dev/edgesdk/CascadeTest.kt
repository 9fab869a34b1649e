package dev.edgesdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import kotlin.math.abs

/** The detector and the cascade against Python's TextClassifier and Cascade on the same bundles. */
class CascadeTest {
    private val golden = TestEnvironment.jsonLines(TestEnvironment.cascadeGolden)
    private val header = golden.first()
    private val records = golden.drop(1)

    @Test
    fun detectorProbabilitiesEqualPython() {
        ErrorDetector.open(TestEnvironment.detector, OpenOptions(quantization = header.get("detector_quantization").asString)).use { detector ->
            for (record in records) {
                val prediction = detector.classifyBlocking(record.get("text").asString)
                val want = record.getAsJsonObject("probabilities")
                assertEquals(want.keySet().toList(), prediction.labels)
                for (label in prediction.labels) {
                    assertTrue(abs(prediction.probability(label) - want.get(label).asFloat) < 1e-6,
                               "${record.get("text")}: $label ${prediction.probability(label)} vs ${want.get(label)}")
                }
            }
        }
    }

    @Test
    fun cascadeCorrectionsEqualPython() {
        val detector = ErrorDetector.open(TestEnvironment.detector, OpenOptions(quantization = header.get("detector_quantization").asString))
        val corrector = GrammarCorrector.open(TestEnvironment.bundle, OpenOptions(quantization = header.get("corrector_quantization").asString))
        val threshold = header.get("threshold").asFloat
        Cascade.open(detector, corrector, CascadeOptions(threshold = threshold)).use { cascade ->
            val ran = mutableSetOf<Boolean>()
            for (record in records) {
                val text = record.get("text").asString
                val result = cascade.correctBlocking(text)
                assertEquals(record.get("corrected_text").asString, result.text, text)
                assertEquals(record.get("corrector_ran").asBoolean, result.correctorRan, text)
                assertTrue(abs(result.errorProbability!! - record.get("error_probability").asFloat) < 1e-6, text)
                val edits = record.getAsJsonArray("edits").map { it.asJsonObject }
                assertEquals(edits.map { e -> listOf(e.getAsJsonArray("utf16")[0].asInt, e.getAsJsonArray("utf16")[1].asInt,
                                                     e.get("replacement").asString) },
                             result.edits.map { listOf(it.start, it.end, it.replacement) }, text)
                ran += result.correctorRan
            }
            assertEquals(setOf(true, false), ran, "the threshold should send some texts to the corrector and keep others")
            // The models stay usable on their own while borrowed, and closing them first is safe.
            assertTrue(corrector.correctBlocking("I has a apple.").changed)
            corrector.close()
            detector.close()
            assertEquals(records.first().get("corrected_text").asString, cascade.correctBlocking(records.first().get("text").asString).text)
        }
        assertFailsWith<IllegalStateException> { corrector.correctBlocking("x") }
    }

    @Test
    fun aClosedModelCannotJoinACascade() {
        val detector = ErrorDetector.open(TestEnvironment.detector)
        val corrector = GrammarCorrector.open(TestEnvironment.bundle)
        detector.close()
        assertFailsWith<IllegalStateException> { Cascade.open(detector, corrector) }
        corrector.correctBlocking("still usable")
        corrector.close()
    }
}
