"""The Swift package (bridges/ios) built and tested with Swift 6 against the real core and bundles.

Python writes what the reference does (golden corrections, detector probabilities, cascade results, recorded
model outputs); the XCTest suites in bridges/ios/Tests compare the Swift layer's results with them.
"""

from __future__ import annotations

from pathlib import Path

from tests.bridge_goldens import write_runner_replay
from tests.ios.conftest import PACKAGE, Swift

# The XCTest cases in bridges/ios/Tests/EdgeSDKTests; a test that silently went missing fails this count.
SWIFT_TESTS = 23


def test_swift_package_matches_python(swift: Swift, model_bundle, detector_bundle, bridge_goldens: list[Path],
                                      cascade_golden: Path, tmp_path: Path) -> None:
    replay = write_runner_replay(model_bundle, tmp_path / "replay")
    (tmp_path / "work").mkdir()
    counts = swift.test(PACKAGE, "package", {
        "EDGE_SDK_TEST_BUNDLE": str(model_bundle.root),
        "EDGE_SDK_TEST_DETECTOR": str(detector_bundle.root),
        "EDGE_SDK_TEST_GOLDEN": ":".join(map(str, bridge_goldens)),
        "EDGE_SDK_TEST_CASCADE_GOLDEN": str(cascade_golden),
        "EDGE_SDK_TEST_REPLAY": str(replay),
        "EDGE_SDK_TEST_WORK": str(tmp_path / "work"),
    })
    assert counts["failures"] == counts["skipped"] == 0, counts
    assert counts["tests"] == SWIFT_TESTS, counts
