"""What the 128-piece source bound costs: whole-sentence corrections at bound 64 and 128, side by side.

The source bound sets the encoder's largest input and the decoder's KV cache (max_target_len): each decode
step attends over every cache slot, masked or not, so a larger bound costs every sentence, not only long
ones. This builds the same checkpoint twice (ExecuTorch and LiteRT, int8; bounds are not weights:
positions are sinusoidal) and times `GrammarCorrector.correct(sentence)` on learner-like sentences of
typical and long length, interleaved, in the real runtimes. docs/model-card.md records the result.

    .venv/bin/python benchmarks/source_bound.py --weights runs/gec-gpu/model_best_fp16.safetensors
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from edge_sdk.build import build_bundle
from edge_sdk.config import BuildConfig
from edge_sdk.evaluate.splits import load_split, packaged_splits
from edge_sdk.generation.corrector import GrammarCorrector
from edge_sdk.tokenizer import SentencePieceTokenizer

TOKENIZER = Path("edge_sdk/assets/grammar-corrector/tokenizer.model")
ARTIFACTS = (("executorch", "int8"), ("tflite", "int8"))


def bundle_at(weights: Path, bound: int, out: Path) -> Path:
    config = BuildConfig(name=f"bound-{bound}", weights=weights.resolve(),
                         tokenizer={"model": TOKENIZER.resolve()},
                         model={"max_source_len": bound, "max_target_len": bound},
                         targets={backend: {"quantization": [q]} for backend, q in ARTIFACTS})
    build_bundle(config, out, log=lambda m: print(f"  [{bound}] {m}", flush=True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--bounds", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--sentences", type=int, default=24, help="per length group")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tokenizer = SentencePieceTokenizer(TOKENIZER)
    split = load_split(packaged_splits(), "learner")
    lengths = [(len(tokenizer.encode(s)) + 1, s) for s in split.sources]
    groups = {"typical (20-35 pieces)": [s for n, s in lengths if 20 <= n <= 35][:args.sentences],
              "long (50-63 pieces)": [s for n, s in lengths if 50 <= n < 64][:args.sentences]}
    with tempfile.TemporaryDirectory() as tmp:
        correctors = {}
        for bound in args.bounds:
            print(f"building bound {bound}", flush=True)
            folder = bundle_at(args.weights, bound, Path(tmp) / f"b{bound}")
            for backend, q in ARTIFACTS:
                correctors[(bound, backend)] = GrammarCorrector(folder, backend, q)
        print(f"\nmedian ms per sentence (whole correction), {args.repeats} interleaved passes")
        print(f"{'group':26} {'runtime':11} " + " ".join(f"{'bound ' + str(b):>10}" for b in args.bounds)
              + f" {'ratio':>7}")
        for group, sentences in groups.items():
            for backend, _ in ARTIFACTS:
                times: dict[int, list[float]] = {b: [] for b in args.bounds}
                for _ in range(args.repeats):
                    for sentence in sentences:
                        for bound in args.bounds:  # interleaved: machine noise hits every bound alike
                            started = time.perf_counter()
                            correctors[(bound, backend)].correct(sentence)
                            times[bound].append((time.perf_counter() - started) * 1000)
                medians = [statistics.median(times[b]) for b in args.bounds]
                print(f"{group:26} {backend:11} " + " ".join(f"{m:10.1f}" for m in medians)
                      + f" {medians[-1] / medians[0]:6.2f}x")


if __name__ == "__main__":
    main()
