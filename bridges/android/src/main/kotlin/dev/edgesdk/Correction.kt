package dev.edgesdk

/** What an edit changes (docs/text-handling.md, "Edit kinds"), in the core's order. */
public enum class EditKind(public val wireName: String) {
    SPELLING("spelling"),
    PUNCTUATION("punctuation"),
    WORD("word"),
    INSERTION("insertion"),
    DELETION("deletion"),
    ;

    internal companion object {
        fun of(ordinal: Int): EditKind = entries.getOrNull(ordinal)
            ?: throw EdgeSdkException.RuntimeException(ErrorCode.INTERNAL, "the core returned unknown edit kind $ordinal")
    }
}

/**
 * One change to the input: [start] until [end] (UTF-16 indices of the input `String`, end exclusive, as
 * `String.substring` and `SpannableString.setSpan` take them) becomes [replacement]. `start == end` is an
 * insertion point.
 */
public data class Edit(
    public val start: Int,
    public val end: Int,
    public val original: String,
    public val replacement: String,
    public val kind: EditKind,
)

/** A sentence returned exactly as typed and why ("too_long", "repetition", ...; docs/text-handling.md, "Guard"). */
public data class SkippedSentence(public val start: Int, public val end: Int, public val reason: String)

/** The corrected [text] of [input] and the [edits] that turn one into the other, in input order. */
public data class Correction(
    public val input: String,
    public val text: String,
    public val edits: List<Edit>,
    public val skipped: List<SkippedSentence>,
    /** Sentences the input was split into (including skipped ones and those a cascade's detector passed). */
    public val sentenceCount: Int,
    /** Wall time of the native call, for latency displays. */
    public val elapsedNanos: Long,
    /** Cascades only: the highest probability of an error the detector gave a sentence; null otherwise. */
    public val errorProbability: Float?,
    /** Cascades: whether the corrector ran on at least one sentence; always true for a corrector. */
    public val correctorRan: Boolean,
) {
    public val changed: Boolean get() = edits.isNotEmpty()

    /** The input with only the [accepted] edits applied (e.g. those the user tapped "accept" on). */
    public fun applying(accepted: Collection<Edit>): String {
        val chosen = accepted.toSet()
        require(chosen.all { it in edits }) { "applying() takes edits of this correction only" }
        val out = StringBuilder(input.length + 16)
        var at = 0
        for (edit in edits) {  // in input order and non-overlapping, as the core returns them
            if (edit !in chosen) continue
            out.append(input, at, edit.start).append(edit.replacement)
            at = edit.end
        }
        return out.append(input, at, input.length).toString()
    }
}

/** A detector's output: one probability per label, in the bundle's label order. */
public data class Prediction(
    public val labels: List<String>,
    public val probabilities: List<Float>,
    public val elapsedNanos: Long,
) {
    public val best: String get() = labels[probabilities.indices.maxBy { probabilities[it] }]

    public fun probability(label: String): Float {
        val i = labels.indexOf(label)
        require(i >= 0) { "no label \"$label\" in ${labels.joinToString()}" }
        return probabilities[i]
    }
}
