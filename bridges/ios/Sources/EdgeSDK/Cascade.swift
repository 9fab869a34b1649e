import CEdgeSDK
import Foundation

/// The detector decides, per sentence, whether the corrector runs: sentences it passes come back unchanged
/// at a fraction of the cost. Holds both models (they stay usable on their own); calls into the cascade and
/// into either model are serialised.
public final class Cascade: Sendable {
    public let detector: ErrorDetector
    public let corrector: GrammarCorrector
    public let options: CascadeOptions
    private let handle: CascadeHandle

    public init(detector: ErrorDetector, corrector: GrammarCorrector, options: CascadeOptions = CascadeOptions()) throws {
        self.detector = detector
        self.corrector = corrector
        self.options = options
        handle = try NativeModel.locking(detector.model, corrector.model) {
            try CascadeHandle(detector: detector.model, corrector: corrector.model, options: options)
        }
    }

    public func correct(_ text: String) async throws -> Correction {
        try await offloaded { [self] in try correctBlocking(text) }
    }

    public func correctBlocking(_ text: String) throws -> Correction {
        try NativeModel.locking(detector.model, corrector.model) {
            try corrector.model.unlocked { _ in
                let started = monotonicNanoseconds()
                var result: OpaquePointer?
                let status = NativeResults.withUTF8(text) { edge_sdk_cascade_correct(handle.pointer, $0, $1, &result) }
                defer { edge_sdk_correction_free(result) }
                let elapsed = monotonicNanoseconds() - started
                return (status, result.map { NativeResults.correction($0, input: text, cascade: true, elapsed: elapsed) })
            }
        }
    }
}

/// The core's cascade, which borrows both models: the owning ``Cascade`` keeps them alive and locked.
private final class CascadeHandle: @unchecked Sendable {  // used only under both models' locks
    let pointer: OpaquePointer

    init(detector: NativeModel, corrector: NativeModel, options: CascadeOptions) throws {
        var native = edge_sdk_cascade_default_options()
        native.threshold = options.threshold
        var out: OpaquePointer?
        let status = options.errorLabel.withCString { label in
            native.error_label = label
            return edge_sdk_cascade_open(detector.rawPointer, corrector.rawPointer, &native, &out)
        }
        try check(status)
        pointer = out!
    }

    deinit { edge_sdk_cascade_free(pointer) }
}
