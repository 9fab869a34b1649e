import EdgeSDK
import Foundation
import Observation

/// What the user chose for one suggested edit.
enum Decision: Sendable {
    case pending, accepted, rejected
}

/// The folder scripts/copy-bundle.sh copies an error-detector bundle to (optional, as on Android).
private let detectorFolder = "error-detector"

/// Opens the models once (off the main thread), runs checks, keeps the user's accept/reject choices.
@MainActor
@Observable
final class CheckViewModel {
    /// The text field. Editing it drops a correction of the old text.
    var input: String {
        get { text }
        set {
            text = newValue
            if correction?.input != newValue { clearResult() }
        }
    }
    private(set) var ready = false
    private(set) var checking = false
    private(set) var correction: Correction?
    /// `decisions[i]` is the user's choice for `correction.edits[i]`.
    private(set) var decisions: [Decision] = []
    /// The edit whose accept/reject dialog is open.
    var selectedEdit: Int?
    private(set) var cascadeAvailable = false
    /// "Detector first": the detector decides per sentence whether the corrector runs.
    var cascadeEnabled = false
    private(set) var error: String?

    private var text = "I has a apple and two banana. We was going to the park yesterday."
    @ObservationIgnored private var models: Models?

    /// Opens the bundles shipped in the app; call once (the screen's `.task`).
    func load() async {
        guard models == nil, !ready else { return }
        do {
            // Opening checks every file of a bundle against its manifest and loads the model: not on main.
            let opened = try await Task.detached(priority: .userInitiated) { try Models.open() }.value
            models = opened
            cascadeAvailable = opened.cascade != nil
            ready = true
        } catch let error as EdgeSDKError {
            self.error = "Cannot open the model: \(error.message)"
        } catch {
            self.error = "Cannot open the model: \(error.localizedDescription)"
        }
    }

    func check() async {
        guard let models, !checking else { return }
        let submitted = text
        let cascade = cascadeEnabled ? models.cascade : nil
        checking = true
        error = nil
        defer { checking = false }
        do {
            // Both run off the main thread (the SDK's async calls); the main actor waits without blocking.
            let result: Correction
            if let cascade {
                result = try await cascade.correct(submitted)
            } else {
                result = try await models.corrector.correct(submitted)
            }
            guard text == submitted else { return }  // edited meanwhile: this result is for old text
            correction = result
            decisions = Array(repeating: .pending, count: result.edits.count)
            selectedEdit = nil
        } catch let error as EdgeSDKError {
            self.error = error.message
        } catch {
            self.error = error.localizedDescription
        }
    }

    func decide(_ index: Int, accept: Bool) {
        if decisions.indices.contains(index) { decisions[index] = accept ? .accepted : .rejected }
        selectedEdit = nil
    }

    /// Writes the accepted edits into the text field; rejected and undecided ones leave the text as typed.
    func applyAccepted() {
        guard let correction else { return }
        let accepted = zip(correction.edits, decisions).filter { $0.1 == .accepted }.map { $0.0 }
        text = correction.applying(accepted)
        clearResult()
    }

    private func clearResult() {
        correction = nil
        decisions = []
        selectedEdit = nil
    }
}

/// The generated corrector (Generated/GrammarCorrector.swift, `edge-sdk bindings --swift`) and, when the app
/// ships an error-detector bundle, a cascade of that detector before it.
private struct Models: Sendable {
    let corrector: GrammarCorrector
    let cascade: EdgeSDK.Cascade?

    /// Throws ``EdgeSDKError`` for a missing, tampered or different bundle than the bindings were made for.
    static func open() throws -> Models {
        let corrector = try GrammarCorrector(in: .main)
        guard let detectorURL = Bundle.main.url(forResource: detectorFolder, withExtension: nil) else {
            return Models(corrector: corrector, cascade: nil)
        }
        let detector = try EdgeSDK.ErrorDetector(bundle: detectorURL)
        return Models(corrector: corrector, cascade: try EdgeSDK.Cascade(detector: detector, corrector: corrector.corrector))
    }
}
