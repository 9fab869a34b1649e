"""The Kotlin library (bridges/android) on the host JVM against the real core and bundles.

Python writes what the reference does (golden corrections, detector probabilities, cascade results);
the JUnit tests in bridges/android/src/test/kotlin compare the Kotlin layer's results with them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.android.conftest import LIBRARY_TESTS, Kotlin, platform_free_sources
from tests.bridge_goldens import write_goldens


def _run(kotlin: Kotlin, library_classes: Path, model_bundle, detector_bundle, spelling_bundle, tmp_path: Path,
         goldens: list[Path], cascade: Path) -> dict:
    tests = tmp_path / "tests"
    kotlin.compile(platform_free_sources(LIBRARY_TESTS), tests, library_classes)
    return kotlin.run_junit([library_classes, tests], tmp_path / "reports", {
        "dev.edgesdk.test.bundle": str(model_bundle.root),
        "dev.edgesdk.test.detector": str(detector_bundle.root),
        "dev.edgesdk.test.spellingBundle": str(spelling_bundle.root),
        "dev.edgesdk.test.golden": ":".join(map(str, goldens)),
        "dev.edgesdk.test.cascadeGolden": str(cascade),
        "dev.edgesdk.test.work": str(tmp_path / "work"),
    }, "dev.edgesdk")


def test_kotlin_library_matches_python(kotlin: Kotlin, library_classes: Path, model_bundle, detector_bundle,
                                       spelling_bundle, bridge_goldens: list[Path], cascade_golden: Path,
                                       tmp_path: Path) -> None:
    counts = _run(kotlin, library_classes, model_bundle, detector_bundle, spelling_bundle, tmp_path, bridge_goldens,
                  cascade_golden)
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= 15, counts


@pytest.mark.slow
def test_kotlin_library_matches_python_on_every_golden_input(kotlin: Kotlin, library_classes: Path, model_bundle,
                                                            detector_bundle, spelling_bundle, cascade_golden: Path,
                                                            tmp_path: Path) -> None:
    goldens = write_goldens(model_bundle, tmp_path / "goldens", None)
    counts = _run(kotlin, library_classes, model_bundle, detector_bundle, spelling_bundle, tmp_path, goldens,
                  cascade_golden)
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
