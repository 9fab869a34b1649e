import CEdgeSDK
import Foundation

/// One corrector or classifier of the core, and the lock that serialises calls into it (the core allows one
/// call at a time per instance). Freed with its owner; a ``Cascade`` holds its models, so they outlive it.
final class NativeModel: @unchecked Sendable {  // every use of `pointer` holds `lock`
    enum Kind: String {
        case corrector, detector
    }

    let kind: Kind
    let info: BundleInfo
    let artifact: ArtifactInfo
    private let pointer: OpaquePointer
    private let runner: RunnerBox?  // the core holds its own retain; this one reads failures
    private let lock = NSLock()

    private init(kind: Kind, info: BundleInfo, artifact: ArtifactInfo, pointer: OpaquePointer, runner: RunnerBox?) {
        self.kind = kind
        self.info = info
        self.artifact = artifact
        self.pointer = pointer
        self.runner = runner
    }

    deinit {
        switch kind {
        case .corrector: edge_sdk_corrector_free(pointer)
        case .detector: edge_sdk_classifier_free(pointer)
        }
    }

    /// Opens and checks the bundle at `url`, then loads its `kind` model with `options`.
    static func open(_ kind: Kind, bundle url: URL, options: OpenOptions) throws -> NativeModel {
        guard edge_sdk_swift_abi_matches() == 1 else {
            throw EdgeSDKError.runtime(code: .internal, message: "the linked edge-sdk core (ABI \(edge_sdk_abi_version())) "
                                       + "is not the one this package was built for (ABI \(EDGE_SDK_ABI_VERSION))")
        }
        guard url.isFileURL else {
            throw EdgeSDKError.bundle(code: .invalidArgument, message: "\(url): a bundle is a folder on this device")
        }
        let path = url.path
        var bundle: OpaquePointer?
        var bundleOptions = edge_sdk_bundle_default_options()
        bundleOptions.verify_checksums = options.verifyChecksums ? 1 : 0
        try withOptionalCString(options.expectedDigest) { digest in
            bundleOptions.expected_digest = digest
            try check(edge_sdk_bundle_open(path, &bundleOptions, &bundle))
        }
        defer { edge_sdk_bundle_free(bundle) }
        let info = BundleInfo(bundle!, url: url)

        var found = edge_sdk_artifact_info()
        try withOptionalCString(options.quantization) { quantization in
            try check(edge_sdk_bundle_artifact(bundle, options.backend, quantization, &found))
        }
        let artifact = ArtifactInfo(found)
        if let expected = options.expectedArtifactSHA256, expected.lowercased() != artifact.sha256.lowercased() {
            throw EdgeSDKError.bundle(code: .bundle, message:
                "\(path): \(artifact.file) has SHA-256 \(artifact.sha256), but this \(kind.rawValue) was generated for "
                + "an artifact with SHA-256 \(expected.lowercased()): ship the bundle the bindings were generated "
                + "from, or regenerate them (`edge-sdk bindings`) for this one")
        }

        var box: RunnerBox?
        if let provider = options.runner.provider(for: artifact.backend) {
            do {
                switch kind {
                case .corrector: box = RunnerBox(corrector: try provider.makeCorrectorRunner(artifact: artifact, bundle: info))
                case .detector: box = RunnerBox(classifier: try provider.makeClassifierRunner(artifact: artifact, bundle: info))
                }
            } catch let error as EdgeSDKError {
                throw error
            } catch {
                throw EdgeSDKError.runtime(code: .runtime, message: "\(path): the \(provider.backend) runner could not "
                                           + "load \(artifact.file): \(error)")
            }
        }
        var model: OpaquePointer?
        func load(_ runner: UnsafePointer<edge_sdk_runner_callbacks>?) -> edge_sdk_status {
            options.backend.withCString { backend in
                withOptionalCString(options.quantization) { quantization in
                    var modelOptions = edge_sdk_model_default_options()
                    modelOptions.backend = backend
                    modelOptions.quantization = quantization
                    modelOptions.runner = runner
                    switch kind {
                    case .corrector: return edge_sdk_corrector_open(bundle, &modelOptions, &model)
                    case .detector: return edge_sdk_classifier_open(bundle, &modelOptions, &model)
                    }
                }
            }
        }
        let status: edge_sdk_status
        if var callbacks = box?.callbacks() {  // from here the core releases the box, even if the open fails
            status = withUnsafePointer(to: &callbacks) { load($0) }
        } else {
            status = load(nil)
        }
        try check(status, path)
        return NativeModel(kind: kind, info: info, artifact: artifact, pointer: model!, runner: box)
    }

    /// `body(pointer)` with this model to itself; throws the core's error (and a runner's, if one failed).
    func call<T>(_ body: (OpaquePointer) -> (edge_sdk_status, T?)) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try unlocked(body)
    }

    /// For a cascade that already holds this model's lock.
    func unlocked<T>(_ body: (OpaquePointer) -> (edge_sdk_status, T?)) throws -> T {
        let (status, value) = body(pointer)
        guard status == EDGE_SDK_OK, let value else {
            var error = EdgeSDKError.fromCore(status)
            if case .runtime(let code, let message) = error, let failure = runner?.failure {
                error = .runtime(code: code, message: "\(message): \(failure)")
            }
            throw error
        }
        return value
    }

    /// Both models' locks, always taken in the same order so two cascades sharing models cannot deadlock.
    static func locking<T>(_ a: NativeModel, _ b: NativeModel, _ body: () throws -> T) rethrows -> T {
        let (first, second) = ObjectIdentifier(a) < ObjectIdentifier(b) ? (a, b) : (b, a)
        first.lock.lock()
        defer { first.lock.unlock() }
        if first !== second { second.lock.lock() }
        defer { if first !== second { second.lock.unlock() } }
        return try body()
    }

    var rawPointer: OpaquePointer { pointer }  // for Cascade's open: it borrows, never frees
}

/// `body` with a C string for `value`, or with NULL.
func withOptionalCString<R>(_ value: String?, _ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
    guard let value else { return try body(nil) }
    return try value.withCString { try body($0) }
}
