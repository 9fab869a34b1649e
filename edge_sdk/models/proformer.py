"""ProFormer (Sankar et al., EACL 2021, arXiv 2004.05801): a Transformer classifier with no embedding table.

Words arrive as LSH projection features computed in the app (docs/projection-spec.md); a dense
bottleneck maps them to d_model, the local projection attention (LPA) layer pools each window of K
consecutive words into one vector with learned attention (N words -> N/K), and a small Transformer
encoder runs over the N/K window vectors before a masked-mean-pooled classifier.

Exported as one method, `classify(features[1, N, T], length[1]) -> logits[1, C]`, with N fixed to
`max_words` (the app zero-pads): a static shape every runtime accepts.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from edge_sdk.models.family import DEFAULT_STYLE, FAMILIES, ExportMethod, ExportStyle, ModelFamily, TensorSpec

MASK_VALUE = -1.0e4


@dataclass(frozen=True)
class ProFormerConfig:
    features: int = 256  # T, from the projection settings
    max_words: int = 64  # N
    window: int = 4  # K: words pooled into one LPA output
    d_model: int = 128
    n_heads: int = 4
    layers: int = 2
    ffn_dim: int = 256
    num_labels: int = 2
    dropout: float = 0.1

    def __post_init__(self) -> None:
        problems = []
        if self.d_model % self.n_heads:
            problems.append(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.max_words % self.window:
            problems.append(f"max_words ({self.max_words}) must be a multiple of window ({self.window})")
        for name in ("features", "max_words", "window", "d_model", "n_heads", "layers", "ffn_dim"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1")
        if self.num_labels < 2:
            problems.append("num_labels must be >= 2")
        if problems:
            raise ValueError("invalid ProFormer config: " + "; ".join(problems))

    @property
    def windows(self) -> int:
        return self.max_words // self.window

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProFormerConfig:
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown ProFormer config fields: {', '.join(unknown)}")
        return cls(**data)


class LocalProjectionAttention(nn.Module):
    """N word vectors -> N/K window vectors: additive attention over the K words of each window."""

    def __init__(self, d_model: int, window: int) -> None:
        super().__init__()
        self.window = window
        self.position = nn.Parameter(torch.zeros(window, d_model))  # where in the window a word sits
        self.score = nn.Sequential(nn.Linear(d_model, d_model), nn.Tanh(), nn.Linear(d_model, 1))
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """x [B, N, D], mask [B, N] (True = word) -> [B, N/K, D], window mask [B, N/K]."""
        b, n, d = x.shape
        x = x.view(b, n // self.window, self.window, d) + self.position
        m = mask.view(b, n // self.window, self.window)
        scores = self.score(x).squeeze(-1) + torch.where(m, 0.0, MASK_VALUE)
        pooled = (torch.softmax(scores, dim=-1).unsqueeze(-1) * x).sum(dim=2)
        return self.out(pooled), m.any(dim=-1)


class EncoderLayer(nn.Module):
    def __init__(self, d_model: int, n_heads: int, ffn_dim: int, dropout: float) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, ffn_dim), nn.GELU(), nn.Linear(ffn_dim, d_model))
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.dropout = dropout

    def forward(self, x: Tensor, key_bias: Tensor) -> Tensor:
        b, t, d = x.shape
        h = self.n_heads
        q, k, v = self.qkv(x).view(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h) + key_bias, dim=-1)
        attn = (weights @ v).transpose(1, 2).reshape(b, t, d)
        x = self.norm1(x + F.dropout(self.proj(attn), self.dropout, self.training))
        return self.norm2(x + F.dropout(self.ffn(x), self.dropout, self.training))


class ProFormer(nn.Module):
    def __init__(self, config: ProFormerConfig) -> None:
        super().__init__()
        c = self.config = config
        self.bottleneck = nn.Linear(c.features, c.d_model)
        self.lpa = LocalProjectionAttention(c.d_model, c.window)
        self.window_positions = nn.Parameter(torch.randn(c.windows, c.d_model) * 0.02)
        self.layers = nn.ModuleList(EncoderLayer(c.d_model, c.n_heads, c.ffn_dim, c.dropout) for _ in range(c.layers))
        self.classifier = nn.Linear(c.d_model, c.num_labels)

    def forward(self, features: Tensor, length: Tensor) -> Tensor:
        """features [B, N, T] (zero rows after `length`), length [B] -> logits [B, C]."""
        c = self.config
        mask = torch.arange(c.max_words, device=features.device)[None, :] < length[:, None]
        x = F.dropout(F.relu(self.bottleneck(features)), c.dropout, self.training)
        x, window_mask = self.lpa(x, mask)
        x = x + self.window_positions
        key_bias = torch.where(window_mask, 0.0, MASK_VALUE)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, key_bias)
        weights = window_mask.to(x.dtype).unsqueeze(-1)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.classifier(pooled)

    def multiply_adds(self) -> int:
        """Per sentence at full length: what `edge-sdk inspect` reports as FLOPs (x2)."""
        c = self.config
        n, w, d = c.max_words, c.windows, c.d_model
        lpa = n * (d * d + d) + w * d * d
        encoder = c.layers * (w * 4 * d * d + 2 * w * w * d + 2 * w * d * c.ffn_dim)
        return n * c.features * d + lpa + encoder + d * c.num_labels


class ClassifyMethod(nn.Module):
    def __init__(self, model: ProFormer) -> None:
        super().__init__()
        self.model = model

    def forward(self, features: Tensor, length: Tensor) -> dict[str, Tensor]:
        return {"logits": self.model(features, length)}


@FAMILIES.register("proformer")
class ProFormerFamily(ModelFamily):
    name = "proformer"
    task = "classification"
    input_kind = "projection"

    def config_from_dict(self, data: dict[str, Any]) -> ProFormerConfig:
        return ProFormerConfig.from_dict(data)

    def build(self, config: ProFormerConfig) -> ProFormer:
        return ProFormer(config)

    def export_methods(self, model: nn.Module, style: ExportStyle = DEFAULT_STYLE) -> list[ExportMethod]:
        """One `classify` method; its shapes are already static (features padded to max_words, with
        `length` saying how many are real), so every backend style takes it as is."""
        assert isinstance(model, ProFormer)
        c = model.config
        gen = torch.Generator().manual_seed(0)

        def sample(words: int) -> tuple[Tensor, Tensor]:
            feats = torch.zeros(1, c.max_words, c.features)
            feats[0, :words] = torch.randint(-1, 2, (words, c.features), generator=gen).float()
            return feats, torch.tensor([words])

        return [ExportMethod(
            name="classify", module=ClassifyMethod(model), example_inputs=sample(min(7, c.max_words)),
            inputs=[TensorSpec("features", "float32", (1, c.max_words, c.features)),
                    TensorSpec("length", "int64", (1,))],
            outputs=[TensorSpec("logits", "float32", (1, c.num_labels))],
            calibration=[sample(n) for n in (1, max(1, c.max_words // 3), c.max_words)])]
