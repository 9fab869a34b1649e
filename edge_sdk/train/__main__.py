"""python -m edge_sdk.train CONFIG [--steps N] [--device cuda]: training without typer or pydantic."""

import argparse
import sys
from pathlib import Path

from edge_sdk.train.run import TrainingSetupError, run_training

parser = argparse.ArgumentParser(prog="python -m edge_sdk.train", description=__doc__)
parser.add_argument("config", type=Path)
parser.add_argument("--steps", type=int, default=None)
parser.add_argument("--device", default=None)
args = parser.parse_args()
try:
    run_training(args.config, args.steps, args.device)
except TrainingSetupError as err:
    sys.exit(f"error: {err}")
