"""The build pipeline: config -> model -> golden vectors -> one artifact per target/quantization -> bundle."""

from __future__ import annotations

import platform
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import torch
from torch import nn

from edge_sdk import __version__
from edge_sdk.bundle.io import Bundle, file_ref, load_bundle, sha256_file
from edge_sdk.bundle.manifest import (
    MANIFEST_NAME,
    SCHEMA_VERSION,
    EmbeddedManifest,
    Manifest,
    MethodSignature,
    TensorSignature,
)
from edge_sdk.bundle.staging import staging_dir
from edge_sdk.config import BuildConfig, ConfigFileError, GenerationConfig
from edge_sdk.export import BACKENDS
from edge_sdk.models import FAMILIES, ExportMethod, TensorSpec
from edge_sdk.models.session import EagerSession
from edge_sdk.models.weights import WeightsError, load_state_strict, read_metadata, read_weights
from edge_sdk.projection import ProjectionSettings
from edge_sdk.spelling.speller import read_frequencies
from edge_sdk.tokenizer import SentencePieceTokenizer, train_sentencepiece
from edge_sdk.verify.golden import make_classify_golden, make_golden, save_classify_golden, save_golden

TOKENIZER_FILE = "tokenizer.model"
PROJECTION_FILE = "projection.json"
GOLDEN_FILE = "golden.safetensors"
SPELLING_FREQUENCIES = "spelling-frequencies.tsv"


@dataclass
class BuiltModel:
    family: str
    config: object
    model: nn.Module
    tokenizer: SentencePieceTokenizer | None
    weights_sha256: str | None


def prepare_tokenizer(config: BuildConfig, out_path: Path) -> SentencePieceTokenizer:
    spec = config.tokenizer
    if spec.train is not None:
        train_sentencepiece(config.resolve(spec.train.corpus), out_path, spec.train.vocab_size)
    else:
        source = config.resolve(spec.model)
        if not source.is_file():
            raise ConfigFileError(f"tokenizer.model: file not found: {source}")
        shutil.copyfile(source, out_path)
    return SentencePieceTokenizer(out_path)


def projection_settings(config: BuildConfig) -> ProjectionSettings:
    p = config.projection
    return ProjectionSettings(features=p.features, seed=p.seed, max_words=p.max_words,
                              char_ngrams=tuple(p.char_ngrams))


def _input_fields(config: BuildConfig, tokenizer: SentencePieceTokenizer | None) -> dict[str, object]:
    """Model sizes the input asset decides: the vocabulary, or the projection's T and N."""
    fields = dict(config.model)
    if tokenizer is not None:
        fixed = {"vocab_size": tokenizer.vocab_size}
    else:
        settings = projection_settings(config)
        fixed = {"features": settings.features, "max_words": settings.max_words}
    for key, value in fixed.items():
        declared = fields.setdefault(key, value)
        if declared != value:
            raise ConfigFileError(f"model.{key} is {declared} but the {'tokenizer' if tokenizer else 'projection'} "
                                  f"gives {value}; drop model.{key} to take that")
    return fields


NOT_WEIGHTS = frozenset({"dropout", "max_source_len", "max_target_len"})


def build_model(config: BuildConfig, tokenizer: SentencePieceTokenizer | None = None) -> BuiltModel:
    """The eager model: weights from `config.weights`, or a seeded init when there are none."""
    family = FAMILIES.get(config.family)
    fields = _input_fields(config, tokenizer)
    weights_sha = None
    if config.weights is not None:
        path = config.resolve(config.weights)
        weight_family, weight_config, state = read_weights(path)
        if weight_family not in (None, config.family):
            raise WeightsError(f"{path} holds a {weight_family} model, the config builds {config.family}")
        if weight_config is not None:
            # Bounds and dropout are not weights (positions are sinusoidal, the cache a buffer): a config may
            # set them for a checkpoint (e.g. a longer source bound).
            mismatched = {k: (v, weight_config.get(k)) for k, v in fields.items()
                          if k in weight_config and weight_config[k] != v and k not in NOT_WEIGHTS}
            if mismatched:
                raise WeightsError(f"{path} was saved with different settings (config, weights): {mismatched}")
            fields = {**weight_config, **fields}
        trained_on = read_metadata(path).get("projection")
        if trained_on is not None and config.projection is not None:
            expected = projection_settings(config)
            if ProjectionSettings.from_json(trained_on) != expected:
                raise WeightsError(f"{path} was trained with projection {trained_on}; the config gives "
                                   f"{expected.to_json()}: copy the training projection settings")
        model_config = family.config_from_dict(fields)
        model = family.build(model_config)
        check_finite(state, path)
        load_state_strict(model, state, str(path))
        weights_sha = sha256_file(path)
    else:
        model_config = family.config_from_dict(fields)
        torch.manual_seed(config.seed)
        model = family.build(model_config)
    return BuiltModel(config.family, model_config, model.eval(), tokenizer, weights_sha)


def check_finite(state: Mapping[str, torch.Tensor], source: Path) -> None:
    """Refuse weights holding NaN or ±Inf: every runtime would compute garbage from them (an empty correction)."""
    bad = [name for name, tensor in state.items()
           if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all())]
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise WeightsError(f"{source}: tensor {shown} holds NaN or infinite values; a model built from it cannot "
                           "produce meaningful output (retrain, or use an earlier checkpoint)")


def build_eager(config: BuildConfig) -> BuiltModel:
    """The eager model alone (inspect, bench); a tokenizer to train is trained in a temporary folder."""
    if FAMILIES.get(config.family).input_kind != "tokens":
        return build_model(config)
    with tempfile.TemporaryDirectory() as tmp:
        return build_model(config, prepare_tokenizer(config, Path(tmp) / TOKENIZER_FILE))


def signature(method: ExportMethod, dtype_map: Mapping[str, str] | None = None) -> MethodSignature:
    """The method as the artifact stores it (a backend may narrow integer types)."""
    dtype_map = dtype_map or {}

    def spec(t: TensorSpec) -> TensorSignature:
        return TensorSignature(name=t.name, dtype=dtype_map.get(t.dtype, t.dtype), shape=list(t.shape),
                               pad_value=t.pad_value, feeds=t.feeds)

    return MethodSignature(name=method.name, inputs=[spec(t) for t in method.inputs],
                           outputs=[spec(t) for t in method.outputs], dims=method.dims)


def _tokenizer_fields(stage: Path, tokenizer: SentencePieceTokenizer, mc: object,
                      generation: GenerationConfig) -> dict[str, object]:
    return {"tokenizer": {**file_ref(stage, TOKENIZER_FILE), "vocab_size": tokenizer.vocab_size,
                          "bos_id": tokenizer.bos_id, "pad_id": tokenizer.pad_id, "eos_id": tokenizer.eos_id,
                          "unk_id": tokenizer.unk_id},
            "generation": {"decoder_start_id": mc.eos_id, "eos_id": mc.eos_id,
                           "max_source_len": mc.max_source_len, "max_target_len": mc.max_target_len,
                           "min_edit_margin": generation.min_edit_margin}}


def _spelling_fields(stage: Path, config: BuildConfig) -> dict[str, object]:
    """The spelling stage's files copied into the bundle, and its manifest section (none when not configured)."""
    sp = config.spelling
    if sp is None:
        return {}
    folder = config.resolve(sp.assets)
    dictionaries = []
    for name in sp.dictionaries:
        refs = {}
        for key, source, target in (("aff", f"{name}.aff", f"spelling-{name}.aff"),
                                    ("dic", f"{name}.dic", f"spelling-{name}.dic"),
                                    ("licence", f"LICENSE-{name}", f"spelling-{name}-LICENSE.txt")):
            if not (folder / source).is_file():
                raise ConfigFileError(f"spelling.assets: {folder / source} not found (`edge-sdk data build-spelling` "
                                      "writes the assets)")
            shutil.copyfile(folder / source, stage / target)
            refs[key] = file_ref(stage, target)
        dictionaries.append({"name": name, **refs})
    if not (folder / "frequencies.tsv").is_file():
        raise ConfigFileError(f"spelling.assets: {folder / 'frequencies.tsv'} not found")
    read_frequencies(folder / "frequencies.tsv")  # a malformed list fails the build, not the app
    shutil.copyfile(folder / "frequencies.tsv", stage / SPELLING_FREQUENCIES)
    settings = sp.model_dump(exclude={"assets", "dictionaries"})
    return {"spelling": {"dictionaries": dictionaries, "frequencies": file_ref(stage, SPELLING_FREQUENCIES),
                         **settings}}


def _projection_fields(stage: Path, settings: ProjectionSettings, config: BuildConfig) -> dict[str, object]:
    return {"projection": {**file_ref(stage, PROJECTION_FILE), "version": settings.version,
                           "features": settings.features, "seed": settings.seed, "max_words": settings.max_words,
                           "char_ngrams": list(settings.char_ngrams)},
            "labels": config.labels}


def input_paths(config: BuildConfig) -> dict[str, Path]:
    """What a build reads, by role: the config's folder, the weights, the tokenizer model or corpus."""
    spec = config.tokenizer
    paths = {"the build config's folder": config.base_dir.resolve(), "the weights": config.resolve(config.weights)}
    if spec is not None and spec.train is not None:
        paths["the tokenizer corpus"] = config.resolve(spec.train.corpus)
    elif spec is not None:
        paths["the tokenizer model"] = config.resolve(spec.model)
    if config.spelling is not None:
        paths["the spelling assets"] = config.resolve(config.spelling.assets)
    return {role: path for role, path in paths.items() if path is not None}


def build_bundle(config: BuildConfig, out_dir: Path, targets: list[str] | None = None,
                 log: Callable[[str], None] = print) -> Bundle:
    """Build the bundle into `out_dir`, replacing a previous bundle there atomically.

    `out_dir` must be new, an empty folder, or an edge-sdk bundle with nothing else in it; anything else
    (a file, a folder of other files, the current folder or a parent, a folder holding the config,
    weights or tokenizer inputs) raises `OutputError` before any work starts (`edge_sdk.bundle.staging`).
    """
    plan = [(name, q) for name, target in config.targets.items() for q in target.quantization
            if targets is None or name in targets]
    if targets is not None:
        unknown = sorted(set(targets) - set(config.targets))
        if unknown:
            raise ConfigFileError(f"--targets {', '.join(unknown)} not in the config's targets "
                                  f"({', '.join(config.targets)})")
    if not plan:  # a bundle without an artifact runs nowhere, and its manifest would be invalid
        chosen = "" if targets is None else f" (--targets selects {', '.join(targets) or 'nothing'})"
        raise ConfigFileError(f"no target to build{chosen}: give at least one of the config's targets "
                              f"({', '.join(config.targets) or 'the config has none'}), each with a quantization")
    family = FAMILIES.get(config.family)
    with staging_dir(out_dir, input_paths(config)) as stage:
        if family.input_kind == "tokens":
            log("tokenizer")
            tokenizer = prepare_tokenizer(config, stage / TOKENIZER_FILE)
            built = build_model(config, tokenizer)
            input_fields = _tokenizer_fields(stage, tokenizer, built.config, config.generation)
            input_fields |= _spelling_fields(stage, config)
            asset_file = TOKENIZER_FILE
        else:
            settings = projection_settings(config)
            (stage / PROJECTION_FILE).write_text(settings.to_json() + "\n", encoding="utf-8")
            built = build_model(config)
            input_fields, asset_file = _projection_fields(stage, settings, config), PROJECTION_FILE
        methods = family.export_methods(built.model)
        log(f"golden vectors from eager PyTorch ({config.verify.samples} samples)")
        if family.task == "seq2seq":
            mc = built.config
            save_golden(make_golden(EagerSession(methods), tokenizer, config.verify.samples, mc.eos_id, mc.eos_id,
                                    mc.max_source_len, mc.max_target_len), stage / GOLDEN_FILE)
        else:
            save_classify_golden(make_classify_golden(EagerSession(methods), settings, config.verify.samples),
                                 stage / GOLDEN_FILE)
        packages = {"torch": version("torch")}
        for backend_name in dict.fromkeys(b for b, _ in plan):
            packages.update(BACKENDS.get(backend_name).versions())
        fields = dict(
            name=config.name, version=config.version, family=config.family, task=config.task,
            architecture=built.config.to_dict(), parameters=sum(p.numel() for p in built.model.parameters()),
            schema_version=SCHEMA_VERSION, **input_fields, golden=file_ref(stage, GOLDEN_FILE),
            provenance={"sdk_version": __version__, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "config_sha256": config.content_hash(), "weights_sha256": built.weights_sha256,
                        "python": platform.python_version(), "packages": packages})
        # What an artifact carries inside itself where its format allows (a .tflite's metadata): the
        # manifest without the artifact list (which holds the artifact's own checksum) and the tokenizer.
        embedded = {MANIFEST_NAME: EmbeddedManifest(**fields, artifacts=[]).to_json().encode(),
                    asset_file: (stage / asset_file).read_bytes()}
        artifacts = []
        for backend_name, quantization in plan:
            backend = BACKENDS.get(backend_name)
            file_name = f"{config.name}-{quantization}{backend.suffix}"
            log(f"export {backend_name}/{quantization} -> {file_name}")
            exported = family.export_methods(built.model, backend.style)
            backend.export(exported, quantization, stage / file_name,
                           lambda msg, b=backend_name, q=quantization: log(f"  {b}/{q}: {msg}"), embedded)
            artifacts.append({**file_ref(stage, file_name), "backend": backend_name,
                              "quantization": quantization,
                              "methods": [signature(m, backend.dtype_map) for m in exported]})
        manifest = Manifest(**fields, artifacts=artifacts)
        # Bytes, not text: no newline translation, so the bundle digest is of exactly this (docs/bundle-format.md).
        (stage / MANIFEST_NAME).write_bytes(manifest.to_json().encode("utf-8"))
    return load_bundle(out_dir)
