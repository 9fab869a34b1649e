"""Per-call latency of each artifact in its runtime next to eager PyTorch, measured side by side.

Machines are noisy, so calls are interleaved (runtime, eager, runtime, ...) and the report is medians
and the runtime/eager ratio, not absolute promises.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from edge_sdk.bundle.io import Bundle
from edge_sdk.export import BACKENDS
from edge_sdk.models.session import EagerSession


@dataclass
class BenchRow:
    artifact: str
    method: str
    runtime_ms: float
    eager_ms: float

    @property
    def speedup(self) -> float:
        return self.eager_ms / self.runtime_ms


def _median_ms(fn: Callable[[], object], other: Callable[[], object], repeats: int) -> tuple[float, float]:
    a, b = [], []
    fn(), other()  # warm-up: first calls allocate and pack weights
    for _ in range(repeats):
        for f, store in ((fn, a), (other, b)):
            t = time.perf_counter()
            f()
            store.append((time.perf_counter() - t) * 1e3)
    return statistics.median(a), statistics.median(b)


def bench_bundle(bundle: Bundle, eager_methods: list, src_len: int = 20, repeats: int = 30,
                 threads: int = 1) -> list[BenchRow]:
    for name, value, least in (("src_len", src_len, 2), ("repeats", repeats, 1), ("threads", threads, 1)):
        if value < least:  # 1 token is only EOS; 0 repeats has no median; torch refuses 0 threads
            raise ValueError(f"{name} must be >= {least}, got {value}")
    torch.set_num_threads(threads)
    if bundle.manifest.labels is not None:
        return _bench_classifier(bundle, eager_methods, repeats)
    gen = bundle.manifest.generation
    src_len = min(src_len, gen.max_source_len)
    src = np.random.default_rng(0).integers(4, bundle.manifest.tokenizer.vocab_size, (1, src_len)).astype(np.int64)
    src[0, -1] = gen.eos_id
    eager = EagerSession(eager_methods)
    rows = []
    for artifact in bundle.manifest.artifacts:
        backend = BACKENDS.get(artifact.backend)
        if not backend.runs_here()[0]:
            continue  # e.g. Core ML off macOS: nothing to time here
        session = backend.load(bundle.path(artifact), artifact.methods)
        label = f"{artifact.backend}/{artifact.quantization}"
        r, e = _median_ms(lambda s=session: s.run("encode", [src]), lambda: eager.run("encode", [src]), repeats)
        rows.append(BenchRow(label, f"encode ({src_len} tokens)", r, e))
        step = [np.asarray([gen.decoder_start_id]), np.asarray([gen.max_target_len // 2])]
        runtime_call = [*step, *session.run("encode", [src])]
        eager_call = [*step, *eager.run("encode", [src])]
        r, e = _median_ms(lambda s=session, args=runtime_call: s.run("decode_step", args),
                          lambda args=eager_call: eager.run("decode_step", args), repeats)
        rows.append(BenchRow(label, "decode_step", r, e))
    return rows


def _bench_classifier(bundle: Bundle, eager_methods: list, repeats: int) -> list[BenchRow]:
    from edge_sdk.projection import ProjectionSettings
    from edge_sdk.verify.golden import SAMPLE_SENTENCES, classify_inputs

    settings = ProjectionSettings.from_json(bundle.path(bundle.manifest.projection).read_text(encoding="utf-8"))
    text = SAMPLE_SENTENCES[4]
    inputs = list(classify_inputs(text, settings))
    eager = EagerSession(eager_methods)
    rows = []
    for artifact in bundle.manifest.artifacts:
        backend = BACKENDS.get(artifact.backend)
        if not backend.runs_here()[0]:
            continue
        session = backend.load(bundle.path(artifact), artifact.methods)
        r, e = _median_ms(lambda s=session: s.run("classify", inputs), lambda: eager.run("classify", inputs), repeats)
        rows.append(BenchRow(f"{artifact.backend}/{artifact.quantization}", "classify", r, e))
    return rows
