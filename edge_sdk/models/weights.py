"""Model weights on disk: safetensors with the family and its config in the header metadata.

safetensors never executes code on load, so weights from anywhere can be opened safely.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save
from torch import nn

from edge_sdk.fileio import write_bytes_atomic


class WeightsError(ValueError):
    pass


def save_weights(model: nn.Module, path: Path, family: str, config: dict[str, Any],
                 dtype: torch.dtype | None = None, extra: dict[str, str] | None = None) -> None:
    metadata = {**(extra or {}), "family": family, "config": json.dumps(config, sort_keys=True)}
    _write_tensors(model.state_dict(), path, metadata, dtype)


def pack_weights(source: Path, target: Path, dtype: torch.dtype = torch.float16) -> dict[str, str]:
    """A checkpoint's weights in a smaller float type for shipping, its metadata kept.

    Builds load them back into fp32 (`load_state_strict` casts), so an fp16 copy halves what the
    repository stores without changing what the exporters see beyond fp16 rounding.
    """
    from safetensors import safe_open

    if Path(target).exists() and Path(source).exists() and os.path.samefile(source, target):
        raise WeightsError(f"{target} is the checkpoint being packed: writing it would replace the full-precision "
                           "weights; give another output file")
    family, config, state = read_weights(source)
    if family is None or config is None:
        raise WeightsError(f"{source} has no edge-sdk family/config metadata: not a checkpoint of this SDK")
    with safe_open(str(source), framework="pt") as f:
        metadata = dict(f.metadata() or {})
    metadata["packed_dtype"] = str(dtype).removeprefix("torch.")
    _write_tensors(state, target, metadata, dtype)
    return metadata


def _write_tensors(state: dict[str, torch.Tensor], path: Path, metadata: dict[str, str],
                   dtype: torch.dtype | None) -> None:
    tensors = {k: (v.to(dtype) if dtype is not None and v.is_floating_point() else v).contiguous()
               for k, v in state.items()}
    # Serialised in memory, then written atomically: a device path (/dev/full) is written in place and
    # never replaced by a regular file, and a failed write leaves the previous file (fileio).
    write_bytes_atomic(Path(path), save(tensors, metadata=metadata))


def read_metadata(path: Path) -> dict[str, str]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return dict(f.metadata() or {})
    except (SafetensorError, OSError) as err:
        raise WeightsError(f"{path}: not a readable safetensors file ({err})") from None


def read_weights(path: Path) -> tuple[str | None, dict[str, Any] | None, dict[str, torch.Tensor]]:
    """-> (family, config, state dict); family/config are None for files without our metadata."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightsError(f"{path}: not a readable safetensors file ({err})") from None
    config = json.loads(metadata["config"]) if "config" in metadata else None
    return metadata.get("family"), config, tensors


def load_state_strict(model: nn.Module, state: dict[str, torch.Tensor], source: str) -> None:
    """Load every tensor, or fail naming the missing, unexpected and mis-shaped keys."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mis_shaped = sorted(f"{k} {tuple(state[k].shape)} != {tuple(expected[k].shape)}"
                        for k in set(state) & set(expected) if state[k].shape != expected[k].shape)
    if missing or unexpected or mis_shaped:
        parts = []
        for label, keys in (("missing", missing), ("unexpected", unexpected), ("wrong shape", mis_shaped)):
            if keys:
                shown = ", ".join(keys[:8]) + (f", … (+{len(keys) - 8})" if len(keys) > 8 else "")
                parts.append(f"{label}: {shown}")
        raise WeightsError(f"{source} does not fit the model: " + "; ".join(parts))
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()})
