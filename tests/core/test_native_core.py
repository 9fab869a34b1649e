"""The native core (bridges/core) against the Python reference, with the real default bundle.

- ctest: the core's own GoogleTest suites (text rules, bundles, tokenizer, projection, the C ABI with
  tampered bundles and bad input, the callback runner) with the bundle and projection goldens they need.
- The golden replay: `edge-sdk golden` corrections from the Python runtime path, replayed through the
  C ABI in ExecuTorch; 0 mismatches for int8 and fp32. CI replays a representative subset; the full set
  (>= 10,000 inputs per quantization) is marked slow. With the edit-confidence gate on, the same edits
  are dropped and the decoder margins agree to 1e-9. With a bundle that has a spelling stage, each
  sentence's respelled model input agrees too, and so do the corrections made around it.
- Classifier, cascade and bundle refusals through the C ABI (ctypes), compared with Python directly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from edge_sdk.native import NativeCascade, NativeCore, NativeError
from tests.core.conftest import ctest

CI_LIMIT = 300
# The edit-confidence gate's replay: a threshold that drops some of the shipped model's edits, on the
# groups where it makes them (sentences with errors, paragraphs, other scripts).
GATE_THRESHOLD, GATE_LIMIT, GATE_GROUPS = 0.5, 150, {"scripts", "paragraph", "test_src"}
# The spelling stage's replay: every learner misspelling, and sentences from the groups around them.
SPELLING_LIMIT, SPELLING_GROUPS = 240, {"spelling", "scripts", "paragraph", "test_src", "unicode"}


@pytest.fixture(scope="session")
def core(core_build: Path) -> NativeCore:
    return NativeCore(core_build / "libedge_sdk.so")


@pytest.fixture(scope="session")
def projection_golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from edge_sdk.projection import ProjectionSettings
    from edge_sdk.projection.golden import write_golden

    path = tmp_path_factory.mktemp("projection") / "projection-golden.jsonl"
    write_golden(path, ProjectionSettings(char_ngrams=(3,)), 1000)
    return path


def test_ctest_suites(core_build: Path, model_bundle, spelling_bundle, projection_golden: Path) -> None:
    env = {**os.environ, "EDGE_SDK_TEST_BUNDLE": str(model_bundle.root),
           "EDGE_SDK_TEST_SPELLING_BUNDLE": str(spelling_bundle.root),
           "EDGE_SDK_PROJECTION_GOLDEN": str(projection_golden)}
    result = subprocess.run([ctest(), "--test-dir", str(core_build), "--output-on-failure", "-j2"], env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "100% tests passed" in result.stdout, result.stdout[-2000:]


def _replay(core_build: Path, bundle, tmp_path: Path, quantization: str, limit: int | None, **options) -> dict:
    """Write a golden subset (`options`: write_core_golden's groups, min_edit_margin) and replay it in the core."""
    from edge_sdk.verify.core_golden import write_core_golden

    golden = tmp_path / f"golden-{quantization}.jsonl"
    summary = write_core_golden(bundle, golden, "executorch", quantization, limit=limit, **options)
    report = tmp_path / "replay.json"
    env = {**os.environ, "EDGE_SDK_TEST_BUNDLE": str(bundle.root), "EDGE_SDK_GOLDEN": str(golden),
           "EDGE_SDK_REPLAY_REPORT": str(report)}
    result = subprocess.run([str(core_build / "tests" / "edge_sdk_replay_tests")], env=env, capture_output=True,
                            text=True, timeout=3600, check=False)
    assert result.returncode == 0, result.stdout[-8000:]
    counts = json.loads(report.read_text())[str(golden)]
    assert counts["inputs"] == summary.inputs
    assert counts["min_edit_margin"] == summary.min_edit_margin
    assert counts["spelling"] == summary.spelling
    assert counts["spelled"]["changed"] == summary.spelled
    counts["golden_edits"] = summary.edits
    print(f"replay {quantization}: {json.dumps(counts)}")
    return counts


@pytest.mark.parametrize("quantization", ["int8", "fp32"])
def test_golden_replay_subset(core_build: Path, model_bundle, tmp_path: Path, quantization: str) -> None:
    counts = _replay(core_build, model_bundle, tmp_path, quantization, CI_LIMIT)
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == counts["normalized_mismatches"] == 0
    # Every group of the golden set is in the subset (paragraphs, over-long, Unicode, empty, test split).
    assert {"empty", "unicode", "paragraph", "long", "test_src", "test_tgt"} <= set(counts["groups"])


def test_golden_replay_subset_with_the_edit_confidence_gate(core_build: Path, model_bundle, tmp_path: Path) -> None:
    from edge_sdk.verify.core_golden import write_core_golden

    ungated = write_core_golden(model_bundle, tmp_path / "ungated.jsonl", "executorch", "int8", limit=GATE_LIMIT,
                                groups=GATE_GROUPS, min_edit_margin=0.0)
    counts = _replay(core_build, model_bundle, tmp_path, "int8", GATE_LIMIT, groups=GATE_GROUPS,
                     min_edit_margin=GATE_THRESHOLD)
    assert counts["min_edit_margin"] == GATE_THRESHOLD
    # The threshold really gates: Python dropped edits, so the core agreeing below means it dropped the same.
    assert 0 < counts["golden_edits"] < ungated.edits, (counts["golden_edits"], ungated.edits)
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == counts["normalized_mismatches"] == 0
    assert counts["margins"]["mismatches"] == 0
    assert counts["margins"]["sentences"] > 0 and counts["margins"]["steps"] > counts["margins"]["sentences"]
    assert counts["margins"]["largest_difference"] <= 1e-9


def test_golden_replay_with_the_spelling_stage(core_build: Path, spelling_bundle, tmp_path: Path) -> None:
    counts = _replay(core_build, spelling_bundle, tmp_path, "int8", SPELLING_LIMIT, groups=SPELLING_GROUPS)
    assert counts["spelling"] is True
    # The stage really rewrote model inputs (Python's trace), and the core rewrote the same ones the same way.
    assert counts["spelled"]["changed"] >= 30, counts["spelled"]
    assert counts["spelled"]["sentences"] > counts["spelled"]["changed"]
    assert counts["spelled"]["mismatches"] == 0
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == counts["normalized_mismatches"] == 0
    assert "spelling" in counts["groups"] and counts["groups"]["spelling"]["inputs"] == 41


def test_golden_replay_with_the_spelling_stage_switched_off(core_build: Path, spelling_bundle, tmp_path: Path) -> None:
    counts = _replay(core_build, spelling_bundle, tmp_path, "int8", 60, groups={"spelling"}, spelling=False)
    assert counts["spelling"] is False and counts["spelled"]["sentences"] == 0
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("quantization", ["int8", "fp32"])
def test_golden_replay_full(core_build: Path, model_bundle, tmp_path: Path, quantization: str) -> None:
    counts = _replay(core_build, model_bundle, tmp_path, quantization, None)
    assert counts["inputs"] >= 10_000
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == counts["normalized_mismatches"] == 0


@pytest.mark.slow
def test_golden_replay_full_with_the_spelling_stage(core_build: Path, spelling_bundle, tmp_path: Path) -> None:
    counts = _replay(core_build, spelling_bundle, tmp_path, "int8", None)
    assert counts["inputs"] >= 10_000 and counts["spelling"] is True
    assert counts["spelled"]["mismatches"] == 0 and counts["spelled"]["changed"] > 0
    assert counts["correction_mismatches"] == counts["ids_mismatches"] == counts["normalized_mismatches"] == 0


def test_classifier_and_cascade_match_python(core: NativeCore, detector_bundle, model_bundle) -> None:
    from edge_sdk.generation.cascade import Cascade
    from edge_sdk.generation.classifier import TextClassifier
    from edge_sdk.generation.corrector import GrammarCorrector

    texts = ["I has a apple.", "This sentence is already correct.", "", "Ünïcödé ✨ text, 東京 and שלום.",
             "He go to school. She like it.\n\nThey was happy!", "a " * 300]
    py_detector = TextClassifier(detector_bundle, "executorch", "fp32")
    native_bundle = core.open_bundle(detector_bundle.root)
    native_detector = native_bundle.classifier("executorch", "fp32")
    for text in texts:
        native = native_detector.classify(text)
        python = py_detector.classify(text).probabilities
        assert native.keys() == python.keys()
        assert all(abs(native[k] - python[k]) < 1e-6 for k in python), (text, native, python)

    py_corrector = GrammarCorrector(model_bundle, "executorch", "int8")
    native_corrector = core.open_bundle(model_bundle.root).corrector("executorch", "int8")
    # A threshold inside the tiny detector's range, so some sentences go to the corrector and some do not.
    probabilities = sorted(py_detector.classify(t).probabilities["error"] for t in texts)
    threshold = probabilities[len(probabilities) // 2]
    py_cascade = Cascade(py_detector, py_corrector, threshold=threshold)
    native_cascade = NativeCascade(native_detector, native_corrector, threshold=threshold)
    ran = set()
    for text in texts:
        native, python = native_cascade.correct(text), py_cascade.correct(text)
        assert native.text == python.text, text
        assert native.corrector_ran == python.corrected, text
        assert abs(native.error_probability - python.error_probability) < 1e-6, text
        ran.add(native.corrector_ran)
    assert ran == {True, False}, "the threshold should send some texts to the corrector and keep others"


def _tamper_cases(bundle_root: Path, tmp_path: Path):
    manifest = json.loads((bundle_root / "manifest.json").read_text())
    artifact = manifest["artifacts"][0]["file"]

    def edit_manifest(change):
        def apply(root: Path) -> None:
            text = (root / "manifest.json").read_text()
            (root / "manifest.json").write_text(change(text))
        return apply

    def flip(root: Path) -> None:
        data = bytearray((root / artifact).read_bytes())
        data[len(data) // 2] ^= 1
        (root / artifact).write_bytes(bytes(data))

    def truncate(root: Path) -> None:
        (root / artifact).write_bytes((root / artifact).read_bytes()[:-10])

    def corrupt_tokenizer(root: Path) -> None:
        # Garbage with honest checksums: only the input-asset check (the tokenizer must load) can refuse it.
        import hashlib

        data = b"not a sentencepiece model" * 10
        (root / "tokenizer.model").write_bytes(data)
        text = (root / "manifest.json").read_text()
        tok = manifest["tokenizer"]
        text = text.replace(tok["sha256"], hashlib.sha256(data).hexdigest())
        text = text.replace(f'"size_bytes": {tok["size_bytes"]}', f'"size_bytes": {len(data)}')
        (root / "manifest.json").write_text(text)

    def link(root: Path) -> None:
        (root / "tokenizer.model").unlink()
        (root / "tokenizer.model").symlink_to("/etc/hostname")

    return {
        "missing manifest": lambda root: (root / "manifest.json").unlink(),
        "schema 2": edit_manifest(lambda t: t.replace('"schema_version": 1', '"schema_version": 2')),
        "no schema": edit_manifest(lambda t: t.replace('"schema_version": 1,', '')),
        "not json": edit_manifest(lambda t: t[: len(t) // 2]),
        "duplicate key": edit_manifest(
            lambda t: t.replace('"schema_version": 1,', '"schema_version": 1, "name": "x",', 1)),
        "escaping path": edit_manifest(lambda t: t.replace(f'"file": "{artifact}"', '"file": "../outside.pte"')),
        "missing file": lambda root: (root / artifact).unlink(),
        "modified artifact": flip,
        "truncated artifact": truncate,
        "symlinked tokenizer": link,
        "corrupt tokenizer": corrupt_tokenizer,
    }


def test_bundle_refusals_match_python(core: NativeCore, model_bundle, tmp_path: Path) -> None:
    from edge_sdk.bundle.io import BundleError, load_bundle

    for name, tamper in _tamper_cases(model_bundle.root, tmp_path).items():
        root = tmp_path / name.replace(" ", "-")
        shutil.copytree(model_bundle.root, root)
        tamper(root)
        with pytest.raises(BundleError) as python:
            load_bundle(root)
        with pytest.raises(NativeError) as native:
            core.open_bundle(root)
        assert native.value.status == 3, name  # EDGE_SDK_ERR_BUNDLE
        assert str(native.value) == str(python.value), name


def test_pinned_digest_matches_python(core: NativeCore, model_bundle) -> None:
    from edge_sdk.bundle.io import BundleError, load_bundle

    assert core.open_bundle(model_bundle.root).digest == model_bundle.digest
    wrong = "0" * 64
    with pytest.raises(BundleError) as python:
        load_bundle(model_bundle.root, expected_digest=wrong)
    with pytest.raises(NativeError) as native:
        core.open_bundle(model_bundle.root, expected_digest=wrong)
    assert str(native.value) == str(python.value)


def test_invalid_utf8_is_refused_with_the_byte_offset(core: NativeCore, model_bundle) -> None:
    corrector = core.open_bundle(model_bundle.root).corrector("executorch", "int8")
    with pytest.raises(NativeError) as err:
        corrector.correct_bytes(b"I has a apple \xff and a pear.")
    assert err.value.status == 2  # EDGE_SDK_ERR_INVALID_INPUT
    assert "byte 14" in str(err.value)
    assert corrector.correct("He go home.").text  # still usable


def test_fuzzers_find_nothing_in_bounded_time(fuzz_build: Path, model_bundle, tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[2] / "bridges" / "core" / "fuzz" / "corpus"
    for target, seconds, env in (("fuzz_manifest", 20, {}),
                                 ("fuzz_correct", 40, {"EDGE_SDK_FUZZ_BUNDLE": str(model_bundle.root)})):
        found = tmp_path / target
        found.mkdir()
        seeds = corpus / target.removeprefix("fuzz_")
        args = [str(fuzz_build / "fuzz" / target), str(found), *([str(seeds)] if seeds.is_dir() else []),
                f"-max_total_time={seconds}", "-max_len=4096", "-timeout=30", f"-artifact_prefix={tmp_path}/"]
        result = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True,
                                timeout=seconds + 300, check=False)
        assert result.returncode == 0, f"{target} found a crash:\n{result.stderr[-6000:]}"
        assert "Done" in result.stderr, result.stderr[-2000:]
