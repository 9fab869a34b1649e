/// How to open a corrector or detector.
public struct OpenOptions: Sendable {
    /// The artifact's backend: "executorch" (default), "coreml", "coreml-ios16", "tflite".
    public var backend: String
    /// The artifact's quantization ("int8", "fp32", ...); `nil` takes the first the bundle lists.
    public var quantization: String?
    /// Who runs the model (default ``ModelRunner/automatic``).
    public var runner: ModelRunner
    /// Compare every file's size and SHA-256 with the manifest at open (default). Turn off only for a
    /// bundle the app verified when it installed it; structure checks always run.
    public var verifyChecksums: Bool
    /// The bundle digest the app was built for (generated bindings pass theirs): any other bundle is refused.
    public var expectedDigest: String?
    /// The artifact's SHA-256 the app was built for: an artifact with another hash is refused at open, with
    /// a message naming both.
    public var expectedArtifactSHA256: String?

    public init(backend: String = "executorch", quantization: String? = nil, runner: ModelRunner = .automatic,
                verifyChecksums: Bool = true, expectedDigest: String? = nil, expectedArtifactSHA256: String? = nil) {
        self.backend = backend
        self.quantization = quantization
        self.runner = runner
        self.verifyChecksums = verifyChecksums
        self.expectedDigest = expectedDigest
        self.expectedArtifactSHA256 = expectedArtifactSHA256
    }
}

/// Who executes the model's methods; tokenizer, decode loop and edits always run in the core.
public enum ModelRunner: Sendable {
    /// The platform's runner for the backend where it is linked (ExecuTorch's Swift package for
    /// "executorch", Core ML for "coreml" and "coreml-ios16"), else the core's own ExecuTorch runner.
    case automatic
    /// The core's own ExecuTorch runner (Linux, and cores built with ExecuTorch).
    case core
    /// A runner of the app's (or a test's).
    case custom(any RunnerProvider)

    /// The provider to use for `backend`, or `nil` for the core's own runner.
    func provider(for backend: String) -> (any RunnerProvider)? {
        switch self {
        case .core: return nil
        case .custom(let provider): return provider
        case .automatic: return Runners.provider(for: backend)
        }
    }
}

/// How a ``Cascade`` decides which sentences reach the corrector.
public struct CascadeOptions: Sendable, Equatable {
    /// The detector label meaning "this sentence has an error".
    public var errorLabel: String
    /// The corrector runs on sentences whose error probability is at least this.
    public var threshold: Float

    public init(errorLabel: String = "error", threshold: Float = 0.5) {
        self.errorLabel = errorLabel
        self.threshold = threshold
    }
}
