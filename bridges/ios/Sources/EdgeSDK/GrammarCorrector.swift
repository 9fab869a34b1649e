import CEdgeSDK
import Foundation

/// Corrects grammar, spelling and punctuation with an EdgeFormer bundle, on the device.
///
/// ```swift
/// let corrector = try GrammarCorrector(bundle: Bundle.main.url(forResource: "grammar-corrector", withExtension: nil)!)
/// let result = try await corrector.correct("I has a apple.")
/// ```
///
/// Safe to share between tasks and threads: calls into one instance run one at a time, each on a
/// background thread. The model is freed when the last reference goes.
public final class GrammarCorrector: Sendable {
    /// The bundle and artifact in use.
    public let info: BundleInfo
    public let artifact: ArtifactInfo
    let model: NativeModel

    /// Opens the corrector bundle folder at `bundle` and loads its model. Throws ``EdgeSDKError/bundle(code:message:)``
    /// for a missing, tampered or wrong bundle (e.g. a detector), before anything runs.
    public init(bundle: URL, options: OpenOptions = OpenOptions()) throws {
        model = try NativeModel.open(.corrector, bundle: bundle, options: options)
        info = model.info
        artifact = model.artifact
    }

    /// Corrects any text: a word, a sentence, paragraphs. Runs off the calling thread; cancellation is
    /// honoured before the model starts.
    public func correct(_ text: String) async throws -> Correction {
        try await offloaded { [self] in try correctBlocking(text) }
    }

    /// The bundle's spelling stage (Hunspell in front of the model; docs/text-handling.md, "Spelling stage"):
    /// true while it runs. It is on for a bundle that has one; `setSpelling(false)` runs the model alone,
    /// `setSpelling(true)` runs it again (a bundle without a stage stays false). Cascades using this corrector
    /// follow it.
    public var spelling: Bool {
        let on = try? model.call { corrector -> (edge_sdk_status, Bool?) in
            (EDGE_SDK_OK, edge_sdk_corrector_spelling(corrector) != 0)
        }
        return on ?? false
    }

    /// Switches the spelling stage on or off for this corrector (see `spelling`).
    public func setSpelling(_ enabled: Bool) throws {
        try model.call { corrector -> (edge_sdk_status, Void?) in
            (edge_sdk_corrector_set_spelling(corrector, enabled ? 1 : 0), ())
        }
    }

    /// ``correct(_:)`` on the calling thread, for callers that manage their own threads (never the main one).
    public func correctBlocking(_ text: String) throws -> Correction {
        try model.call { corrector in
            let started = monotonicNanoseconds()
            var result: OpaquePointer?
            let status = NativeResults.withUTF8(text) { edge_sdk_corrector_correct(corrector, $0, $1, &result) }
            defer { edge_sdk_correction_free(result) }
            let elapsed = monotonicNanoseconds() - started
            return (status, result.map { NativeResults.correction($0, input: text, cascade: false, elapsed: elapsed) })
        }
    }
}
