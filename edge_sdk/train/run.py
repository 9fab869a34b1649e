"""`edge-sdk train` / `python -m edge_sdk.train`: a training run with a rich progress display."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from edge_sdk.train.config import TrainConfigError, load_train_config
from edge_sdk.train.trainer import Progress as StepProgress
from edge_sdk.train.trainer import Trainer


class TrainingSetupError(ValueError):
    pass


def run_training(config: Path, steps: int | None = None, device: str | None = None,
                 console: Console | None = None) -> StepProgress:
    console = console or Console()
    from edge_sdk.train.detector import read_yaml

    try:
        raw = read_yaml(config) if Path(config).is_file() else {}
    except Exception as err:
        raise TrainingSetupError(f"{config}: {err}") from err
    if raw.get("family", "edgeformer") != "edgeformer":
        return run_detector_training(config, raw, steps, device, console)
    try:
        cfg = load_train_config(config, {"device": device} if device else None)
        trainer = Trainer(cfg, log=console.log)
    except (TrainConfigError, FileNotFoundError, ValueError) as err:
        raise TrainingSetupError(str(err)) from err
    total = min(steps or cfg.max_steps, cfg.max_steps)
    n_params = sum(p.numel() for p in trainer.model.parameters())
    console.log(f"{n_params:,} parameters on {trainer.device}; {len(trainer.train_sentences):,} training sentences")
    columns = (SpinnerColumn(), TextColumn("step {task.completed}/{task.total}"), BarColumn(),
               TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("", total=total, completed=trainer.step)

        def show(p: StepProgress) -> None:
            dev = f" dev {p.dev_loss:.3f}" if p.dev_loss is not None else ""
            progress.update(task, completed=p.step, description=f"epoch {p.epoch} loss {p.loss:.3f}{dev} "
                                                                f"{p.tokens_per_s:,.0f} tok/s lr {p.lr:.1e}")
            if p.dev_loss is not None:
                progress.console.log(f"step {p.step}: loss {p.loss:.3f}, dev loss {p.dev_loss:.3f}, "
                                     f"{p.tokens_per_s:,.0f} tok/s")

        final = trainer.train(total, show)
    console.print(f"step {final.step}: loss {final.loss:.3f}; checkpoints in {trainer.out_dir}")
    return final


def run_detector_training(config: Path, raw: dict, steps: int | None, device: str | None,
                          console: Console) -> StepProgress:
    """A classification family (ProFormer, BERT baseline) on the error-detection task."""
    from edge_sdk.train.detector import DetectorTrainer, load_detector_config

    try:
        cfg = load_detector_config(config, {**raw, **({"device": device} if device else {})})
        trainer = DetectorTrainer(cfg, log=console.log)
    except (TrainConfigError, FileNotFoundError, ValueError) as err:
        raise TrainingSetupError(str(err)) from err
    total = min(steps or cfg.max_steps, cfg.max_steps)
    n_params = sum(p.numel() for p in trainer.model.parameters())
    console.log(f"{cfg.family}: {n_params:,} parameters; {len(trainer.sentences):,} training sentences")
    columns = (SpinnerColumn(), TextColumn("step {task.completed}/{task.total}"), BarColumn(),
               TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("", total=total, completed=trainer.step)

        def show(step: int, loss: float, scores: object) -> None:
            progress.update(task, completed=step, description=f"loss {loss:.3f}")
            if scores is not None:
                progress.console.log(f"step {step}: loss {loss:.3f}, dev balanced accuracy "
                                     f"{scores.balanced_accuracy:.3f}, F1 {scores.f1:.3f}")

        scores = trainer.train(total, show)
    console.print(f"step {trainer.step}: dev balanced accuracy {scores.balanced_accuracy:.3f}, F1 {scores.f1:.3f}; "
                  f"checkpoints in {trainer.out_dir}")
    return StepProgress(trainer.step, 0, 0.0, 0.0, 0.0, None)
