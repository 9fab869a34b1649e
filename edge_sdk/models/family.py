"""What a model family tells the rest of the pipeline: how to build it and which methods to export.

Kept free of pydantic and of the export stack so training imports it on machines that have neither.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from edge_sdk.registry import Registry


@dataclass(frozen=True)
class TensorSpec:
    """A method input or output. Symbolic dimensions are strings (e.g. "src") with bounds in `dims`."""

    name: str
    dtype: str
    shape: tuple[int | str, ...]
    # Value that fills an input padded to a static size (set where the model masks padding itself).
    pad_value: float | None = None
    # On an output: the name of the input this output is fed back into on the next call (explicit state,
    # e.g. a KV cache for runtimes without mutable buffers). Runtimes keep it; callers never see it.
    feeds: str | None = None


@dataclass(frozen=True)
class ExportStyle:
    """What a backend's file format can express; the family shapes its methods to fit.

    static_shapes: every dynamic dimension is fixed at its maximum (inputs are padded).
    state_as_io: mutable buffers become explicit inputs and outputs (`TensorSpec.feeds`).
    """

    static_shapes: bool = False
    state_as_io: bool = False


DEFAULT_STYLE = ExportStyle()


@dataclass
class ExportMethod:
    """One callable of an artifact (e.g. `encode`), as the exporters trace it."""

    name: str
    module: nn.Module
    example_inputs: tuple[torch.Tensor, ...]
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    # Symbolic dimension name -> (min, max); each backend maps these to its own dynamic-shape API.
    dims: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Inputs the quantizer calibrates on (representative, not only the example).
    calibration: list[tuple[torch.Tensor, ...]] = field(default_factory=list)


class ModelFamily(ABC):
    name: str
    task: str  # "seq2seq" or "classification": decides golden vectors, parity checks and `run`
    input_kind: str  # "tokens" (SentencePiece ids) or "projection" (LSH features computed in the app)

    @abstractmethod
    def config_from_dict(self, data: dict[str, Any]) -> Any: ...

    @abstractmethod
    def build(self, config: Any) -> nn.Module: ...

    @abstractmethod
    def export_methods(self, model: nn.Module, style: ExportStyle = DEFAULT_STYLE) -> list[ExportMethod]: ...


FAMILIES: Registry[ModelFamily] = Registry("model family")
