"""The tiny bundle's .tflite files in the real LiteRT interpreter (ai-edge-litert) against eager PyTorch."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from edge_sdk.bundle.manifest import EmbeddedManifest
from edge_sdk.export import BACKENDS, ExportError
from edge_sdk.export.base import SignatureAdapter
from edge_sdk.export.tflite import METHODS_METADATA, embed_metadata, read_metadata
from edge_sdk.generation import greedy_decode
from edge_sdk.models.family import TensorSpec
from edge_sdk.verify import verify_bundle
from edge_sdk.verify.parity import verify_artifact


def _session(bundle, quantization):
    return BACKENDS.get("tflite").load(bundle.path(bundle.manifest.artifact("tflite", quantization)))


@pytest.fixture(scope="module")
def reports(tiny_bundle):
    return {r.quantization: r for r in verify_bundle(tiny_bundle) if r.backend == "tflite"}


def test_fp32_greedy_tokens_identical_to_pytorch(reports):
    fp32 = reports["fp32"]
    assert fp32.passed and fp32.greedy_identical == 1.0 and fp32.token_agreement == 1.0
    assert fp32.max_abs_diff < 1e-4 and fp32.cache_isolated


def test_dynamic_int8_agrees_and_is_smaller(reports):
    int8 = reports["int8"]
    assert int8.passed and int8.token_agreement >= 0.9  # the rate verify enforces for int8
    assert 1e-6 < int8.max_abs_diff < 0.5  # quantized for real, and still close
    assert int8.size_bytes < 0.75 * reports["fp32"].size_bytes


@pytest.mark.parametrize("src_len", [2, 9, 24])
def test_short_sources_are_padded_to_the_static_length(tiny_bundle, src_len):
    """TFLite fixes the source at max_source_len: a short input must give the same tokens as ExecuTorch."""
    rng = np.random.default_rng(src_len)
    src = [*rng.integers(4, 400, src_len - 1).tolist(), 2]
    lite = greedy_decode(_session(tiny_bundle, "fp32"), src, 2, 2, 12, keep_logits=True)
    pte = BACKENDS.get("executorch").load(tiny_bundle.path(tiny_bundle.manifest.artifact("executorch", "fp32")))
    ref = greedy_decode(pte, src, 2, 2, 12, keep_logits=True)
    assert lite.tokens == ref.tokens
    assert np.abs(np.stack(lite.logits) - np.stack(ref.logits)).max() < 1e-4


def test_too_long_source_is_a_clear_error(tiny_bundle):
    session = _session(tiny_bundle, "fp32")
    with pytest.raises(ValueError, match="dimension 1 is 30, the artifact takes 24"):
        session.run("encode", [np.full((1, 30), 5, dtype=np.int64)])


def test_tokenizer_and_manifest_are_embedded(tiny_bundle):
    session = _session(tiny_bundle, "int8")
    m = tiny_bundle.manifest
    assert session.asset("tokenizer.model") == tiny_bundle.path(m.tokenizer).read_bytes()
    embedded = EmbeddedManifest.model_validate_json(session.asset("manifest.json"))
    assert embedded.artifacts == [] and embedded.architecture == m.architecture
    assert embedded.tokenizer == m.tokenizer and embedded.generation == m.generation
    methods = json.loads(session.metadata[METHODS_METADATA])
    recorded = m.artifact("tflite", "int8").methods
    assert [x["name"] for x in methods] == [x.name for x in recorded]
    assert [i["shape"] for i in methods[1]["inputs"]] == [i.shape for i in recorded[1].inputs]


def test_embedding_keeps_the_weights(tiny_bundle, tmp_path):
    """Re-embedding must keep every buffer: the file grows by the new entry and still runs identically."""
    path = tiny_bundle.path(tiny_bundle.manifest.artifact("tflite", "fp32"))
    original = path.read_bytes()
    extra = bytes(range(256)) * 40
    rewritten = embed_metadata(original, {"edge_sdk.asset.notes.bin": extra})
    assert len(rewritten) >= len(original) + len(extra) - 64
    assert read_metadata(rewritten)["edge_sdk.asset.notes.bin"] == extra
    assert read_metadata(rewritten)[METHODS_METADATA] == read_metadata(original)[METHODS_METADATA]
    copy = tmp_path / "copy.tflite"
    copy.write_bytes(rewritten)
    src = [30, 31, 32, 33, 2]
    a = greedy_decode(BACKENDS.get("tflite").load(path), src, 2, 2, 8, keep_logits=True)
    b = greedy_decode(BACKENDS.get("tflite").load(copy), src, 2, 2, 8, keep_logits=True)
    assert a.tokens == b.tokens and all(np.array_equal(x, y) for x, y in zip(a.logits, b.logits, strict=True))


def _constant_bytes(model: bytes) -> int:
    from ai_edge_litert import schema_py_generated as schema

    root = schema.Model.GetRootAs(model, 0)
    metadata = {root.Metadata(i).Buffer() for i in range(root.MetadataLength())}
    return sum(root.Buffers(i).Size() if root.Buffers(i).Offset() > 1 else root.Buffers(i).DataLength()
               for i in range(root.BuffersLength()) if i not in metadata)


def test_shared_weights_are_stored_once(tiny_bundle):
    """EdgeFormer shares its encoder projections across layers and with the decoder: the fp32 file holds
    the parameters, the position table and one known extra, not a copy of a shared weight per layer or
    signature (before the LayerNorm and buffer-sharing fixes the 10.1 M model's int8 file was 19.9 MB, not
    11.3). The extra: the decoder's query projections (self and cross, per layer) come out with the
    attention scaling folded in, a d x d copy each."""
    a = tiny_bundle.manifest.architecture
    positions = (1 + max(a["max_source_len"], a["max_target_len"])) * a["d_model"]
    scaled_queries = 2 * a["decoder_layers"] * a["d_model"] ** 2
    fp32 = tiny_bundle.path(tiny_bundle.manifest.artifact("tflite", "fp32")).read_bytes()
    assert _constant_bytes(fp32) <= 4 * (tiny_bundle.manifest.parameters + positions + scaled_queries) + 16_384


def test_identical_buffers_are_shared_and_run_the_same(tiny_bundle, tmp_path):
    from ai_edge_litert.tools import flatbuffer_utils

    from edge_sdk.export.tflite import share_identical_buffers

    path = tiny_bundle.path(tiny_bundle.manifest.artifact("tflite", "int8"))
    obj = flatbuffer_utils.read_model_from_bytearray(bytearray(path.read_bytes()))
    big = next(i for i, b in enumerate(obj.buffers) if b.data is not None and len(b.data) >= 4096)
    obj.buffers.append(flatbuffer_utils.schema_fb.BufferT())
    obj.buffers[-1].data = np.array(obj.buffers[big].data, copy=True)
    user = next(t for t in obj.subgraphs[0].tensors if t.buffer == big)
    user.buffer = len(obj.buffers) - 1  # a second copy of one weight, as the converter writes them
    assert share_identical_buffers(obj) == len(obj.buffers[big].data)
    assert user.buffer == big and obj.buffers[-1].data is None
    copy = tmp_path / "shared.tflite"
    copy.write_bytes(bytes(flatbuffer_utils.convert_object_to_bytearray(obj)))
    src = [30, 31, 32, 33, 2]
    a = greedy_decode(BACKENDS.get("tflite").load(path), src, 2, 2, 8, keep_logits=True)
    b = greedy_decode(BACKENDS.get("tflite").load(copy), src, 2, 2, 8, keep_logits=True)
    assert a.tokens == b.tokens and all(np.array_equal(x, y) for x, y in zip(a.logits, b.logits, strict=True))


def test_corrupt_or_foreign_files_are_rejected(tiny_bundle, tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(ExportError, match="could not load"):
        BACKENDS.get("tflite").load(bad)
    path = tiny_bundle.path(tiny_bundle.manifest.artifact("tflite", "fp32"))
    entries = read_metadata(path.read_bytes())
    assert METHODS_METADATA in entries


def test_verify_flags_a_swapped_tflite(tiny_bundle, tmp_path):
    """An int8 file under the fp32 name fails fp32 parity (checksums aside, parity catches the swap)."""
    copy = shutil.copytree(tiny_bundle.root, tmp_path / "b")
    from edge_sdk.bundle.io import load_bundle

    art = tiny_bundle.manifest.artifact("tflite", "fp32")
    shutil.copyfile(copy / tiny_bundle.manifest.artifact("tflite", "int8").file, copy / art.file)
    bundle = load_bundle(copy, verify_checksums=False)
    from edge_sdk.verify.golden import load_golden

    report = verify_artifact(bundle, art, load_golden(bundle.path(bundle.manifest.golden)))
    assert not report.passed and "fp32 must match eager" in report.reason


def test_signature_adapter_pads_and_carries_state():
    adapter = SignatureAdapter([("step", [TensorSpec("ids", "int32", (1, 6), pad_value=1),
                                          TensorSpec("cache", "float32", (2,))],
                                 [TensorSpec("out", "float32", (1,)),
                                  TensorSpec("cache_out", "float32", (2,), feeds="cache")])])
    first = adapter.inputs("step", [np.array([[7, 8, 2]], dtype=np.int64)])
    assert first["ids"].tolist() == [[7, 8, 2, 1, 1, 1]] and first["ids"].dtype == np.int32
    assert first["cache"].tolist() == [0.0, 0.0]
    visible = adapter.outputs("step", {"out": np.array([3.0]), "cache_out": np.array([4.0, 5.0])})
    assert [v.tolist() for v in visible] == [[3.0]]
    assert adapter.inputs("step", [np.array([[7]])])["cache"].tolist() == [4.0, 5.0]
    with pytest.raises(ValueError, match="takes 1 inputs"):
        adapter.inputs("step", [np.array([[7]]), np.zeros(2)])
