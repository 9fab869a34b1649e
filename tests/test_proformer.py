"""ProFormer: shapes, masking, the local projection attention, and the classifier in ExecuTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from edge_sdk.export import BACKENDS
from edge_sdk.models import FAMILIES
from edge_sdk.models.proformer import ProFormer, ProFormerConfig
from edge_sdk.projection import ProjectionSettings, project

CONFIG = ProFormerConfig(features=64, max_words=16, window=4, d_model=32, n_heads=4, layers=2, ffn_dim=64,
                         dropout=0.0)


def _inputs(text: str, config: ProFormerConfig = CONFIG) -> tuple[torch.Tensor, torch.Tensor]:
    words = project(text, ProjectionSettings(features=config.features, max_words=config.max_words))
    features = torch.zeros(1, config.max_words, config.features)
    features[0, : len(words)] = torch.from_numpy(words)
    return features, torch.tensor([len(words)])


def test_no_embedding_table_and_tiny_size():
    torch.manual_seed(0)
    model = ProFormer(ProFormerConfig())
    assert not any(isinstance(m, torch.nn.Embedding) for m in model.modules())
    assert sum(p.numel() for p in model.parameters()) < 500_000
    assert model.multiply_adds() > 0


def test_lpa_reduces_n_words_to_n_over_k():
    model = ProFormer(CONFIG).eval()
    x = torch.randn(2, 16, 32)
    mask = torch.arange(16)[None, :] < torch.tensor([[5], [16]])
    pooled, window_mask = model.lpa(x, mask)
    assert pooled.shape == (2, 4, 32)
    assert window_mask.tolist() == [[True, True, False, False], [True] * 4]


def test_padding_after_length_is_ignored():
    torch.manual_seed(0)
    model = ProFormer(CONFIG).eval()
    features, length = _inputs("the whale swam away")
    noisy = features.clone()
    noisy[0, 4:] = torch.randn(12, 64)  # garbage where the app should have zeros
    with torch.no_grad():
        assert torch.allclose(model(features, length), model(noisy, length), atol=1e-5)


def test_invalid_config():
    with pytest.raises(ValueError, match="multiple of window"):
        ProFormerConfig(max_words=10, window=4)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.manual_seed(0)
    model = ProFormer(CONFIG).eval()
    family = FAMILIES.get("proformer")
    paths = {}
    for quantization in ("fp32", "int8"):
        path = tmp_path_factory.mktemp("pf") / f"proformer-{quantization}.pte"
        BACKENDS.get("executorch").export(family.export_methods(model), quantization, path, lambda _m: None)
        paths[quantization] = path
    return model, paths


def test_classify_in_executorch_matches_eager(exported):
    model, paths = exported
    fp32 = BACKENDS.get("executorch").load(paths["fp32"])
    int8 = BACKENDS.get("executorch").load(paths["int8"])
    assert fp32.method_names == ["classify"]
    for text in ["She go to school.", "", "東京で会いましょう 🙂", "word " * 40]:
        features, length = _inputs(text)
        with torch.no_grad():
            eager = model(features, length).numpy()
        (runtime,) = fp32.run("classify", [features.numpy(), length.numpy()])
        assert np.abs(runtime - eager).max() < 1e-4
        (quantized,) = int8.run("classify", [features.numpy(), length.numpy()])
        assert np.abs(quantized - eager).max() < 0.2


@pytest.fixture(scope="module")
def other_backends(tmp_path_factory):
    """The classifier through the TFLite and both Core ML exporters (same model as `exported`)."""
    torch.manual_seed(0)
    model = ProFormer(CONFIG).eval()
    family = FAMILIES.get("proformer")
    out = tmp_path_factory.mktemp("pf-other")
    paths = {}
    for backend, quantization in (("tflite", "fp32"), ("tflite", "int8"), ("coreml", "fp16"),
                                  ("coreml-ios16", "fp16")):
        b = BACKENDS.get(backend)
        methods = family.export_methods(model, b.style)
        path = out / f"proformer-{backend}-{quantization}{b.suffix}"
        b.export(methods, quantization, path, lambda _m: None)
        paths[backend, quantization] = (path, methods)
    return model, paths


def test_classify_in_litert_matches_eager(other_backends):
    model, paths = other_backends
    for quantization, tol in (("fp32", 1e-4), ("int8", 0.2)):
        path, _ = paths["tflite", quantization]
        session = BACKENDS.get("tflite").load(path)
        assert session.method_names == ["classify"]
        for text in ["She go to school.", "", "مرحبا بالعالم", "word " * 40]:
            features, length = _inputs(text)
            with torch.no_grad():
                eager = model(features, length).numpy()
            (runtime,) = session.run("classify", [features.numpy(), length.numpy()])
            assert np.abs(runtime - eager).max() < tol


def test_classify_core_ml_specs(other_backends):
    _, paths = other_backends
    from edge_sdk.build import signature

    for backend in ("coreml", "coreml-ios16"):
        path, methods = paths[backend, "fp16"]
        b = BACKENDS.get(backend)
        assert b.check_spec(path, [signature(m, b.dtype_map) for m in methods]) == []
