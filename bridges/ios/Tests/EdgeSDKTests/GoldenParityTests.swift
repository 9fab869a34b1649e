import EdgeSDK
import Foundation
import XCTest

/// The Swift layer gives exactly what the Python reference gave (`edge-sdk golden`): corrected text, every
/// edit's span (as String.Index, UTF-16 and UTF-8), original, replacement and kind, skipped sentences and the
/// sentence count, for paragraphs, emoji, RTL scripts, combining marks and over-long sentences.
final class GoldenParityTests: XCTestCase {
    struct Header: Decodable {
        let bundle_digest: String
        let backend: String
        let quantization: String
    }

    struct GoldenEdit: Decodable {
        let utf8: [Int]
        let utf16: [Int]
        let original: String
        let replacement: String
        let kind: String
    }

    struct GoldenSkip: Decodable {
        let utf16: [Int]
        let reason: String
    }

    struct GoldenCorrection: Decodable {
        let text: String
        let edits: [GoldenEdit]
        let skipped: [GoldenSkip]
    }

    struct Record: Decodable {
        let id: Int
        let group: String
        let text: String
        let sentences: [Ignored]
        let correction: GoldenCorrection
    }

    /// Comparable summaries of one correction, Python's and Swift's.
    struct Summary: Equatable, CustomStringConvertible {
        let text: String
        let edits: [String]
        let skipped: [String]
        let sentences: Int
        var description: String { "text \(text.debugDescription), edits \(edits), skipped \(skipped), \(sentences) sentences" }
    }

    static func expected(_ record: Record) -> Summary {
        Summary(text: record.correction.text,
                edits: record.correction.edits.map {
                    "\($0.utf16) \($0.utf8) \($0.original.debugDescription)→\($0.replacement.debugDescription) \($0.kind)"
                },
                skipped: record.correction.skipped.map { "\($0.utf16) \($0.reason)" },
                sentences: record.sentences.count)
    }

    static func actual(_ result: Correction) -> Summary {
        Summary(text: result.text,
                edits: result.edits.map {
                    "\([$0.utf16Start, $0.utf16End]) \([$0.utf8Start, $0.utf8End]) \($0.original.debugDescription)→"
                        + "\($0.replacement.debugDescription) \($0.kind.rawValue)"
                },
                skipped: result.skipped.map { "\([$0.utf16Start, $0.utf16End]) \($0.reason)" },
                sentences: result.sentenceCount)
    }

    /// The spans mean the same in every index space: String.Index, UTF-16 (NSRange), UTF-8; and the edits
    /// rebuild the corrected text.
    static func consistent(_ result: Correction) -> Bool {
        let input = result.input
        let nsInput = NSString(string: input)
        for edit in result.edits {
            let byScalars = String(String.UnicodeScalarView(input.unicodeScalars[edit.range]))
            let byUTF16 = nsInput.substring(with: edit.nsRange)
            let utf8 = Array(input.utf8)[edit.utf8Start..<edit.utf8End]
            let byUTF8 = String(decoding: utf8, as: UTF8.self)
            let offset = input.utf16.distance(from: input.startIndex, to: edit.range.lowerBound)
            guard byScalars == edit.original, byUTF16 == edit.original, byUTF8 == edit.original,
                  offset == edit.utf16Start else { return false }
        }
        return result.applying(result.edits) == result.text
    }

    func testCorrectionsEqualThePythonReference() throws {
        var groups = Set<String>()
        var surrogatePairs = 0, rightToLeft = 0, combining = 0, inCluster = 0, checked = 0
        for file in try TestEnvironment.goldenFiles() {
            let (header, records) = try TestEnvironment.jsonLines(file, header: Header.self, records: Record.self)
            // The runtime the goldens were written with (executorch; coreml on macOS), run by this platform.
            let corrector = try GrammarCorrector(bundle: try TestEnvironment.bundle(), options: OpenOptions(
                backend: header.backend, quantization: header.quantization, runner: TestEnvironment.runner))
            XCTAssertEqual(corrector.info.digest, header.bundle_digest, "golden file of another bundle")
            XCTAssertEqual(corrector.artifact.quantization, header.quantization)
            var mismatches: [String] = []
            for record in records {
                let text = record.text
                groups.insert(record.group)
                let scalars = text.unicodeScalars
                if scalars.contains(where: { $0.value > 0xFFFF }) { surrogatePairs += 1 }
                if scalars.contains(where: { (0x0590...0x08FF).contains($0.value) || (0xFB1D...0xFEFF).contains($0.value) }) {
                    rightToLeft += 1
                }
                if scalars.contains(where: { $0.properties.generalCategory == .nonspacingMark }) { combining += 1 }
                let result = try corrector.correctBlocking(text)
                // Edits inside a grapheme cluster (a combining mark on its own) are where String.Index
                // arithmetic by Character would go wrong: count them to know they were checked.
                inCluster += result.edits.filter {
                    $0.range.lowerBound.samePosition(in: text) == nil || $0.range.upperBound.samePosition(in: text) == nil
                }.count
                let want = Self.expected(record), got = Self.actual(result)
                if got != want || !Self.consistent(result) || result.input != text {
                    mismatches.append("input \(record.id) \(text.debugDescription):\n  swift  \(got)\n  python \(want)")
                }
            }
            print("golden parity \(file.lastPathComponent) (\(header.backend)/\(header.quantization)): \(records.count) inputs, "
                  + "\(mismatches.count) mismatches")
            XCTAssertEqual(mismatches.count, 0, mismatches.prefix(10).joined(separator: "\n"))
            checked += records.count
        }
        print("golden parity: \(checked) inputs, \(surrogatePairs) with surrogate pairs, \(rightToLeft) right-to-left, "
              + "\(combining) with combining marks, \(inCluster) edits inside a grapheme cluster, groups \(groups.sorted())")
        XCTAssertGreaterThanOrEqual(checked, 300, "the golden subset is too small to mean anything")
        XCTAssertGreaterThan(surrogatePairs, 0, "no input with UTF-16 surrogate pairs (emoji) was checked")
        XCTAssertGreaterThan(rightToLeft, 0, "no right-to-left input was checked")
        XCTAssertGreaterThan(combining, 0, "no input with combining marks was checked")
        XCTAssertTrue(groups.isSuperset(of: ["empty", "unicode", "scripts", "paragraph", "long", "test_src"]), "\(groups)")
    }

    func testAsyncAndBlockingCallsAgree() async throws {
        let (_, records) = try TestEnvironment.jsonLines(try TestEnvironment.goldenFiles()[0], header: Header.self,
                                                        records: Record.self)
        let texts = records.map(\.text).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.prefix(20)
        let corrector = try GrammarCorrector(bundle: try TestEnvironment.bundle(), options: OpenOptions(runner: TestEnvironment.runner))
        var blocking: [Correction] = [], awaited: [Correction] = []
        for text in texts { blocking.append(try corrector.correctBlocking(text)) }
        for text in texts { awaited.append(try await corrector.correct(text)) }
        XCTAssertEqual(blocking, awaited)
        XCTAssertEqual(blocking.count, 20)
    }
}
