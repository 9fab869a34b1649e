"""Build configuration (YAML -> pydantic): what to build, from which weights, for which targets.

Model-family fields are validated by the family's own config class, so a typo in `model:` gets the
same readable error as a typo anywhere else.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_NAME = "grammar-corrector.yaml"


class ConfigFileError(ValueError):
    """A configuration file that cannot be used, with a message meant for the person who wrote it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenizerTrainSpec(_Strict):
    corpus: Path
    vocab_size: int = Field(2000, ge=64, le=64000)


class TokenizerConfig(_Strict):
    """Either an existing SentencePiece model or how to train one."""

    model: Path | None = None
    train: TokenizerTrainSpec | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TokenizerConfig:
        if (self.model is None) == (self.train is None):
            raise ValueError("give exactly one of tokenizer.model (a .model file) or tokenizer.train")
        return self


class ProjectionConfig(_Strict):
    """LSH projection settings (docs/projection-spec.md) for projection-input families (ProFormer)."""

    features: int = Field(256, ge=16, le=4096, multiple_of=16)
    seed: int = Field(0x5EED, ge=0)
    max_words: int = Field(64, ge=1, le=1024)
    char_ngrams: list[int] = Field(default_factory=list)


class TargetConfig(_Strict):
    # None: the backend's defaults (fp32 + int8; fp16 + int8 for Core ML).
    quantization: list[str] | None = Field(None, min_length=1)


class GenerationConfig(_Strict):
    strategy: Literal["greedy"] = "greedy"
    # The edit-confidence gate (docs/text-handling.md, "Edit confidence"): edits the decoder wrote with a
    # probability margin under this are dropped; 0 keeps every edit. Tuned on dev (docs/model-card.md).
    min_edit_margin: float = Field(0.0, ge=0.0, lt=1.0, allow_inf_nan=False)


class SpellingConfig(_Strict):
    """The dictionary spelling stage in front of the model (docs/text-handling.md, "Spelling stage")."""

    # Folder of `<name>.aff`, `<name>.dic`, `LICENSE-<name>` and `frequencies.tsv` (`edge-sdk data
    # build-spelling`; the packaged ones are edge_sdk/assets/spelling).
    assets: Path
    dictionaries: list[str] = Field(default_factory=lambda: ["en_US", "en_GB"], min_length=1)
    distance_weight: float = Field(4.0, gt=0.0, le=100.0, allow_inf_nan=False)
    max_distance: int = Field(2, ge=1, le=3)
    max_distance_short: int = Field(1, ge=0, le=3)
    known_count: int = Field(3, ge=1)
    min_letters: int = Field(3, ge=1, le=10)
    # Two-word proposals only of two of the list's most frequent words (0: any); docs/text-handling.md.
    split_top: int = Field(1000, ge=0)

    @field_validator("dictionaries")
    @classmethod
    def _plain_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not re.fullmatch(r"[A-Za-z][A-Za-z_-]*", name):
                raise ValueError(f"dictionary name {name!r}: letters, '_' and '-' only (e.g. en_US)")
        if len(set(names)) != len(names):
            raise ValueError("a dictionary is listed twice")
        return names


class VerifyConfig(_Strict):
    # Sentences whose eager inputs/outputs are stored in the bundle as golden vectors.
    samples: int = Field(4, ge=1, le=64)


def _all_targets() -> dict[str, TargetConfig]:
    from edge_sdk.export import BACKENDS

    return {name: TargetConfig() for name in BACKENDS.names()}


class BuildConfig(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field("0.1.0", pattern=r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
    family: str = "edgeformer"
    task: str = "grammar-correction"
    model: dict[str, Any] = Field(default_factory=dict)
    # safetensors produced by `edge-sdk import-edgelm` or training; None = random init from `seed`.
    weights: Path | None = None
    seed: int = 0
    # The input side: a tokenizer (EdgeFormer) or a projection (ProFormer), as the family needs.
    tokenizer: TokenizerConfig | None = None
    projection: ProjectionConfig | None = None
    # Classification label names, logit order (e.g. [correct, error]).
    labels: list[str] | None = Field(None, min_length=2)
    # Default: every registered backend with its default quantizations.
    targets: dict[str, TargetConfig] = Field(default_factory=lambda: _all_targets(), validate_default=True)
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    spelling: SpellingConfig | None = None
    verify: VerifyConfig = Field(default_factory=VerifyConfig)
    # Directory relative paths are resolved against (the config file's folder).
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("targets", mode="after")
    @classmethod
    def _known_targets(cls, targets: dict[str, TargetConfig]) -> dict[str, TargetConfig]:
        from edge_sdk.export import BACKENDS

        if not targets:
            raise ValueError("at least one target is needed")
        for name, target in targets.items():
            if name not in BACKENDS:
                raise ValueError(f"unknown target {name!r} (known: {', '.join(BACKENDS.names())})")
            backend = BACKENDS.get(name)
            if target.quantization is None:
                target.quantization = list(backend.default_quantizations)
            bad = [q for q in target.quantization if q not in backend.quantizations]
            if bad:
                raise ValueError(f"target {name} supports quantization {', '.join(backend.quantizations)}, "
                                 f"not {', '.join(bad)}")
        return targets

    @field_validator("family")
    @classmethod
    def _known_family(cls, family: str) -> str:
        from edge_sdk.models import FAMILIES

        if family not in FAMILIES:
            raise ValueError(f"unknown model family {family!r} (known: {', '.join(FAMILIES.names())})")
        return family

    def resolve(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    def content_hash(self) -> str:
        """sha256 of the config as parsed (not as written), recorded in the bundle's provenance."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()


def _format_validation_error(source: str, err: ValidationError) -> str:
    lines = [f"{source}: {err.error_count()} problem(s)"]
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"  - {where}: {e['msg']}")
    return "\n".join(lines)


def parse_config(data: Any, source: str, base_dir: Path) -> BuildConfig:
    if not isinstance(data, dict):
        raise ConfigFileError(f"{source}: expected a mapping of settings at the top level, "
                              f"got {type(data).__name__}")
    try:
        config = BuildConfig.model_validate({**data, "base_dir": base_dir})
    except ValidationError as err:
        raise ConfigFileError(_format_validation_error(source, err)) from None
    # The family validates its own fields so `model:` typos are caught before any export starts.
    from edge_sdk.models import FAMILIES

    family = FAMILIES.get(config.family)
    try:
        family.config_from_dict(config.model)
    except (ValueError, TypeError) as err:
        raise ConfigFileError(f"{source}: model: {err}") from None
    if family.input_kind == "tokens" and (config.tokenizer is None or config.projection is not None):
        raise ConfigFileError(f"{source}: family {config.family} reads tokens: give `tokenizer:` "
                              "(and no `projection:`)")
    if family.input_kind == "projection":
        if config.projection is None or config.tokenizer is not None:
            raise ConfigFileError(f"{source}: family {config.family} reads LSH projection features: give "
                                  "`projection:` (and no `tokenizer:`)")
        if config.labels is None:
            raise ConfigFileError(f"{source}: a classifier needs `labels:` (names in logit order)")
        num_labels = config.model.get("num_labels", 2)
        if len(config.labels) != num_labels:
            raise ConfigFileError(f"{source}: {len(config.labels)} labels for model.num_labels {num_labels}")
    return config


def load_config(path: Path | None) -> BuildConfig:
    """Load a YAML build config; None loads the built-in default."""
    if path is None:
        default = files("edge_sdk") / "configs" / DEFAULT_CONFIG_NAME
        return parse_config(yaml.safe_load(default.read_text()), "built-in default config",
                            Path(str(default)).parent)
    path = Path(path)
    if not path.is_file():
        raise ConfigFileError(f"config file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigFileError(f"{path}: not valid YAML: {err}") from None
    return parse_config(data, str(path), path.parent.resolve())
