"""How fast EdgeFormers of different encoder depths learn to copy: the measurement behind the CPU model's
6-layer encoder (docs/model-card.md).

A grammar corrector's first job is copying its source. This trains tiny EdgeFormers (d_model 64, the
release's sharing scheme, post-LN) on copying random 12-token sequences, side by side with the same
optimiser and batches, and reports teacher-forced token accuracy as training goes.

    .venv/bin/python benchmarks/copy_by_depth.py --depths 4 6 8 12 --steps 1800
"""

from __future__ import annotations

import argparse
import sys
import time

import torch
import torch.nn.functional as F

from edge_sdk.models import FAMILIES
from edge_sdk.models.edgeformer import EdgeFormer

VOCAB, LENGTH = 60, 12


def tiny(encoder_layers: int, seed: int) -> EdgeFormer:
    torch.manual_seed(seed)
    family = FAMILIES.get("edgeformer")
    config = family.config_from_dict({
        "d_model": 64, "n_heads": 4, "encoder_layers": encoder_layers, "decoder_layers": 2,
        "encoder_ffn_dim": 256, "decoder_ffn_dim": 32, "lora_rank": 4, "vocab_size": VOCAB,
        "max_source_len": 24, "max_target_len": 24, "dropout": 0.0})
    return family.build(config)


def copy_batch(eos: int, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    body = torch.randint(4, VOCAB, (n, LENGTH), generator=generator)
    end = torch.full((n, 1), eos)
    return torch.cat([body, end], 1), torch.cat([end, body], 1), torch.cat([body, end], 1)


def run(encoder_layers: int, steps: int, every: int, lr: float, seed: int) -> list[tuple[int, float, float]]:
    model = tiny(encoder_layers, seed)
    eos = model.config.eos_id
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98))
    batches, held_out = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed + 1)
    test = copy_batch(eos, 256, held_out)
    rows, start = [], time.perf_counter()
    for step in range(1, steps + 1):
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1.0, step / 100)
        src, prev, target = copy_batch(eos, 64, batches)
        loss = F.cross_entropy(model(src, prev).flatten(0, 1), target.flatten())
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % every == 0:
            with torch.no_grad():
                accuracy = float((model(test[0], test[1]).argmax(-1) == test[2]).float().mean())
            rows.append((step, accuracy, time.perf_counter() - start))
            print(f"{encoder_layers} layers, step {step}: accuracy {accuracy:.2f}", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depths", type=int, nargs="+", default=[4, 6, 8, 12])
    parser.add_argument("--steps", type=int, default=1800)
    parser.add_argument("--every", type=int, default=300)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = {d: run(d, args.steps, args.every, args.lr, args.seed) for d in args.depths}
    steps = [s for s, _, _ in results[args.depths[0]]]
    print("teacher-forced copy accuracy (held-out batch of 256) by training step")
    print("| encoder layers | " + " | ".join(str(s) for s in steps) + " | s per 100 steps |")
    print("|---" * (len(steps) + 2) + "|")
    for depth, rows in results.items():
        per_100 = rows[-1][2] / rows[-1][0] * 100
        print(f"| {depth} | " + " | ".join(f"{a:.2f}" for _, a, _ in rows) + f" | {per_100:.1f} |")


if __name__ == "__main__":
    main()
