import CEdgeSDK
import Foundation

/// Says whether a text has errors, with a ProFormer detector bundle (LSH projection features computed by the
/// core, no tokenizer): small and fast enough to run before the corrector on every sentence (``Cascade``).
public final class ErrorDetector: Sendable {
    public let info: BundleInfo
    public let artifact: ArtifactInfo
    let model: NativeModel

    public init(bundle: URL, options: OpenOptions = OpenOptions()) throws {
        model = try NativeModel.open(.detector, bundle: bundle, options: options)
        info = model.info
        artifact = model.artifact
    }

    /// The probability of each label for `text`, off the calling thread.
    public func classify(_ text: String) async throws -> Prediction {
        try await offloaded { [self] in try classifyBlocking(text) }
    }

    /// ``classify(_:)`` on the calling thread.
    public func classifyBlocking(_ text: String) throws -> Prediction {
        try model.call { classifier in
            var result: OpaquePointer?
            let status = NativeResults.withUTF8(text) { edge_sdk_classifier_classify(classifier, $0, $1, &result) }
            defer { edge_sdk_prediction_free(result) }
            return (status, result.map(NativeResults.prediction))
        }
    }
}
