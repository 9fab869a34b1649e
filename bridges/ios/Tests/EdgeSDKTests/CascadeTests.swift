import EdgeSDK
import Foundation
import XCTest

/// The detector and the cascade against Python's TextClassifier and Cascade on the same bundles.
final class CascadeTests: XCTestCase {
    struct Header: Decodable {
        let threshold: Float
        let detector_quantization: String
        let corrector_quantization: String
    }

    struct GoldenEdit: Decodable {
        let utf16: [Int]
        let replacement: String
    }

    struct Record: Decodable {
        let text: String
        let probabilities: [String: Float]
        let corrected_text: String
        let corrector_ran: Bool
        let error_probability: Float
        let edits: [GoldenEdit]
    }

    private func golden() throws -> (Header, [Record]) {
        try TestEnvironment.jsonLines(try TestEnvironment.cascadeGolden(), header: Header.self, records: Record.self)
    }

    func testDetectorProbabilitiesEqualPython() async throws {
        let (header, records) = try golden()
        let detector = try ErrorDetector(bundle: try TestEnvironment.detector(),
                                         options: OpenOptions(quantization: header.detector_quantization, runner: TestEnvironment.runner))
        XCTAssertEqual(detector.info.family, "proformer")
        for record in records {
            let prediction = try detector.classifyBlocking(record.text)
            XCTAssertEqual(Set(prediction.labels), Set(record.probabilities.keys))
            for (label, want) in record.probabilities {
                let got = try XCTUnwrap(prediction.probability(of: label))
                XCTAssertEqual(got, want, accuracy: 1e-6, "\(record.text.debugDescription): \(label)")
            }
            XCTAssertEqual(prediction.probabilities.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertEqual(prediction.label, record.probabilities.max { $0.value < $1.value }?.key)
        }
        let awaited = try await detector.classify(records[0].text)
        XCTAssertEqual(awaited, try detector.classifyBlocking(records[0].text))
    }

    func testCascadeCorrectionsEqualPython() async throws {
        let (header, records) = try golden()
        var detector: ErrorDetector? = try ErrorDetector(
            bundle: try TestEnvironment.detector(), options: OpenOptions(quantization: header.detector_quantization, runner: TestEnvironment.runner))
        var corrector: GrammarCorrector? = try GrammarCorrector(
            bundle: try TestEnvironment.bundle(), options: OpenOptions(quantization: header.corrector_quantization, runner: TestEnvironment.runner))
        let cascade = try Cascade(detector: detector!, corrector: corrector!, options: CascadeOptions(threshold: header.threshold))
        var ran = Set<Bool>()
        for record in records {
            let result = try await cascade.correct(record.text)
            XCTAssertEqual(result.text, record.corrected_text, record.text.debugDescription)
            XCTAssertEqual(result.correctorRan, record.corrector_ran, record.text.debugDescription)
            XCTAssertEqual(try XCTUnwrap(result.errorProbability), record.error_probability, accuracy: 1e-6)
            XCTAssertEqual(result.edits.map { [$0.utf16Start, $0.utf16End] }, record.edits.map(\.utf16))
            XCTAssertEqual(result.edits.map(\.replacement), record.edits.map(\.replacement))
            XCTAssertEqual(result.applying(result.edits), result.text)
            ran.insert(result.correctorRan)
        }
        XCTAssertEqual(ran, [true, false], "the threshold should send some texts to the corrector and keep others")
        // The models stay usable on their own while in a cascade, and the app dropping them first is safe.
        XCTAssertTrue(try corrector!.correctBlocking("I has a apple.").changed)
        corrector = nil
        detector = nil
        XCTAssertEqual(try cascade.correctBlocking(records[0].text).text, records[0].corrected_text)
    }

    func testACascadeAndItsModelsCanBeCalledFromManyTasks() async throws {
        let (header, records) = try golden()
        let detector = try ErrorDetector(bundle: try TestEnvironment.detector(), options: OpenOptions(runner: TestEnvironment.runner))
        let corrector = try GrammarCorrector(bundle: try TestEnvironment.bundle(), options: OpenOptions(runner: TestEnvironment.runner))
        let cascade = try Cascade(detector: detector, corrector: corrector, options: CascadeOptions(threshold: header.threshold))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask {
                    let text = try await cascade.correct(record.text).text
                    XCTAssertEqual(text, record.corrected_text)
                }
                group.addTask { _ = try await corrector.correct(record.text) }
                group.addTask { _ = try await detector.classify(record.text) }
            }
            try await group.waitForAll()
        }
    }

    func testAnUnknownErrorLabelIsRefused() throws {
        let detector = try ErrorDetector(bundle: try TestEnvironment.detector(), options: OpenOptions(runner: TestEnvironment.runner))
        let corrector = try GrammarCorrector(bundle: try TestEnvironment.bundle(), options: OpenOptions(runner: TestEnvironment.runner))
        let error = edgeSDKError(try Cascade(detector: detector, corrector: corrector,
                                             options: CascadeOptions(errorLabel: "no-such-label")))
        XCTAssertNotNil(error)
        XCTAssertTrue(error?.message.contains("no-such-label") ?? false, error?.message ?? "")
    }
}
