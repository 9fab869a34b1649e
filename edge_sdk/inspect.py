"""Parameter accounting for `edge-sdk inspect` and the importer."""

from __future__ import annotations

from collections import defaultdict

from torch import nn

from edge_sdk.models.edgeformer import EdgeFormer


def parameter_report(model: nn.Module) -> dict[str, int]:
    parts: dict[str, int] = defaultdict(int)
    for name, p in model.named_parameters():
        key = "lora adapters" if "_lora." in name else name.split(".")[0]
        parts[key] += p.numel()
    report = dict(parts)
    report["total"] = sum(parts.values())
    report["total without lora"] = report["total"] - parts.get("lora adapters", 0)
    if isinstance(model, EdgeFormer):
        report["without layer sharing"] = materialised_parameters(model)
    return report


def materialised_parameters(model: EdgeFormer) -> int:
    """Size of the same network if no layer shared its attention or FFN with another."""
    c = model.config
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    embed = count(model.embed_tokens)
    attn = count(model.encoder_attn[0])
    ffn = count(model.encoder_ffn[0])
    own = sum(count(layer) for layer in model.encoder_layers) + sum(count(d) for d in model.decoder_layers)
    # The tied embedding counts once, as in the EdgeFormer paper's comparison.
    return embed + attn * (c.encoder_layers + 2 * c.decoder_layers) + ffn * c.encoder_layers + own
