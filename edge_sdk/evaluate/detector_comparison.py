"""ProFormer vs the BERT-style baseline on error detection: quality, memory, size and runtime latency.

Each trained detector is scored on the held-out split (eager PyTorch), exported to ExecuTorch (fp32 and
dynamic int8) and timed per sentence in the ExecuTorch runtime, interleaved with eager PyTorch.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from edge_sdk.evaluate.detection import DetectionScores, detection_scores
from edge_sdk.export import BACKENDS
from edge_sdk.models import FAMILIES
from edge_sdk.models.weights import load_state_strict, read_weights
from edge_sdk.train.detector import BEST, DetectorTrainer, load_detector_config, read_split, read_yaml


@dataclass
class DetectorRow:
    name: str
    family: str
    parameters: int
    embedding_bytes: int  # the token embedding table an app ships (0: features are hashed on the phone)
    input_asset_bytes: int  # tokenizer.model or projection.json
    pte_fp32_bytes: int
    pte_int8_bytes: int
    scores: DetectionScores
    featurize_ms: float  # Python, per sentence: tokenization or projection
    runtime_ms: float  # ExecuTorch fp32 `classify`, per sentence
    runtime_int8_ms: float
    eager_ms: float  # eager PyTorch, one thread, same inputs

    @property
    def bundle_bytes(self) -> int:
        return self.pte_int8_bytes + self.input_asset_bytes


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def compare_detector(config_path: Path, split: str = "test", limit: int | None = None,
                     repeats: int = 50, log: Callable[[str], None] = print) -> DetectorRow:
    cfg = load_detector_config(config_path, read_yaml(config_path))
    trainer = DetectorTrainer(cfg, log=lambda _m: None)
    best = trainer.out_dir / BEST
    if not best.is_file():
        raise FileNotFoundError(f"{best} not found: train first with `edge-sdk train {config_path}`")
    _family, _config, state = read_weights(best)
    load_state_strict(trainer.model, state, str(best))
    model = trainer.model.eval()
    texts, gold = read_split(trainer.cfg.path(cfg.data_dir), split, limit)
    log(f"{cfg.family}: scoring {len(texts):,} {split} sentences")
    scores = detection_scores(trainer.predict(texts), gold)

    mc = trainer.model_config
    if trainer.featurize.kind == "projection":
        embedding, asset = 0, len(trainer.featurize.settings.to_json().encode())
    else:
        embedding = mc.embedding_bytes()
        asset = trainer.featurize.tokenizer.path.stat().st_size
    family = FAMILIES.get(cfg.family)
    sample = texts[:200]
    featurize_ms = _median_ms(lambda: [trainer.featurize([t]) for t in sample], 3) / len(sample)
    inputs = [x.numpy() for x in trainer.featurize([sample[0]])]
    backend = BACKENDS.get("executorch")
    sizes, runtime = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for quantization in ("fp32", "int8"):
            path = Path(tmp) / f"{cfg.family}-{quantization}.pte"
            log(f"{cfg.family}: ExecuTorch {quantization} export")
            backend.export(family.export_methods(model), quantization, path, lambda _m: None)
            sizes[quantization] = path.stat().st_size
            session = backend.load(path)
            runtime[quantization] = _median_ms(lambda s=session: s.run("classify", inputs), repeats)
    torch.set_num_threads(1)
    with torch.no_grad():
        tensors = [torch.from_numpy(x) for x in inputs]
        eager_ms = _median_ms(lambda: model(*tensors), repeats)
    return DetectorRow(Path(config_path).stem, cfg.family, sum(p.numel() for p in model.parameters()), embedding,
                       asset, sizes["fp32"], sizes["int8"], scores, featurize_ms, runtime["fp32"], runtime["int8"],
                       eager_ms)


def markdown_table(rows: list[DetectorRow], split: str) -> str:
    head = ("| model | params | embedding table | input asset | .pte fp32 / int8 | bundle (int8) | accuracy | "
            "balanced accuracy | F1 (error) | correct flagged | featurize ms | ExecuTorch fp32 / int8 ms | eager ms |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        s = r.scores
        lines.append(
            f"| {r.family} | {r.parameters:,} | {r.embedding_bytes / 1e6:.2f} MB | {r.input_asset_bytes / 1e3:.1f} kB "
            f"| {r.pte_fp32_bytes / 1e6:.2f} / {r.pte_int8_bytes / 1e6:.2f} MB | {r.bundle_bytes / 1e6:.2f} MB "
            f"| {s.accuracy:.3f} | {s.balanced_accuracy:.3f} | {s.f1:.3f} | {s.flagged_correct:.1%} "
            f"| {r.featurize_ms:.2f} "
            f"| {r.runtime_ms:.2f} / {r.runtime_int8_ms:.2f} | {r.eager_ms:.2f} |")
    lines.append("")
    lines.append(f"Scores on the {split} split ({rows[0].scores.n:,} sentences, error = positive class). Latency: "
                 "median per sentence, one call of `classify`; featurize = tokenization or LSH projection in "
                 "Python (the app does it natively).")
    return "\n".join(lines) + "\n"


def ratio_summary(rows: list[DetectorRow]) -> str:
    if len(rows) != 2 or not rows[1].embedding_bytes:
        return ""
    a, b = rows
    return (f"{a.family} vs {b.family}: embedding memory {a.embedding_bytes:,} vs {b.embedding_bytes:,} bytes; "
            f"bundle {b.bundle_bytes / max(1, a.bundle_bytes):.1f}x smaller for {a.family}; "
            f"balanced accuracy {a.scores.balanced_accuracy:.3f} vs {b.scores.balanced_accuracy:.3f}; "
            f"ExecuTorch latency ratio "
            f"{a.runtime_ms / b.runtime_ms:.2f}")
