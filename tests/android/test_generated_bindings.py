"""`edge-sdk bindings --kotlin` output compiled with the real Kotlin compiler (warnings as errors, explicit
API mode) against the library, and used from JUnit against the real core and bundles: constants equal the
manifest, corrections run, a bundle with another artifact is refused naming both hashes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.android.conftest import Kotlin

HERE = Path(__file__).parent


def _bindings(out: Path, *bundles: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edge_sdk", "bindings", *map(str, bundles), "--kotlin",
                           "--package", "com.example.grammar", "-o", str(out)],
                          capture_output=True, text=True, check=False)


def test_generated_kotlin_compiles_and_refuses_another_artifact(kotlin: Kotlin, library_classes: Path, model_bundle,
                                                                detector_bundle, tiny_bundle, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = _bindings(out, model_bundle.root, detector_bundle.root)
    assert result.returncode == 0, result.stdout + result.stderr
    common = sorted((out / "common").rglob("*.kt"))
    assert [p.name for p in common] == ["GrammarCorrector.kt", "GrammarCorrectorCascade.kt", "TinyDetector.kt"]
    assert sorted(p.name for p in (out / "android").rglob("*.kt")) == ["GrammarCorrectorAndroid.kt",
                                                                         "TinyDetectorAndroid.kt"]
    generated = tmp_path / "generated-classes"
    kotlin.compile(common, generated, library_classes, explicit_api=True)
    tests = tmp_path / "tests"
    kotlin.compile(sorted((HERE / "kotlin").glob("*.kt")), tests, library_classes, generated)
    counts = kotlin.run_junit([library_classes, generated, tests], tmp_path / "reports", {
        "dev.edgesdk.test.bundle": str(model_bundle.root),
        "dev.edgesdk.test.detector": str(detector_bundle.root),
        "dev.edgesdk.test.otherBundle": str(tiny_bundle.root),
        "dev.edgesdk.test.work": str(tmp_path / "work"),
    }, "com.example.grammar")
    assert counts["tests"] == 4 and counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
