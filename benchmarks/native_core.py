"""Whole-sentence latency of the native core vs the Python runtime path vs eager PyTorch, and the core's RSS.

    python benchmarks/native_core.py BUNDLE [--sentences 60] [--repeats 5] [--report build/native-core.html]

All three correct the same 20-30-piece sentences of the frozen test split through the same pipeline
(sentences, pass-through, guard, edits; docs/text-handling.md), interleaved sentence by sentence in one
process: the core through its C ABI (ctypes), the Python twin over the bundle's ExecuTorch artifact,
and the same twin over eager PyTorch. Then `edge_sdk_bench` (bridges/core/bench) times the core against
the bare model calls it makes and reads the core's peak RSS over 1,000 corrections. Medians and ratios,
not absolute promises: machines are noisy. Needs `make core`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jinja2 import Template

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "build" / "core" / "bench" / "edge_sdk_bench"

REPORT = Template("""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>native core benchmark</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.bar{fill:#4f6bed}text{font-size:12px}small{color:#666}</style>
</head><body><h1>Native core: whole-sentence latency ({{ quantization }})</h1>
<p><small>{{ sentences }} sentences of 20-30 pieces, median of {{ repeats }} interleaved runs each;
{{ machine }}</small></p>
<svg width="640" height="{{ 28 * rows|length + 10 }}">{% set slowest = rows|map(attribute=1)|max %}
{% for name, ms in rows %}<text x="0" y="{{ 28 * loop.index0 + 18 }}">{{ name }}</text>
<rect class="bar" x="230" y="{{ 28 * loop.index0 + 5 }}" height="18" width="{{ 330 * ms / slowest }}"/>
<text x="{{ 236 + 330 * ms / slowest }}" y="{{ 28 * loop.index0 + 18 }}">{{ '%.1f' % ms }} ms</text>{% endfor %}</svg>
<table><tr><th>measure</th><th>value</th></tr>
{% for name, value in table %}<tr><td>{{ name }}</td><td>{{ value }}</td></tr>{% endfor %}</table></body></html>""")


def pick_sentences(tokenizer, count: int) -> list[str]:
    lines = (ROOT / "edge_sdk" / "assets" / "gec" / "test.src").read_text(encoding="utf-8").splitlines()
    chosen = [s for s in lines if 20 <= len(tokenizer.encode(s)) + 1 <= 30]
    return chosen[:count]


def run_bench(*args: str) -> dict:
    result = subprocess.run([str(BENCH), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"edge_sdk_bench failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--quantization", default="int8")
    parser.add_argument("--sentences", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rss-corrections", type=int, default=1000)
    parser.add_argument("--report", type=Path, default=ROOT / "build" / "native-core.html")
    args = parser.parse_args()
    if not BENCH.is_file():
        sys.exit(f"{BENCH} is missing: run `make core`")

    import torch

    from edge_sdk.evaluate.systems import eager_corrector, load_checkpoint
    from edge_sdk.fileio import write_bytes_atomic
    from edge_sdk.generation.corrector import GrammarCorrector
    from edge_sdk.native import NativeCore

    torch.set_num_threads(1)
    assets = ROOT / "edge_sdk" / "assets" / "grammar-corrector"
    python = GrammarCorrector(args.bundle, "executorch", args.quantization)
    eager = eager_corrector(*load_checkpoint(assets / "model.safetensors", assets / "tokenizer.model"))
    native = NativeCore().open_bundle(args.bundle).corrector("executorch", args.quantization)
    sentences = pick_sentences(python.tokenizer, args.sentences)
    paths = {"core (C ABI)": native.correct, "Python runtime path": python.correct, "eager PyTorch": eager.correct}
    medians: dict[str, list[float]] = {name: [] for name in paths}
    same = 0
    for i, sentence in enumerate(sentences, 1):
        outputs = {name: fn(sentence).text for name, fn in paths.items()}  # warm-up, and the outputs compared
        same += outputs["core (C ABI)"] == outputs["Python runtime path"]
        times: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(args.repeats):
            for name, fn in paths.items():
                started = time.perf_counter()
                fn(sentence)
                times[name].append((time.perf_counter() - started) * 1e3)
        for name in paths:
            medians[name].append(statistics.median(times[name]))
        print(f"\r{i}/{len(sentences)} sentences", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    per_path = {name: statistics.median(values) for name, values in medians.items()}
    ratio = {name: statistics.median(a / b for a, b in zip(values, medians["core (C ABI)"], strict=True))
             for name, values in medians.items()}

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(sentences) + "\n")
    overhead = run_bench("latency", str(args.bundle), args.quantization, f.name, str(args.repeats))
    memory = run_bench("rss", str(args.bundle), args.quantization, f.name, str(args.rss_corrections))
    Path(f.name).unlink()

    table = [(f"{name}, median ms per sentence", f"{ms:.2f}") for name, ms in per_path.items()]
    table += [(f"{name} / core (median of per-sentence ratios)", f"{ratio[name]:.2f}×")
              for name in paths if name != "core (C ABI)"]
    table += [("core outputs equal to the Python runtime path's", f"{same} / {len(sentences)}"),
              ("core / its bare model calls (edge_sdk_bench)", f"{overhead['core_over_raw_median']:.3f}"),
              ("core ms vs bare model calls ms (edge_sdk_bench)",
               f"{overhead['core_ms_median']:.2f} vs {overhead['raw_ms_median']:.2f}"),
              (f"core peak RSS above an empty process, {memory['corrections']:,} corrections",
               f"{memory['peak_above_empty_mb']:.1f} MB"),
              ("empty process RSS / peak RSS",
               f"{memory['rss_empty_kb'] / 1024:.1f} / {memory['rss_peak_kb'] / 1024:.1f} MB")]
    for name, value in table:
        print(f"{name:70s} {value}")
    machine = f"{torch.get_num_threads()} eager thread(s); ExecuTorch default threads"
    html = REPORT.render(quantization=args.quantization, sentences=len(sentences), repeats=args.repeats,
                         machine=machine, rows=list(per_path.items()), table=table)
    write_bytes_atomic(args.report, html.encode("utf-8"))
    print(f"report: {args.report}")


if __name__ == "__main__":
    main()
