"""python -m edge_sdk.train.seed WEIGHTS CONFIG: start a training run from another run's weights.

The run's model config may differ from the checkpoint's in what is not a weight (the source and target
bounds: positions are sinusoidal and the decoder cache is a buffer, dropout); every tensor must still load
with its shape. The seed is written as the run's `model_last` at step 0 without optimizer state, so the
trainer resumes from it and warms its learning rate up again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from edge_sdk.models.edgeformer import EdgeFormer, EdgeFormerConfig
from edge_sdk.models.weights import WeightsError, load_state_strict, read_weights, save_weights
from edge_sdk.train.config import TrainConfigError, load_train_config
from edge_sdk.train.trainer import LAST


def seed_run(weights: Path, config: Path) -> Path:
    cfg = load_train_config(config)
    family, saved, state = read_weights(weights)
    if family != "edgeformer" or saved is None:
        raise WeightsError(f"{weights} is not an EdgeFormer checkpoint of this SDK")
    target = cfg.path(cfg.out_dir) / LAST
    if target.exists():
        raise WeightsError(f"{target} exists: the run has started; re-run `edge-sdk train {config}` to resume it")
    model_config = EdgeFormerConfig.from_dict({**cfg.model, "vocab_size": saved["vocab_size"]})
    model = EdgeFormer(model_config)
    load_state_strict(model, state, str(weights))
    target.parent.mkdir(parents=True, exist_ok=True)
    save_weights(model, target, "edgeformer", model_config.to_dict(),
                 extra={"step": "0", "epoch": "0", "batch_index": "0", "best_dev": "inf",
                        "seeded_from": str(weights)})
    return target


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m edge_sdk.train.seed", description=__doc__)
    parser.add_argument("weights", type=Path)
    parser.add_argument("config", type=Path)
    args = parser.parse_args()
    try:
        print(f"wrote {seed_run(args.weights, args.config)}")
    except (WeightsError, TrainConfigError, ValueError) as err:
        sys.exit(f"error: {err}")


if __name__ == "__main__":
    main()
