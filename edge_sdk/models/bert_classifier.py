"""BERT-style sentence classifier: the embedding-table baseline ProFormer is compared against.

SentencePiece ids -> token embedding table + learned positions -> post-LN Transformer encoder (the same
layer as ProFormer's) -> masked-mean pooling -> linear classifier. The embedding table is what ProFormer
removes: vocab_size x d_model floats that an app must ship.

Exported as `classify(tokens[1, S], length[1]) -> logits[1, C]` with S fixed at max_len (pad_id after
`length`), the same static-shape contract as ProFormer's method.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import Tensor, nn

from edge_sdk.models.family import DEFAULT_STYLE, FAMILIES, ExportMethod, ExportStyle, ModelFamily, TensorSpec
from edge_sdk.models.proformer import MASK_VALUE, EncoderLayer


@dataclass(frozen=True)
class BertClassifierConfig:
    vocab_size: int = 2000
    max_len: int = 64
    d_model: int = 128
    n_heads: int = 4
    layers: int = 2
    ffn_dim: int = 256
    num_labels: int = 2
    pad_id: int = 1
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if min(self.vocab_size, self.max_len, self.layers, self.ffn_dim) < 1 or self.num_labels < 2:
            raise ValueError("vocab_size, max_len, layers, ffn_dim must be >= 1 and num_labels >= 2")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BertClassifierConfig:
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown bert-classifier config fields: {', '.join(unknown)}")
        return cls(**data)

    def embedding_bytes(self, bytes_per_value: int = 4) -> int:
        """The token embedding table alone (positions excluded), as an app stores it."""
        return self.vocab_size * self.d_model * bytes_per_value


class BertClassifier(nn.Module):
    def __init__(self, config: BertClassifierConfig) -> None:
        super().__init__()
        c = self.config = config
        self.embed_tokens = nn.Embedding(c.vocab_size, c.d_model, padding_idx=c.pad_id)
        self.positions = nn.Parameter(torch.randn(c.max_len, c.d_model) * 0.02)
        self.norm = nn.LayerNorm(c.d_model)
        self.layers = nn.ModuleList(EncoderLayer(c.d_model, c.n_heads, c.ffn_dim, c.dropout) for _ in range(c.layers))
        self.classifier = nn.Linear(c.d_model, c.num_labels)

    def forward(self, tokens: Tensor, length: Tensor) -> Tensor:
        """tokens [B, S] (pad after `length`), length [B] -> logits [B, C]."""
        s = tokens.shape[1]
        mask = torch.arange(s, device=tokens.device)[None, :] < length[:, None]
        x = self.norm(self.embed_tokens(tokens) + self.positions[:s])
        x = nn.functional.dropout(x, self.config.dropout, self.training)
        key_bias = ((~mask).to(x.dtype) * MASK_VALUE)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, key_bias)
        weights = mask.to(x.dtype).unsqueeze(-1)
        return self.classifier((x * weights).sum(1) / weights.sum(1).clamp(min=1.0))


class ClassifyMethod(nn.Module):
    def __init__(self, model: BertClassifier) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: Tensor, length: Tensor) -> dict[str, Tensor]:
        return {"logits": self.model(tokens, length)}


@FAMILIES.register("bert-classifier")
class BertClassifierFamily(ModelFamily):
    name = "bert-classifier"
    task = "classification"
    input_kind = "tokens"

    def config_from_dict(self, data: dict[str, Any]) -> BertClassifierConfig:
        return BertClassifierConfig.from_dict(data)

    def build(self, config: BertClassifierConfig) -> BertClassifier:
        return BertClassifier(config)

    def export_methods(self, model: nn.Module, style: ExportStyle = DEFAULT_STYLE) -> list[ExportMethod]:
        assert isinstance(model, BertClassifier)
        c = model.config
        gen = torch.Generator().manual_seed(0)

        def sample(n: int) -> tuple[Tensor, Tensor]:
            tokens = torch.full((1, c.max_len), c.pad_id, dtype=torch.long)
            tokens[0, :n] = torch.randint(4, c.vocab_size, (n,), generator=gen)
            return tokens, torch.tensor([n])

        return [ExportMethod(
            name="classify", module=ClassifyMethod(model), example_inputs=sample(min(7, c.max_len)),
            inputs=[TensorSpec("tokens", "int64", (1, c.max_len), pad_value=c.pad_id),
                    TensorSpec("length", "int64", (1,))],
            outputs=[TensorSpec("logits", "float32", (1, c.num_labels))],
            calibration=[sample(n) for n in (1, max(1, c.max_len // 3), c.max_len)])]
