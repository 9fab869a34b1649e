import CEdgeSDK
import Foundation

/// Text in and results out of the core: UTF-8 with explicit lengths, offsets turned into `String.Index`.
enum NativeResults {
    /// `body` with `text`'s UTF-8 bytes (Swift strings are always valid Unicode, so the core never sees
    /// invalid UTF-8 from here).
    static func withUTF8<T>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> T) -> T {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty string may have no storage: give the core a valid pointer anyway.
                guard let base = chars.baseAddress else { return "".withCString { body($0, 0) } }
                return body(base, chars.count)
            }
        }
    }

    static func string(_ pointer: UnsafePointer<CChar>?, count: Int) -> String {
        guard let pointer else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    /// The Swift value of a correction the core returned for `input`; frees nothing.
    static func correction(_ result: OpaquePointer, input: String, cascade: Bool, elapsed: UInt64) -> Correction {
        var length = 0
        let text = string(edge_sdk_correction_text(result, &length), count: length)
        let utf16 = input.utf16
        func index(_ offset: Int) -> String.Index { utf16.index(utf16.startIndex, offsetBy: offset) }
        let edits = (0..<edge_sdk_correction_edit_count(result)).map { i -> Edit in
            let edit = edge_sdk_correction_edit(result, i)!.pointee
            return Edit(range: index(edit.utf16_start)..<index(edit.utf16_end),
                        utf16Start: edit.utf16_start, utf16End: edit.utf16_end,
                        utf8Start: edit.utf8_start, utf8End: edit.utf8_end,
                        original: string(edit.original, count: edit.original_len),
                        replacement: string(edit.replacement, count: edit.replacement_len),
                        kind: Edit.Kind(rawValue: String(cString: edit.kind_name)) ?? .word)
        }
        let skipped = (0..<edge_sdk_correction_skipped_count(result)).map { i -> SkippedSentence in
            let skip = edge_sdk_correction_skipped(result, i)!.pointee
            return SkippedSentence(range: index(skip.utf16_start)..<index(skip.utf16_end),
                                   utf16Start: skip.utf16_start, utf16End: skip.utf16_end,
                                   reason: String(cString: skip.reason))
        }
        return Correction(input: input, text: text, edits: edits, skipped: skipped,
                          sentenceCount: edge_sdk_correction_sentence_count(result),
                          errorProbability: cascade ? edge_sdk_correction_error_probability(result) : nil,
                          correctorRan: edge_sdk_correction_corrector_ran(result) != 0, elapsedNanoseconds: elapsed)
    }

    static func prediction(_ result: OpaquePointer) -> Prediction {
        let count = edge_sdk_prediction_label_count(result)
        let labels = (0..<count).map { String(cString: edge_sdk_prediction_label(result, $0)) }
        let probabilities = (0..<count).map { edge_sdk_prediction_probability(result, $0) }
        return Prediction(label: labels[edge_sdk_prediction_best(result)], labels: labels, probabilities: probabilities)
    }
}

/// Runs `body` on a global queue and resumes the caller with its result: the model call blocks a thread for
/// its whole run, which must not be one of Swift concurrency's few cooperative threads (or the main thread).
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try Task.checkCancellation()
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try body() })
        }
    }
}

func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
