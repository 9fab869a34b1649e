"""The Kotlin library (bridges/android) on the host JVM against the real core and bundles.

Python writes what the reference does (golden corrections, detector probabilities, cascade results);
the JUnit tests in bridges/android/src/test/kotlin compare the Kotlin layer's results with them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.android.conftest import LIBRARY_TESTS, Kotlin, platform_free_sources

# Per quantization: every golden group is in the subset (paragraphs, over-long, Unicode, empty, test split).
CI_LIMIT = 300
CASCADE_TEXTS = ["I has a apple.", "This sentence is already correct.", "", "Ünïcödé ✨ text, 東京 and שלום.",
                 "He go to school. She like it.\n\nThey was happy!", "a " * 300, "😀 We was going home 👍🏽.",
                 "مرحبا. The informations are very usefull.", "Cafe\u0301 is were we meet."]


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def write_cascade_golden(detector_bundle, default_bundle, out: Path) -> None:
    from edge_sdk.generation.cascade import Cascade
    from edge_sdk.generation.classifier import TextClassifier
    from edge_sdk.generation.corrector import GrammarCorrector

    detector = TextClassifier(detector_bundle, "executorch", "fp32")
    corrector = GrammarCorrector(default_bundle, "executorch", "int8")
    # A threshold inside the tiny detector's range, so some texts reach the corrector and some do not.
    probabilities = sorted(detector.classify(t).probabilities["error"] for t in CASCADE_TEXTS)
    threshold = probabilities[len(probabilities) // 2]
    cascade = Cascade(detector, corrector, threshold=threshold)
    lines = [json.dumps({"threshold": threshold, "detector_quantization": "fp32", "corrector_quantization": "int8"})]
    for text in CASCADE_TEXTS:
        result = cascade.correct(text)
        lines.append(json.dumps({
            "text": text, "probabilities": detector.classify(text).probabilities,
            "corrected_text": result.text, "corrector_ran": result.corrected,
            "error_probability": result.error_probability,
            "edits": [{"utf16": [utf16(text, e.start), utf16(text, e.end)], "replacement": e.replacement}
                      for e in result.correction.edits],
        }))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(kotlin: Kotlin, library_classes: Path, default_bundle, detector_bundle, tmp_path: Path,
         limit: int | None) -> dict:
    from edge_sdk.verify.core_golden import write_core_golden

    goldens = []
    for quantization in ("int8", "fp32"):
        golden = tmp_path / f"golden-{quantization}.jsonl"
        write_core_golden(default_bundle, golden, "executorch", quantization, limit=limit)
        goldens.append(str(golden))
    # Every Unicode edge case and mixed-script sentence, whatever the subset took of them.
    scripts = tmp_path / "golden-scripts-int8.jsonl"
    write_core_golden(default_bundle, scripts, "executorch", "int8", groups={"empty", "unicode", "scripts"})
    goldens.append(str(scripts))
    cascade = tmp_path / "cascade.jsonl"
    write_cascade_golden(detector_bundle, default_bundle, cascade)
    tests = tmp_path / "tests"
    kotlin.compile(platform_free_sources(LIBRARY_TESTS), tests, library_classes)
    return kotlin.run_junit([library_classes, tests], tmp_path / "reports", {
        "dev.edgesdk.test.bundle": str(default_bundle.root),
        "dev.edgesdk.test.detector": str(detector_bundle.root),
        "dev.edgesdk.test.golden": ":".join(goldens),
        "dev.edgesdk.test.cascadeGolden": str(cascade),
        "dev.edgesdk.test.work": str(tmp_path / "work"),
    }, "dev.edgesdk")


def test_kotlin_library_matches_python(kotlin: Kotlin, library_classes: Path, default_bundle, detector_bundle,
                                       tmp_path: Path) -> None:
    counts = _run(kotlin, library_classes, default_bundle, detector_bundle, tmp_path, CI_LIMIT)
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= 15, counts


@pytest.mark.slow
def test_kotlin_library_matches_python_on_every_golden_input(kotlin: Kotlin, library_classes: Path, default_bundle,
                                                            detector_bundle, tmp_path: Path) -> None:
    counts = _run(kotlin, library_classes, default_bundle, detector_bundle, tmp_path, None)
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
