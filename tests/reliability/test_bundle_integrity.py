"""Bundles that cannot work must not verify (docs/bundle-format.md: "Writing and loading", "Hashing",
"What `verify` checks").

Every test tampers a copy of the tiny bundle (or builds from a tampered config) and drives the Python
API and the real CLI in a subprocess. Where a file is replaced, the manifest's sha256/size are rewritten
to match it, so only the new checks, not the checksums, can catch the problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from safetensors.numpy import save_file

from edge_sdk.build import build_bundle
from edge_sdk.bundle import BundleError, load_bundle
from edge_sdk.bundle.io import sha256_path, size_of
from edge_sdk.bundle.manifest import Manifest
from edge_sdk.config import ConfigFileError, load_config
from edge_sdk.generation.corrector import GrammarCorrector
from edge_sdk.models.weights import WeightsError, save_weights
from edge_sdk.tokenizer import SentencePieceTokenizer, train_sentencepiece
from edge_sdk.verify import verify_bundle
from edge_sdk.verify.golden import load_golden
from edge_sdk.verify.integrity import check_bundle
from tests.reliability.conftest import one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "tiny.yaml"
TINY_DETECTOR = REPO / "tests" / "data" / "tiny-detector.yaml"
CORPUS = REPO / "edge_sdk" / "assets" / "seed_corpus.txt"


# --------------------------------------------------------------------------- helpers
@pytest.fixture
def bundle(tiny_bundle, tmp_path) -> Path:
    """A fresh copy of the tiny bundle (built once per session) to tamper with."""
    return Path(shutil.copytree(tiny_bundle.root, tmp_path / "bundle", symlinks=True))


def read_manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text())


def write_manifest(root: Path, data: dict) -> None:
    (root / "manifest.json").write_text(json.dumps(data, indent=2))


def edit_manifest(root: Path, change: Callable[[dict], object]) -> None:
    data = read_manifest(root)
    change(data)
    write_manifest(root, data)


def relist(root: Path, name: str) -> None:
    """Rewrite the manifest's sha256 and size of `name` to what is on disk now: checksums pass."""
    data = read_manifest(root)
    refs = [data.get("tokenizer"), data.get("projection"), data["golden"], *data["artifacts"]]
    ref = next(r for r in refs if r is not None and r["file"] == name)
    ref["sha256"], ref["size_bytes"] = sha256_path(root / name), size_of(root / name)
    write_manifest(root, data)


def only_artifact(root: Path, backend: str = "executorch", quantization: str = "fp32") -> None:
    """Keep one artifact (a complete, valid bundle whose `verify` runs in seconds)."""
    data = read_manifest(root)
    keep = [a for a in data["artifacts"] if (a["backend"], a["quantization"]) == (backend, quantization)]
    for a in data["artifacts"]:
        if a not in keep:
            path = root / a["file"]
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    data["artifacts"] = keep
    write_manifest(root, data)


def tiny_variant(folder: Path, **changes: object) -> Path:
    data = yaml.safe_load(TINY.read_text())
    data["tokenizer"]["train"]["corpus"] = str(CORPUS)
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def cli_error(*args: object) -> str:
    """The one-line error of a CLI command that must fail (exit code 1, no traceback)."""
    result = run_cli(*args)
    message = one_line_error(result)
    assert result.returncode == 1, (result.returncode, message)
    return message


# --------------------------------------------------------------------------- controls
def test_an_untampered_copy_loads_checks_and_verifies(bundle, tiny_bundle):
    """The control for every case below: the same checks pass a bundle that can work."""
    loaded = load_bundle(bundle)
    assert loaded.digest == tiny_bundle.digest == hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
    assert len(check_bundle(loaded)) == 3
    only_artifact(bundle)
    result = run_cli("verify", bundle, "--digest", load_bundle(bundle).digest)
    assert result.returncode == 0, result.stderr
    assert "pass" in result.stdout and load_bundle(bundle).digest in result.stdout
    inspected = run_cli("inspect", bundle)
    assert inspected.returncode == 0, inspected.stderr
    assert f"bundle digest (sha256 of manifest.json): {load_bundle(bundle).digest}" in inspected.stdout


# --------------------------------------------------------------------------- tokenizer
def test_random_bytes_as_tokenizer_are_refused_on_load(bundle):
    (bundle / "tokenizer.model").write_bytes(np.random.default_rng(0).bytes(5000))
    relist(bundle, "tokenizer.model")
    with pytest.raises(BundleError, match=r"tokenizer\.model: the tokenizer does not load"):
        load_bundle(bundle)
    with pytest.raises(BundleError, match=r"tokenizer\.model: the tokenizer does not load"):
        GrammarCorrector(bundle)  # the runtime never gets a tokenizer it cannot use
    for command in ("inspect", "verify"):
        assert "tokenizer.model: the tokenizer does not load" in cli_error(command, bundle)


def test_a_tokenizer_of_another_vocabulary_size_is_refused_on_load(bundle, tmp_path):
    other = train_sentencepiece(CORPUS, tmp_path / "other.model", vocab_size=360)
    shutil.copyfile(other, bundle / "tokenizer.model")
    relist(bundle, "tokenizer.model")
    message = "tokenizer.model has 360 pieces, the manifest says tokenizer.vocab_size 400"
    with pytest.raises(BundleError, match=re.escape(message)):
        load_bundle(bundle)
    assert message in cli_error("verify", bundle)


def test_a_different_tokenizer_of_the_same_size_fails_verify(bundle, tmp_path, tiny_bundle):
    other = train_sentencepiece(CORPUS, tmp_path / "bpe.model", vocab_size=400, model_type="bpe")
    texts = [s.text for s in load_golden(tiny_bundle.path(tiny_bundle.manifest.golden))]
    original = SentencePieceTokenizer(tiny_bundle.path(tiny_bundle.manifest.tokenizer))
    assert any(SentencePieceTokenizer(other).encode(t) != original.encode(t) for t in texts)  # precondition
    shutil.copyfile(other, bundle / "tokenizer.model")
    relist(bundle, "tokenizer.model")
    loaded = load_bundle(bundle)  # size and special ids match: only the golden replay can tell
    with pytest.raises(BundleError, match=r"tokenizer\.model does not encode golden text \d+ .* not the tokenizer"):
        verify_bundle(loaded)
    message = cli_error("verify", bundle)
    assert "tokenizer.model does not encode golden text" in message and "golden src ids" in message


# --------------------------------------------------------------------------- golden vectors
def _rewrite_golden(root: Path, change: Callable[[dict[str, np.ndarray], dict[str, str]], None]) -> None:
    from safetensors import safe_open

    path = root / "golden.safetensors"
    with safe_open(str(path), "np") as f:
        metadata = dict(f.metadata())
        tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 - safe_open is not a mapping
    change(tensors, metadata)
    save_file(tensors, str(path), metadata=metadata)
    relist(root, "golden.safetensors")


@pytest.mark.parametrize("change,message", [
    (lambda t, m: t.pop("2.logits"), r"3 samples need tensors src, tokens, logits for each \(missing: 2\.logits\)"),
    (lambda t, m: m.update(samples="4"), r"missing: 3\.logits"),
    (lambda t, m: m.update(samples="0"), r"metadata `samples` is '0'"),
    (lambda t, m: m.pop("texts"), r"no sample texts"),
    (lambda t, m: m.update(texts="one\ntwo"), r"2 sample texts for 3 samples"),
    (lambda t, m: t.update({"0.logits": np.ascontiguousarray(t["0.logits"][:, :300])}),
     r"sample 0 logits is float32\[\d+, 300\]; the manifest implies float32\[\d+, 400\]"),
    (lambda t, m: t.update({"1.src": np.arange(40, dtype=np.int64)}), r"sample 1 src .* 2 to 24 ids"),
    (lambda t, m: t.update({"1.tokens": t["1.tokens"].astype(np.int32)}), r"sample 1 tokens is int32"),
], ids=["tensor-missing", "count-too-high", "count-zero", "no-texts", "texts-short", "logits-vocab", "src-too-long",
        "tokens-dtype"])
def test_golden_vectors_that_do_not_fit_the_manifest_fail_verify(bundle, change, message):
    _rewrite_golden(bundle, change)
    with pytest.raises(BundleError, match=message):
        verify_bundle(load_bundle(bundle))


def test_unreadable_golden_vectors_fail_verify(bundle):
    (bundle / "golden.safetensors").write_bytes(b"\x00" * 64)
    relist(bundle, "golden.safetensors")
    load_bundle(bundle)  # a runtime does not need the golden vectors
    with pytest.raises(BundleError, match=r"golden\.safetensors: not a readable safetensors file"):
        verify_bundle(load_bundle(bundle))
    assert "golden.safetensors: not a readable safetensors file" in cli_error("verify", bundle)


# --------------------------------------------------------------------------- artifacts and targets
def test_a_manifest_without_artifacts_is_refused(bundle, tiny_bundle):
    edit_manifest(bundle, lambda d: d.update(artifacts=[]))
    with pytest.raises(BundleError, match="artifacts: a bundle lists at least one artifact"):
        load_bundle(bundle)
    with pytest.raises(ValueError, match="at least one artifact"):
        Manifest.model_validate({**tiny_bundle.manifest.model_dump(), "artifacts": []})
    for command in ("inspect", "verify"):
        assert "a bundle lists at least one artifact" in cli_error(command, bundle)


@pytest.mark.parametrize("targets", [",", " , ", ""])
def test_build_with_no_selected_target_is_refused_before_any_work(tmp_path, targets):
    out = tmp_path / "out"
    message = cli_error("build", TINY, "--targets", targets, "-o", out)
    assert "no target to build (--targets selects nothing)" in message
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_build_bundle_with_no_selected_target_is_refused(tmp_path):
    config = load_config(TINY)
    with pytest.raises(ConfigFileError, match=r"no target to build \(--targets selects nothing\)"):
        build_bundle(config, tmp_path / "out", targets=[], log=lambda _m: None)
    config.targets = {}
    with pytest.raises(ConfigFileError, match="no target to build: give at least one"):
        build_bundle(config, tmp_path / "out", log=lambda _m: None)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- unlisted files
def test_unlisted_files_and_folders_fail_verify_and_are_never_read(bundle):
    (bundle / "notes.txt").write_text("mine")
    (bundle / "extra").mkdir()
    (bundle / ".DS_Store").write_bytes(b"\x00")
    os.mkfifo(bundle / "trap")  # opening it would block: load_bundle must not read unlisted entries
    (bundle / "elsewhere").symlink_to("/etc/passwd")
    loaded = load_bundle(bundle)
    assert loaded.digest == load_bundle(bundle).digest
    with pytest.raises(BundleError, match=re.escape("holds what its manifest does not list: .DS_Store, elsewhere, "
                                                    "extra/, notes.txt, trap")):
        verify_bundle(loaded)
    result = run_cli("inspect", bundle, timeout=120)  # a read of `trap` would hang until the timeout
    assert result.returncode == 0, result.stderr
    assert "holds what its manifest does not list: .DS_Store, elsewhere, extra/, notes.txt, trap" in cli_error(
        "verify", bundle)


# --------------------------------------------------------------------------- schema version
def test_a_manifest_without_schema_version_is_refused(bundle):
    edit_manifest(bundle, lambda d: d.pop("schema_version"))
    with pytest.raises(BundleError, match="no schema_version: not an edge-sdk bundle manifest"):
        load_bundle(bundle)
    assert "no schema_version" in cli_error("inspect", bundle)


def test_a_manifest_with_a_repeated_key_is_refused(bundle):
    text = (bundle / "manifest.json").read_text()
    (bundle / "manifest.json").write_text(text.replace('"strategy": "greedy",', '"strategy": "greedy", "eos_id": 5,'))
    with pytest.raises(BundleError, match="key 'eos_id' appears twice in one object"):
        load_bundle(bundle)


# --------------------------------------------------------------------------- bundle digest
def test_the_bundle_digest_pins_the_generation_settings(bundle):
    before = load_bundle(bundle).digest
    assert re.fullmatch(r"[0-9a-f]{64}", before)
    assert load_bundle(bundle, expected_digest=before.upper()).digest == before
    edit_manifest(bundle, lambda d: d["generation"].update(max_target_len=5))  # valid, covered by no checksum
    after = load_bundle(bundle).digest
    assert after != before and after == hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
    with pytest.raises(BundleError, match=f"bundle digest {after} does not match the expected {before}"):
        load_bundle(bundle, expected_digest=before)
    with pytest.raises(BundleError, match="is not a SHA-256"):
        load_bundle(bundle, expected_digest="abc")
    message = cli_error("verify", bundle, "--digest", before)
    assert f"bundle digest {after} does not match the expected {before}" in message


def test_build_prints_the_bundle_digest(tmp_path):
    config = tiny_variant(tmp_path / "cfg", targets={"executorch": {"quantization": ["fp32"]}})
    out = tmp_path / "out"
    result = run_cli("build", config, "-o", out)
    assert result.returncode == 0, result.stderr
    digest = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    assert f"bundle digest (sha256 of manifest.json): {digest}" in " ".join(result.stdout.split())
    assert load_bundle(out, expected_digest=digest).digest == digest


# --------------------------------------------------------------------------- ids and lengths
@pytest.mark.parametrize("change,message", [
    (lambda d: d["generation"].update(decoder_start_id=400), "generation.decoder_start_id 400 is outside the "
                                                             "vocabulary [0, 400)"),
    (lambda d: d["generation"].update(eos_id=-1), "generation.eos_id -1 is outside the vocabulary [0, 400)"),
    (lambda d: d["generation"].update(max_source_len=25), "generation.max_source_len 25 exceeds "
                                                          "architecture.max_source_len 24"),
    (lambda d: d["generation"].update(max_target_len=13), "generation.max_target_len 13 exceeds "
                                                          "architecture.max_target_len 12"),
    (lambda d: d["tokenizer"].update(pad_id=400), "tokenizer.pad_id 400 is outside the vocabulary [0, 400)"),
    (lambda d: d["tokenizer"].update(unk_id=2), "tokenizer special ids"),
    (lambda d: d["tokenizer"].update(vocab_size=500), "tokenizer.vocab_size 500 differs from "
                                                      "architecture.vocab_size 400"),
    (lambda d: d["architecture"].pop("max_target_len"), "architecture.max_target_len must be an integer"),
], ids=["start-id", "eos-id", "source-len", "target-len", "pad-id", "special-ids-repeat", "vocab-size",
        "no-target-len"])
def test_ids_and_lengths_outside_the_model_are_refused_on_load(bundle, change, message):
    edit_manifest(bundle, change)
    with pytest.raises(BundleError, match=re.escape(message)):
        load_bundle(bundle)
    assert message in cli_error("inspect", bundle)


# --------------------------------------------------------------------------- paths
@pytest.mark.parametrize("name", [".", "..", ".tokenizer.model", "manifest.json", "../tokenizer.model"])
def test_names_that_are_not_plain_bundle_files_are_refused(bundle, name):
    edit_manifest(bundle, lambda d: d["tokenizer"].update(file=name))
    with pytest.raises(BundleError, match=r"invalid manifest: tokenizer\.file"):
        load_bundle(bundle)
    assert "invalid manifest: tokenizer.file" in cli_error("inspect", bundle)


def test_a_symlinked_file_is_refused(bundle, tmp_path):
    outside = tmp_path / "outside.model"
    shutil.copyfile(bundle / "tokenizer.model", outside)  # same bytes: the checksum alone would pass
    (bundle / "tokenizer.model").unlink()
    (bundle / "tokenizer.model").symlink_to(outside)
    for verify_checksums in (True, False):
        with pytest.raises(BundleError, match=r"tokenizer\.model is a symbolic link"):
            load_bundle(bundle, verify_checksums=verify_checksums)
    assert "tokenizer.model is a symbolic link" in cli_error("inspect", bundle)


def test_a_symlink_inside_a_core_ml_package_is_refused(bundle, tmp_path, tiny_bundle):
    package = bundle / tiny_bundle.manifest.artifact("coreml", "int8").file
    weights = next(package.rglob("weight.bin"))
    outside = tmp_path / "weight.bin"
    shutil.copyfile(weights, outside)
    weights.unlink()
    weights.symlink_to(outside)
    inner = weights.relative_to(bundle).as_posix()
    for verify_checksums in (True, False):
        with pytest.raises(BundleError, match=re.escape(f"{inner} is a symbolic link")):
            load_bundle(bundle, verify_checksums=verify_checksums)
    assert f"{inner} is a symbolic link" in cli_error("verify", bundle)
    weights.unlink()
    shutil.copyfile(outside, weights)
    load_bundle(bundle)  # restored: loads again
    linked_dir = package / "Data" / "linked"
    linked_dir.symlink_to(tmp_path)
    with pytest.raises(BundleError, match=re.escape(f"{linked_dir.relative_to(bundle).as_posix()} is a symbolic")):
        load_bundle(bundle, verify_checksums=False)


def test_a_symlinked_manifest_is_refused(bundle, tmp_path):
    outside = tmp_path / "manifest.json"
    shutil.copyfile(bundle / "manifest.json", outside)
    (bundle / "manifest.json").unlink()
    (bundle / "manifest.json").symlink_to(outside)
    with pytest.raises(BundleError, match=r"manifest\.json is a symbolic link"):
        load_bundle(bundle)


# --------------------------------------------------------------------------- weights
@pytest.mark.parametrize("bad", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_non_finite_weights_are_refused_at_build(tmp_path, tiny_bundle, bad):
    from edge_sdk.models import FAMILIES

    family = FAMILIES.get("edgeformer")
    arch = tiny_bundle.manifest.architecture
    model = family.build(family.config_from_dict(arch))
    name = "encoder_attn.0.q_proj.weight"
    with torch.no_grad():
        model.state_dict()[name][3, 5] = bad  # one value of one tensor
    weights = tmp_path / "bad.safetensors"
    save_weights(model, weights, "edgeformer", arch)
    config_path = tiny_variant(tmp_path / "cfg", weights=str(weights),
                               targets={"executorch": {"quantization": ["fp32"]}})
    out = tmp_path / "out"
    with pytest.raises(WeightsError, match=rf"tensor {re.escape(name)} holds NaN or infinite values"):
        build_bundle(load_config(config_path), out, log=lambda _m: None)
    assert not out.exists()
    message = cli_error("build", config_path, "-o", out)
    assert f"tensor {name} holds NaN or infinite values" in message and str(weights) in message
    assert not out.exists()


# --------------------------------------------------------------------------- projection (classifiers)
@pytest.fixture(scope="module")
def detector(tmp_path_factory):
    data = yaml.safe_load(TINY_DETECTOR.read_text())
    data["targets"] = {"executorch": {"quantization": ["fp32"]}}
    folder = tmp_path_factory.mktemp("detector-config")
    (folder / "detector.yaml").write_text(yaml.safe_dump(data))
    return build_bundle(load_config(folder / "detector.yaml"), tmp_path_factory.mktemp("detector") / "b",
                        log=lambda _m: None)


@pytest.fixture
def detector_copy(detector, tmp_path) -> Path:
    return Path(shutil.copytree(detector.root, tmp_path / "detector"))


def test_an_untampered_detector_loads_verifies_and_inspects(detector_copy):
    assert len(check_bundle(load_bundle(detector_copy))) == 6
    result = run_cli("verify", detector_copy)
    assert result.returncode == 0, result.stderr
    assert run_cli("inspect", detector_copy).returncode == 0


@pytest.mark.parametrize("content,message", [
    (lambda s: {**s, "seed": s["seed"] + 1}, "projection.json differs from the manifest's projection fields: seed"),
    (lambda s: {**s, "features": 32}, "projection.json differs from the manifest's projection fields: features"),
    (lambda s: {**s, "extra": 1}, "projection.json: not valid projection settings"),
    (lambda s: "{not json", "projection.json: not valid projection settings"),
    (lambda s: [1, 2], "projection.json: not valid projection settings"),
], ids=["seed", "features", "unknown-field", "not-json", "not-an-object"])
def test_a_projection_that_is_not_the_manifests_is_refused_on_load(detector_copy, content, message):
    path = detector_copy / "projection.json"
    changed = content(json.loads(path.read_text()))
    path.write_text(changed if isinstance(changed, str) else json.dumps(changed))
    relist(detector_copy, "projection.json")
    with pytest.raises(BundleError, match=re.escape(message)):
        load_bundle(detector_copy)
    assert message in cli_error("inspect", detector_copy)


def test_detector_golden_features_that_the_projection_does_not_give_fail_verify(detector_copy):
    def shift(tensors: dict[str, np.ndarray], _metadata: dict[str, str]) -> None:
        tensors["0.features"] = np.roll(tensors["0.features"], 1, axis=2)

    _rewrite_golden(detector_copy, shift)
    with pytest.raises(BundleError, match=r"projection\.json does not project golden text 0"):
        verify_bundle(load_bundle(detector_copy))
