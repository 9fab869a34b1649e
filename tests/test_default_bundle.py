"""Full bundles: the shipped default on every backend, and the EdgeLM release shape (10.5 M parameters).

Slow: minutes of XNNPACK lowering and LiteRT / Core ML conversion each.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from edge_sdk.build import build_bundle
from edge_sdk.config import load_config
from edge_sdk.generation.corrector import GrammarCorrector
from edge_sdk.verify import verify_bundle

pytestmark = pytest.mark.slow

RELEASE_CONFIG = Path(__file__).parent.parent / "configs" / "edgeformer-release.yaml"


def test_release_shape_bundle_builds_and_verifies(tmp_path):
    bundle = build_bundle(load_config(RELEASE_CONFIG), tmp_path / "release", log=lambda _m: None)
    m = bundle.manifest
    assert m.parameters == 10_519_552
    sizes = {(a.backend, a.quantization): a.size_bytes for a in m.artifacts}
    for backend in ("executorch", "tflite"):
        assert sizes[backend, "int8"] < 0.4 * sizes[backend, "fp32"]
    reports = verify_bundle(bundle)
    assert all(r.passed for r in reports), [r.reason for r in reports]
    # Core ML cannot run here (spec checks only); every artifact that ran kept its KV cache intact.
    assert {r.backend for r in reports if r.ran} == {"executorch", "tflite"}
    assert all(r.cache_isolated for r in reports if r.ran)


def test_default_bundle_verifies_on_every_backend_and_corrects_in_the_runtimes(tmp_path):
    bundle = build_bundle(load_config(None), tmp_path / "default", log=lambda _m: None)
    backends = {a.backend for a in bundle.manifest.artifacts}
    assert backends == {"executorch", "tflite", "coreml", "coreml-ios16"}
    reports = verify_bundle(bundle)
    assert all(r.passed for r in reports), [r.reason for r in reports]

    gec = Path(str(files("edge_sdk") / "assets" / "gec"))
    pairs = list(zip((gec / "test.src").read_text(encoding="utf-8").splitlines()[:40],
                     (gec / "test.tgt").read_text(encoding="utf-8").splitlines()[:40], strict=True))
    # fp32 artifacts decode what eager PyTorch decodes (verify_bundle); here: they fix errors in the runtime.
    for backend in ("executorch", "tflite"):
        corrector = GrammarCorrector(bundle, backend, "fp32")
        fixed = sum(corrector.correct(src).text == tgt for src, tgt in pairs if src != tgt)
        assert fixed >= 3, (backend, fixed)

    # Quantization's quality cost, measured: int8 in each runtime scores close to the eager fp16 weights.
    from edge_sdk.evaluate.metrics import score
    from edge_sdk.evaluate.systems import bundle_correct, edgeformer_correct, load_checkpoint

    config = load_config(None)
    model, tok = load_checkpoint(config.resolve(config.weights), config.resolve(config.tokenizer.model))
    sources, references = [s for s, _ in pairs], [t for _, t in pairs]
    eager = score("eager", sources, edgeformer_correct(model, tok, sources), references)
    for name in ("executorch/int8", "tflite/int8"):
        runtime = score(name, sources, bundle_correct(bundle.root, name, sources), references)
        assert abs(runtime.f05 - eager.f05) <= 0.05 and abs(runtime.gleu - eager.gleu) <= 0.02, (name, runtime, eager)
