"""The tiny bundle's .pte files in the real ExecuTorch runtime (XNNPACK) against eager PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from edge_sdk.build import build_model, prepare_tokenizer
from edge_sdk.export import BACKENDS
from edge_sdk.generation import greedy_decode
from edge_sdk.verify import verify_bundle
from edge_sdk.verify.golden import load_golden


@pytest.fixture(scope="module")
def eager(tiny_config, tmp_path_factory):
    tokenizer = prepare_tokenizer(tiny_config, tmp_path_factory.mktemp("tok") / "t.model")
    return build_model(tiny_config, tokenizer).model


def _session(bundle, quantization):
    artifact = bundle.manifest.artifact("executorch", quantization)
    return BACKENDS.get("executorch").load(bundle.path(artifact))


def _eager_step_logits(model, src, tokens):
    with torch.no_grad():
        kv, bias = model.encode(torch.tensor([src]))
        return np.stack([model.decode_step(torch.tensor([t]), torch.tensor([i]), kv, bias)[0].numpy()
                         for i, t in enumerate(tokens)])


def test_golden_vectors_are_eager_pytorch(tiny_bundle, eager):
    for sample in load_golden(tiny_bundle.path(tiny_bundle.manifest.golden)):
        forced = [tiny_bundle.manifest.generation.decoder_start_id, *sample.tokens[:-1].tolist()]
        assert np.allclose(_eager_step_logits(eager, sample.src.tolist(), forced), sample.logits, atol=1e-5)


@pytest.mark.parametrize("src_len", [2, 5, 24])
def test_fp32_runtime_matches_eager_at_any_source_length(tiny_bundle, eager, src_len):
    session = _session(tiny_bundle, "fp32")
    rng = np.random.default_rng(src_len)
    src = [*rng.integers(4, 400, src_len - 1).tolist(), 2]
    start, eos = 2, 2
    runtime = greedy_decode(session, src, start, eos, 12, keep_logits=True)
    with torch.no_grad():
        from edge_sdk.models.session import EagerSession

        eager_out = greedy_decode(EagerSession(_methods(eager)), src, start, eos, 12, keep_logits=True)
    assert runtime.tokens == eager_out.tokens
    assert np.abs(np.stack(runtime.logits) - np.stack(eager_out.logits)).max() < 1e-4


def _methods(model):
    from edge_sdk.models import FAMILIES

    return FAMILIES.get("edgeformer").export_methods(model)


def test_int8_runtime_is_close_to_eager(tiny_bundle):
    reports = [r for r in verify_bundle(tiny_bundle) if r.backend == "executorch"]
    (fp32, int8) = sorted(reports, key=lambda r: r.quantization)
    assert fp32.max_abs_diff < 1e-4 and fp32.greedy_identical == 1.0 and fp32.passed
    assert int8.quantization == "int8"
    assert int8.max_abs_diff < 0.5  # dynamic int8 on random weights: logits move by a few hundredths
    assert int8.token_agreement >= 0.9 and int8.passed
    assert int8.size_bytes < 0.7 * fp32.size_bytes


@pytest.mark.parametrize("quantization", ["fp32", "int8"])
def test_encode_between_decode_steps_keeps_the_cache(tiny_bundle, quantization):
    """ExecuTorch shares planned memory between methods; `encode` must not clobber the KV cache."""
    session = _session(tiny_bundle, quantization)
    src_a = [11, 12, 13, 14, 15, 16, 2]
    src_b = [90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 2]
    forced = [2, 40, 41, 42, 43, 44, 45, 46]
    clean = greedy_decode(session, src_a, 2, 2, len(forced), forced=forced, keep_logits=True)
    disturbed = greedy_decode(session, src_a, 2, 2, len(forced), forced=forced, keep_logits=True,
                              between_steps=lambda _s: session.run("encode", [np.asarray([src_b])]))
    for a, b in zip(clean.logits, disturbed.logits, strict=True):
        assert np.array_equal(a, b)


def test_source_longer_than_the_export_bound_fails_cleanly(tiny_bundle):
    session = _session(tiny_bundle, "fp32")
    too_long = np.full((1, tiny_bundle.manifest.generation.max_source_len + 1), 5, dtype=np.int64)
    with pytest.raises(Exception):  # noqa: B017 - the runtime's own error type is not public API
        session.run("encode", [too_long])
