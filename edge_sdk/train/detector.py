"""Sentence-level grammatical-error detection: trains any classification family (ProFormer, BERT baseline).

Labels come from the same synthetic error generator as the corrector's data: a training sentence is
corrupted (label `error`) or left as is (label `correct`), freshly every epoch. Dev and test use the
corpus's fixed pairs (`*.src` with `*.types`, where `-` marks an untouched sentence).

Checkpoints are weights-only safetensors (`model_last`, `model_best` by dev balanced accuracy) with the step in their
metadata; re-running resumes from `model_last` (AdamW's moments restart, the schedule continues).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
import yaml

from edge_sdk.data.corpus import load_training_text
from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.data.learner import ERROR_MODELS, training_errors
from edge_sdk.evaluate.detection import DetectionScores, detection_scores
from edge_sdk.models import FAMILIES
from edge_sdk.models.weights import load_state_strict, read_metadata, read_weights, save_weights
from edge_sdk.projection import ProjectionSettings, project
from edge_sdk.train.config import TrainConfigError
from edge_sdk.train.trainer import pick_device

LAST, BEST = "model_last.safetensors", "model_best.safetensors"


@dataclass
class DetectorTrainConfig:
    family: str  # a classification family: proformer, bert-classifier
    data_dir: Path
    out_dir: Path
    model: dict[str, Any] = field(default_factory=dict)
    projection: dict[str, Any] = field(default_factory=dict)  # ProjectionSettings fields (projection families)
    tokenizer: Path | None = None  # SentencePiece model (token families)
    labels: list[str] = field(default_factory=lambda: ["correct", "error"])
    clean_rate: float = 0.5  # share of training sentences left correct (balanced classes)
    # Error types and weights for training sentences (docs/data.md); None = the corpus defaults.
    error_weights: dict[str, float] | None = None
    # `synthetic` (errors.ErrorGenerator) or the corrector's `learner` / `mixed` models (data/learner.py).
    errors: str = "synthetic"
    # Processes that compute the next batches' projections while the model trains (0: in the trainer).
    # The projection is Python on the CPU (~0.5 ms a sentence); without workers a GPU waits for it. `auto`:
    # all cores but one on CUDA; none on CPU, where workers only compete with training (2 cores: 3.0 vs
    # 3.7 steps/s).
    projection_workers: int | str = "auto"
    seed: int = 0
    max_steps: int = 3000
    batch_size: int = 64
    lr: float = 1e-3
    warmup_steps: int = 200
    weight_decay: float = 0.01
    eval_every: int = 500
    dev_sentences: int = 2000
    device: str = "cpu"  # "auto" takes CUDA when present
    base_dir: Path = Path(".")

    def path(self, p: Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else (self.base_dir / p).resolve()


def load_detector_config(path: Path, data: dict[str, Any]) -> DetectorTrainConfig:
    known = {f.name: f for f in fields(DetectorTrainConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise TrainConfigError(f"{path}: unknown fields: {', '.join(unknown)}")
    missing = [n for n, f in known.items()
               if f.default is MISSING and f.default_factory is MISSING and n not in data]
    if missing:
        raise TrainConfigError(f"{path}: missing required fields: {', '.join(missing)}")
    if data["family"] not in FAMILIES or FAMILIES.get(data["family"]).task != "classification":
        raise TrainConfigError(f"{path}: family {data['family']!r} is not a classification family")
    if data.get("errors", "synthetic") not in ERROR_MODELS:
        raise TrainConfigError(f"{path}: errors must be one of {', '.join(ERROR_MODELS)}, not {data['errors']!r}")
    if data.get("error_weights") is not None and data.get("errors", "synthetic") != "synthetic":
        raise TrainConfigError(f"{path}: error_weights apply to errors: synthetic only")
    workers = data.get("projection_workers", "auto")
    if workers != "auto" and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 0):
        raise TrainConfigError(f"{path}: projection_workers must be `auto` or a whole number >= 0, not {workers!r}")
    for name in ("data_dir", "out_dir", "tokenizer"):
        if data.get(name) is not None:
            data[name] = Path(data[name])
    return DetectorTrainConfig(**data, base_dir=Path(path).parent.resolve())


class Featurizer:
    """Text -> the model's two inputs, batched: (features or tokens, length). The app does the same."""

    def __init__(self, cfg: DetectorTrainConfig, model_fields: dict[str, Any]) -> None:
        family = FAMILIES.get(cfg.family)
        self.kind = family.input_kind
        if self.kind == "projection":
            self.settings = ProjectionSettings(**{**cfg.projection,
                                                  "char_ngrams": tuple(cfg.projection.get("char_ngrams", ()))})
            model_fields.setdefault("features", self.settings.features)
            model_fields.setdefault("max_words", self.settings.max_words)
        else:
            from edge_sdk.tokenizer import SentencePieceTokenizer

            if cfg.tokenizer is None:
                raise TrainConfigError(f"family {cfg.family} needs `tokenizer:` (a SentencePiece model)")
            self.tokenizer = SentencePieceTokenizer(cfg.path(cfg.tokenizer))
            model_fields.setdefault("vocab_size", self.tokenizer.vocab_size)
            model_fields.setdefault("pad_id", self.tokenizer.pad_id)
            self.max_len = model_fields.setdefault("max_len", 64)

    def __call__(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        if self.kind == "projection":
            s = self.settings
            features = np.zeros((len(texts), s.max_words, s.features), dtype=np.float32)
            lengths = np.zeros(len(texts), dtype=np.int64)
            for i, text in enumerate(texts):
                words = project(text, s)
                features[i, : len(words)] = words
                lengths[i] = len(words)
            return torch.from_numpy(features), torch.from_numpy(lengths)
        tokens = np.full((len(texts), self.max_len), self.tokenizer.pad_id, dtype=np.int64)
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            ids = self.tokenizer.encode(text)[: self.max_len]
            tokens[i, : len(ids)] = ids
            lengths[i] = len(ids)
        return torch.from_numpy(tokens), torch.from_numpy(lengths)


def read_split(data_dir: Path, split: str, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """(sentences, labels) of a fixed split: 1 where the error generator changed the sentence."""
    src = (data_dir / f"{split}.src").read_text(encoding="utf-8").splitlines()[:limit]
    types = (data_dir / f"{split}.types").read_text(encoding="utf-8").splitlines()[:limit]
    return src, np.asarray([t != "-" for t in types], dtype=np.int64)


class DetectorTrainer:
    def __init__(self, cfg: DetectorTrainConfig, log: Callable[[str], None] = print) -> None:
        self.cfg, self.log = cfg, log
        self.out_dir = cfg.path(cfg.out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        data_dir = cfg.path(cfg.data_dir)
        self.sentences, self.misspellings = load_training_text(data_dir)
        self.dev = read_split(data_dir, "dev", cfg.dev_sentences)
        fields_ = {**cfg.model, "num_labels": len(cfg.labels)}
        self.featurize = Featurizer(cfg, fields_)
        family = FAMILIES.get(cfg.family)
        self.model_config = family.config_from_dict(fields_)
        torch.manual_seed(cfg.seed)
        self.device = pick_device(cfg.device)
        self.model = family.build(self.model_config).to(self.device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.step, self.best = 0, -1.0
        if (self.out_dir / LAST).is_file():
            _family, saved, state = read_weights(self.out_dir / LAST)
            if saved != self.model_config.to_dict():
                raise ValueError(f"{self.out_dir} holds a run with a different model config; use another out_dir")
            load_state_strict(self.model, state, str(self.out_dir / LAST))
            meta = read_metadata(self.out_dir / LAST)
            self.step, self.best = int(meta.get("step", 0)), float(meta.get("best_balanced_accuracy", -1.0))
            log(f"resumed at step {self.step}")

    def lr_at(self, step: int) -> float:
        c = self.cfg
        if step < c.warmup_steps:
            return c.lr * (step + 1) / c.warmup_steps
        progress = min(1.0, (step - c.warmup_steps) / max(1, c.max_steps - c.warmup_steps))
        return c.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    def _generator(self, epoch: int) -> ErrorGenerator:
        c = self.cfg
        seed = c.seed * 100_003 + epoch
        if c.errors == "synthetic":
            return ErrorGenerator(seed=seed, misspellings=self.misspellings, clean_rate=c.clean_rate,
                                  weights=c.error_weights)
        return _Balanced(training_errors(c.errors, seed, self.misspellings, self.sentences), seed, c.clean_rate)

    def text_batches(self) -> Iterator[tuple[list[str], torch.Tensor]]:
        """Endless (texts, labels) batches; epoch e reshuffles and re-corrupts with its own seed."""
        c = self.cfg
        epoch = self.step * c.batch_size // max(1, len(self.sentences))
        skip = self.step * c.batch_size % max(1, len(self.sentences))
        while True:
            order = list(self.sentences)
            random.Random(c.seed * 7919 + epoch).shuffle(order)
            gen = self._generator(epoch)
            for start in range(skip, len(order) - c.batch_size + 1, c.batch_size):
                pairs = [gen.corrupt(s) for s in order[start:start + c.batch_size]]
                yield [text for text, _ in pairs], torch.tensor([1 if kinds else 0 for _, kinds in pairs])
            epoch, skip = epoch + 1, 0

    def batches(self) -> Iterator[tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]]:
        """Endless (model inputs, labels) batches, featurized in worker processes when configured."""
        texts = self.text_batches()
        workers = self.cfg.projection_workers
        if workers == "auto":
            workers = max(1, (os.cpu_count() or 2) - 1) if self.device.type == "cuda" else 0
        assert isinstance(workers, int)
        if workers == 0 or self.featurize.kind != "projection":
            for batch, labels in texts:
                yield self.featurize(batch), labels
            return
        # Each worker projects a chunk of batches; twice as many chunks as workers are kept in flight.
        chunk = 8
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending: list[tuple[Future[list[tuple[np.ndarray, np.ndarray]]], list[torch.Tensor]]] = []
            while True:
                while len(pending) < 2 * workers:
                    taken = [next(texts) for _ in range(chunk)]
                    pending.append((pool.submit(project_batches, self.featurize.settings, [t for t, _ in taken]),
                                    [labels for _, labels in taken]))
                future, labels = pending.pop(0)
                for (packed, lengths), batch_labels in zip(future.result(), labels, strict=True):
                    yield unpack_features(packed, lengths, self.featurize.settings), batch_labels

    @torch.no_grad()
    def predict(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        self.model.eval()
        out = []
        for start in range(0, len(texts), batch_size):
            inputs = self.featurize(texts[start:start + batch_size])
            out.append(self.model(*(t.to(self.device) for t in inputs)).argmax(-1).cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def evaluate(self) -> DetectionScores:
        texts, labels = self.dev
        return detection_scores(self.predict(texts), labels)

    def _save(self, name: str) -> None:
        extra = {"step": str(self.step), "best_balanced_accuracy": str(self.best),
                 "labels": json.dumps(self.cfg.labels)}
        if self.featurize.kind == "projection":
            # The weights are only valid with the exact projection they were trained on; builds check it.
            extra["projection"] = self.featurize.settings.to_json()
        save_weights(self.model, self.out_dir / name, self.cfg.family, self.model_config.to_dict(), extra=extra)

    def train(self, until: int, report: Callable[[int, float, DetectionScores | None], None] | None = None,
              ) -> DetectionScores:
        c = self.cfg
        batches = self.batches()
        losses: list[float] = []
        scores = self.evaluate() if self.step >= until else None
        started = time.perf_counter()
        while self.step < until:
            features, labels = next(batches)
            self.model.train()
            for group in self.optimizer.param_groups:
                group["lr"] = self.lr_at(self.step)
            inputs = (t.to(self.device) for t in features)
            loss = F.cross_entropy(self.model(*inputs), labels.to(self.device))
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            self.step += 1
            losses.append(loss.item())
            scores = None
            if self.step % c.eval_every == 0 or self.step == until:
                scores = self.evaluate()
                if scores.balanced_accuracy > self.best:
                    self.best = scores.balanced_accuracy
                    self._save(BEST)
                self._save(LAST)
                entry = {"step": self.step, "loss": float(np.mean(losses[-c.eval_every:])),
                         "seconds": round(time.perf_counter() - started, 1), **asdict(scores),
                         "balanced_accuracy": scores.balanced_accuracy}
                with open(self.out_dir / "log.jsonl", "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")
            if report is not None:
                report(self.step, float(np.mean(losses[-50:])), scores)
        return scores if scores is not None else self.evaluate()


class _Balanced(ErrorGenerator):
    """A detector's training prior: `clean_rate` of the sentences left as they are, the rest corrupted by
    the corrector's error model (which may itself leave a sentence correct: then it is labelled so)."""

    def __init__(self, inner: ErrorGenerator, seed: int, clean_rate: float) -> None:
        super().__init__(seed=seed, clean_rate=clean_rate)
        self.inner = inner

    def corrupt(self, sentence: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
        # Per sentence, as the generators decide, so a resumed epoch that skips its first batches makes the
        # same choices for the rest.
        if random.Random(self._stream(f"clean\x1f{sentence}")).random() < self.clean_rate:
            return sentence, []
        return self.inner.corrupt(sentence, kinds)


def project_batches(settings: ProjectionSettings, batches: list[list[str]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Worker side: each batch's word projections, the real words only, packed as int16 (the features are
    sums of +-1 over a word's n-grams, so small integers; checked, not assumed)."""
    out = []
    for texts in batches:
        words = [project(text, settings) for text in texts]
        lengths = np.asarray([len(w) for w in words], dtype=np.int64)
        stacked = np.concatenate(words) if lengths.sum() else np.zeros((0, settings.features), np.float32)
        packed = stacked.astype(np.int16)
        if not np.array_equal(packed, stacked):
            raise ValueError("projection features are not small integers: cannot pack them losslessly")
        out.append((packed, lengths))
    return out


def unpack_features(packed: np.ndarray, lengths: np.ndarray, settings: ProjectionSettings,
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """The trainer's side of `project_batches`: the same (features, lengths) the Featurizer makes."""
    features = np.zeros((len(lengths), settings.max_words, settings.features), dtype=np.float32)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    for i, n in enumerate(lengths):
        features[i, :n] = packed[offsets[i]:offsets[i] + n]
    return torch.from_numpy(features), torch.from_numpy(lengths)


def read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TrainConfigError(f"{path}: expected a mapping at the top level")
    return data
