import CEdgeSDK

/// The Swift runner behind one `edge_sdk_runner_callbacks`: the core owns one retain of it and gives it back
/// through `release` (when the model is freed, or when its open fails).
final class RunnerBox {
    let corrector: (any CorrectorRunner)?
    let classifier: (any ClassifierRunner)?
    /// The last error a runner threw; read after a core call fails with EDGE_SDK_ERR_RUNTIME.
    var failure: (any Error)?

    init(corrector: (any CorrectorRunner)? = nil, classifier: (any ClassifierRunner)? = nil) {
        self.corrector = corrector
        self.classifier = classifier
    }

    /// Callbacks for the core; the box is retained until the core calls `release`.
    func callbacks() -> edge_sdk_runner_callbacks {
        var callbacks = edge_sdk_runner_callbacks()
        callbacks.user_data = Unmanaged.passRetained(self).toOpaque()
        if corrector != nil {
            callbacks.encode = { user, ids, count in
                RunnerBox.calling(user) { box in
                    try box.corrector!.encode(UnsafeBufferPointer(start: ids, count: count))
                }
            }
            callbacks.decode_step = { user, token, position, logits, vocab in
                RunnerBox.calling(user) { box in
                    try box.corrector!.decodeStep(token: token, position: position,
                                                  logits: UnsafeMutableBufferPointer(start: logits, count: vocab))
                }
            }
        }
        if classifier != nil {
            callbacks.classify = { user, features, maxWords, perWord, words, logits, labels in
                RunnerBox.calling(user) { box in
                    try box.classifier!.classify(
                        features: UnsafeBufferPointer(start: features, count: maxWords * perWord), maxWords: maxWords,
                        featuresPerWord: perWord, words: Int(words),
                        logits: UnsafeMutableBufferPointer(start: logits, count: labels))
                }
            }
        }
        callbacks.release = { user in
            guard let user else { return }
            Unmanaged<RunnerBox>.fromOpaque(user).release()
        }
        return callbacks
    }

    /// Swift errors must not cross into C: a thrown error becomes a non-zero return and is kept in the box.
    private static func calling(_ user: UnsafeMutableRawPointer?, _ body: (RunnerBox) throws -> Void) -> Int32 {
        guard let user else { return 2 }
        let box = Unmanaged<RunnerBox>.fromOpaque(user).takeUnretainedValue()
        do {
            try body(box)
            box.failure = nil
            return 0
        } catch {
            box.failure = error
            return 1
        }
    }
}
