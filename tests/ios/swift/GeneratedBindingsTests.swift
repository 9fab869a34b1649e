import EdgeSDK
import Foundation
import XCTest

/// `edge-sdk bindings --swift` output used as an app uses it: constants equal the bundle's manifest,
/// corrections run, another bundle's artifact is refused naming both hashes, the cascade class works.
final class GeneratedBindingsTests: XCTestCase {
    private func env(_ name: String) throws -> URL {
        let value = try XCTUnwrap(ProcessInfo.processInfo.environment[name], "\(name) is not set: run through pytest tests/ios")
        return URL(fileURLWithPath: value)
    }

    private func readManifest(_ bundle: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: bundle.appendingPathComponent("manifest.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testConstantsAreTheManifests() throws {
        let bundle = try env("EDGE_SDK_TEST_BUNDLE")
        let manifest = try readManifest(bundle)
        XCTAssertEqual(GrammarCorrector.bundleName, manifest["name"] as? String)
        XCTAssertEqual(GrammarCorrector.resourceName, manifest["name"] as? String)
        XCTAssertEqual(GrammarCorrector.bundleVersion, manifest["version"] as? String)
        XCTAssertEqual(GrammarCorrector.schemaVersion, manifest["schema_version"] as? Int)
        XCTAssertEqual(GrammarCorrector.family, "edgeformer")
        let artifacts = try XCTUnwrap(manifest["artifacts"] as? [[String: Any]])
        let artifact = try XCTUnwrap(artifacts.first { $0["file"] as? String == GrammarCorrector.artifactFile })
        XCTAssertEqual(GrammarCorrector.artifactSHA256, artifact["sha256"] as? String)
        XCTAssertEqual(GrammarCorrector.backend, artifact["backend"] as? String)
        XCTAssertEqual(GrammarCorrector.quantization, artifact["quantization"] as? String)
        XCTAssertEqual(GrammarCorrector.artifactSizeBytes, (artifact["size_bytes"] as? NSNumber)?.uint64Value)
        let generation = try XCTUnwrap(manifest["generation"] as? [String: Any])
        XCTAssertEqual(GrammarCorrector.maxSourceLen, generation["max_source_len"] as? Int)
        XCTAssertEqual(GrammarCorrector.maxTargetLen, generation["max_target_len"] as? Int)
        XCTAssertEqual(GrammarCorrector.decoding, generation["strategy"] as? String)
        let detector = try readManifest(try env("EDGE_SDK_TEST_DETECTOR"))
        XCTAssertEqual(TinyDetector.labels, detector["labels"] as? [String])
        XCTAssertEqual(TinyDetector.bundleName, detector["name"] as? String)
    }

    func testTheGeneratedClassCorrects() async throws {
        let url = try env("EDGE_SDK_TEST_BUNDLE")
        let result = try await GrammarCorrector(bundle: url).correct("😀 I has a apple.")
        XCTAssertTrue(result.changed, "the shipped model fixes this sentence")
        XCTAssertEqual(result.applying(result.edits), result.text)
        let corrector = try GrammarCorrector(bundle: url)
        XCTAssertEqual(corrector.info.digest, GrammarCorrector.bundleDigest)
        XCTAssertEqual(corrector.corrector.artifact.sha256, GrammarCorrector.artifactSHA256)
        XCTAssertEqual(try corrector.correctBlocking("😀 I has a apple."), result)
    }

    func testABundleWithAnotherArtifactIsRefusedNamingBothHashes() throws {
        let other = try env("EDGE_SDK_TEST_OTHER_BUNDLE")
        do {
            _ = try GrammarCorrector(bundle: other)
            XCTFail("a bundle with another artifact was opened")
        } catch let error as EdgeSDKError {
            XCTAssertEqual(error.code, .bundle)
            XCTAssertTrue(error.message.contains(GrammarCorrector.artifactSHA256), error.message)
            let otherSHA = try XCTUnwrap(EdgeSDK.GrammarCorrector(
                bundle: other, options: OpenOptions(quantization: GrammarCorrector.quantization, runner: .core))
                .artifact.sha256)
            XCTAssertTrue(error.message.contains(otherSHA), error.message)
        }
        // An app bundle without the folder says what to add.
        do {
            _ = try GrammarCorrector(in: Foundation.Bundle(path: NSTemporaryDirectory()) ?? .main)
            XCTFail("opened without a bundle folder")
        } catch let error as EdgeSDKError {
            XCTAssertTrue(error.message.contains(GrammarCorrector.resourceName), error.message)
        }
    }

    func testTheGeneratedCascade() async throws {
        let corrector = try GrammarCorrector(bundle: try env("EDGE_SDK_TEST_BUNDLE"))
        let detector = try TinyDetector(bundle: try env("EDGE_SDK_TEST_DETECTOR"))
        // Threshold 0: every sentence reaches the corrector, so the result is the corrector's own.
        let cascade = try GrammarCorrectorCascade(corrector: corrector, detector: detector, threshold: 0)
        let text = "I has a apple. This sentence is already correct."
        let result = try await cascade.correct(text)
        XCTAssertTrue(result.correctorRan)
        XCTAssertNotNil(result.errorProbability)
        XCTAssertEqual(result.text, try corrector.correctBlocking(text).text)
        XCTAssertEqual(GrammarCorrectorCascade.errorLabel, "error")
        let prediction = try await detector.classify(text)
        XCTAssertEqual(prediction.labels, TinyDetector.labels)
    }
}
