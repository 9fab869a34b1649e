"""A ProFormer bundle: projection settings instead of a tokenizer, `classify` in every runtime."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from typer.testing import CliRunner

from edge_sdk.build import build_bundle, build_model
from edge_sdk.bundle import BundleError, load_bundle
from edge_sdk.cli import app
from edge_sdk.config import ConfigFileError, load_config, parse_config
from edge_sdk.export import BACKENDS
from edge_sdk.generation import InputError
from edge_sdk.generation.classifier import TextClassifier
from edge_sdk.projection import ProjectionSettings
from edge_sdk.verify import verify_bundle
from edge_sdk.verify.golden import classify_inputs

CONFIG = Path(__file__).parent / "data" / "tiny-detector.yaml"


@pytest.fixture(scope="module")
def detector(tmp_path_factory):
    return build_bundle(load_config(CONFIG), tmp_path_factory.mktemp("det") / "tiny-detector", log=lambda _m: None)


def test_manifest_carries_the_projection_not_a_tokenizer(detector):
    m = detector.manifest
    assert m.tokenizer is None and m.generation is None and m.labels == ["correct", "error"]
    settings = ProjectionSettings.from_json(detector.path(m.projection).read_text())
    assert (settings.features, settings.max_words) == (m.projection.features, m.projection.max_words) == (64, 16)
    assert (m.architecture["features"], m.architecture["max_words"]) == (64, 16)
    classify = m.artifact("tflite").methods[0]
    assert classify.name == "classify" and classify.inputs[0].shape == [1, 16, 64]
    assert classify.inputs[1].dtype == "int32"  # TFLite narrows int64


def test_every_runnable_artifact_matches_eager(detector):
    reports = {(r.backend, r.quantization): r for r in verify_bundle(detector)}
    for key in (("executorch", "fp32"), ("tflite", "fp32")):
        assert reports[key].passed and reports[key].ran and reports[key].max_abs_diff < 1e-4
    assert reports["executorch", "int8"].passed and reports["executorch", "int8"].token_agreement >= 0.9
    assert reports["coreml", "fp16"].passed  # spec checked here; parity on macOS


def test_classifier_api_agrees_with_eager_pytorch(detector):
    model = build_model(load_config(CONFIG)).model
    settings = ProjectionSettings.from_json(detector.path(detector.manifest.projection).read_text())
    for backend in ("executorch", "tflite"):
        classifier = TextClassifier(detector, backend, "fp32")
        for text in ["She go to school every day.", "", "東京で会いましょう 🙂", "word " * 50]:
            prediction = classifier.classify(text)
            features, length = classify_inputs(text, settings)
            with torch.no_grad():
                eager = model(torch.from_numpy(features), torch.from_numpy(length))[0].softmax(-1).numpy()
            assert prediction.label == ["correct", "error"][int(np.argmax(eager))]
            assert abs(prediction.probability - eager.max()) < 1e-4
            assert abs(sum(prediction.probabilities.values()) - 1.0) < 1e-6
        with pytest.raises(InputError, match="lone surrogate"):
            classifier.classify("caf\udce9")


def test_tflite_embeds_the_projection(detector):
    m = detector.manifest
    session = BACKENDS.get("tflite").load(detector.path(m.artifact("tflite")))
    assert session.asset("projection.json") == detector.path(m.projection).read_bytes()


def test_cli_run_prints_label_and_probability(detector):
    result = CliRunner().invoke(app, ["run", "She go to school.", "-b", str(detector.root)])
    assert result.exit_code == 0, result.output
    label, probability = result.output.strip().splitlines()[-1].split("\t")
    assert label in ("correct", "error") and 0.5 <= float(probability) <= 1.0


def test_tampered_projection_is_detected(detector, tmp_path):
    copy = Path(shutil.copytree(detector.root, tmp_path / "b"))
    settings = json.loads((copy / "projection.json").read_text())
    (copy / "projection.json").write_text(json.dumps({**settings, "seed": settings["seed"] + 1}))
    with pytest.raises(BundleError, match=r"projection\.json"):
        load_bundle(copy)


@pytest.mark.parametrize("edit,message", [
    (lambda d: d.pop("projection"), "reads LSH projection features"),
    (lambda d: d.update(tokenizer={"model": "x.model"}), "reads LSH projection features"),
    (lambda d: d.update(labels=["a", "b", "c"]), "3 labels for model.num_labels 2"),
    (lambda d: d.pop("labels"), "needs `labels:`"),
    (lambda d: d["projection"].update(features=100), "multiple of 16"),
])
def test_classifier_config_errors(edit, message):
    data = yaml.safe_load(CONFIG.read_text())
    edit(data)
    with pytest.raises(ConfigFileError, match=message):
        parse_config(data, "detector.yaml", CONFIG.parent)


def test_inspect_reports_parameters_and_flops():
    result = CliRunner().invoke(app, ["inspect", str(CONFIG)])
    assert result.exit_code == 0, result.output
    model = build_model(load_config(CONFIG)).model
    assert f"{sum(p.numel() for p in model.parameters()):,}" in result.output
    assert f"{2 * model.multiply_adds() / 1e6:.2f} MFLOPs" in result.output


def test_cascade_skips_the_corrector_when_the_detector_says_correct(detector, tiny_bundle):
    from edge_sdk.generation.cascade import Cascade, evaluate_cascade
    from edge_sdk.generation.corrector import GrammarCorrector

    corrector = GrammarCorrector(tiny_bundle, "executorch", "fp32")
    texts = ["She go to school.", "The whale swam away.", "I has a apple."]
    always = Cascade(TextClassifier(detector), corrector, threshold=0.0)
    never = Cascade(TextClassifier(detector), corrector, threshold=1.01)
    for text in texts:
        ran = always.correct(text)
        assert ran.corrected and ran.text == corrector.correct(text).text and ran.correct_ms > 0
        skipped = never.correct(text)
        assert not skipped.corrected and skipped.text == text and skipped.correction.edits == []
        expected = TextClassifier(detector).classify(text).probabilities["error"]
        assert skipped.error_probability == pytest.approx(expected)
    report = evaluate_cascade(never, texts, [True, False, True])
    assert (report.sentences, report.skipped, report.skipped_with_error) == (3, 1.0, 1.0)
    assert report.outputs_changed == sum(corrector.correct(t).text != t for t in texts)
    assert evaluate_cascade(always, texts, [True, False, True]).skipped == 0.0


def test_cascade_operating_points_count_the_fixes_each_threshold_loses(detector, model_bundle):
    from edge_sdk.evaluate.cascade_points import best_safe_point, cascade_operating_points
    from edge_sdk.generation.corrector import GrammarCorrector

    corrector = GrammarCorrector(model_bundle, "executorch", "int8")
    sources = ["She go to school every day.", "We was late yesterday.", "The whale swam away."]
    references = ["She goes to school every day.", "We were late yesterday.", "The whale swam away."]
    alone, everything, nothing = cascade_operating_points(TextClassifier(detector), corrector, sources, references,
                                                          [0.0, 1.01])
    assert alone.threshold is None and alone.fixes >= 1  # the shipped model fixes at least "We was"
    assert (everything.skipped, everything.fixes, everything.fixes_lost) == (0.0, alone.fixes, 0.0)
    assert everything.f05 == alone.f05
    assert (nothing.skipped, nothing.skipped_with_error, nothing.fixes, nothing.fixes_lost) == (1.0, 1.0, 0, 1.0)
    assert best_safe_point([alone, everything, nothing]) is everything


def test_cli_run_with_a_detector(detector, tiny_bundle):
    result = CliRunner().invoke(app, ["run", "She go to school.", "-b", str(tiny_bundle.root), "--detector",
                                      str(detector.root), "--quantization", "fp32"])
    assert result.exit_code == 0, result.output
    assert "p(error)" in result.output
