"""Import a fairseq EdgeLM (`transformer_edge`) checkpoint into the SDK's EdgeFormer.

fairseq stores every shared weight under each of its names (an encoder attention appears under up to
three encoder layers and one decoder layer). The mapping below names, for every SDK tensor, the one
fairseq key it is read from and the aliases that must hold the same values; every key of the
checkpoint has to be accounted for, or the import fails naming the keys.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from edge_sdk.importers.fairseq_vocab import remap_sentencepiece
from edge_sdk.models.edgeformer import EdgeFormer, EdgeFormerConfig
from edge_sdk.models.weights import load_state_strict

# Buffers and bookkeeping fairseq writes that carry no weights.
IGNORED = re.compile(r"^(encoder|decoder)\.(version|embed_positions\._float_tensor)$")
ATTN_PARAMS = [f"{p}.{t}" for p in ("q_proj", "k_proj", "v_proj", "out_proj") for t in ("weight", "bias")]
LINEAR_PARAMS = ("weight", "bias")


class CheckpointError(ValueError):
    pass


@dataclass
class KeyMapping:
    """SDK key -> (canonical fairseq key, fairseq aliases that must be identical)."""

    table: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def add(self, sdk_key: str, source: str, aliases: list[str] | None = None) -> None:
        self.table[sdk_key] = (source, [a for a in (aliases or []) if a != source])

    def fairseq_keys(self) -> set[str]:
        return {k for src, aliases in self.table.values() for k in (src, *aliases)}


def edgelm_mapping(config: EdgeFormerConfig) -> KeyMapping:
    m = KeyMapping()
    m.add("embed_tokens.weight", "encoder.embed_tokens.weight",
          ["decoder.embed_tokens.weight", "decoder.output_projection.weight"])
    n_enc = config.encoder_layers
    for a in range(config.n_attention):
        users = [f"encoder.layers.{i}.self_attn" for i in range(n_enc) if i % config.attention_groups == a]
        users += [f"decoder.layers.{j}.self_attn" for j in range(config.decoder_layers) if 2 * j == a]
        users += [f"decoder.layers.{j}.encoder_attn" for j in range(config.decoder_layers) if 2 * j + 1 == a]
        for p in ATTN_PARAMS:
            m.add(f"encoder_attn.{a}.{p}", f"{users[0]}.{p}", [f"{u}.{p}" for u in users[1:]])
    for f in range(config.n_ffn):
        users = [f"encoder.layers.{i}" for i in range(n_enc) if i % config.ffn_groups == f]
        for fc in ("fc1", "fc2"):
            for t in LINEAR_PARAMS:
                m.add(f"encoder_ffn.{f}.{fc}.{t}", f"{users[0]}.{fc}.{t}", [f"{u}.{fc}.{t}" for u in users[1:]])
    for i in range(n_enc):
        for ln in ("self_attn_layer_norm", "final_layer_norm"):
            for t in LINEAR_PARAMS:
                m.add(f"encoder_layers.{i}.{ln}.{t}", f"encoder.layers.{i}.{ln}.{t}")
        if config.lora_rank:
            for lora in ("q_lora", "v_lora"):
                for lin in ("linear_u", "linear_v"):
                    for t in LINEAR_PARAMS:
                        m.add(f"encoder_layers.{i}.{lora}.{lin}.{t}", f"encoder.layers.{i}.{lora}.{lin}.{t}")
    for j in range(config.decoder_layers):
        for fc in ("fc1", "fc2"):
            for t in LINEAR_PARAMS:
                m.add(f"decoder_layers.{j}.ffn.{fc}.{t}", f"decoder.layers.{j}.{fc}.{t}")
        for ln in ("self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"):
            for t in LINEAR_PARAMS:
                m.add(f"decoder_layers.{j}.{ln}.{t}", f"decoder.layers.{j}.{ln}.{t}")
    return m


def load_fairseq_checkpoint(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """-> (state dict, training args as a dict). Never unpickles arbitrary objects."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        # fairseq saves `args` as an argparse.Namespace (plain attributes, no code) and `cfg` as a dict.
        with torch.serialization.safe_globals([argparse.Namespace]):
            blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises UnpicklingError, RuntimeError, EOFError, zipfile errors
        raise CheckpointError(
            f"{path}: cannot be read as a weights-only torch checkpoint ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else ''}). edge-sdk never unpickles arbitrary objects; "
            "re-save the checkpoint with plain tensors and dicts.") from None
    if not isinstance(blob, dict) or not isinstance(blob.get("model"), dict):
        keys = sorted(blob)[:10] if isinstance(blob, dict) else type(blob).__name__
        raise CheckpointError(f"{path}: not a fairseq checkpoint (expected a dict with a 'model' state dict; "
                              f"found {keys})")
    state = {k: v for k, v in blob["model"].items() if isinstance(v, torch.Tensor)}
    args: dict[str, Any] = {}
    if isinstance(blob.get("args"), argparse.Namespace):
        args.update(vars(blob["args"]))
    cfg = blob.get("cfg")
    if isinstance(cfg, dict) and isinstance(cfg.get("model"), dict):
        args.update(cfg["model"])
    elif isinstance(cfg, dict) and isinstance(cfg.get("model"), argparse.Namespace):
        args.update(vars(cfg["model"]))
    return state, args


def _normalise_keys(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # Some exports nest the per-layer adapters under the (shared) attention module; the values are
    # per-layer either way, so both spellings map to the layer-level key.
    return {re.sub(r"^(encoder\.layers\.\d+)\.self_attn\.([qv]_lora)\.", r"\1.\2.", k): v
            for k, v in state.items()}


def infer_config(state: dict[str, torch.Tensor], args: dict[str, Any],
                 max_source_len: int, max_target_len: int) -> EdgeFormerConfig:
    """Sizes come from tensor shapes (they cannot lie); heads come from the training args."""
    def need(key: str) -> torch.Tensor:
        if key not in state:
            raise CheckpointError(f"checkpoint lacks {key}: not an EdgeLM/transformer_edge checkpoint")
        return state[key]

    vocab, d_model = need("encoder.embed_tokens.weight").shape
    enc_layers = 1 + max(int(m.group(1)) for k in state if (m := re.match(r"encoder\.layers\.(\d+)\.", k)))
    dec_layers = 1 + max(int(m.group(1)) for k in state if (m := re.match(r"decoder\.layers\.(\d+)\.", k)))
    lora_ranks = [state[k].shape[0] for i in range(enc_layers)
                  if (k := f"encoder.layers.{i}.q_lora.linear_u.weight") in state]
    base = dict(vocab_size=vocab, d_model=d_model,
                n_heads=int(args.get("encoder_attention_heads", 8)),
                encoder_layers=enc_layers, decoder_layers=dec_layers,
                encoder_ffn_dim=need("encoder.layers.0.fc1.weight").shape[0],
                decoder_ffn_dim=need("decoder.layers.0.fc1.weight").shape[0],
                max_source_len=max_source_len, max_target_len=max_target_len,
                dropout=float(args.get("dropout", 0.1)))
    if not lora_ranks:
        return EdgeFormerConfig(**base, lora_rank=0)
    if len(lora_ranks) != enc_layers:
        raise CheckpointError(f"LoRA adapters on {len(lora_ranks)} of {enc_layers} encoder layers; "
                              "EdgeFormer puts one on every layer")
    for shape in ("flat", "decreasing", "increasing"):
        for r in [*sorted(set(lora_ranks)), lora_ranks[0] // 2, int(lora_ranks[0] / 2.5) + 1]:
            candidate = EdgeFormerConfig(**base, lora_rank=r, lora_shape=shape)
            if candidate.lora_ranks() == lora_ranks:
                return candidate
    raise CheckpointError(f"LoRA ranks per layer {lora_ranks} match no EdgeFormer rank shape")


@dataclass
class ImportedEdgeLM:
    model: EdgeFormer
    tokenizer_model: bytes | None  # SentencePiece model emitting the model's ids, when a vocabulary was given


def import_edgelm(path: Path, max_source_len: int = 64, max_target_len: int = 64,
                  dictionary: Path | None = None, sentencepiece: Path | None = None) -> ImportedEdgeLM:
    """Read, check and dedupe an EdgeLM checkpoint; with `dictionary` + `sentencepiece`, also produce a
    tokenizer whose ids are the model's (see `fairseq_vocab`)."""
    if (dictionary is None) != (sentencepiece is None):
        raise CheckpointError("give both the fairseq dictionary (dict.src.txt) and the SentencePiece model, "
                              "or neither")
    raw, args = load_fairseq_checkpoint(path)
    state = _normalise_keys(raw)
    config = infer_config(state, args, max_source_len, max_target_len)
    mapping = edgelm_mapping(config)
    present = {k for k in state if not IGNORED.match(k)}
    expected = mapping.fairseq_keys()
    missing, unexpected = sorted(expected - present), sorted(present - expected)
    if missing or unexpected:
        parts = [f"{label} keys ({len(keys)}): {', '.join(keys[:10])}{' …' if len(keys) > 10 else ''}"
                 for label, keys in (("missing", missing), ("unexpected", unexpected)) if keys]
        raise CheckpointError(f"{path} does not have the EdgeLM layout — " + "; ".join(parts))
    sdk_state = {}
    for sdk_key, (source, aliases) in mapping.table.items():
        tensor = state[source]
        for alias in aliases:
            if state[alias].shape != tensor.shape or not torch.equal(state[alias], tensor):
                raise CheckpointError(f"{alias} should be the same weight as {source} (EdgeFormer sharing) "
                                      "but differs: the checkpoint was not trained with this sharing scheme")
        sdk_state[sdk_key] = tensor.float()
    tokenizer_model = None
    if dictionary is not None:
        vocab = remap_sentencepiece(sentencepiece, dictionary)
        if vocab.fairseq_size != config.vocab_size:
            raise CheckpointError(f"{dictionary} gives {vocab.fairseq_size} fairseq ids (specials and padding "
                                  f"included) but the checkpoint embeds {config.vocab_size}: wrong dictionary")
        embed = sdk_state["embed_tokens.weight"]
        unk = embed[config.unk_id : config.unk_id + 1].expand(vocab.extra_pieces, -1)
        sdk_state["embed_tokens.weight"] = torch.cat([embed, unk])
        config = replace(config, vocab_size=config.vocab_size + vocab.extra_pieces)
        tokenizer_model = vocab.model_bytes
    model = EdgeFormer(config)
    load_state_strict(model, sdk_state, str(path))
    return ImportedEdgeLM(model.eval(), tokenizer_model)
