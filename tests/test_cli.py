"""The CLI end to end on the tiny bundle (built once per run)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from edge_sdk.cli import app

runner = CliRunner()
RELEASE_CONFIG = Path(__file__).parent.parent / "configs" / "edgeformer-release.yaml"


def test_every_command_has_help():
    for command in ("build", "inspect", "verify", "run", "bench", "import-edgelm"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_inspect_release_config_prints_parameter_counts():
    result = runner.invoke(app, ["inspect", str(RELEASE_CONFIG)])
    assert result.exit_code == 0, result.output
    assert "9,720,064" in result.output  # total without LoRA for the 2 k seed vocabulary
    assert "10,519,552" in result.output


def test_verify_prints_the_parity_table_and_writes_a_report(tiny_bundle, tmp_path):
    result = runner.invoke(app, ["verify", str(tiny_bundle.root), "--report", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    for label in ("executorch/fp32", "executorch/int8", "tflite/fp32", "tflite/int8"):
        assert label in result.output
    assert result.output.count("pass") == 4
    # Core ML cannot predict off macOS: its packages are checked against the manifest and said so.
    assert result.output.count("spec matches the manifest; parity not run") == 3 and "macOS" in result.output
    html = (tmp_path / "r.html").read_text()
    assert html.count('class="pass"') == 4 and html.count('class="spec"') == 3
    assert "tflite/int8" in html and "<svg" in html


def test_verify_fails_on_a_tampered_bundle(tiny_bundle, tmp_path):
    copy = shutil.copytree(tiny_bundle.root, tmp_path / "b")
    (copy / "golden.safetensors").write_bytes(b"x" * 10)
    result = runner.invoke(app, ["verify", str(copy)])
    assert result.exit_code == 1 and "golden.safetensors" in result.output


def test_run_decodes_and_handles_bad_input(tiny_bundle):
    ok = runner.invoke(app, ["run", "She go to school.", "-b", str(tiny_bundle.root), "--quantization", "int8"])
    assert ok.exit_code == 0, ok.output
    assert "executorch/int8" in ok.output and "random init" in ok.output
    several = runner.invoke(app, ["run", "She go to school.", "A cat.", "-b", str(tiny_bundle.root)])
    assert several.exit_code == 0, several.output
    assert several.stdout.count("\n") == 2 and several.output.count("executorch/fp32") == 2
    empty = runner.invoke(app, ["run", "   ", "-b", str(tiny_bundle.root)])
    assert empty.exit_code == 0
    # Longer than the bundle's source bound: passed through unchanged and said so, never truncated.
    long = runner.invoke(app, ["run", "word " * 200, "-b", str(tiny_bundle.root)])
    assert long.exit_code == 0 and long.stdout == "word " * 200 + "\n" and "too_long" in long.output
    lite = runner.invoke(app, ["run", "She go to school.", "-b", str(tiny_bundle.root), "--backend", "tflite"])
    assert lite.exit_code == 0 and "tflite/fp32" in lite.output
    missing = runner.invoke(app, ["run", "x", "-b", str(tiny_bundle.root), "--backend", "tflite",
                                  "--quantization", "int8-weight-only"])
    assert missing.exit_code == 1 and "no tflite/int8-weight-only artifact" in missing.output
    # The bundle folder given as a positional argument is refused, not decoded as a sentence.
    path_as_text = runner.invoke(app, ["run", str(tiny_bundle.root), "She go to school."])
    assert path_as_text.exit_code == 1 and "--bundle/-b" in path_as_text.output
    assert "executorch/" not in path_as_text.output


def test_inspect_bundle_shows_signatures(tiny_bundle):
    result = runner.invoke(app, ["inspect", str(tiny_bundle.root)])
    assert result.exit_code == 0, result.output
    assert "decode_step(token: int64[1]" in result.output


def test_eval_scores_bundle_artifacts_in_their_runtime(tiny_bundle, tmp_path):
    import json

    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["eval", "--limit", "6", "--no-baselines", "--bundle", str(tiny_bundle.root),
                                 "--artifact", "executorch/int8", "--artifact", "tflite/fp32", "--out", str(out),
                                 "--split", "test", "--no-spelling", "--min-edit-margin", "0"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(out.read_text())["splits"]
    assert [s["system"] for s in report["scores"]] == [
        "EdgeFormer", "EdgeFormer executorch/int8", "EdgeFormer tflite/fp32"]
    assert all(0.0 <= s["gleu"] <= 1.0 for s in report["scores"]) and report["sentences"] == 6

    missing = runner.invoke(app, ["eval", "--limit", "2", "--no-baselines", "--bundle", str(tiny_bundle.root),
                                  "--artifact", "executorch/fp16"])
    assert missing.exit_code == 1 and "no executorch/fp16 artifact" in missing.output


def test_run_output_is_only_the_corrections_and_their_timing(tiny_bundle):
    # A fresh process: native loggers (XNNPACK's cpuinfo) speak on the first method load only.
    import os
    import subprocess
    import sys

    cmd = [str(Path(sys.executable).parent / "edge-sdk"), "run", "-b", str(tiny_bundle.root), "She go to school."]
    env = {**os.environ, "COLUMNS": "400"}  # keep each rich message on one line
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    noise = [line for line in done.stderr.splitlines()
             if line.strip() and "executorch/fp32" not in line and "random init" not in line
             and "left unchanged" not in line]  # a random-init model's output is refused by the guard
    assert not noise, noise
