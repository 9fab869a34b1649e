"""Bundle format v1: manifest contents, checksums, tamper detection, atomic writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from edge_sdk.bundle import BundleError, load_bundle
from edge_sdk.bundle.io import sha256_path, size_of
from edge_sdk.bundle.staging import staging_dir
from edge_sdk.tokenizer import SentencePieceTokenizer


def test_golden_vectors_carry_their_texts_so_apps_can_check_their_tokenizer(tiny_bundle):
    from edge_sdk.generation import prepare_source
    from edge_sdk.verify.golden import load_golden

    m = tiny_bundle.manifest
    tok = SentencePieceTokenizer(tiny_bundle.path(m.tokenizer))
    samples = load_golden(tiny_bundle.path(m.golden))
    assert samples and all(s.text for s in samples)
    for s in samples:
        expected = prepare_source(tok, s.text, m.generation.max_source_len, truncate=True)
        assert s.src.tolist() == expected


def test_manifest_describes_the_bundle(tiny_bundle):
    m = tiny_bundle.manifest
    assert (m.schema_version, m.name, m.family, m.task) == (1, "tiny-corrector", "edgeformer", "grammar-correction")
    assert {(a.backend, a.quantization) for a in m.artifacts} == {
        ("executorch", "fp32"), ("executorch", "int8"), ("tflite", "fp32"), ("tflite", "int8"),
        ("coreml", "fp16"), ("coreml", "int8"), ("coreml-ios16", "fp16")}
    for ref in tiny_bundle.files():
        path = tiny_bundle.path(ref)
        assert size_of(path) == ref.size_bytes and sha256_path(path) == ref.sha256
    tok = SentencePieceTokenizer(tiny_bundle.path(m.tokenizer))
    assert m.tokenizer.vocab_size == tok.vocab_size == m.architecture["vocab_size"]
    assert (m.tokenizer.pad_id, m.tokenizer.eos_id) == (tok.pad_id, tok.eos_id)
    encode = next(meth for meth in m.artifact("executorch").methods if meth.name == "encode")
    assert encode.inputs[0].name == "src_tokens" and encode.inputs[0].shape == [1, "src"]
    assert encode.dims["src"] == (2, m.generation.max_source_len)
    # TFLite: static shapes (padded with <pad>), int32 ids, the KV cache as a state output fed back.
    encode, step = m.artifact("tflite").methods
    assert encode.inputs[0].shape == [1, m.generation.max_source_len] and encode.inputs[0].dtype == "int32"
    assert encode.inputs[0].pad_value == m.tokenizer.pad_id and not encode.dims
    assert [o.feeds for o in step.outputs] == [None, "self_kv"]
    assert step.inputs[-1].name == "self_kv" and step.inputs[-1].shape == step.outputs[-1].shape
    prov = m.provenance
    assert prov.packages["torch"].startswith("2.13") and prov.packages["executorch"] == "1.5.1"
    assert prov.packages["litert-torch"] == "0.10.0" and prov.packages["ai-edge-litert"] == "2.3.0"
    assert len(prov.config_sha256) == 64
    # Nothing but the manifest's files (no temp leftovers) is in the folder.
    assert sorted(p.name for p in tiny_bundle.root.iterdir()) == sorted(
        ["manifest.json", *(ref.file for ref in tiny_bundle.files())])


def test_bundle_files_are_readable_by_others(tiny_bundle):
    # Temp files start private (0600); an app build or CI user other than the builder must read the bundle.
    for path in [tiny_bundle.root, *tiny_bundle.root.rglob("*")]:
        mode = path.stat().st_mode
        assert mode & 0o044 == 0o044, f"{path} is {oct(mode & 0o777)}"


@pytest.fixture
def bundle_copy(tiny_bundle, tmp_path) -> Path:
    return Path(shutil.copytree(tiny_bundle.root, tmp_path / "copy"))


def test_tampered_artifact_is_detected(bundle_copy):
    pte = next(bundle_copy.glob("*-fp32.pte"))
    data = bytearray(pte.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one flipped byte
    pte.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=re.escape(f"{pte.name}: sha256 does not match")):
        load_bundle(bundle_copy)


def test_truncated_and_missing_files_are_detected(bundle_copy):
    tok = bundle_copy / "tokenizer.model"
    tok.write_bytes(tok.read_bytes()[:100])
    with pytest.raises(BundleError, match=r"tokenizer\.model: size 100 bytes"):
        load_bundle(bundle_copy)
    tok.unlink()
    with pytest.raises(BundleError, match=r"bundle file missing: tokenizer\.model"):
        load_bundle(bundle_copy)


def test_manifest_edits_are_detected(bundle_copy):
    manifest = bundle_copy / "manifest.json"
    data = json.loads(manifest.read_text())
    data["artifacts"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="sha256 does not match"):
        load_bundle(bundle_copy)
    data["artifacts"][0]["file"] = "../../etc/passwd"
    manifest.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="invalid manifest"):
        load_bundle(bundle_copy)
    data["schema_version"] = 2
    manifest.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="schema_version 2 is not supported"):
        load_bundle(bundle_copy)
    manifest.write_text("{not json")
    with pytest.raises(BundleError, match="not valid JSON"):
        load_bundle(bundle_copy)


def test_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match=r"manifest\.json is missing"):
        load_bundle(tmp_path)


def test_failed_write_keeps_the_previous_bundle(bundle_copy):
    def contents() -> dict[str, bytes]:
        return {str(p.relative_to(bundle_copy)): p.read_bytes() for p in bundle_copy.rglob("*") if p.is_file()}

    before = contents()
    with pytest.raises(RuntimeError), staging_dir(bundle_copy) as stage:
        (stage / "manifest.json").write_text("{}")
        raise RuntimeError("export crashed half way")
    assert contents() == before
    assert [p.name for p in bundle_copy.parent.iterdir() if p.name.startswith(".")] == []
    load_bundle(bundle_copy)
