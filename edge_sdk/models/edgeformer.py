"""EdgeFormer (arXiv 2202.07959), the parameter-efficient encoder-decoder of Microsoft's `transformer_edge`.

The whole model lives in this file, nanoGPT-style. Weight sharing is expressed by *ownership*: the encoder
owns `attention_groups` attention modules and `ffn_groups` FFNs, and each layer looks its weights up by
index. Nothing is aliased in Python, so the state dict holds every tensor exactly once (safetensors
refuses aliased tensors, and a deduped file is what ships to phones).

Two inference entry points are what the exporters trace:
- `encode(src_tokens) -> (memory_kv, memory_bias)`: the encoder, then the decoder's cross-attention keys
  and values, computed once per sentence so a decode step never re-projects the source.
- `decode_step(token, position, memory_kv, memory_bias) -> logits`: one token; the self-attention KV cache
  is one fixed-size buffer per decoder layer written with `cache[:, :, position] = k`, the formulation
  that ExecuTorch (mutable buffer) and Core ML (state) both accept.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from edge_sdk.models.family import DEFAULT_STYLE, FAMILIES, ExportMethod, ExportStyle, ModelFamily, TensorSpec

LoraShape = Literal["flat", "decreasing", "increasing"]

# Finite rather than -inf: fp16 runtimes (Core ML) turn -inf arithmetic into NaN, and exp(-1e4) is 0.
MASK_VALUE = -1.0e4


# The encoder's source length is exported as a dynamic range [2, max_source_len]; torch.export refuses an
# empty range (min == max), so 2 fails at export. 3 builds and verifies on every backend.
MIN_SOURCE_LEN = 3


class ConfigError(ValueError):
    """A model configuration that cannot describe a valid EdgeFormer."""


@dataclass(frozen=True)
class EdgeFormerConfig:
    """Every size is a field so tiny variants exist for tests; defaults are the released EdgeLM shape."""

    vocab_size: int = 2000
    d_model: int = 512
    n_heads: int = 8
    encoder_layers: int = 12
    decoder_layers: int = 2
    encoder_ffn_dim: int = 2048
    decoder_ffn_dim: int = 128
    # Encoder layer i uses self-attention i % attention_groups and FFN i % ffn_groups (EdgeFormer's
    # encoder-favoured, load-balanced sharing: 4 attentions, 2 FFNs over 12 layers).
    attention_groups: int = 4
    ffn_groups: int = 2
    lora_rank: int = 32
    lora_shape: LoraShape = "flat"
    max_source_len: int = 64
    max_target_len: int = 64
    dropout: float = 0.1
    bos_id: int = 0
    pad_id: int = 1
    eos_id: int = 2
    unk_id: int = 3

    def __post_init__(self) -> None:
        problems = []
        if self.d_model % self.n_heads:
            problems.append(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.d_model % 2:
            problems.append("d_model must be even (sinusoidal positions use half sin, half cos)")
        for name in ("vocab_size", "d_model", "n_heads", "encoder_layers", "decoder_layers",
                     "encoder_ffn_dim", "decoder_ffn_dim", "attention_groups", "ffn_groups", "max_target_len"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.max_source_len < MIN_SOURCE_LEN:
            problems.append(f"max_source_len must be >= {MIN_SOURCE_LEN}, got {self.max_source_len} (the shortest "
                            f"source is one token plus EOS, and the exported source length is a range from 2 to "
                            f"max_source_len, which needs at least two values)")
        if self.lora_rank < 0:
            problems.append(f"lora_rank must be >= 0, got {self.lora_rank}")
        if self.lora_shape not in ("flat", "decreasing", "increasing"):
            problems.append(f"lora_shape must be flat, decreasing or increasing, got {self.lora_shape!r}")
        # Decoder layer j borrows the encoder's self-attention 2j (self) and 2j+1 (cross).
        if 2 * self.decoder_layers > min(self.attention_groups, self.encoder_layers):
            problems.append(
                f"{self.decoder_layers} decoder layers need {2 * self.decoder_layers} distinct encoder "
                f"attentions, but only {min(self.attention_groups, self.encoder_layers)} exist")
        if not 0.0 <= self.dropout < 1.0:
            problems.append(f"dropout must be in [0, 1), got {self.dropout}")
        ids = [self.bos_id, self.pad_id, self.eos_id, self.unk_id]
        if len(set(ids)) != 4 or any(not 0 <= i < self.vocab_size for i in ids):
            problems.append(f"special ids {ids} must be distinct and inside the vocabulary")
        if problems:
            raise ConfigError("invalid EdgeFormer config: " + "; ".join(problems))

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def n_attention(self) -> int:
        return min(self.attention_groups, self.encoder_layers)

    @property
    def n_ffn(self) -> int:
        return min(self.ffn_groups, self.encoder_layers)

    def lora_ranks(self) -> list[int]:
        """Per-layer LoRA rank. `decreasing` gives early layers (which own their weights) more rank."""
        if self.lora_rank == 0:
            return [0] * self.encoder_layers
        ranks = []
        for i in range(self.encoder_layers):
            ratio = (2.0, 1.5, 1.0, 0.5)[i] if i < 4 else 0.5
            factor = {"flat": 1.0, "decreasing": ratio, "increasing": 2.5 - ratio}[self.lora_shape]
            ranks.append(max(1, int(self.lora_rank * factor)))
        return ranks

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EdgeFormerConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown EdgeFormer config fields: {', '.join(unknown)}")
        return cls(**data)


def sinusoidal_table(num_positions: int, dim: int, padding_idx: int) -> Tensor:
    """fairseq's SinusoidalPositionalEmbedding table (half sin, half cos, padding row zeroed)."""
    half = dim // 2
    step = math.log(10000) / (half - 1)
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -step)
    angles = torch.arange(num_positions, dtype=torch.float32).unsqueeze(1) * freqs.unsqueeze(0)
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    table[padding_idx] = 0
    return table


class Attention(nn.Module):
    """fairseq MultiheadAttention's parameters (biased q/k/v/out projections), applied explicitly."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.head_dim = d_model // n_heads
        self.scaling = self.head_dim**-0.5
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        for proj in (self.q_proj, self.k_proj, self.v_proj):
            nn.init.xavier_uniform_(proj.weight, gain=1 / math.sqrt(2))
        nn.init.xavier_uniform_(self.out_proj.weight)
        nn.init.zeros_(self.out_proj.bias)

    def split_heads(self, x: Tensor) -> Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)

    def attend(self, q: Tensor, k: Tensor, v: Tensor, bias: Tensor) -> Tensor:
        """q, k, v in [B, H, T, Dh] (q already scaled); bias broadcasts to [B, H, Tq, Tk]."""
        weights = torch.softmax(q @ k.transpose(-1, -2) + bias, dim=-1)
        out = (weights @ v).transpose(1, 2)
        b, t = out.shape[0], out.shape[1]
        return self.out_proj(out.reshape(b, t, self.n_heads * self.head_dim))


class LoRA(nn.Module):
    """EdgeFormer's layer adaptation: a low-rank biased bottleneck added to a shared projection."""

    def __init__(self, d_model: int, rank: int) -> None:
        super().__init__()
        self.linear_u = nn.Linear(d_model, rank)
        self.linear_v = nn.Linear(rank, d_model)
        # Zero output projection: a freshly added adapter starts as the identity of the shared layer.
        nn.init.zeros_(self.linear_v.weight)
        nn.init.zeros_(self.linear_v.bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear_v(self.linear_u(x))


class FeedForward(nn.Module):
    def __init__(self, d_model: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_model, hidden)
        self.fc2 = nn.Linear(hidden, d_model)

    def forward(self, x: Tensor, dropout: float, training: bool) -> Tensor:
        return F.dropout(self.fc2(F.relu(self.fc1(x))), dropout, training)


class LayerNorm(nn.LayerNorm):
    """nn.LayerNorm with its scale and shift applied as plain ops after normalising: the same numbers, but
    LiteRT's converter folds a fused LayerNorm's scale into the next Linear, which gives every layer its own
    copy of a shared projection (the 10.1 M model's int8 .tflite came out 19.9 MB); it leaves an explicit
    multiply alone. State-dict keys are nn.LayerNorm's."""

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, eps=self.eps) * self.weight + self.bias


class EncoderLayer(nn.Module):
    """What an encoder layer owns alone: its LayerNorms and its LoRA adapters."""

    def __init__(self, d_model: int, lora_rank: int) -> None:
        super().__init__()
        self.self_attn_layer_norm = LayerNorm(d_model)
        self.final_layer_norm = LayerNorm(d_model)
        self.q_lora = LoRA(d_model, lora_rank) if lora_rank else None
        self.v_lora = LoRA(d_model, lora_rank) if lora_rank else None


class DecoderLayer(nn.Module):
    """What an interleaved decoder layer owns: a small FFN (used twice) and three LayerNorms."""

    def __init__(self, d_model: int, ffn_dim: int) -> None:
        super().__init__()
        self.ffn = FeedForward(d_model, ffn_dim)
        self.self_attn_layer_norm = LayerNorm(d_model)
        self.encoder_attn_layer_norm = LayerNorm(d_model)
        self.final_layer_norm = LayerNorm(d_model)


class EdgeFormer(nn.Module):
    def __init__(self, config: EdgeFormerConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.embed_scale = math.sqrt(c.d_model)
        # One matrix for encoder input, decoder input and output projection (--share-all-embeddings).
        self.embed_tokens = nn.Embedding(c.vocab_size, c.d_model, padding_idx=c.pad_id)
        nn.init.normal_(self.embed_tokens.weight, mean=0.0, std=c.d_model**-0.5)
        with torch.no_grad():
            self.embed_tokens.weight[c.pad_id].zero_()
        self.encoder_attn = nn.ModuleList(Attention(c.d_model, c.n_heads) for _ in range(c.n_attention))
        self.encoder_ffn = nn.ModuleList(FeedForward(c.d_model, c.encoder_ffn_dim) for _ in range(c.n_ffn))
        self.encoder_layers = nn.ModuleList(EncoderLayer(c.d_model, r) for r in c.lora_ranks())
        self.decoder_layers = nn.ModuleList(
            DecoderLayer(c.d_model, c.decoder_ffn_dim) for _ in range(c.decoder_layers))
        # fairseq numbers real tokens from pad_id + 1 and gives padding position pad_id; keeping only the
        # rows from pad_id on makes row k "the k-th real token" (row 0 = padding), so no integer offset
        # is ever added in the graph (PT2E turns such scalar constants into float tensors).
        n_rows = c.pad_id + 1 + max(c.max_source_len, c.max_target_len)
        table = sinusoidal_table(n_rows, c.d_model, c.pad_id)[c.pad_id:]
        self.register_buffer("positions", table.clone(), persistent=False)
        cache_shape = (1, c.n_heads, c.max_target_len, c.head_dim)
        for j in range(c.decoder_layers):
            self.register_buffer(f"k_cache_{j}", torch.zeros(cache_shape), persistent=False)
            self.register_buffer(f"v_cache_{j}", torch.zeros(cache_shape), persistent=False)

    # ----------------------------------------------------------------- sharing
    def attention_of_encoder_layer(self, i: int) -> Attention:
        return self.encoder_attn[i % self.config.attention_groups]

    def ffn_of_encoder_layer(self, i: int) -> FeedForward:
        return self.encoder_ffn[i % self.config.ffn_groups]

    def decoder_self_attention(self, j: int) -> Attention:
        return self.attention_of_encoder_layer(2 * j)

    def decoder_cross_attention(self, j: int) -> Attention:
        return self.attention_of_encoder_layer(2 * j + 1)

    def num_parameters(self, include_lora: bool = True) -> int:
        return sum(p.numel() for name, p in self.named_parameters()
                   if include_lora or "_lora." not in name)

    # ----------------------------------------------------------------- encoder
    def _embed(self, tokens: Tensor, position_rows: Tensor) -> Tensor:
        x = self.embed_scale * self.embed_tokens(tokens) + self.positions[position_rows]
        return F.dropout(x, self.config.dropout, self.training)

    def encoder_forward(self, src_tokens: Tensor) -> tuple[Tensor, Tensor]:
        """src_tokens [B, S] (right-padded with pad_id) -> (hidden [B, S, D], key bias [B, 1, 1, S])."""
        c = self.config
        not_pad = src_tokens != c.pad_id
        x = self._embed(src_tokens, torch.cumsum(not_pad.long(), dim=1) * not_pad.long())
        # Masks are built by arithmetic, not `where(cond, scalar, scalar)`: coremltools mis-shapes the latter.
        key_bias = ((~not_pad).to(x.dtype) * MASK_VALUE)[:, None, None, :]
        for i, own in enumerate(self.encoder_layers):
            attn = self.attention_of_encoder_layer(i)
            q = attn.q_proj(x)
            v = attn.v_proj(x)
            if own.q_lora is not None:
                q = q + own.q_lora(x)
                v = v + own.v_lora(x)
            h = attn.attend(attn.split_heads(q * attn.scaling), attn.split_heads(attn.k_proj(x)),
                            attn.split_heads(v), key_bias)
            x = own.self_attn_layer_norm(x + F.dropout(h, c.dropout, self.training))
            x = own.final_layer_norm(x + self.ffn_of_encoder_layer(i)(x, c.dropout, self.training))
        return x, key_bias

    def encode(self, src_tokens: Tensor) -> tuple[Tensor, Tensor]:
        """-> memory_kv [2 * L_dec, B, H, S, Dh] (cross-attention keys then values of each decoder layer),
        memory_bias [B, 1, 1, S]. Rank 5, the most Core ML takes."""
        hidden, key_bias = self.encoder_forward(src_tokens)
        kv = []
        for j in range(self.config.decoder_layers):
            attn = self.decoder_cross_attention(j)
            kv += [attn.split_heads(attn.k_proj(hidden)), attn.split_heads(attn.v_proj(hidden))]
        return torch.stack(kv), key_bias

    # ----------------------------------------------------------------- decoder
    def _decoder_layer(self, j: int, x: Tensor, self_kv: tuple[Tensor, Tensor], self_bias: Tensor,
                       memory_kv: Tensor, memory_bias: Tensor, q_self: Tensor) -> Tensor:
        """Interleaved layer: self-attn -> FFN -> cross-attn -> the same FFN, post-LayerNorm."""
        c = self.config
        layer = self.decoder_layers[j]
        self_attn, cross_attn = self.decoder_self_attention(j), self.decoder_cross_attention(j)
        h = self_attn.attend(q_self, self_kv[0], self_kv[1], self_bias)
        x = layer.self_attn_layer_norm(x + F.dropout(h, c.dropout, self.training))
        x = layer.final_layer_norm(x + layer.ffn(x, c.dropout, self.training))
        q = cross_attn.split_heads(cross_attn.q_proj(x) * cross_attn.scaling)
        h = cross_attn.attend(q, memory_kv[2 * j], memory_kv[2 * j + 1], memory_bias)
        x = layer.encoder_attn_layer_norm(x + F.dropout(h, c.dropout, self.training))
        return layer.final_layer_norm(x + layer.ffn(x, c.dropout, self.training))

    def _output(self, x: Tensor) -> Tensor:
        return F.linear(x, self.embed_tokens.weight)

    def decode_step(self, token: Tensor, position: Tensor, memory_kv: Tensor, memory_bias: Tensor) -> Tensor:
        """token [1] and position [1] (int64, position counts from 0) -> logits [1, V].

        Writes this step's self-attention keys/values into the per-layer cache buffers at `position`;
        cache slots after `position` are masked, so stale entries from an earlier sentence never leak.
        """
        c = self.config
        x = self.embed_scale * self.embed_tokens(token.view(1, 1)) + self.positions[1:][position].view(1, 1, -1)
        x = F.dropout(x, c.dropout, self.training)
        slots = torch.arange(c.max_target_len, device=token.device)
        self_bias = (slots > position).to(x.dtype) * MASK_VALUE
        for j in range(c.decoder_layers):
            attn = self.decoder_self_attention(j)
            k_cache, v_cache = getattr(self, f"k_cache_{j}"), getattr(self, f"v_cache_{j}")
            k_cache[:, :, position] = attn.split_heads(attn.k_proj(x))
            v_cache[:, :, position] = attn.split_heads(attn.v_proj(x))
            q = attn.split_heads(attn.q_proj(x) * attn.scaling)
            x = self._decoder_layer(j, x, (k_cache, v_cache), self_bias, memory_kv, memory_bias, q)
        return self._output(x)[:, 0, :]

    def decode_step_io(self, token: Tensor, position: Tensor, memory_kv: Tensor, memory_bias: Tensor,
                       self_kv: Tensor) -> tuple[Tensor, Tensor]:
        """`decode_step` with the cache passed in and returned: self_kv [2 * L_dec, 1, H, T, Dh].

        For runtimes without mutable state (TFLite, Core ML before iOS 18). The slot at `position` is
        replaced through a one-hot select instead of an in-place write, so the graph stays functional.
        """
        c = self.config
        x = self.embed_scale * self.embed_tokens(token.view(1, 1)) + self.positions[1:][position].view(1, 1, -1)
        x = F.dropout(x, c.dropout, self.training)
        slots = torch.arange(c.max_target_len, device=token.device)
        self_bias = (slots > position).to(x.dtype) * MASK_VALUE
        here = (slots == position).view(1, 1, -1, 1)
        new_kv = []
        for j in range(c.decoder_layers):
            attn = self.decoder_self_attention(j)
            k_cache = torch.where(here, attn.split_heads(attn.k_proj(x)), self_kv[2 * j])
            v_cache = torch.where(here, attn.split_heads(attn.v_proj(x)), self_kv[2 * j + 1])
            new_kv += [k_cache, v_cache]
            q = attn.split_heads(attn.q_proj(x) * attn.scaling)
            x = self._decoder_layer(j, x, (k_cache, v_cache), self_bias, memory_kv, memory_bias, q)
        return self._output(x)[:, 0, :], torch.stack(new_kv)

    def forward(self, src_tokens: Tensor, prev_output_tokens: Tensor) -> Tensor:
        """Teacher-forced training pass: [B, S], [B, T] -> logits [B, T, V]."""
        return self.decode(prev_output_tokens, *self.encode(src_tokens))

    def decode(self, prev_output_tokens: Tensor, memory_kv: Tensor, memory_bias: Tensor) -> Tensor:
        """Whole-prefix decoder pass without the cache (training, batched evaluation)."""
        c = self.config
        not_pad = prev_output_tokens != c.pad_id
        x = self._embed(prev_output_tokens, torch.cumsum(not_pad.long(), dim=1) * not_pad.long())
        t = prev_output_tokens.shape[1]
        causal = torch.triu(torch.full((t, t), MASK_VALUE, device=x.device), diagonal=1)
        self_bias = causal + ((~not_pad).to(x.dtype) * MASK_VALUE)[:, None, None, :]
        for j in range(c.decoder_layers):
            attn = self.decoder_self_attention(j)
            kv = (attn.split_heads(attn.k_proj(x)), attn.split_heads(attn.v_proj(x)))
            q = attn.split_heads(attn.q_proj(x) * attn.scaling)
            x = self._decoder_layer(j, x, kv, self_bias, memory_kv, memory_bias, q)
        return self._output(x)


# --------------------------------------------------------------------------- export surface
class EncodeMethod(nn.Module):
    def __init__(self, model: EdgeFormer) -> None:
        super().__init__()
        self.model = model

    def forward(self, src_tokens: Tensor) -> dict[str, Tensor]:
        # A dict names the outputs in formats that keep names (TFLite signatures, Core ML features).
        memory_kv, memory_bias = self.model.encode(src_tokens)
        return {"memory_kv": memory_kv, "memory_bias": memory_bias}


class DecodeStepMethod(nn.Module):
    def __init__(self, model: EdgeFormer) -> None:
        super().__init__()
        self.model = model

    def forward(self, token: Tensor, position: Tensor, memory_kv: Tensor, memory_bias: Tensor) -> dict[str, Tensor]:
        return {"logits": self.model.decode_step(token, position, memory_kv, memory_bias)}


class DecodeStepIOMethod(nn.Module):
    def __init__(self, model: EdgeFormer) -> None:
        super().__init__()
        self.model = model

    def forward(self, token: Tensor, position: Tensor, memory_kv: Tensor, memory_bias: Tensor,
                self_kv: Tensor) -> dict[str, Tensor]:
        logits, new_kv = self.model.decode_step_io(token, position, memory_kv, memory_bias, self_kv)
        return {"logits": logits, "self_kv_out": new_kv}


@FAMILIES.register("edgeformer")
class EdgeFormerFamily(ModelFamily):
    name = "edgeformer"
    task = "seq2seq"
    input_kind = "tokens"

    def config_from_dict(self, data: dict[str, Any]) -> EdgeFormerConfig:
        return EdgeFormerConfig.from_dict(data)

    def build(self, config: EdgeFormerConfig) -> EdgeFormer:
        return EdgeFormer(config)

    def export_methods(self, model: nn.Module, style: ExportStyle = DEFAULT_STYLE) -> list[ExportMethod]:
        assert isinstance(model, EdgeFormer)
        c = model.config
        h, dh, lay, t = c.n_heads, c.head_dim, c.decoder_layers, c.max_target_len
        gen = torch.Generator().manual_seed(0)
        static = style.static_shapes
        example_len = c.max_source_len if static else max(3, min(8, c.max_source_len - 1))
        src_dim: int | str = c.max_source_len if static else "src"
        dims = {} if static else {"src": (2, c.max_source_len)}

        def src(n: int) -> Tensor:
            """A source of n real tokens, right-padded to the static length where shapes are static."""
            t = torch.full((1, c.max_source_len if static else n), c.pad_id, dtype=torch.long)
            t[0, :n] = torch.randint(4, c.vocab_size, (n,), generator=gen)
            t[0, n - 1] = c.eos_id
            return t

        with torch.no_grad():
            kv, bias = model.encode(src(example_len))
        calib_src = [(src(n),) for n in (max(3, min(8, c.max_source_len - 1)), max(2, c.max_source_len // 2),
                                          c.max_source_len)]
        empty_cache = torch.zeros(2 * lay, 1, h, t, dh)
        calib_dec = []
        for (s,) in calib_src:
            with torch.no_grad():
                mkv, mb = model.encode(s)
            cache = empty_cache.clone()
            for pos in range(min(4, t)):
                tok = torch.randint(4, c.vocab_size, (1,), generator=gen)
                step = (tok, torch.tensor([pos]), mkv, mb)
                if style.state_as_io:
                    calib_dec.append((*step, cache))
                    with torch.no_grad():
                        cache = model.decode_step_io(*step, cache)[1]
                else:
                    calib_dec.append(step)
        kv_shape = (2 * lay, 1, h, src_dim, dh)
        memory = [TensorSpec("memory_kv", "float32", kv_shape),
                  TensorSpec("memory_bias", "float32", (1, 1, 1, src_dim))]
        decode_inputs = [TensorSpec("token", "int64", (1,)), TensorSpec("position", "int64", (1,)), *memory]
        decode_outputs = [TensorSpec("logits", "float32", (1, c.vocab_size))]
        decode_example: tuple[Tensor, ...] = (torch.tensor([c.eos_id]), torch.tensor([0]), kv, bias)
        decode_module: nn.Module = DecodeStepMethod(model)
        if style.state_as_io:
            cache_shape = (2 * lay, 1, h, t, dh)
            decode_inputs.append(TensorSpec("self_kv", "float32", cache_shape))
            decode_outputs.append(TensorSpec("self_kv_out", "float32", cache_shape, feeds="self_kv"))
            decode_example = (*decode_example, empty_cache)
            decode_module = DecodeStepIOMethod(model)
        return [
            ExportMethod(
                name="encode", module=EncodeMethod(model), example_inputs=(src(example_len),),
                inputs=[TensorSpec("src_tokens", "int64", (1, src_dim), pad_value=c.pad_id if static else None)],
                outputs=memory, dims=dims, calibration=calib_src),
            ExportMethod(
                name="decode_step", module=decode_module, example_inputs=decode_example,
                inputs=decode_inputs, outputs=decode_outputs, dims=dims, calibration=calib_dec),
        ]
