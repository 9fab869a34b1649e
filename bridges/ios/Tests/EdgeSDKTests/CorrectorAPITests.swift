import EdgeSDK
import Foundation
import XCTest

/// The app-facing API on the real bundle: what a correction holds, bad bundles and bad input refused with the
/// core's code and a clear message, and concurrent use of one corrector.
final class CorrectorAPITests: XCTestCase {
    private func corrector(_ options: OpenOptions = OpenOptions(runner: TestEnvironment.runner)) throws -> GrammarCorrector {
        try GrammarCorrector(bundle: try TestEnvironment.bundle(), options: options)
    }

    func testACorrectionIsReadyForUnderlines() throws {
        let input = "😀 I has a apple."
        let result = try corrector().correctBlocking(input)
        XCTAssertTrue(result.changed, "the shipped model fixes this sentence")
        XCTAssertEqual(result.input, input)
        XCTAssertEqual(result.sentenceCount, 1)
        XCTAssertNil(result.errorProbability, "only cascades have a detector probability")
        XCTAssertTrue(result.correctorRan)
        XCTAssertGreaterThan(result.elapsedNanoseconds, 0)
        for edit in result.edits {
            // The emoji is two UTF-16 units and one Character: the spans must count it right in each view.
            XCTAssertGreaterThanOrEqual(edit.utf16Start, 3)
            XCTAssertEqual(NSString(string: input).substring(with: edit.nsRange), edit.original)
            XCTAssertEqual(String(input[edit.range]), edit.original)
        }
        XCTAssertEqual(result.applying([]), input)
        XCTAssertEqual(result.applying(result.edits), result.text)
        // Accepting only the first edit changes only its span.
        let first = result.edits[0]
        let once = result.applying([first])
        XCTAssertEqual(once, String(input[..<first.range.lowerBound]) + first.replacement
                       + String(input[first.range.upperBound...]))
    }

    func testTheSpellingSwitchOnABundleWithoutAStage() throws {
        // The default bundle writes "spelling": null: nothing to switch on, and asking is no error.
        let corrector = try corrector()
        XCTAssertFalse(corrector.spelling)
        try corrector.setSpelling(true)
        XCTAssertFalse(corrector.spelling)
        try corrector.setSpelling(false)
        XCTAssertFalse(corrector.spelling)
    }

    func testInfoComesFromTheManifest() throws {
        let corrector = try corrector()
        XCTAssertEqual(corrector.info.family, "edgeformer")
        XCTAssertEqual(corrector.info.name, "grammar-corrector")
        XCTAssertEqual(corrector.info.digest.count, 64)
        XCTAssertEqual(corrector.artifact.backend, "executorch")
        XCTAssertEqual(corrector.artifact.quantization, "int8", "int8 is listed first: the one picked by default")
        XCTAssertTrue(FileManager.default.fileExists(atPath: corrector.artifact.url.path))
        XCTAssertTrue(corrector.info.manifestJSON.contains("\"artifacts\""))
        XCTAssertEqual(NativeCoreInfo.abiVersion, 1)
        XCTAssertFalse(NativeCoreInfo.version.isEmpty)
    }

    func testEmptyAndWhitespaceTextComeBackUnchanged() throws {
        let corrector = try corrector()
        for text in ["", " ", "\n\n", "\u{200B}"] {
            let result = try corrector.correctBlocking(text)
            XCTAssertEqual(result.text, text)
            XCTAssertTrue(result.edits.isEmpty)
        }
        XCTAssertEqual(try corrector.correctBlocking("").sentenceCount, 0)
    }

    func testTextOverTheLimitIsAnInputError() throws {
        let corrector = try corrector()
        let huge = String(repeating: "a", count: NativeCoreInfo.maxTextCharacters + 1)
        let error = edgeSDKError(try corrector.correctBlocking(huge))
        guard case .input(let code, let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(code, .invalidInput)
        XCTAssertTrue(message.contains("one call takes at most"), message)
        // The corrector stays usable after refusing input.
        XCTAssertEqual(try corrector.correctBlocking("Fine.").text, "Fine.")
    }

    func testAMissingBundleIsABundleError() throws {
        let missing = try TestEnvironment.workFolder("missing").appendingPathComponent("nothing-here")
        let error = edgeSDKError(try GrammarCorrector(bundle: missing))
        XCTAssertEqual(error?.code, .bundle)
        XCTAssertTrue(error?.message.contains("nothing-here") ?? false, error?.message ?? "")
        XCTAssertEqual(error?.errorDescription, error?.message)
    }

    func testATamperedBundleIsRefusedAtOpen() throws {
        let copy = try TestEnvironment.copy(try TestEnvironment.bundle(), as: "tampered")
        let tokenizer = copy.appendingPathComponent("tokenizer.model")
        var bytes = try Data(contentsOf: tokenizer)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: tokenizer)
        let error = edgeSDKError(try GrammarCorrector(bundle: copy))
        guard case .bundle(let code, let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(code, .bundle)
        XCTAssertTrue(message.contains("tokenizer.model"), message)
        XCTAssertTrue(message.contains("does not match the manifest"), message)
    }

    func testADetectorBundleIsNotACorrector() throws {
        let error = edgeSDKError(try GrammarCorrector(bundle: try TestEnvironment.detector()))
        XCTAssertEqual(error?.code, .wrongModel)
        let back = edgeSDKError(try ErrorDetector(bundle: try TestEnvironment.bundle()))
        XCTAssertEqual(back?.code, .wrongModel)
    }

    func testAnArtifactTheBundleLacksIsNotFound() throws {
        let error = edgeSDKError(try corrector(OpenOptions(quantization: "int4", runner: TestEnvironment.runner)))
        XCTAssertEqual(error?.code, .notFound)
        XCTAssertTrue(error?.message.contains("int4") ?? false, error?.message ?? "")
    }

    func testAnotherArtifactThanExpectedIsRefusedNamingBothHashes() throws {
        let expected = String(repeating: "ab", count: 32)
        let error = edgeSDKError(try corrector(OpenOptions(runner: TestEnvironment.runner, expectedArtifactSHA256: expected)))
        guard case .bundle(_, let message)? = error else { return XCTFail("\(String(describing: error))") }
        let actual = try corrector().artifact.sha256
        XCTAssertTrue(message.contains(expected) && message.contains(actual), message)
        // The right hash (in any case) opens.
        XCTAssertNoThrow(try corrector(OpenOptions(runner: TestEnvironment.runner, expectedArtifactSHA256: actual.uppercased())))
    }

    func testAnotherBundleDigestThanExpectedIsRefused() throws {
        let error = edgeSDKError(try corrector(OpenOptions(runner: TestEnvironment.runner, expectedDigest: String(repeating: "0", count: 64))))
        XCTAssertEqual(error?.code, .bundle)
        let digest = try corrector().info.digest
        XCTAssertNoThrow(try corrector(OpenOptions(runner: TestEnvironment.runner, expectedDigest: "sha256:" + digest)))
    }

    func testConcurrentCallsOnOneCorrectorGiveTheSequentialResults() async throws {
        let corrector = try corrector()
        let texts = ["I has a apple.", "We was going to the park yesterday.", "He don't like the the movie.",
                     "The informations are very usefull.", "This sentence is already correct.", "😀 She go home.",
                     "Cafe\u{301} is were we meet.", "שלום. They was happy!"]
        let sequential = try texts.map { try corrector.correctBlocking($0) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, Correction).self) { group in
            for round in 0..<3 {
                for (i, text) in texts.enumerated() {
                    group.addTask { (i, try await corrector.correct(text)) }
                    _ = round
                }
            }
            var results: [(Int, Correction)] = []
            for try await result in group { results.append(result) }
            return results
        }
        XCTAssertEqual(concurrent.count, texts.count * 3)
        for (i, result) in concurrent { XCTAssertEqual(result, sequential[i]) }
    }

    func testACancelledTaskDoesNotStartTheModel() async throws {
        let corrector = try corrector()
        let task = Task {
            try await Task.sleep(nanoseconds: 50_000_000)
            return try await corrector.correct("I has a apple.")
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled task corrected anyway")
        } catch is CancellationError {}
    }
}
