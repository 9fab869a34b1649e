import EdgeSDK
import SwiftUI

/// A text field, Check, and the text with each suggested edit underlined: tap one to accept or reject it.
struct CheckScreen: View {
    @Bindable var model: CheckViewModel

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                TextField("Your text", text: $model.input, axis: .vertical)
                    .lineLimit(4...)
                    .textFieldStyle(.roundedBorder)
                HStack(spacing: 12) {
                    Button(model.checking ? "Checking…" : "Check") {
                        Task { await model.check() }
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(!model.ready || model.checking || model.input.allSatisfy(\.isWhitespace))
                    Toggle(model.cascadeAvailable ? "Detector first" : "Detector first (no detector bundle)",
                           isOn: $model.cascadeEnabled)
                        .disabled(!model.cascadeAvailable)
                }
                if !model.ready && model.error == nil {
                    ProgressView("Opening the model…")
                }
                if let error = model.error {
                    Text(error).foregroundStyle(.red)
                }
                if let correction = model.correction {
                    review(correction)
                }
            }
            .padding()
        }
        .alert(selectedTitle, isPresented: dialogShown, presenting: selected) { selection in
            Button("Accept") { model.decide(selection.index, accept: true) }
            Button("Reject", role: .destructive) { model.decide(selection.index, accept: false) }
            Button("Later", role: .cancel) { model.selectedEdit = nil }
        } message: { selection in
            Text("“\(selection.edit.original)” → “\(selection.edit.replacement)”")
        }
    }

    @ViewBuilder
    private func review(_ correction: Correction) -> some View {
        Text(reviewText(correction, decisions: model.decisions))
            .font(.body)
            // Pending edits are links edit://<index>: a tap opens that edit's dialog instead of a browser.
            .environment(\.openURL, OpenURLAction { url in
                guard url.scheme == editScheme, let index = url.host().flatMap({ Int($0) }) else {
                    return .systemAction
                }
                model.selectedEdit = index
                return .handled
            })
        Text(latency(correction)).font(.footnote).foregroundStyle(.secondary)
        if !correction.skipped.isEmpty {
            Text("\(correction.skipped.count) sentence(s) left as typed: "
                 + correction.skipped.map(\.reason).joined(separator: ", "))
                .font(.footnote).foregroundStyle(.secondary)
        }
        if correction.edits.isEmpty {
            Text("No changes suggested.")
        }
        Button("Apply accepted edits") { model.applyAccepted() }
            .disabled(!model.decisions.contains(.accepted))
    }

    private var selected: (index: Int, edit: Edit)? {
        guard let index = model.selectedEdit, let edits = model.correction?.edits, edits.indices.contains(index) else {
            return nil
        }
        return (index, edits[index])
    }

    private var selectedTitle: String {
        selected?.edit.kind.rawValue.capitalized ?? ""
    }

    private var dialogShown: Binding<Bool> {
        Binding(get: { selected != nil }, set: { if !$0 { model.selectedEdit = nil } })
    }
}

private let editScheme = "edit"

/// The input with each edit shown: pending and accepted ones as their replacement (pending ones underlined
/// and tappable), rejected ones as typed. `Edit.range` indexes `Correction.input` at Unicode-scalar
/// boundaries (a combining mark can be an edit of its own), so the text is sliced by scalars.
func reviewText(_ correction: Correction, decisions: [Decision]) -> AttributedString {
    let scalars = correction.input.unicodeScalars
    func piece(_ range: Range<String.Index>) -> AttributedString {
        AttributedString(String(String.UnicodeScalarView(scalars[range])))
    }
    var text = AttributedString()
    var cursor = scalars.startIndex
    for (index, edit) in correction.edits.enumerated() where edit.range.lowerBound >= cursor {
        text += piece(cursor..<edit.range.lowerBound)
        switch decisions.indices.contains(index) ? decisions[index] : .pending {
        case .rejected:
            text += AttributedString(edit.original)
        case .accepted:
            text += AttributedString(edit.replacement)
        case .pending:
            var shown = AttributedString(edit.replacement.isEmpty ? "⌫" + edit.original : edit.replacement)
            shown.link = URL(string: "\(editScheme)://\(index)")
            shown.underlineStyle = Text.LineStyle.single
            text += shown
        }
        cursor = edit.range.upperBound
    }
    text += piece(cursor..<scalars.endIndex)
    return text
}

/// "12.3 ms for 2 sentence(s), 6.2 ms per sentence (corrector)": the call's wall time in the core.
func latency(_ correction: Correction) -> String {
    let milliseconds = Double(correction.elapsedNanoseconds) / 1e6
    let perSentence = milliseconds / Double(max(1, correction.sentenceCount))
    let route = correction.errorProbability == nil ? "corrector"
        : correction.correctorRan ? "detector → corrector" : "detector only"
    return "\(String(format: "%.1f", milliseconds)) ms for \(correction.sentenceCount) sentence(s), "
        + "\(String(format: "%.1f", perSentence)) ms per sentence (\(route))"
}
