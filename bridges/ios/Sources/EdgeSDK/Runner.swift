/// Runs a corrector's model for the core when the core does not run it itself (Core ML, ExecuTorch's Swift
/// package): the core keeps tokenizer, decode loop, guard and edits, and calls these two methods
/// (docs/c-abi.md, "Runners"; the methods are docs/bundle-format.md's EdgeFormer contract).
///
/// Calls come one at a time, on the thread that called ``GrammarCorrector``; a runner needs no locking.
public protocol CorrectorRunner: AnyObject {
    /// Encode one source (`ids` ends with `</s>`) and keep the encoder's outputs for the decode steps that
    /// follow, until the next `encode`.
    func encode(_ ids: UnsafeBufferPointer<Int64>) throws
    /// One decoder step after `token` at `position` (0, 1, ...): write `logits.count` (the vocabulary) logits.
    func decodeStep(token: Int64, position: Int64, logits: UnsafeMutableBufferPointer<Float>) throws
}

/// Runs a detector's `classify` method for the core (docs/bundle-format.md, "The classifier contract").
public protocol ClassifierRunner: AnyObject {
    /// `features`: `maxWords` x `featuresPerWord` projection features, row-major and zero-padded, of which
    /// `words` rows are real. Write `logits.count` (the label count) logits.
    func classify(features: UnsafeBufferPointer<Float>, maxWords: Int, featuresPerWord: Int, words: Int,
                  logits: UnsafeMutableBufferPointer<Float>) throws
}

/// Makes the runners of one backend for an opened bundle's artifact.
public protocol RunnerProvider: Sendable {
    /// The manifest backend whose artifacts this provider runs ("coreml", "executorch", ...).
    var backend: String { get }
    func makeCorrectorRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any CorrectorRunner
    func makeClassifierRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any ClassifierRunner
}

/// The runners that ship with the package.
public enum Runners {
    /// The platform runner for `backend` where its framework is linked, else `nil` (the core's own runner).
    public static func provider(for backend: String) -> (any RunnerProvider)? {
        switch backend {
        #if canImport(ExecuTorch)
        case "executorch": return ExecuTorchRunnerProvider()
        #endif
        #if canImport(CoreML)
        case "coreml", "coreml-ios16": return CoreMLRunnerProvider()
        #endif
        default: return nil
        }
    }
}
