// swift-tools-version: 6.0
// Swift 6 language mode: data-race safety is checked at compile time.
// EdgeSDK: the Swift layer over the edge-sdk native core (bridges/core). docs/integration.md, "iOS".
import Foundation
import PackageDescription

// The core is C++ that CMake builds (its dependencies are CMake projects), so SwiftPM links a prebuilt one:
// - Apple platforms: Artifacts/EdgeSDKCore.xcframework, made by scripts/build-core-xcframework.sh (the iOS
//   workflow runs it; the core there has no ExecuTorch of its own: the runners below execute the model);
// - Linux and host tests: libedge_sdk from `make core`, found through `-Xlinker -L` (`make swift-test`).
let coreXCFramework = "Artifacts/EdgeSDKCore.xcframework"
// Never on Linux: there the core is the host build even if an XCFramework was copied in.
#if os(Linux)
let hasCoreXCFramework = false
#else
let hasCoreXCFramework = FileManager.default.fileExists(
    atPath: Context.packageDirectory + "/" + coreXCFramework)
#endif

var coreDependencies: [Target.Dependency] = []
var coreLinker: [LinkerSetting] = [.linkedLibrary("edge_sdk")]
var extraTargets: [Target] = []
if hasCoreXCFramework {
    extraTargets.append(.binaryTarget(name: "EdgeSDKCore", path: coreXCFramework))
    coreDependencies = ["EdgeSDKCore"]
    // The static core is C++ and uses SentencePiece's protobuf-lite: the app links the C++ runtime.
    coreLinker = [.linkedLibrary("c++")]
}

// ExecuTorch's Swift package runs the .pte on Apple platforms, pinned to the version the bundles are exported
// with (executorch==1.5.1). Its binaries exist for Apple platforms only, so Linux builds leave it out.
var packageDependencies: [Package.Dependency] = []
var runnerDependencies: [Target.Dependency] = []
#if os(macOS)
packageDependencies.append(.package(url: "https://github.com/pytorch/executorch.git", branch: "swiftpm-1.5.1"))
runnerDependencies = ["executorch", "backend_xnnpack", "kernels_optimized"].map {
    .product(name: $0, package: "executorch", condition: .when(platforms: [.iOS, .macOS]))
}
#endif

let package = Package(
    name: "EdgeSDK",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "EdgeSDK", targets: ["EdgeSDK"]),
    ],
    dependencies: packageDependencies,
    targets: extraTargets + [
        .target(
            name: "CEdgeSDK",
            dependencies: coreDependencies,
            linkerSettings: coreLinker),
        .target(
            name: "EdgeSDK",
            dependencies: ["CEdgeSDK"] + runnerDependencies),
        .testTarget(
            name: "EdgeSDKTests",
            dependencies: ["EdgeSDK"]),
    ]
)
