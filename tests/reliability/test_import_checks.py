"""import-edgelm refuses what would silently change the model or destroy a file (docs/importing.md).

Every case runs twice: through the Python API (`import_edgelm` / `convert_edgelm`) and through the CLI in
a fresh process. The checkpoints are the fairseq-layout fixtures of tests/test_importer.py (tiny sizes,
the release's 12-2 layer structure) with the training args a real `transformer_edge` run stores.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
from pathlib import Path

import pytest
import torch

from edge_sdk.fileio import OutputError
from edge_sdk.importers.edgelm import CheckpointError, check_import_outputs, convert_edgelm, import_edgelm
from edge_sdk.models.weights import read_weights
from tests.reliability.conftest import one_line_error, run_cli
from tests.test_importer import DEC_FFN, ENC_FFN, D, H, R, V, fairseq_state, release_args, save_checkpoint

ARCH_ARGS = ("encoder_layers", "decoder_layers", "lora_r", "lora_r_shape", "encoder_attention_heads")
RELEASE_OPTIONS = ("--encoder-layers", "12", "--decoder-layers", "2", "--lora-rank", str(R), "--lora-shape", "flat",
                   "--attention-heads", str(H))


_STATE = fairseq_state(torch.Generator().manual_seed(0))


@pytest.fixture(scope="module")
def state() -> dict[str, torch.Tensor]:
    return _STATE


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _without(state: dict[str, torch.Tensor], pattern: str) -> dict[str, torch.Tensor]:
    return {k: v for k, v in state.items() if pattern not in k}


def _refused(ckpt: Path, out_dir: Path, expected: list[str], options: tuple[str, ...] = (),
             **settings) -> tuple[str, str]:
    """The import is refused by the API and by the CLI (exit 1, one-line error), both naming `expected`;
    the checkpoint is byte-identical afterwards and nothing was written."""
    out_dir.mkdir(exist_ok=True)
    before = _digest([ckpt])
    with pytest.raises(CheckpointError) as info:
        import_edgelm(ckpt, **settings)
    api = str(info.value)
    result = run_cli("import-edgelm", ckpt, "-o", out_dir / "edgelm.safetensors", *options)
    cli = one_line_error(result)
    assert result.returncode == 1, cli
    for text in expected:
        assert text in api, api
        assert text in cli, cli
    assert _digest([ckpt]) == before
    assert list(out_dir.iterdir()) == []
    return api, cli


# 1. The architecture is declared, never inferred from the keys present.

@pytest.mark.parametrize("removed, first, declared", [
    ("decoder.layers.1.", "decoder.layers.1.encoder_attn.k_proj.bias", "2 decoder layers (args decoder_layers)"),
    ("encoder.layers.11.", "encoder.layers.11.fc1.bias", "12 encoder layers (args encoder_layers)"),
    ("_lora.", "encoder.layers.0.q_lora.linear_u.bias", f"LoRA rank {R} (args lora_r)"),
])
def test_a_checkpoint_missing_keys_is_refused_not_shrunk(tmp_path, state, removed, first, declared):
    """Before: without decoder layer 1 it imported as a 1-layer decoder, without layer 11 as an 11-layer
    encoder, without the adapters as LoRA rank 0 — all exit 0."""
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", _without(state, removed))
    count = sum(removed in k for k in state)
    _refused(ckpt, tmp_path / "out", [f"missing keys ({count}): {first}", declared])


def test_args_without_the_architecture_ask_for_the_options(tmp_path, state):
    """No args: every setting the keys would have been guessed from must be given, and the message says how."""
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", state, **dict.fromkeys(ARCH_ARGS))
    expected = ["do not give the number of encoder layers", "pass --encoder-layers N --decoder-layers N "
                "--lora-rank N --lora-shape SHAPE --attention-heads N", "--encoder-layers 12",
                "never inferred from the keys present"]
    _refused(ckpt, tmp_path / "out", expected)
    # The same checkpoint without decoder layer 1: still asks, never imports as a 1-layer decoder.
    shrunk = save_checkpoint(tmp_path / "shrunk.pt", _without(state, "decoder.layers.1."), **dict.fromkeys(ARCH_ARGS))
    _refused(shrunk, tmp_path / "out2", ["pass --encoder-layers N --decoder-layers N"])


def test_explicit_options_give_what_the_args_lack(tmp_path, state):
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", state, **dict.fromkeys(ARCH_ARGS))
    before = _digest([ckpt])
    model = import_edgelm(ckpt, encoder_layers=12, decoder_layers=2, lora_rank=R, lora_shape="flat",
                          attention_heads=H).model
    reference = import_edgelm(save_checkpoint(tmp_path / "with-args.pt", state)).model
    assert model.config == reference.config
    out = tmp_path / "out" / "edgelm.safetensors"
    result = run_cli("import-edgelm", ckpt, "-o", out, *RELEASE_OPTIONS)
    assert result.returncode == 0, result.stderr
    _, config, tensors = read_weights(out)
    assert (config["encoder_layers"], config["decoder_layers"], config["lora_rank"]) == (12, 2, R)
    assert torch.equal(tensors["encoder_layers.11.q_lora.linear_u.weight"],
                       state["encoder.layers.11.q_lora.linear_u.weight"])
    assert sorted(p.name for p in out.parent.iterdir()) == ["edgelm.json", "edgelm.safetensors"]  # no temp files
    assert _digest([ckpt]) == before
    # A checkpoint really trained with one decoder layer imports as one, when that is declared.
    one = save_checkpoint(tmp_path / "one.pt", _without(state, "decoder.layers.1."), decoder_layers=None)
    assert import_edgelm(one, decoder_layers=1).model.config.decoder_layers == 1
    result = run_cli("import-edgelm", one, "-o", tmp_path / "one" / "one.safetensors", "--decoder-layers", "1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("settings, options, expected", [
    ({"decoder_layers": 1}, ("--decoder-layers", "1"),
     "--decoder-layers 1 disagrees with the checkpoint's args (decoder_layers = 2)"),
    ({"lora_rank": 8}, ("--lora-rank", "8"), f"--lora-rank 8 disagrees with the checkpoint's args (lora_r = {R})"),
    ({"lora_shape": "decreasing"}, ("--lora-shape", "decreasing"),
     "--lora-shape decreasing disagrees with the checkpoint's args (lora_r_shape = 0)"),
])
def test_an_option_contradicting_the_args_is_refused(tmp_path, state, settings, options, expected):
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", state)
    _refused(ckpt, tmp_path / "out", [expected], options, **settings)


@pytest.mark.parametrize("changes, settings, options, expected", [
    ({"lora_r": 8}, {}, (), ["encoder.layers.0.q_lora.linear_u.weight is (4, 32), needs (8, 32)",
                             "LoRA rank 8 (args lora_r)"]),
    ({"lora_r": None}, {"lora_rank": 8}, ("--lora-rank", "8"),
     ["encoder.layers.0.q_lora.linear_u.weight is (4, 32), needs (8, 32)", "LoRA rank 8 (--lora-rank)"]),
    ({"lora_r_shape": 1}, {}, (), ["encoder.layers.0.q_lora.linear_u.weight is (4, 32), needs (8, 32)",
                                   "shape decreasing (args lora_r_shape)"]),
    ({"encoder_ffn_embed_dim": 2 * ENC_FFN}, {}, (),
     [f"encoder.layers.0.fc1.weight is ({ENC_FFN}, {D}), needs ({2 * ENC_FFN}, {D})",
      f"encoder FFN {2 * ENC_FFN} (args encoder_ffn_embed_dim)"]),
    ({"decoder_ffn_embed_dim": 2 * DEC_FFN}, {}, (),
     [f"decoder.layers.0.fc1.weight is ({DEC_FFN}, {D}), needs ({2 * DEC_FFN}, {D})"]),
    ({"encoder_embed_dim": 2 * D}, {}, (), [f"encoder.embed_tokens.weight is {D} wide", "encoder_embed_dim = 64"]),
    ({"encoder_attention_heads": 5, "decoder_attention_heads": None}, {}, (),
     ["d_model (32) must be divisible by n_heads (5)"]),
    ({"decoder_attention_heads": 2 * H}, {}, (), ["decoder_attention_heads = 8 but encoder_attention_heads = 4"]),
    ({"encoder_normalize_before": True}, {}, (), ["trained with encoder_normalize_before = True"]),
    ({"activation_fn": "gelu"}, {}, (), ["trained with activation_fn = 'gelu'"]),
])
def test_shapes_and_args_must_match_the_declared_architecture(tmp_path, state, changes, settings, options, expected):
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", state, **changes)
    _refused(ckpt, tmp_path / "out", expected, options, **settings)


def test_a_dataclass_cfg_gives_the_architecture(tmp_path, state):
    """Newer fairseq saves `cfg.model` as a dict, the sizes nested under encoder/decoder."""
    flat = release_args()
    nested = {k: v for k, v in flat.items() if not k.startswith(("encoder_", "decoder_"))}
    nested["encoder"] = {k.removeprefix("encoder_"): v for k, v in flat.items() if k.startswith("encoder_")}
    nested["decoder"] = {k.removeprefix("decoder_"): v for k, v in flat.items() if k.startswith("decoder_")}
    path = tmp_path / "cfg.pt"
    torch.save({"args": None, "cfg": {"model": nested}, "model": state}, path)
    assert import_edgelm(path).model.config.encoder_layers == 12
    nested["decoder"]["layers"] = 3
    torch.save({"args": None, "cfg": {"model": nested}, "model": state}, path)
    with pytest.raises(CheckpointError, match="3 decoder layers need 6 distinct encoder attentions"):
        import_edgelm(path)
    torch.save({"args": argparse.Namespace(**flat), "cfg": None, "model": state}, path)
    assert import_edgelm(path).model.config.decoder_layers == 2


# 2. Non-finite weights.

@pytest.mark.parametrize("key, value, expected", [
    ("decoder.layers.0.fc2.weight", math.nan, "decoder.layers.0.fc2.weight (1 NaN, 0 Inf)"),
    ("encoder.layers.7.final_layer_norm.bias", -math.inf, "encoder.layers.7.final_layer_norm.bias (0 NaN, 1 Inf)"),
    ("encoder.layers.5.self_attn.q_proj.weight", math.inf, "encoder.layers.5.self_attn.q_proj.weight (0 NaN, 1 Inf)"),
    ("encoder.embed_tokens.weight", math.nan, "3 tensor(s): decoder.embed_tokens.weight (1 NaN, 0 Inf)"),
])
def test_non_finite_weights_are_refused_naming_the_tensor(tmp_path, state, key, value, expected):
    """An alias (encoder layer 5's attention is layer 1's) is checked as well; the embedding is one tensor
    under three names, all named."""
    broken = dict(state)
    tensor = state[key].clone()
    tensor.view(-1)[3] = value
    if key == "encoder.embed_tokens.weight":
        for name in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "decoder.output_projection.weight"):
            broken[name] = tensor
    else:
        broken[key] = tensor
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", broken)
    _refused(ckpt, tmp_path / "out", ["non-finite weights", expected])


def test_fairseqs_uninitialised_position_buffer_is_not_a_weight(tmp_path, state):
    """`embed_positions._float_tensor` is an uninitialised placeholder in fairseq: it may hold NaN."""
    buffer = {"encoder.embed_positions._float_tensor": torch.tensor([math.nan])}
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", {**state, **buffer})
    assert import_edgelm(ckpt).model.config.vocab_size == V


# 3. Outputs that collide with each other, with an input, or with a folder.

def _inputs(tmp_path: Path, state) -> tuple[Path, Path, Path]:
    """A checkpoint, a dictionary and a SentencePiece file (made once): the outputs are refused before
    any of them is read."""
    ckpt, dictionary, spm = tmp_path / "edgelm.pt", tmp_path / "dict.src.txt", tmp_path / "release.spm.model"
    if not ckpt.exists():
        save_checkpoint(ckpt, state)
        dictionary.write_text("the 10\n")
        spm.write_bytes(b"\x0a\x05piece")
    return ckpt, dictionary, spm


def _output_refused(tmp_path: Path, out: Path, expected: list[str], vocabulary: bool = False,
                    ckpt: Path | None = None) -> None:
    """Refused by the API and the CLI (exit 2) before any work: every file in tmp_path is as it was and no
    file was added."""
    own_ckpt, dictionary, spm = _inputs(tmp_path, state=_STATE)
    ckpt = ckpt or own_ckpt
    vocab = {"dictionary": dictionary, "sentencepiece": spm} if vocabulary else {}
    files = sorted(p for p in tmp_path.rglob("*"))
    before = _digest(files)
    with pytest.raises(OutputError) as info:
        convert_edgelm(ckpt, out, **vocab)
    api = str(info.value)
    result = run_cli("import-edgelm", ckpt, "-o", out, *(("--dict", dictionary, "--spm", spm) if vocabulary else ()))
    cli = one_line_error(result)
    assert result.returncode == 2, cli
    for text in expected:
        assert text in api, api
        assert text in cli, cli
    assert sorted(p for p in tmp_path.rglob("*")) == files
    assert _digest(files) == before


def test_weights_and_config_on_one_file_are_refused(tmp_path):
    """Before: `-o weights.json` wrote the weights, then the config over them."""
    out = tmp_path / "weights.json"
    _output_refused(tmp_path, out, [f"the weights (-o) output {out} and the config (-o with .json) output {out} "
                                    "are the same file"])


def test_output_over_the_checkpoint_is_refused(tmp_path):
    ckpt = tmp_path / "edgelm.pt"
    _output_refused(tmp_path, ckpt, [f"the weights (-o) output {ckpt} is the input checkpoint {ckpt}",
                                     "would destroy the input"])


def test_output_through_a_symlink_or_hard_link_to_an_input_is_refused(tmp_path):
    ckpt, dictionary, _ = _inputs(tmp_path, _STATE)
    (tmp_path / "link.safetensors").symlink_to(ckpt)
    _output_refused(tmp_path, tmp_path / "link.safetensors", ["is the input checkpoint"])
    os.link(dictionary, tmp_path / "hard.safetensors")
    _output_refused(tmp_path, tmp_path / "hard.safetensors", ["is the input --dict"], vocabulary=True)


def test_derived_outputs_over_the_vocabulary_inputs_are_refused(tmp_path):
    """-o release.safetensors --spm release.spm.model would write the remapped tokenizer over the release's."""
    spm = tmp_path / "release.spm.model"
    _output_refused(tmp_path, tmp_path / "release.safetensors",
                    [f"the tokenizer (-o with .spm.model) output {spm} is the input --spm {spm}"], vocabulary=True)
    _output_refused(tmp_path, tmp_path / "dict.src.txt", ["the weights (-o) output", "is the input --dict"],
                    vocabulary=True)


def test_an_existing_folder_as_output_is_refused(tmp_path):
    (tmp_path / "models").mkdir()
    _output_refused(tmp_path, tmp_path / "models", [f"-o {tmp_path / 'models'} is a folder",
                                                    str(tmp_path / "models" / "edgelm.safetensors")])
    (tmp_path / "edgelm.json").mkdir()
    _output_refused(tmp_path, tmp_path / "edgelm.safetensors",
                    [f"the config (-o with .json) output {tmp_path / 'edgelm.json'} is an existing folder"])


def test_output_check_runs_before_the_checkpoint_is_read(tmp_path):
    """A collision is reported even when the checkpoint is broken: nothing was loaded first."""
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(OutputError):
        check_import_outputs(junk, junk)
    _output_refused(tmp_path, junk, ["is the input checkpoint"], ckpt=junk)
