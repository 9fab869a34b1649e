"""Resumable EdgeFormer training: AdamW, warm-up + cosine decay, label smoothing, bf16 autocast on CUDA.

State lives in `out_dir`: `model_last.safetensors` / `model_best.safetensors` (weights + config in the
header), `trainer_state.pt` (optimizer, step, epoch position; plain tensors, loaded weights-only),
`tokenizer.model`, and `log.jsonl` (one line per evaluation). Re-running the same command resumes.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from edge_sdk.data.corpus import load_training_text
from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.models.edgeformer import EdgeFormer, EdgeFormerConfig
from edge_sdk.models.weights import load_state_strict, read_metadata, read_weights, save_weights
from edge_sdk.tokenizer import SentencePieceTokenizer, train_sentencepiece
from edge_sdk.train.batches import Batch, EpochRecipe, build_epoch, encode_pairs, make_batches
from edge_sdk.train.config import TrainConfig

STATE_FILE = "trainer_state.pt"
# After resuming from weights alone (the optimizer state is not committed to git), the learning rate
# ramps up again over this many steps while AdamW's moment estimates rebuild.
REWARM_STEPS = 200
LAST, BEST = "model_last.safetensors", "model_best.safetensors"


@dataclass
class Progress:
    step: int
    epoch: int
    loss: float
    tokens_per_s: float
    lr: float
    dev_loss: float | None = None


def pick_device(name: str) -> torch.device:
    """`auto` (CUDA when present, else CPU) or a torch device string; `ValueError` if it is none or absent."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError):
        raise ValueError(f"device {name!r} is not a torch device (auto, cpu, cuda, cuda:1, mps ...)") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name}: CUDA is not available on this machine (use cpu or auto)")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ValueError(f"device {name}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device {name}: MPS is not available on this machine (use cpu or auto)")
    return device


def lr_at(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps))
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def loss_fn(model: EdgeFormer, batch: Batch, label_smoothing: float) -> torch.Tensor:
    logits = model(batch.src, batch.prev)
    return F.cross_entropy(logits.float().flatten(0, 1), batch.target.flatten(), ignore_index=model.config.pad_id,
                           label_smoothing=label_smoothing)


def prepare_tokenizer(cfg: TrainConfig, out_dir: Path, train_sentences: list[str],
                      generator: ErrorGenerator) -> SentencePieceTokenizer:
    target = out_dir / "tokenizer.model"
    if target.is_file():
        return SentencePieceTokenizer(target)
    if cfg.tokenizer is not None:
        target.write_bytes(cfg.path(cfg.tokenizer).read_bytes())
        return SentencePieceTokenizer(target)
    # Train on clean *and* corrupted text so misspellings segment into sensible pieces.
    corpus = out_dir / "tokenizer-corpus.txt"
    sample = train_sentences[:60000]
    corpus.write_text("".join(f"{s}\n{generator.corrupt(s)[0]}\n" for s in sample), encoding="utf-8")
    train_sentencepiece(corpus, target, cfg.vocab_size)
    corpus.unlink()
    return SentencePieceTokenizer(target)


class Trainer:
    def __init__(self, cfg: TrainConfig, log: Callable[[str], None] = print) -> None:
        self.cfg = cfg
        self.log = log
        self.device = pick_device(cfg.device)
        self.out_dir = cfg.path(cfg.out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        data_dir = cfg.path(cfg.data_dir)
        self.train_sentences, self.misspellings = load_training_text(data_dir)
        self.tokenizer = prepare_tokenizer(cfg, self.out_dir, self.train_sentences, self._generator(0))
        model_fields = {**cfg.model, "vocab_size": self.tokenizer.vocab_size}
        self.model_config = EdgeFormerConfig.from_dict(model_fields)
        torch.manual_seed(cfg.seed)
        self.model = EdgeFormer(self.model_config).to(self.device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, betas=(0.9, 0.98), eps=1e-8,
                                           weight_decay=cfg.weight_decay)
        self.step, self.epoch, self.batch_index, self.best_dev = 0, 0, 0, float("inf")
        self.rewarm_from: int | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._prefetched: dict[int, Future[list[Batch]]] = {}
        dev_src = (data_dir / "dev.src").read_text(encoding="utf-8").splitlines()[: cfg.dev_sentences]
        dev_tgt = (data_dir / "dev.tgt").read_text(encoding="utf-8").splitlines()[: cfg.dev_sentences]
        c = self.model_config
        self.dev_batches = make_batches(encode_pairs(self.tokenizer, list(zip(dev_src, dev_tgt, strict=True)),
                                                     c.max_source_len, c.max_target_len),
                                        cfg.max_tokens, c.pad_id, c.eos_id, rng=None)
        self._resume()

    def _generator_seed(self, epoch: int) -> int:
        return self.cfg.seed * 100_003 + epoch

    def _generator(self, epoch: int) -> ErrorGenerator:
        return ErrorGenerator(seed=self._generator_seed(epoch), misspellings=self.misspellings)

    # ------------------------------------------------------------------ checkpoints
    def _resume(self) -> None:
        state_path = self.out_dir / STATE_FILE
        if not (self.out_dir / LAST).is_file():
            return
        _family, saved_config, weights = read_weights(self.out_dir / LAST)
        if saved_config != self.model_config.to_dict():
            raise ValueError(f"{self.out_dir} holds a run with a different model config; use another out_dir")
        load_state_strict(self.model, weights, str(self.out_dir / LAST))
        if not state_path.is_file():
            meta = read_metadata(self.out_dir / LAST)
            self.step, self.epoch = int(meta.get("step", 0)), int(meta.get("epoch", 0))
            self.batch_index = int(meta.get("batch_index", 0))
            self.best_dev = float(meta.get("best_dev", "inf"))
            self.rewarm_from = self.step
            self.log(f"resumed weights at step {self.step} without optimizer state; re-warming the learning rate")
            return
        state = torch.load(state_path, map_location=self.device, weights_only=True)
        self.optimizer.load_state_dict(state["optimizer"])
        self.step, self.epoch, self.batch_index = state["step"], state["epoch"], state["batch_index"]
        self.best_dev = state["best_dev"]
        torch.set_rng_state(state["rng_cpu"].cpu())
        if self.device.type == "cuda" and state["rng_cuda"].numel():
            torch.cuda.set_rng_state(state["rng_cuda"].cpu())
        self.log(f"resumed at step {self.step} (epoch {self.epoch}, batch {self.batch_index})")

    def position(self) -> dict[str, str]:
        return {"step": str(self.step), "epoch": str(self.epoch), "batch_index": str(self.batch_index),
                "best_dev": str(self.best_dev)}

    def save(self) -> None:
        save_weights(self.model, self.out_dir / LAST, "edgeformer", self.model_config.to_dict(),
                     extra=self.position())
        tmp = self.out_dir / f".{STATE_FILE}.tmp"
        torch.save({"optimizer": self.optimizer.state_dict(), "step": self.step, "epoch": self.epoch,
                    "batch_index": self.batch_index, "best_dev": self.best_dev,
                    # Dropout masks come from these: a resumed run continues the same random stream.
                    "rng_cpu": torch.get_rng_state(),
                    "rng_cuda": torch.cuda.get_rng_state() if self.device.type == "cuda" else torch.empty(0),
                    "config": json.dumps(self.cfg.to_dict())}, tmp)
        tmp.replace(self.out_dir / STATE_FILE)

    # ------------------------------------------------------------------ loop
    def _autocast(self) -> torch.autocast:
        enabled = self.cfg.amp and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)

    @torch.no_grad()
    def dev_loss(self) -> float:
        self.model.eval()
        total, count = 0.0, 0
        for batch in self.dev_batches:
            batch = batch.to(self.device)
            with self._autocast():
                loss = loss_fn(self.model, batch, 0.0)
            n = int((batch.target != self.model_config.pad_id).sum())
            total, count = total + float(loss) * n, count + n
        self.model.train()
        return total / max(1, count)

    def _recipe(self, epoch: int) -> EpochRecipe:
        c = self.model_config
        return EpochRecipe(self.train_sentences, self.misspellings, str(self.tokenizer.path),
                           self._generator_seed(epoch), self.cfg.seed + epoch, c.max_source_len,
                           c.max_target_len, self.cfg.max_tokens, c.pad_id, c.eos_id, self.cfg.errors)

    def epoch_batches(self, epoch: int) -> list[Batch]:
        """This epoch's batches; on CUDA the next epoch is built meanwhile in a worker process.

        Corrupting and tokenizing an epoch takes ~12 s of one CPU core, which a GPU would otherwise spend
        idle; on CPU the worker would only compete with training for the same cores.
        """
        ahead = self._prefetched.pop(epoch, None)
        batches = ahead.result() if ahead is not None else build_epoch(self._recipe(epoch))
        if self.device.type == "cuda":
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._prefetched = {epoch + 1: self._pool.submit(build_epoch, self._recipe(epoch + 1))}
        return batches

    def train(self, max_steps: int | None = None, on_progress: Callable[[Progress], None] | None = None) -> Progress:
        cfg = self.cfg
        stop = min(max_steps if max_steps is not None else cfg.max_steps, cfg.max_steps)
        self.model.train()
        window_tokens, window_start, loss_ema = 0, time.perf_counter(), None
        progress = Progress(self.step, self.epoch, float("nan"), 0.0, lr_at(self.step, cfg))
        while self.step < stop:
            batches = self.epoch_batches(self.epoch)
            while self.batch_index < len(batches) and self.step < stop:
                batch = batches[self.batch_index].to(self.device)
                lr = lr_at(self.step, cfg)
                if self.rewarm_from is not None and self.step - self.rewarm_from < REWARM_STEPS:
                    lr *= (self.step - self.rewarm_from + 1) / REWARM_STEPS
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                with self._autocast():
                    loss = loss_fn(self.model, batch, cfg.label_smoothing)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip_norm)
                self.optimizer.step()
                self.step += 1
                self.batch_index += 1
                window_tokens += batch.tokens
                value = float(loss.detach())
                loss_ema = value if loss_ema is None else 0.98 * loss_ema + 0.02 * value
                elapsed = time.perf_counter() - window_start
                progress = Progress(self.step, self.epoch, loss_ema, window_tokens / max(elapsed, 1e-9), lr)
                if self.step % cfg.eval_every == 0 or self.step == stop:
                    progress.dev_loss = self.dev_loss()
                    if progress.dev_loss < self.best_dev:
                        self.best_dev = progress.dev_loss
                        save_weights(self.model, self.out_dir / BEST, "edgeformer", self.model_config.to_dict())
                    with open(self.out_dir / "log.jsonl", "a") as f:
                        f.write(json.dumps(progress.__dict__) + "\n")
                if self.step % cfg.checkpoint_every == 0 or self.step == stop:
                    self.save()
                if on_progress is not None:
                    on_progress(progress)
            if self.batch_index >= len(batches):
                self.epoch, self.batch_index = self.epoch + 1, 0
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool, self._prefetched = None, {}
        return progress
