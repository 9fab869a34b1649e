"""Training configuration: a dataclass read from YAML (no pydantic: training machines may lack it)."""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


class TrainConfigError(ValueError):
    pass


@dataclass
class TrainConfig:
    data_dir: Path  # output of `edge-sdk data build-gec`
    out_dir: Path  # checkpoints, tokenizer, logs
    model: dict[str, Any] = field(default_factory=dict)  # EdgeFormerConfig fields (vocab from the tokenizer)
    tokenizer: Path | None = None  # existing SentencePiece model; None trains one on the data
    vocab_size: int = 2000
    seed: int = 0
    errors: str = "synthetic"  # synthetic, learner or mixed (edge_sdk/data/learner.py, training_errors)
    max_steps: int = 20000
    max_tokens: int = 4096  # per batch, source + target, padding included
    lr: float = 5e-4
    warmup_steps: int = 1000
    min_lr_ratio: float = 0.05
    weight_decay: float = 0.01
    label_smoothing: float = 0.1
    clip_norm: float = 1.0
    amp: bool = True  # bf16 autocast where the device supports it (CUDA); ignored on CPU
    device: str = "auto"
    checkpoint_every: int = 500
    eval_every: int = 500
    dev_sentences: int = 500
    base_dir: Path = Path(".")

    def path(self, p: Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: str(v) if isinstance(v, Path) else v for k, v in d.items() if k != "base_dir"}


def load_train_config(path: Path, overrides: dict[str, Any] | None = None) -> TrainConfig:
    path = Path(path)
    if not path.is_file():
        raise TrainConfigError(f"training config not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise TrainConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise TrainConfigError(f"{path}: expected a mapping at the top level")
    data.update(overrides or {})
    known = {f.name: f for f in fields(TrainConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise TrainConfigError(f"{path}: unknown fields: {', '.join(unknown)}")
    missing = [n for n, f in known.items() if f.default is MISSING and f.default_factory is MISSING
               and n not in data]
    if missing:
        raise TrainConfigError(f"{path}: missing required fields: {', '.join(missing)}")
    for name in ("data_dir", "out_dir", "tokenizer"):
        if data.get(name) is not None:
            data[name] = Path(data[name])
    for name, f in known.items():
        if name in data and f.type in ("int", "float") and not isinstance(data[name], int | float):
            raise TrainConfigError(f"{path}: {name} must be a number, got {data[name]!r}")
    if data.get("errors", "synthetic") not in ("synthetic", "learner", "mixed"):
        raise TrainConfigError(f"{path}: errors must be synthetic, learner or mixed, got {data['errors']!r}")
    return TrainConfig(**data, base_dir=path.parent.resolve())
