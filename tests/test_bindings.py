"""`edge-sdk bindings`: what is generated from a real bundle, deterministically, and what is refused.
tests/android and tests/ios compile the output with kotlinc and swiftc and run it against the core."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edge_sdk.bindings import BindingError, swift
from edge_sdk.bindings.kotlin import check_package, string_literal
from edge_sdk.bindings.model import class_name


def _run(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edge_sdk", "bindings", *map(str, args)], capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize(("language", "expected"), [
    (["--kotlin", "--package", "com.example.grammar"], ["android/com/example/grammar/TinyDetectorAndroid.kt",
                                                        "common/com/example/grammar/TinyDetector.kt"]),
    (["--swift"], ["TinyDetector.swift"]),
])
def test_same_bundle_gives_byte_identical_files(detector_bundle, tmp_path: Path, language: list[str],
                                                expected: list[str]) -> None:
    for out in ("a", "b"):
        result = _run(detector_bundle.root, *language, "-o", tmp_path / out)
        assert result.returncode == 0, result.stdout + result.stderr
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert [str(p) for p in files] == expected
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_constants_come_from_the_manifest(detector_bundle, tmp_path: Path) -> None:
    result = _run(detector_bundle.root, "--kotlin", "--package", "com.example.grammar", "--quantization", "int8",
                  "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "common/com/example/grammar/TinyDetector.kt").read_text()
    manifest = json.loads((detector_bundle.root / "manifest.json").read_text())
    artifact = next(a for a in manifest["artifacts"] if a["backend"] == "executorch" and a["quantization"] == "int8")
    assert f'ARTIFACT_SHA256: String = "{artifact["sha256"]}"' in source
    assert f'ARTIFACT_FILE: String = "{artifact["file"]}"' in source
    assert f'BUNDLE_DIGEST: String = "{detector_bundle.digest}"' in source
    assert f'BUNDLE_VERSION: String = "{manifest["version"]}"' in source
    assert 'LABELS: List<String> = listOf("correct", "error")' in source
    assert f"MAX_WORDS: Int = {manifest['projection']['max_words']}" in source
    assert "package com.example.grammar" in source and detector_bundle.digest in source.splitlines()[1]


def test_swift_constants_come_from_the_manifest(detector_bundle, tmp_path: Path) -> None:
    result = _run(detector_bundle.root, "--swift", "--quantization", "int8", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "TinyDetector.swift").read_text()
    manifest = json.loads((detector_bundle.root / "manifest.json").read_text())
    artifact = next(a for a in manifest["artifacts"] if a["backend"] == "executorch" and a["quantization"] == "int8")
    assert f'artifactSHA256: String = "{artifact["sha256"]}"' in source
    assert f'bundleDigest: String = "{detector_bundle.digest}"' in source
    assert f'artifactSizeBytes: UInt64 = {artifact["size_bytes"]}' in source
    assert 'labels: [String] = ["correct", "error"]' in source
    assert "public final class TinyDetector: Sendable" in source and "import EdgeSDK" in source
    assert detector_bundle.digest in source.splitlines()[1]


def test_a_tampered_bundle_is_refused_and_nothing_is_written(detector_bundle, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(detector_bundle.root, bundle)
    artifact = next(p for p in bundle.glob("*.pte"))
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 1
    artifact.write_bytes(bytes(data))
    result = _run(bundle, "--kotlin", "--package", "com.example.grammar", "-o", tmp_path / "out")
    assert result.returncode != 0
    assert artifact.name in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--kotlin", "--package", "com.example.class"], "'class' is not a Kotlin package name segment"),
    (["--kotlin", "--package", "com.1example"], "'1example' is not a Kotlin package name segment"),
    (["--kotlin"], "--kotlin needs --package"),
    (["--package", "com.example"], "name one language: --kotlin or --swift"),
    (["--kotlin", "--swift", "--package", "com.example"], "name one language"),
    (["--swift", "--package", "com.example"], "--package is for Kotlin"),
    (["--swift", "--backend", "coreml"], "coreml"),
    (["--kotlin", "--package", "com.example", "--quantization", "int4"], "int4"),
])
def test_bad_options_are_refused(detector_bundle, tmp_path: Path, args: list[str], message: str) -> None:
    result = _run(detector_bundle.root, *args, "-o", tmp_path / "out")
    assert result.returncode != 0
    assert message in " ".join((result.stdout + result.stderr).split()), result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_names_and_literals() -> None:
    assert class_name("grammar-corrector") == "GrammarCorrector"
    assert class_name("error_detector v2") == "ErrorDetectorV2"
    with pytest.raises(BindingError, match="start with a letter"):
        class_name("2-fast")
    assert string_literal('a"b\\c$d\ne') == '"a\\"b\\\\c\\$d\\u000Ae"'
    assert check_package("com.example.grammar") == "com.example.grammar"
    # Swift: a backslash would start an interpolation; control characters need the braced escape.
    assert swift.string_literal('a"b\\(c)\n\u0085') == '"a\\"b\\\\(c)\\u{A}\\u{85}"'
    assert swift.doc("two\nlines with `code`") == "two lines with 'code'"
