"""EdgeLM import from a checkpoint written in fairseq's exact key layout.

The checkpoint is assembled here from the layout description in shared/edgelm-checkpoint-layout.md
(fairseq names, every alias written under each of its names), not from the importer's own table.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from edge_sdk.cli import app
from edge_sdk.importers.edgelm import CheckpointError, import_edgelm
from edge_sdk.models.weights import read_weights

D, H, V, ENC_FFN, DEC_FFN, R = 32, 4, 120, 64, 16, 4


def _linear(out_f: int, in_f: int, gen: torch.Generator) -> dict[str, torch.Tensor]:
    return {"weight": torch.randn(out_f, in_f, generator=gen) * 0.2, "bias": torch.randn(out_f, generator=gen) * 0.1}


def fairseq_state(gen: torch.Generator, vocab: int = V) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = {}

    def put(prefix: str, tensors: dict[str, torch.Tensor]) -> None:
        for k, v in tensors.items():
            state[f"{prefix}.{k}"] = v

    embed = torch.randn(vocab, D, generator=gen) * 0.2
    for key in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "decoder.output_projection.weight"):
        state[key] = embed
    attn = [{f"{p}.{t}": v for p in ("q_proj", "k_proj", "v_proj", "out_proj")
             for t, v in _linear(D, D, gen).items()} for _ in range(4)]
    ffn = [{f"{fc}.{t}": v for fc, (o, i) in (("fc1", (ENC_FFN, D)), ("fc2", (D, ENC_FFN)))
            for t, v in _linear(o, i, gen).items()} for _ in range(2)]
    for i in range(12):
        # Layers 0-3 own their attention, later layers reuse layer i % 4's; FFNs: i % 2 up to 3, i % 4 after.
        put(f"encoder.layers.{i}.self_attn", attn[i if i < 4 else i % 4])
        put(f"encoder.layers.{i}", ffn[(i if i < 4 else i % 4) % 2])
        for ln in ("self_attn_layer_norm", "final_layer_norm"):
            put(f"encoder.layers.{i}.{ln}", {"weight": 1 + 0.1 * torch.randn(D, generator=gen),
                                              "bias": 0.1 * torch.randn(D, generator=gen)})
        for lora in ("q_lora", "v_lora"):
            put(f"encoder.layers.{i}.{lora}.linear_u", _linear(R, D, gen))
            put(f"encoder.layers.{i}.{lora}.linear_v", _linear(D, R, gen))
    for j in range(2):
        put(f"decoder.layers.{j}.self_attn", attn[2 * j])
        put(f"decoder.layers.{j}.encoder_attn", attn[2 * j + 1])
        put(f"decoder.layers.{j}.fc1", _linear(DEC_FFN, D, gen))
        put(f"decoder.layers.{j}.fc2", _linear(D, DEC_FFN, gen))
        for ln in ("self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"):
            put(f"decoder.layers.{j}.{ln}", {"weight": 1 + 0.1 * torch.randn(D, generator=gen),
                                              "bias": 0.1 * torch.randn(D, generator=gen)})
    state["encoder.embed_positions._float_tensor"] = torch.zeros(1)
    state["decoder.embed_positions._float_tensor"] = torch.zeros(1)
    state["encoder.version"] = torch.tensor([3.0])
    return state


def release_args(**changes) -> dict:
    """The training args a fairseq `transformer_edge` run stores (`edge_architecture` plus EdgeLM's LoRA
    settings), at this file's tiny sizes; `changes` override, and a value of None drops the arg."""
    args = dict(arch="transformer_edge", encoder_embed_dim=D, decoder_embed_dim=D, encoder_ffn_embed_dim=ENC_FFN,
                decoder_ffn_embed_dim=DEC_FFN, encoder_layers=12, decoder_layers=2, encoder_attention_heads=H,
                decoder_attention_heads=H, lora_r=R, lora_r_shape=0, model_param_type="edgeformer",
                encoder_normalize_before=False, decoder_normalize_before=False, activation_fn="relu",
                encoder_learned_pos=False, decoder_learned_pos=False, no_scale_embedding=False,
                share_all_embeddings=True, dropout=0.1, attention_dropout=0.0, activation_dropout=0.0)
    args.update(changes)
    return {k: v for k, v in args.items() if v is not None}


def save_checkpoint(path: Path, state: dict[str, torch.Tensor], **arg_changes) -> Path:
    args = argparse.Namespace(**release_args(**arg_changes))
    torch.save({"args": args, "cfg": None, "model": state, "optimizer_history": [], "extra_state": {}}, path)
    return path


def reference_logits(state: dict[str, torch.Tensor], src: list[int], prev: list[int]) -> torch.Tensor:
    """fairseq's transformer_edge forward written out directly from the layout description."""
    import math

    import torch.nn.functional as F

    def lin(prefix, x):
        return F.linear(x, state[f"{prefix}.weight"], state[f"{prefix}.bias"])

    def ln(prefix, x):
        return F.layer_norm(x, (D,), state[f"{prefix}.weight"], state[f"{prefix}.bias"])

    def positions(n):
        half = D // 2
        freqs = torch.exp(torch.arange(half) * -(math.log(10000) / (half - 1)))
        pos = torch.arange(2, 2 + n).float()[:, None] * freqs[None]  # padding_idx 1: first position is 2
        return torch.cat([torch.sin(pos), torch.cos(pos)], 1)

    def mha(prefix, q_in, kv_in, causal, q_extra=None, v_extra=None):
        q = lin(f"{prefix}.q_proj", q_in) + (q_extra if q_extra is not None else 0)
        k = lin(f"{prefix}.k_proj", kv_in)
        v = lin(f"{prefix}.v_proj", kv_in) + (v_extra if v_extra is not None else 0)
        q = q * (D // H) ** -0.5
        split = lambda t: t.view(t.shape[0], H, D // H).transpose(0, 1)  # noqa: E731
        scores = split(q) @ split(k).transpose(1, 2)
        if causal:
            scores = scores + torch.triu(torch.full(scores.shape[1:], float("-inf")), 1)
        out = (scores.softmax(-1) @ split(v)).transpose(0, 1).reshape(q.shape[0], D)
        return lin(f"{prefix}.out_proj", out)

    embed = state["encoder.embed_tokens.weight"]
    x = math.sqrt(D) * embed[src] + positions(len(src))
    for i in range(12):
        p = f"encoder.layers.{i}"
        qa = lin(f"{p}.q_lora.linear_v", lin(f"{p}.q_lora.linear_u", x))
        va = lin(f"{p}.v_lora.linear_v", lin(f"{p}.v_lora.linear_u", x))
        x = ln(f"{p}.self_attn_layer_norm", x + mha(f"{p}.self_attn", x, x, False, qa, va))
        x = ln(f"{p}.final_layer_norm", x + lin(f"{p}.fc2", F.relu(lin(f"{p}.fc1", x))))
    memory = x
    y = math.sqrt(D) * embed[prev] + positions(len(prev))
    for j in range(2):
        p = f"decoder.layers.{j}"
        ffn = lambda t, p=p: lin(f"{p}.fc2", F.relu(lin(f"{p}.fc1", t)))  # noqa: E731
        y = ln(f"{p}.self_attn_layer_norm", y + mha(f"{p}.self_attn", y, y, True))
        y = ln(f"{p}.final_layer_norm", y + ffn(y))
        y = ln(f"{p}.encoder_attn_layer_norm", y + mha(f"{p}.encoder_attn", y, memory, False))
        y = ln(f"{p}.final_layer_norm", y + ffn(y))
    return F.linear(y, state["decoder.output_projection.weight"])


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> tuple[Path, dict[str, torch.Tensor]]:
    state = fairseq_state(torch.Generator().manual_seed(0))
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "edgelm.pt", state), state


def test_import_matches_fairseq_semantics(checkpoint):
    path, state = checkpoint
    model = import_edgelm(path, max_source_len=16, max_target_len=16).model
    c = model.config
    assert (c.d_model, c.n_heads, c.encoder_layers, c.decoder_layers) == (D, H, 12, 2)
    assert (c.encoder_ffn_dim, c.decoder_ffn_dim, c.lora_rank, c.vocab_size) == (ENC_FFN, DEC_FFN, R, V)
    src, prev = [10, 20, 30, 40, 2], [2, 50, 60, 70]
    with torch.no_grad():
        ours = model(torch.tensor([src]), torch.tensor([prev]))[0]
    assert torch.allclose(ours, reference_logits(state, src, prev), atol=1e-4)


def test_aliases_are_deduplicated(checkpoint):
    path, state = checkpoint
    model = import_edgelm(path).model
    fairseq_total = sum(t.numel() for k, t in state.items() if "embed_positions" not in k and "version" not in k)
    assert model.num_parameters() < fairseq_total / 3  # 4 attentions and 2 FFNs instead of 16 and 12
    pointers = [t.data_ptr() for t in model.state_dict().values()]
    assert len(set(pointers)) == len(pointers)


def test_cli_writes_safetensors_and_config(checkpoint, tmp_path):
    path, _ = checkpoint
    out = tmp_path / "edgelm.safetensors"
    result = CliRunner().invoke(app, ["import-edgelm", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    family, config, tensors = read_weights(out)
    assert family == "edgeformer" and config["d_model"] == D
    assert (tmp_path / "edgelm.json").is_file()
    assert "encoder_attn.3.q_proj.weight" in tensors and "encoder_attn.4.q_proj.weight" not in tensors


def test_missing_and_unexpected_keys_are_named(tmp_path, checkpoint):
    _, state = checkpoint
    broken = dict(state)
    del broken["decoder.layers.1.fc2.bias"]
    broken["decoder.layers.0.extra_gate.weight"] = torch.zeros(3)
    with pytest.raises(CheckpointError) as info:
        import_edgelm(save_checkpoint(tmp_path / "broken.pt", broken))
    message = str(info.value)
    assert "missing keys (1): decoder.layers.1.fc2.bias" in message
    assert "unexpected keys (1): decoder.layers.0.extra_gate.weight" in message


def test_broken_sharing_is_detected(tmp_path, checkpoint):
    _, state = checkpoint
    broken = dict(state)
    broken["encoder.layers.5.self_attn.q_proj.weight"] = state["encoder.layers.5.self_attn.q_proj.weight"] + 1
    with pytest.raises(CheckpointError, match=r"encoder\.layers\.5\.self_attn\.q_proj\.weight should be the same"):
        import_edgelm(save_checkpoint(tmp_path / "unshared.pt", broken))


class Payload:
    def __reduce__(self):
        return (print, ("pickle code ran",))


def test_arbitrary_pickled_objects_are_refused(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"model": {}, "args": Payload()}, f)
    with pytest.raises(CheckpointError, match="never unpickles arbitrary objects"):
        import_edgelm(path)
    assert "pickle code ran" not in capsys.readouterr().out


def test_not_a_checkpoint(tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot be read"):
        import_edgelm(junk)
    torch.save({"weights": {}}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a fairseq checkpoint"):
        import_edgelm(tmp_path / "other.pt")


def test_vocabulary_is_remapped_to_fairseq_ids(tmp_path):
    """fairseq maps SentencePiece pieces through dict.src.txt; the imported tokenizer must do the same."""
    from collections import Counter

    import sentencepiece as spm

    from edge_sdk.tokenizer import SentencePieceTokenizer
    from tests.conftest import SEED_CORPUS

    lines = SEED_CORPUS.read_text().splitlines()
    spm.SentencePieceTrainer.train(input=str(SEED_CORPUS), model_prefix=str(tmp_path / "release"),
                                   vocab_size=300, minloglevel=2)  # SentencePiece's own ids: unk=0, bos=1, eos=2
    release = spm.SentencePieceProcessor(model_file=str(tmp_path / "release.model"))
    counts = Counter(p for line in lines[:1500] for p in release.encode(line, out_type=str))
    kept = sorted((p for p, c in counts.items() if c >= 60), key=lambda p: (-counts[p], p))  # like fairseq
    (tmp_path / "dict.src.txt").write_text("".join(f"{p} {counts[p]}\n" for p in kept))
    fairseq_ids = ["<s>", "<pad>", "</s>", "<unk>", *kept]
    fairseq_ids += [f"madeupword{i:04d}" for i in range((-len(fairseq_ids)) % 8)]

    state = fairseq_state(torch.Generator().manual_seed(1), vocab=len(fairseq_ids))
    ckpt = save_checkpoint(tmp_path / "edgelm.pt", state)
    imported = import_edgelm(ckpt, dictionary=tmp_path / "dict.src.txt", sentencepiece=tmp_path / "release.model")
    (tmp_path / "remapped.model").write_bytes(imported.tokenizer_model)
    tok = SentencePieceTokenizer(tmp_path / "remapped.model")

    sample = lines[2000:2050]
    expected = [[fairseq_ids.index(p) if p in fairseq_ids else 3 for p in release.encode(s, out_type=str)]
                for s in sample]
    ours = [tok.encode(s) for s in sample]
    assert any(i >= len(fairseq_ids) for ids in ours for i in ids)  # some pieces are not in the dictionary
    assert [[i if i < len(fairseq_ids) else 3 for i in ids] for ids in ours] == expected
    assert [tok.decode(ids) for ids in ours] == [release.decode(release.encode(s)) for s in sample]

    src = [*ours[0][:14], 2]
    prev = [2, 40, 41]
    with torch.no_grad():
        logits = imported.model(torch.tensor([src]), torch.tensor([prev]))[0, :, : len(fairseq_ids)]
    assert torch.allclose(logits, reference_logits(state, [*expected[0][:14], 2], prev), atol=1e-4)


def test_wrong_dictionary_is_refused(tmp_path, checkpoint):
    path, _ = checkpoint
    import sentencepiece as spm

    from tests.conftest import SEED_CORPUS

    spm.SentencePieceTrainer.train(input=str(SEED_CORPUS), model_prefix=str(tmp_path / "r"), vocab_size=200,
                                   minloglevel=2)
    (tmp_path / "dict.txt").write_text("the 10\nof 5\n")
    with pytest.raises(CheckpointError, match="wrong dictionary"):
        import_edgelm(path, dictionary=tmp_path / "dict.txt", sentencepiece=tmp_path / "r.model")
