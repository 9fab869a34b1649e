"""Core ML packages of the tiny bundle: specs against the manifest here; parity with PyTorch on macOS."""

from __future__ import annotations

import platform
import shutil

import pytest

from edge_sdk.bundle.io import BundleError, load_bundle
from edge_sdk.export import BACKENDS
from edge_sdk.export.coreml import describe, package_spec
from edge_sdk.verify.golden import load_golden
from edge_sdk.verify.parity import verify_artifact

IOS18_SPEC, IOS16_SPEC = 9, 7  # Core ML specification versions of those deployment targets


def _ops(spec, function: str) -> set[str]:
    blocks = spec.mlProgram.functions[function].block_specializations.values()
    return {op.type for block in blocks for op in block.operations}


def test_stateful_package_has_both_functions_and_the_cache_as_state(tiny_bundle):
    m = tiny_bundle.manifest
    artifact = m.artifact("coreml", "fp16")
    path = tiny_bundle.path(artifact)
    assert path.is_dir() and path.suffix == ".mlpackage"
    spec = package_spec(path, "decode_step")
    assert spec.specificationVersion == IOS18_SPEC
    assert sorted(spec.mlProgram.functions) == ["decode_step", "encode"]  # a protobuf map: no order
    step = describe(spec, "decode_step")
    assert step["inputs"] == ["token", "position", "memory_kv", "memory_bias"] and step["outputs"] == ["logits"]
    layers = m.architecture["decoder_layers"]
    assert sorted(step["states"]) == sorted(f"model_{kv}_cache_{j}" for kv in "kv" for j in range(layers))
    assert describe(spec, "encode") == {"inputs": ["src_tokens"], "outputs": ["memory_kv", "memory_bias"],
                                        "states": []}
    assert BACKENDS.get("coreml").check_spec(path, artifact.methods) == []


def test_stateless_variant_passes_the_cache_explicitly(tiny_bundle):
    artifact = tiny_bundle.manifest.artifact("coreml-ios16", "fp16")
    folder = tiny_bundle.path(artifact)
    assert sorted(p.name for p in folder.iterdir()) == ["decode_step.mlpackage", "encode.mlpackage"]
    spec = package_spec(folder / "decode_step.mlpackage")
    assert spec.specificationVersion == IOS16_SPEC
    step = describe(spec, None)
    assert step["inputs"][-1] == "self_kv" and step["outputs"] == ["logits", "self_kv_out"] and not step["states"]
    signature = next(meth for meth in artifact.methods if meth.name == "decode_step")
    assert signature.outputs[-1].feeds == "self_kv" and signature.inputs[-1].shape == signature.outputs[-1].shape
    assert BACKENDS.get("coreml-ios16").check_spec(folder, artifact.methods) == []


def test_int8_weights_are_compressed(tiny_bundle):
    m = tiny_bundle.manifest
    fp16, int8 = m.artifact("coreml", "fp16"), m.artifact("coreml", "int8")
    assert int8.size_bytes < 0.85 * fp16.size_bytes
    spec = package_spec(tiny_bundle.path(int8), "encode")
    for function in ("encode", "decode_step"):
        assert "constexpr_blockwise_shift_scale" in _ops(spec, function)
    assert "constexpr_blockwise_shift_scale" not in _ops(package_spec(tiny_bundle.path(fp16), "encode"), "encode")


def test_spec_check_reports_a_mismatch(tiny_bundle):
    artifact = tiny_bundle.manifest.artifact("coreml", "fp16")
    renamed = [meth.model_copy(update={"outputs": [o.model_copy(update={"name": "scores"}) for o in meth.outputs]})
               if meth.name == "decode_step" else meth for meth in artifact.methods]
    problems = BACKENDS.get("coreml").check_spec(tiny_bundle.path(artifact), renamed)
    assert problems == ["decode_step: outputs ['logits'], manifest says ['scores']"]


def test_editing_a_file_inside_a_package_is_detected(tiny_bundle, tmp_path):
    copy = shutil.copytree(tiny_bundle.root, tmp_path / "b")
    package = copy / tiny_bundle.manifest.artifact("coreml", "int8").file
    weights = next(package.rglob("weight.bin"))
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="sha256 does not match"):
        load_bundle(copy)
    (package / "extra.txt").write_text("x")
    with pytest.raises(BundleError, match="size"):
        load_bundle(copy)


@pytest.mark.skipif(platform.system() == "Darwin", reason="checks the Linux behaviour")
def test_verify_says_why_parity_did_not_run(tiny_bundle):
    artifact = tiny_bundle.manifest.artifact("coreml-ios16", "fp16")
    report = verify_artifact(tiny_bundle, artifact, load_golden(tiny_bundle.path(tiny_bundle.manifest.golden)))
    assert report.passed and not report.ran and "needs macOS" in report.reason


@pytest.mark.macos
@pytest.mark.skipif(platform.system() != "Darwin", reason="Core ML prediction runs only on macOS")
@pytest.mark.parametrize("backend,quantization", [("coreml", "fp16"), ("coreml", "int8"), ("coreml-ios16", "fp16")])
def test_coreml_matches_pytorch_on_macos(tiny_bundle, backend, quantization):
    artifact = tiny_bundle.manifest.artifact(backend, quantization)
    report = verify_artifact(tiny_bundle, artifact, load_golden(tiny_bundle.path(tiny_bundle.manifest.golden)))
    assert report.ran and report.cache_isolated
    assert report.passed and report.token_agreement >= 0.9, report.reason
    assert report.max_abs_diff < (0.05 if quantization == "fp16" else 0.5)
