"""`edge-sdk bindings --swift` output compiled with the real Swift 6 compiler (warnings as errors) in a package
that depends on bridges/ios, as an app would, and used from XCTest against the real core and bundles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.ios.conftest import PACKAGE, Swift

HERE = Path(__file__).parent

CONSUMER = """// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "GrammarApp",
    platforms: [.iOS(.v17), .macOS(.v14)],
    dependencies: [.package(path: "{package}")],
    targets: [
        // The generated classes in the same module as the code using them, as in an app target.
        .testTarget(name: "GrammarAppTests", dependencies: [.product(name: "EdgeSDK", package: "ios")]),
    ]
)
"""


def test_generated_swift_compiles_and_refuses_another_artifact(swift: Swift, model_bundle, detector_bundle,
                                                               tiny_bundle, tmp_path: Path) -> None:
    consumer = tmp_path / "consumer"
    sources = consumer / "Tests" / "GrammarAppTests"
    result = subprocess.run([sys.executable, "-m", "edge_sdk", "bindings", str(model_bundle.root),
                             str(detector_bundle.root), "--swift", "-o", str(sources)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in sources.iterdir()) == ["GrammarCorrector.swift", "GrammarCorrectorCascade.swift",
                                                         "TinyDetector.swift"]
    (consumer / "Package.swift").write_text(CONSUMER.format(package=PACKAGE), encoding="utf-8")
    shutil.copy(HERE / "swift" / "GeneratedBindingsTests.swift", sources)
    (tmp_path / "work").mkdir()
    counts = swift.test(consumer, "consumer", {
        "EDGE_SDK_TEST_BUNDLE": str(model_bundle.root),
        "EDGE_SDK_TEST_DETECTOR": str(detector_bundle.root),
        "EDGE_SDK_TEST_OTHER_BUNDLE": str(tiny_bundle.root),
    })
    assert counts["tests"] == 4 and counts["failures"] == counts["skipped"] == 0, counts
