import Foundation

/// What ``GrammarCorrector/correct(_:)`` returns: the corrected text and, for each change, where it is in the
/// input, so an app can underline it and let the user accept or reject it.
public struct Correction: Sendable, Equatable {
    /// The text that was corrected, exactly as passed in.
    public let input: String
    /// The corrected text: ``input`` with every edit applied.
    public let text: String
    /// The changes, in input order, not overlapping.
    public let edits: [Edit]
    /// Sentences returned exactly as typed, and why (too long for the model, no end, ...).
    public let skipped: [SkippedSentence]
    /// How many sentences the input was split into; divide latency by it for a per-sentence figure.
    public let sentenceCount: Int
    /// Cascades only: the highest error probability the detector gave a sentence (else `nil`).
    public let errorProbability: Float?
    /// Cascades only: whether the corrector ran on at least one sentence (always `true` otherwise).
    public let correctorRan: Bool
    /// Wall time of the call in the core, nanoseconds (not part of equality).
    public let elapsedNanoseconds: UInt64

    /// Whether any edit was made.
    public var changed: Bool { !edits.isEmpty }

    /// ``input`` with only `accepted` applied (the edits the user kept); `applying(edits)` is ``text``.
    public func applying<S: Sequence>(_ accepted: S) -> String where S.Element == Edit {
        let scalars = input.unicodeScalars
        var result = String.UnicodeScalarView()
        var cursor = scalars.startIndex
        for edit in accepted.sorted(by: { $0.utf16Start < $1.utf16Start }) where edit.range.lowerBound >= cursor {
            result.append(contentsOf: scalars[cursor..<edit.range.lowerBound])
            result.append(contentsOf: edit.replacement.unicodeScalars)
            cursor = edit.range.upperBound
        }
        result.append(contentsOf: scalars[cursor...])
        return String(result)
    }

    public static func == (lhs: Correction, rhs: Correction) -> Bool {
        lhs.input == rhs.input && lhs.text == rhs.text && lhs.edits == rhs.edits && lhs.skipped == rhs.skipped
            && lhs.sentenceCount == rhs.sentenceCount && lhs.errorProbability == rhs.errorProbability
            && lhs.correctorRan == rhs.correctorRan
    }
}

/// One change: ``original`` (a span of the input) becomes ``replacement``.
public struct Edit: Sendable, Hashable {
    /// What kind of change it is, for the app's wording and colours.
    public enum Kind: String, Sendable, CaseIterable {
        case spelling, punctuation, word, insertion, deletion
    }

    /// The span of ``Correction/input``; empty for an insertion. Unicode-scalar aligned: a combining mark can
    /// be edited on its own, so slice with `input.unicodeScalars[range]` or `input.utf16`.
    public let range: Range<String.Index>
    /// The same span in UTF-16 code units (NSString / UITextView / NSAttributedString offsets).
    public let utf16Start: Int
    public let utf16End: Int
    /// The same span in UTF-8 bytes.
    public let utf8Start: Int
    public let utf8End: Int
    /// The input's text in the span.
    public let original: String
    /// What replaces it ("" for a deletion).
    public let replacement: String
    public let kind: Kind

    /// The span as an `NSRange`, for `NSAttributedString` attributes and `UITextView` selections.
    public var nsRange: NSRange { NSRange(location: utf16Start, length: utf16End - utf16Start) }
}

/// A sentence the corrector returned as typed (docs/text-handling.md, "Guard").
public struct SkippedSentence: Sendable, Hashable {
    public let range: Range<String.Index>
    public let utf16Start: Int
    public let utf16End: Int
    /// "too_long", "no_end", "repetition", ...
    public let reason: String

    public var nsRange: NSRange { NSRange(location: utf16Start, length: utf16End - utf16Start) }
}

/// What ``ErrorDetector/classify(_:)`` returns: one probability per label of the bundle.
public struct Prediction: Sendable, Equatable {
    /// The label with the highest probability.
    public let label: String
    /// The bundle's labels in logit order.
    public let labels: [String]
    /// `probabilities[i]` belongs to `labels[i]`; they sum to 1.
    public let probabilities: [Float]

    /// The probability of `label`, or `nil` if the bundle has no such label.
    public func probability(of label: String) -> Float? {
        labels.firstIndex(of: label).map { probabilities[$0] }
    }
}
