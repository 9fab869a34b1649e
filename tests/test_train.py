"""Training smoke tests on a tiny model and a few hundred sentences (CPU, seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from safetensors.torch import save_file

from edge_sdk.data.corpus import write_pairs
from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.models.weights import read_weights
from edge_sdk.train.config import TrainConfigError, load_train_config
from edge_sdk.train.trainer import Trainer, lr_at
from tests.conftest import SEED_CORPUS

TINY_MODEL = dict(d_model=32, n_heads=2, encoder_layers=4, decoder_layers=2, encoder_ffn_dim=64,
                  decoder_ffn_dim=16, lora_rank=2, max_source_len=48, max_target_len=48, dropout=0.1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gec")
    sentences = SEED_CORPUS.read_text().splitlines()
    (out / "train.txt").write_text("\n".join(sentences[:400]) + "\n")
    write_pairs(out, "dev", sentences[4000:4060], ErrorGenerator(seed=9))
    return out


def _config(tmp_path: Path, data_dir: Path, **extra) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump({"data_dir": str(data_dir), "out_dir": str(tmp_path / "run"),
                                    "model": TINY_MODEL, "vocab_size": 600, "max_tokens": 800, "lr": 3e-3,
                                    "warmup_steps": 5, "max_steps": 60, "eval_every": 20,
                                    "checkpoint_every": 20, "dev_sentences": 60, **extra}))
    return path


def test_loss_falls(tmp_path, data_dir):
    trainer = Trainer(load_train_config(_config(tmp_path, data_dir)), log=lambda _m: None)
    before = trainer.dev_loss()
    final = trainer.train(60)
    assert final.dev_loss < before - 1.0  # from ~log(600) towards copying
    assert (tmp_path / "run" / "model_best.safetensors").is_file()
    family, config, _ = read_weights(tmp_path / "run" / "model_last.safetensors")
    assert family == "edgeformer" and config["d_model"] == 32
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert [entry["step"] for entry in log] == [20, 40, 60]


def test_resume_continues_exactly(tmp_path, data_dir):
    straight = Trainer(load_train_config(_config(tmp_path / "a", data_dir)), log=lambda _m: None)
    straight.train(30)
    first = Trainer(load_train_config(_config(tmp_path / "b", data_dir)), log=lambda _m: None)
    first.train(20)  # checkpoint_every=20: state saved at step 20
    resumed = Trainer(load_train_config(_config(tmp_path / "b", data_dir)), log=lambda _m: None)
    assert resumed.step == 20
    resumed.train(30)
    for (name, a), (_, b) in zip(straight.model.state_dict().items(), resumed.model.state_dict().items(),
                                 strict=True):
        assert torch.allclose(a, b, atol=1e-6), name


def test_warmup_then_decay():
    cfg = load_train_config.__globals__["TrainConfig"](data_dir=Path("."), out_dir=Path("."), lr=1e-3,
                                                        warmup_steps=10, max_steps=110, min_lr_ratio=0.1)
    assert lr_at(0, cfg) == pytest.approx(1e-4)
    assert lr_at(9, cfg) == pytest.approx(1e-3)
    assert lr_at(60, cfg) < lr_at(10, cfg)
    assert lr_at(110, cfg) == pytest.approx(1e-4)


def test_bad_training_config(tmp_path, data_dir):
    with pytest.raises(TrainConfigError, match="unknown fields: learning_rate"):
        load_train_config(_config(tmp_path, data_dir, learning_rate=1))
    with pytest.raises(TrainConfigError, match="lr must be a number"):
        load_train_config(_config(tmp_path, data_dir, lr="fast"))


def test_training_needs_no_export_stack(tmp_path, data_dir):
    """GPU machines have torch, sentencepiece, safetensors, numpy, rich and PyYAML, but no pydantic (which
    recent typer imports) and no export stack: `python -m edge_sdk.train` must run there."""
    import subprocess
    import sys

    config = _config(tmp_path, data_dir, max_steps=3, eval_every=3, checkpoint_every=3)
    script = (
        "import sys\n"
        "for name in ('pydantic', 'executorch', 'coremltools', 'torchao', 'errant', 'spacy', 'harper'):\n"
        "    sys.modules[name] = None  # any import of these now raises ImportError\n"
        "import runpy\n"
        f"sys.argv = ['edge_sdk.train', {str(config)!r}]\n"
        "runpy.run_module('edge_sdk.train', run_name='__main__')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "run" / "model_last.safetensors").is_file()


def test_resume_from_committed_weights_alone(tmp_path, data_dir):
    """Only weights travel in git; the step and epoch come back from their metadata."""
    first = Trainer(load_train_config(_config(tmp_path, data_dir)), log=lambda _m: None)
    first.train(20)
    (tmp_path / "run" / "trainer_state.pt").unlink()
    resumed = Trainer(load_train_config(_config(tmp_path, data_dir)), log=lambda _m: None)
    assert (resumed.step, resumed.epoch, resumed.batch_index) == (first.step, first.epoch, first.batch_index)
    for (name, a), (_, b) in zip(first.model.state_dict().items(), resumed.model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    final = resumed.train(40)
    assert final.step == 40 and final.dev_loss < resumed.best_dev + 0.5


def test_packed_fp16_weights_load_and_decode_like_the_checkpoint(tmp_path, data_dir):
    from typer.testing import CliRunner

    from edge_sdk.cli import app
    from edge_sdk.evaluate.systems import load_checkpoint

    trainer = Trainer(load_train_config(_config(tmp_path, data_dir)), log=lambda _m: None)
    trainer.train(20)
    last, packed = tmp_path / "run" / "model_last.safetensors", tmp_path / "packed.safetensors"
    result = CliRunner().invoke(app, ["pack-weights", str(last), "-o", str(packed)])
    assert result.exit_code == 0, result.output
    assert packed.stat().st_size < 0.55 * last.stat().st_size
    family, config, state = read_weights(packed)
    assert family == "edgeformer" and config == read_weights(last)[1]
    assert all(t.dtype == torch.float16 for t in state.values() if t.is_floating_point())
    tokenizer_path = tmp_path / "run" / "tokenizer.model"
    full, tokenizer = load_checkpoint(last, tokenizer_path)
    half, _ = load_checkpoint(packed, tokenizer_path)
    src = torch.tensor([[*tokenizer.encode("She go to school every day."), full.config.eos_id]])
    prev = torch.tensor([[full.config.eos_id, *tokenizer.encode("She goes to school")]])
    with torch.no_grad():
        a, b = full(src, prev), half(src, prev)
    assert (a - b).abs().max() < 0.05 * a.abs().max()
    assert torch.equal(a.argmax(-1), b.argmax(-1))
    plain = tmp_path / "plain.safetensors"
    save_file({"w": torch.ones(2)}, str(plain))
    refused = CliRunner().invoke(app, ["pack-weights", str(plain), "-o", str(tmp_path / "x.safetensors")])
    assert refused.exit_code == 1 and "not a checkpoint of this SDK" in refused.output


def test_an_epoch_built_in_a_worker_process_equals_one_built_in_the_trainer(tmp_path, data_dir):
    # On CUDA the next epoch is built in a spawned worker: it must be the very same batches, or a run
    # would train on different data depending on the device.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from edge_sdk.train.batches import build_epoch

    trainer = Trainer(load_train_config(_config(tmp_path, data_dir)), log=lambda _m: None)
    recipe = trainer._recipe(3)
    here = build_epoch(recipe)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = pool.submit(build_epoch, recipe).result()
    assert len(here) == len(there) > 1
    for a, b in zip(here, there, strict=True):
        assert torch.equal(a.src, b.src) and torch.equal(a.prev, b.prev) and torch.equal(a.target, b.target)
    assert not all(torch.equal(a.src, b.src) for a, b in zip(here, build_epoch(trainer._recipe(4)), strict=False))


def test_a_run_seeded_from_another_run_at_a_longer_bound(tmp_path, data_dir):
    """`python -m edge_sdk.train.seed`: the bounds change (positions are not weights), the weights do not."""
    from edge_sdk.models.weights import WeightsError
    from edge_sdk.train.seed import seed_run

    first = Trainer(load_train_config(_config(tmp_path / "a", data_dir)), log=lambda _m: None)
    first.train(20)
    longer = {**TINY_MODEL, "max_source_len": 96, "max_target_len": 96}
    config = _config(tmp_path / "b", data_dir, model=longer, tokenizer=str(tmp_path / "a" / "run" / "tokenizer.model"))
    seed_run(tmp_path / "a" / "run" / "model_last.safetensors", config)
    seeded = Trainer(load_train_config(config), log=lambda _m: None)
    assert seeded.step == 0 and seeded.model_config.max_source_len == 96
    for (name, a), (_, b) in zip(first.model.state_dict().items(), seeded.model.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    with pytest.raises(WeightsError, match="the run has started"):
        seed_run(tmp_path / "a" / "run" / "model_last.safetensors", config)
    wider = _config(tmp_path / "c", data_dir, model={**TINY_MODEL, "d_model": 48})
    with pytest.raises(WeightsError, match="wrong shape"):
        seed_run(tmp_path / "a" / "run" / "model_last.safetensors", wider)
