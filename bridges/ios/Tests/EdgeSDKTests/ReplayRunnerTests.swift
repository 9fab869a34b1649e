import EdgeSDK
import Foundation
import XCTest

/// The callback-runner path Core ML and ExecuTorch's Swift package take on Apple platforms, run here with a
/// Swift runner that replays model outputs the Python runtime recorded: the core's tokenizer, loop and edits
/// over a platform runner give Python's corrections, and runner failures reach the app as errors.
final class ReplayRunnerTests: XCTestCase {
    struct Step: Decodable {
        let token: Int64
        let position: Int64
        let offset: Int

        init(from decoder: any Decoder) throws {
            var values = try decoder.unkeyedContainer()
            token = try values.decode(Int64.self)
            position = try values.decode(Int64.self)
            offset = try values.decode(Int.self)
        }
    }

    struct Source: Decodable {
        let src: [Int64]
        let steps: [Step]
    }

    struct GoldenEdit: Decodable {
        let utf16: [Int]
        let replacement: String
    }

    struct Text: Decodable {
        let text: String
        let corrected_text: String
        let edits: [GoldenEdit]
    }

    struct Recording: Decodable {
        let quantization: String
        let vocab: Int
        let texts: [Text]
        let sources: [Source]
    }

    struct ReplayError: Error, CustomStringConvertible {
        let description: String
    }

    /// Answers exactly the calls that were recorded, in order; anything else is an error.
    final class ReplayRunner: CorrectorRunner {
        let recording: Recording
        let logits: [Float]
        var current: Source?
        var calls = 0
        var failAtStep: Int64?

        init(recording: Recording, logits: [Float]) {
            self.recording = recording
            self.logits = logits
        }

        func encode(_ ids: UnsafeBufferPointer<Int64>) throws {
            calls += 1
            let src = Array(ids)
            guard let source = recording.sources.first(where: { $0.src == src }) else {
                throw ReplayError(description: "encode of an unrecorded source \(src)")
            }
            current = source
        }

        func decodeStep(token: Int64, position: Int64, logits out: UnsafeMutableBufferPointer<Float>) throws {
            calls += 1
            if position == failAtStep { throw ReplayError(description: "replayed failure at step \(position)") }
            guard let source = current, position < source.steps.count else {
                throw ReplayError(description: "decode_step \(position) after no recorded encode")
            }
            let step = source.steps[Int(position)]
            guard step.token == token, step.position == position, out.count == recording.vocab else {
                throw ReplayError(description: "decode_step(\(token), \(position)) with \(out.count) logits; "
                                  + "recorded (\(step.token), \(step.position)) with \(recording.vocab)")
            }
            let start = step.offset * recording.vocab
            for i in 0..<out.count { out[i] = logits[start + i] }
        }
    }

    struct ReplayProvider: RunnerProvider {
        let make: @Sendable (ArtifactInfo) throws -> any CorrectorRunner
        var backend: String { "executorch" }

        func makeCorrectorRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any CorrectorRunner {
            try make(artifact)
        }

        func makeClassifierRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any ClassifierRunner {
            throw ReplayError(description: "this replay records a corrector only")
        }
    }

    /// Hands one runner object to the test after the provider made it for the core.
    final class Made: @unchecked Sendable {  // set once, by the opening thread, before the test reads it
        weak var runner: ReplayRunner?
        var count = 0
    }

    private func load() throws -> (Recording, [Float]) {
        let folder = try TestEnvironment.replay()
        let recording = try JSONDecoder().decode(Recording.self, from: Data(contentsOf: folder.appendingPathComponent("replay.json")))
        let bytes = try Data(contentsOf: folder.appendingPathComponent("replay.f32"))
        let logits = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        XCTAssertEqual(logits.count % recording.vocab, 0)
        return (recording, logits)
    }

    private func corrector(_ made: Made, _ recording: Recording, _ logits: [Float]) throws -> GrammarCorrector {
        let provider = ReplayProvider { artifact in
            XCTAssertEqual(artifact.backend, "executorch")
            let runner = ReplayRunner(recording: recording, logits: logits)
            made.runner = runner
            made.count += 1
            return runner
        }
        return try GrammarCorrector(bundle: try TestEnvironment.bundle(),
                                    options: OpenOptions(quantization: recording.quantization, runner: .custom(provider)))
    }

    func testReplayedOutputsGiveThePythonCorrections() async throws {
        let (recording, logits) = try load()
        let made = Made()
        var corrector: GrammarCorrector? = try corrector(made, recording, logits)
        XCTAssertEqual(made.count, 1)
        var changed = 0
        for text in recording.texts {
            let result = try await corrector!.correct(text.text)
            XCTAssertEqual(result.text, text.corrected_text, text.text.debugDescription)
            XCTAssertEqual(result.edits.map { [$0.utf16Start, $0.utf16End] }, text.edits.map(\.utf16))
            XCTAssertEqual(result.edits.map(\.replacement), text.edits.map(\.replacement))
            XCTAssertEqual(result.applying(result.edits), result.text)
            if result.changed { changed += 1 }
        }
        XCTAssertGreaterThan(changed, 0, "the recording should include sentences the model changes")
        XCTAssertGreaterThan(made.runner?.calls ?? 0, recording.sources.count, "the core called the Swift runner")
        // The core owns the runner: it is released with the corrector, not before and not twice.
        XCTAssertNotNil(made.runner)
        corrector = nil
        // The last reference may be the dispatch block of the final call, let go just after it resumed us.
        let deadline = Date().addingTimeInterval(5)
        while made.runner != nil, Date() < deadline { try await Task.sleep(nanoseconds: 1_000_000) }
        XCTAssertNil(made.runner, "the runner outlived its corrector")
    }

    func testARunnerFailureIsARuntimeErrorNamingIt() throws {
        let (recording, logits) = try load()
        let made = Made()
        let corrector = try corrector(made, recording, logits)
        made.runner?.failAtStep = 1
        let error = edgeSDKError(try corrector.correctBlocking(recording.texts[0].text))
        guard case .runtime(let code, let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(code, .runtime)
        XCTAssertTrue(message.contains("decode_step") && message.contains("replayed failure at step 1"), message)
        // After a failed call the next one works.
        made.runner?.failAtStep = nil
        XCTAssertEqual(try corrector.correctBlocking(recording.texts[0].text).text, recording.texts[0].corrected_text)
    }

    func testAnUnrecordedSentenceIsAnErrorNotAGuess() throws {
        let (recording, logits) = try load()
        let corrector = try corrector(Made(), recording, logits)
        let error = edgeSDKError(try corrector.correctBlocking("A sentence nobody recorded."))
        XCTAssertTrue(error?.message.contains("unrecorded source") ?? false, error?.message ?? "")
    }

    func testAProviderThatCannotLoadIsARuntimeError() throws {
        let provider = ReplayProvider { artifact in throw ReplayError(description: "no model at \(artifact.file)") }
        let error = edgeSDKError(try GrammarCorrector(bundle: try TestEnvironment.bundle(),
                                                      options: OpenOptions(runner: .custom(provider))))
        XCTAssertEqual(error?.code, .runtime)
        XCTAssertTrue(error?.message.contains("no model at") ?? false, error?.message ?? "")
        let detector = edgeSDKError(try ErrorDetector(bundle: try TestEnvironment.detector(),
                                                      options: OpenOptions(runner: .custom(provider))))
        XCTAssertTrue(detector?.message.contains("records a corrector only") ?? false, detector?.message ?? "")
    }
}
