"""Import a fairseq EdgeLM (`transformer_edge`) checkpoint into the SDK's EdgeFormer.

fairseq stores every shared weight under each of its names (an encoder attention appears under up to
three encoder layers and one decoder layer). The mapping below names, for every SDK tensor, the one
fairseq key it is read from and the aliases that must hold the same values; every key of the
checkpoint has to be accounted for, or the import fails naming the keys.

The architecture is declared, never guessed from the keys present: layer counts, LoRA rank and shape
and the number of heads come from the checkpoint's own training args (`args` or `cfg.model`, under
fairseq's names, `SETTINGS`) or from explicit options, and an option that contradicts the args is an
error. So a checkpoint that lost the keys of a layer fails the key check instead of importing as a
shallower model. Tensor shapes must match the declared sizes, and a weight holding NaN or Inf is
refused (docs/importing.md).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from edge_sdk.fileio import write_bytes_atomic
from edge_sdk.importers.fairseq_vocab import remap_sentencepiece
from edge_sdk.importers.outputs import ImportOutputs, check_import_outputs
from edge_sdk.models.edgeformer import ConfigError, EdgeFormer, EdgeFormerConfig
from edge_sdk.models.weights import load_state_strict, save_weights

# Buffers and bookkeeping fairseq writes that carry no weights.
IGNORED = re.compile(r"^(encoder|decoder)\.(version|embed_positions\._float_tensor)$")
ATTN_PARAMS = [f"{p}.{t}" for p in ("q_proj", "k_proj", "v_proj", "out_proj") for t in ("weight", "bias")]
LINEAR_PARAMS = ("weight", "bias")


class CheckpointError(ValueError):
    pass


@dataclass(frozen=True)
class Setting:
    """An architecture setting that decides which keys exist (or what the model computes) and that the
    tensors cannot tell: read from the training args or given explicitly, never inferred."""

    arg: str  # fairseq's name in `args` / `cfg.model` (the `transformer_edge` architecture)
    option: str  # the import-edgelm option (the Python keyword is the option without -- and with _)
    what: str
    release: str  # the EdgeLM release's value, for the hint
    metavar: str = "N"


# EdgeFormerConfig field -> where it comes from. fairseq's names: fairseq/models/transformer (edge_architecture),
# fairseq/modules/transformer_layer.py (`lora_r`, `lora_r_shape`: 0 flat, 1 decreasing, 2 increasing).
SETTINGS: dict[str, Setting] = {
    "encoder_layers": Setting("encoder_layers", "--encoder-layers", "the number of encoder layers", "12"),
    "decoder_layers": Setting("decoder_layers", "--decoder-layers", "the number of decoder layers", "2"),
    "lora_rank": Setting("lora_r", "--lora-rank", "the LoRA rank (0: no adapters)", "32"),
    "lora_shape": Setting("lora_r_shape", "--lora-shape", "the LoRA rank shape", "flat", "SHAPE"),
    "n_heads": Setting("encoder_attention_heads", "--attention-heads", "the number of attention heads", "8"),
}
# Sizes the tensors carry: from the args when they have them (then checked against every shape), else
# from the first tensor that has them.
SIZE_ARGS = {"d_model": "encoder_embed_dim", "encoder_ffn_dim": "encoder_ffn_embed_dim",
             "decoder_ffn_dim": "decoder_ffn_embed_dim"}
# decoder args that must equal the encoder's: the decoder reuses the encoder's attentions and embedding.
MIRRORED_ARGS = {"decoder_embed_dim": "encoder_embed_dim", "decoder_attention_heads": "encoder_attention_heads"}
# Training args whose other values describe a model EdgeFormer does not compute (post-LN, ReLU, scaled
# sinusoidal positions); absent ones are fairseq's defaults, which are these.
FIXED_ARGS: dict[str, Any] = {
    "encoder_normalize_before": False, "decoder_normalize_before": False, "activation_fn": "relu",
    "no_scale_embedding": False, "no_token_positional_embeddings": False, "encoder_learned_pos": False,
    "decoder_learned_pos": False, "layernorm_embedding": False, "cross_self_attention": False,
}
LORA_SHAPES = ("flat", "decreasing", "increasing")  # fairseq lora_r_shape 0, 1, 2


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
    for side in ("encoder", "decoder"):  # dataclass configs nest them: cfg.model.encoder.layers
        nested = args.get(side)
        nested = vars(nested) if isinstance(nested, argparse.Namespace) else nested
        if isinstance(nested, dict):
            for k, v in nested.items():
                args.setdefault(f"{side}_{k}", v)
    return state, args


def _normalise_keys(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # Some exports nest the per-layer adapters under the (shared) attention module; the values are
    # per-layer either way, so both spellings map to the layer-level key.
    return {re.sub(r"^(encoder\.layers\.\d+)\.self_attn\.([qv]_lora)\.", r"\1.\2.", k): v
            for k, v in state.items()}


def _as_int(value: Any, name: str, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise CheckpointError(f"{path}: the checkpoint's {name} is {value!r}, not a whole number")
    return int(value)


def _as_lora_shape(value: Any, source: str) -> str | None:
    """fairseq's lora_r_shape (0, 1, 2) or the SDK's name (flat, decreasing, increasing) -> the name."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text.isdigit() and int(text) < len(LORA_SHAPES):
        return LORA_SHAPES[int(text)]
    if text in LORA_SHAPES:
        return text
    raise CheckpointError(f"{source} is {value!r}: a LoRA shape is flat, decreasing or increasing "
                          "(fairseq lora_r_shape 0, 1 or 2)")


def resolve_config(state: dict[str, torch.Tensor], args: dict[str, Any], options: dict[str, Any], path: Path,
                   max_source_len: int, max_target_len: int) -> tuple[EdgeFormerConfig, dict[str, str]]:
    """-> (config, where each setting came from). The settings in `SETTINGS` come from `options` (explicit,
    None when not given) or the checkpoint's args, and have to agree where both give one; the sizes the
    tensors carry come from the args or the tensors. Nothing is read from which keys exist."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    missing: list[Setting] = []
    conflicts: list[str] = []
    for name, setting in SETTINGS.items():
        if name == "lora_shape":
            from_args = _as_lora_shape(args.get(setting.arg), f"{path}: the checkpoint's {setting.arg}")
            explicit = _as_lora_shape(options.get(name), setting.option)
        else:
            from_args = _as_int(args.get(setting.arg), setting.arg, path)
            explicit = options.get(name)
        if explicit is not None and from_args is not None and explicit != from_args:
            conflicts.append(f"{setting.option} {explicit} disagrees with the checkpoint's args "
                             f"({setting.arg} = {args.get(setting.arg)!r})")
        value = explicit if explicit is not None else from_args
        if value is None and name == "lora_shape" and values.get("lora_rank") == 0:
            value = "flat"  # no adapters: the shape decides nothing
        if value is None:
            missing.append(setting)
            continue
        values[name] = value
        sources[name] = setting.option if explicit is not None else f"args {setting.arg}"
    if conflicts:
        raise CheckpointError(f"{path}: " + "; ".join(conflicts) + ". Drop the option to use the checkpoint's "
                              "value, or fix the checkpoint")
    if missing:
        raise CheckpointError(
            f"{path}: the checkpoint's args/cfg do not give {', '.join(s.what for s in missing)} "
            f"({', '.join(s.arg for s in missing)}); pass {' '.join(f'{s.option} {s.metavar}' for s in missing)} "
            f"(the EdgeLM release: {' '.join(f'{s.option} {s.release}' for s in missing)}). The architecture is "
            "never inferred from the keys present, so that a checkpoint missing layers cannot import as a "
            "smaller model")

    if "encoder.embed_tokens.weight" not in state or state["encoder.embed_tokens.weight"].dim() != 2:
        raise CheckpointError(f"{path}: the checkpoint lacks a 2-D encoder.embed_tokens.weight: not an "
                              "EdgeLM/transformer_edge checkpoint")
    vocab, d_model = state["encoder.embed_tokens.weight"].shape
    shape_of = {"d_model": ("encoder.embed_tokens.weight", 1), "encoder_ffn_dim": ("encoder.layers.0.fc1.weight", 0),
                "decoder_ffn_dim": ("decoder.layers.0.fc1.weight", 0)}
    for name, arg in SIZE_ARGS.items():
        value = _as_int(args.get(arg), arg, path)
        if value is not None:
            values[name], sources[name] = value, f"args {arg}"
            continue
        key, dim = shape_of[name]
        if key not in state or state[key].dim() != 2:
            raise CheckpointError(f"{path}: the checkpoint's args give no {arg} and it lacks {key}, which would "
                                  "tell it: not an EdgeLM/transformer_edge checkpoint")
        values[name], sources[name] = int(state[key].shape[dim]), f"shape of {key}"
    if values["d_model"] != d_model:
        raise CheckpointError(f"{path}: encoder.embed_tokens.weight is {d_model} wide, but the checkpoint's args "
                              f"give encoder_embed_dim = {values['d_model']}")
    mirrored = {"encoder_embed_dim": values["d_model"], "encoder_attention_heads": values["n_heads"]}
    for arg, partner in MIRRORED_ARGS.items():
        value = _as_int(args.get(arg), arg, path)
        if value is not None and value != mirrored[partner]:
            raise CheckpointError(f"{path}: the checkpoint's args give {arg} = {value} but {partner} = "
                                  f"{mirrored[partner]}: EdgeFormer's decoder reuses the encoder's attentions and "
                                  "embedding, so they must agree")
    for arg, expected in FIXED_ARGS.items():
        value = args.get(arg)
        if value is not None and value != expected:
            raise CheckpointError(f"{path}: the checkpoint was trained with {arg} = {value!r}; EdgeFormer computes "
                                  f"{arg} = {expected!r} (post-LN, ReLU, scaled sinusoidal positions), so importing "
                                  "it would change what the model computes")
    dropout = float(args["dropout"]) if args.get("dropout") is not None else 0.1
    try:
        config = EdgeFormerConfig(vocab_size=vocab, max_source_len=max_source_len, max_target_len=max_target_len,
                                  dropout=dropout, **values)
    except ConfigError as err:
        raise CheckpointError(f"{path}: {err}") from None
    if config.lora_rank:
        # fairseq: int(r * ratio), and no adapter at all on a layer where that is 0; EdgeFormer has one on
        # every layer.
        ratios = [(2.0, 1.5, 1.0, 0.5)[i] if i < 4 else 0.5 for i in range(config.encoder_layers)]
        factors = [{"flat": 1.0, "decreasing": r, "increasing": 2.5 - r}[config.lora_shape] for r in ratios]
        if any(int(config.lora_rank * f) == 0 for f in factors):
            raise CheckpointError(f"{path}: LoRA rank {config.lora_rank} with shape {config.lora_shape} leaves some "
                                  "encoder layers without an adapter in fairseq; EdgeFormer puts one on every layer")
    return config, sources


def describe(config: EdgeFormerConfig, sources: dict[str, str]) -> str:
    """The declared architecture, each setting with where it came from (for error messages)."""
    parts = [f"d_model {config.d_model} ({sources.get('d_model')})",
             f"{config.n_heads} heads ({sources.get('n_heads')})",
             f"{config.encoder_layers} encoder layers ({sources.get('encoder_layers')})",
             f"{config.decoder_layers} decoder layers ({sources.get('decoder_layers')})",
             f"encoder FFN {config.encoder_ffn_dim} ({sources.get('encoder_ffn_dim')})",
             f"decoder FFN {config.decoder_ffn_dim} ({sources.get('decoder_ffn_dim')})",
             f"LoRA rank {config.lora_rank} ({sources.get('lora_rank')})"]
    if config.lora_rank:
        parts.append(f"shape {config.lora_shape} ({sources.get('lora_shape')})")
    return ", ".join(parts)


def _shown(items: list[str], limit: int = 10) -> str:
    return ", ".join(items[:limit]) + (f" … (+{len(items) - limit})" if len(items) > limit else "")


def check_shapes(state: dict[str, torch.Tensor], mapping: KeyMapping, config: EdgeFormerConfig,
                 sources: dict[str, str], path: Path) -> None:
    """Every fairseq key (aliases included) has the shape the declared architecture gives its SDK tensor."""
    expected = EdgeFormer(config).state_dict()  # (the meta device would save memory but costs seconds to start)
    wrong = []
    for sdk_key, (source, aliases) in mapping.table.items():
        want = tuple(expected[sdk_key].shape)
        wrong += [f"{k} is {tuple(state[k].shape)}, needs {want}" for k in (source, *aliases)
                  if tuple(state[k].shape) != want]
    if wrong:
        raise CheckpointError(f"{path}: tensor shapes do not match the declared architecture "
                              f"({describe(config, sources)}): {_shown(wrong, 6)}")


def check_finite(state: dict[str, torch.Tensor], keys: set[str], path: Path) -> None:
    """Refuse NaN and Inf in any weight: they would ship as a model that outputs garbage."""
    bad = []
    for key in sorted(keys):
        tensor = state[key]
        if (tensor.is_floating_point() or tensor.is_complex()) and not bool(torch.isfinite(tensor).all()):
            n_nan, n_inf = int(torch.isnan(tensor).sum()), int(torch.isinf(tensor).sum())
            bad.append(f"{key} ({n_nan} NaN, {n_inf} Inf)")
    if bad:
        raise CheckpointError(f"{path}: non-finite weights in {len(bad)} tensor(s): {_shown(bad, 6)}; the checkpoint "
                              "is corrupt or its training diverged, and it is not imported")


@dataclass
class ImportedEdgeLM:
    model: EdgeFormer
    tokenizer_model: bytes | None  # SentencePiece model emitting the model's ids, when a vocabulary was given


def import_edgelm(path: Path, max_source_len: int = 64, max_target_len: int = 64,
                  dictionary: Path | None = None, sentencepiece: Path | None = None, *,
                  encoder_layers: int | None = None, decoder_layers: int | None = None,
                  lora_rank: int | None = None, lora_shape: str | int | None = None,
                  attention_heads: int | None = None) -> ImportedEdgeLM:
    """Read, check and dedupe an EdgeLM checkpoint; with `dictionary` + `sentencepiece`, also produce a
    tokenizer whose ids are the model's (see `fairseq_vocab`).

    The keyword settings are import-edgelm's options (`--encoder-layers` ...): each is needed only when
    the checkpoint's args lack it, and must agree with the args when both give it (`resolve_config`)."""
    path = Path(path)
    if (dictionary is None) != (sentencepiece is None):
        raise CheckpointError("give both the fairseq dictionary (dict.src.txt) and the SentencePiece model, "
                              "or neither")
    raw, args = load_fairseq_checkpoint(path)
    state = _normalise_keys(raw)
    options = {"encoder_layers": encoder_layers, "decoder_layers": decoder_layers, "lora_rank": lora_rank,
               "lora_shape": lora_shape, "n_heads": attention_heads}
    config, sources = resolve_config(state, args, options, path, max_source_len, max_target_len)
    mapping = edgelm_mapping(config)
    present = {k for k in state if not IGNORED.match(k)}
    expected = mapping.fairseq_keys()
    missing, unexpected = sorted(expected - present), sorted(present - expected)
    if missing or unexpected:
        parts = [f"{label} keys ({len(keys)}): {', '.join(keys[:10])}{' …' if len(keys) > 10 else ''}"
                 for label, keys in (("missing", missing), ("unexpected", unexpected)) if keys]
        raise CheckpointError(f"{path} does not have the EdgeLM layout of its declared architecture "
                              f"({describe(config, sources)}) — " + "; ".join(parts))
    check_shapes(state, mapping, config, sources, path)
    check_finite(state, present, path)
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


def convert_edgelm(checkpoint: Path, out: Path, max_source_len: int = 64, max_target_len: int = 64,
                   dictionary: Path | None = None, sentencepiece: Path | None = None,
                   **settings: Any) -> tuple[ImportedEdgeLM, ImportOutputs]:
    """What `import-edgelm` does: check the outputs, import (`import_edgelm`, `settings` are its keyword
    settings), then write the weights, the config and (with a vocabulary) the tokenizer, each atomically."""
    outputs = check_import_outputs(out, checkpoint, dictionary, sentencepiece)
    imported = import_edgelm(checkpoint, max_source_len, max_target_len, dictionary, sentencepiece, **settings)
    config = imported.model.config.to_dict()
    save_weights(imported.model, outputs.weights, "edgeformer", config)
    write_bytes_atomic(outputs.config, (json.dumps(config, indent=2) + "\n").encode())
    if outputs.tokenizer is not None and imported.tokenizer_model is not None:
        write_bytes_atomic(outputs.tokenizer, imported.tokenizer_model)
    return imported, outputs
