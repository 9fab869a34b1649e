import SwiftUI

/// The grammar check sample: one screen over one view model, which opens the bundled models when the
/// window appears (the Android sample's MainActivity, CheckScreen and CheckViewModel).
@main
struct GrammarCheckApp: App {
    @State private var model = CheckViewModel()

    var body: some Scene {
        WindowGroup {
            NavigationStack {
                CheckScreen(model: model)
                    .navigationTitle("Grammar check")
            }
            .task { await model.load() }
        }
    }
}
