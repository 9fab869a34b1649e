package dev.edgesdk

import com.google.gson.JsonObject
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The Kotlin layer gives exactly what the Python reference gave (`edge-sdk golden`): corrected text, every
 * edit's UTF-16 span, original, replacement and kind, skipped sentences and the sentence count, for
 * paragraphs, emoji, RTL scripts, combining marks and over-long sentences.
 */
class GoldenParityTest {
    private fun expectedCorrection(input: String, record: JsonObject): Map<String, Any> {
        val correction = record.getAsJsonObject("correction")
        return mapOf(
            "text" to correction.get("text").asString,
            "edits" to correction.getAsJsonArray("edits").map { it.asJsonObject }.map { e ->
                val span = e.getAsJsonArray("utf16")
                listOf(span[0].asInt, span[1].asInt, e.get("original").asString, e.get("replacement").asString,
                       e.get("kind").asString)
            },
            "skipped" to correction.getAsJsonArray("skipped").map { it.asJsonObject }.map { s ->
                val span = s.getAsJsonArray("utf16")
                listOf(span[0].asInt, span[1].asInt, s.get("reason").asString)
            },
            "sentences" to record.getAsJsonArray("sentences").size(),
            "input" to input,
        )
    }

    private fun actual(result: Correction): Map<String, Any> = mapOf(
        "text" to result.text,
        "edits" to result.edits.map { listOf(it.start, it.end, it.original, it.replacement, it.kind.wireName) },
        "skipped" to result.skipped.map { listOf(it.start, it.end, it.reason) },
        "sentences" to result.sentenceCount,
        "input" to result.input,
    )

    @Test
    fun correctionsEqualThePythonReference() {
        val groups = sortedSetOf<String>()
        var surrogatePairs = 0
        var rightToLeft = 0
        var combining = 0
        var checked = 0
        for (file in TestEnvironment.goldenFiles) {
            val records = TestEnvironment.jsonLines(file)
            val header = records.first()
            val quantization = header.get("quantization").asString
            val inputs = records.drop(1)
            var mismatches = 0
            val failures = mutableListOf<String>()
            GrammarCorrector.open(TestEnvironment.bundle, OpenOptions(quantization = quantization)).use { corrector ->
                assertEquals(header.get("bundle_digest").asString, corrector.info.digest, "golden file of another bundle")
                for (record in inputs) {
                    val text = record.get("text").asString
                    groups += record.get("group").asString
                    if (text.any { it.isSurrogate() }) surrogatePairs += 1
                    if (text.any { Character.getDirectionality(it) == Character.DIRECTIONALITY_RIGHT_TO_LEFT ||
                                   Character.getDirectionality(it) == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC }) rightToLeft += 1
                    if (text.any { Character.getType(it) == Character.NON_SPACING_MARK.toInt() }) combining += 1
                    val result = corrector.correctBlocking(text)
                    val want = expectedCorrection(text, record)
                    val got = actual(result)
                    // Offsets index the input String: each edit's span holds its original, and applying
                    // all edits gives the corrected text.
                    val consistent = result.edits.all { text.substring(it.start, it.end) == it.original } &&
                        result.applying(result.edits) == result.text
                    if (got != want || !consistent) {
                        mismatches += 1
                        if (failures.size < 10) failures += "input ${record.get("id")}: kotlin $got\n  python $want"
                    }
                }
            }
            println("golden parity ${file.name} ($quantization): ${inputs.size} inputs, $mismatches mismatches")
            assertEquals(0, mismatches, failures.joinToString("\n"))
            checked += inputs.size
        }
        println("golden parity: $checked inputs, $surrogatePairs with surrogate pairs, $rightToLeft right-to-left, " +
                "$combining with combining marks, groups $groups")
        assertTrue(checked >= 300, "the golden subset is too small to mean anything")
            assertTrue(surrogatePairs > 0, "no input with UTF-16 surrogate pairs (emoji) was checked")
            assertTrue(rightToLeft > 0, "no right-to-left input was checked")
            assertTrue(combining > 0, "no input with combining marks was checked")
        assertTrue(groups.containsAll(listOf("empty", "unicode", "scripts", "paragraph", "long", "test_src")), "$groups")
    }

    @Test
    fun suspendAndBlockingCallsAgree() {
        val texts = TestEnvironment.jsonLines(TestEnvironment.goldenFiles.first()).drop(1)
            .map { it.get("text").asString }.filter { it.isNotBlank() }.take(20)
        GrammarCorrector.open(TestEnvironment.bundle).use { corrector ->
            val blocking = texts.map { corrector.correctBlocking(it).copy(elapsedNanos = 0) }
            val suspended = runBlocking { texts.map { corrector.correct(it).copy(elapsedNanos = 0) } }
            assertEquals(blocking, suspended)
        }
    }
}
