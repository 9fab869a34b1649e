"""The backend contract: an exporter that writes one artifact file and a runtime that runs it.

A backend decides nothing about *what* to build (that is the build plan's job); it only knows how to
turn traced methods into its file format and how to execute that file in its real runtime.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from edge_sdk.fileio import write_bytes_atomic as write_bytes_atomic  # re-exported for the exporters
from edge_sdk.models.family import DEFAULT_STYLE, ExportMethod, ExportStyle, TensorSpec
from edge_sdk.registry import Registry

Log = Callable[[str], None]


class ExportError(RuntimeError):
    """A model could not be turned into a backend artifact."""


class RuntimeSession(ABC):
    """A loaded artifact. Inputs and outputs are NumPy arrays so callers are runtime-agnostic."""

    @property
    @abstractmethod
    def method_names(self) -> list[str]: ...

    @abstractmethod
    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]: ...


class Backend(ABC):
    name: str
    suffix: str
    quantizations: tuple[str, ...]
    default_quantizations: tuple[str, ...] = ("fp32", "int8")
    # How the model family must shape its methods for this format (static shapes, state as I/O).
    style: ExportStyle = DEFAULT_STYLE
    # Integer widths the format stores (TFLite has no int64 inputs): applied to recorded signatures.
    dtype_map: ClassVar[Mapping[str, str]] = MappingProxyType({})

    @abstractmethod
    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log,
               assets: Mapping[str, bytes] | None = None) -> None:
        """Write the artifact. `assets` (tokenizer, manifest excerpt) go inside it where the format can
        carry them, so the file alone is enough for an app."""

    @abstractmethod
    def load(self, path: Path, methods: Sequence[Any] | None = None) -> RuntimeSession:
        """Open an artifact in its runtime. `methods` are the manifest's signatures of this artifact."""

    def runs_here(self) -> tuple[bool, str]:
        """Whether this machine can execute the artifact, and if not, why."""
        return True, ""

    def check_spec(self, path: Path, methods: Sequence[Any]) -> list[str]:
        """Problems found by reading (not running) the artifact against the manifest; [] when none."""
        return []

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """Versions of the converter/runtime packages, recorded in the bundle's provenance."""

    def check_quantization(self, quantization: str) -> None:
        if quantization not in self.quantizations:
            raise ExportError(f"backend {self.name} supports quantization {', '.join(self.quantizations)}; "
                              f"got {quantization!r}")


class SignatureAdapter:
    """Presents a static-shape, explicit-state artifact with the calling convention of the eager model.

    Inputs shorter than a fixed dimension are padded with the input's `pad_value`; outputs that feed
    state are kept here and passed back on the next call, starting from zeros. A mobile bridge does the
    same from the manifest's signatures.
    """

    def __init__(self, methods: Sequence[tuple[str, Sequence[TensorSpec], Sequence[TensorSpec]]]) -> None:
        self._inputs = {name: list(inputs) for name, inputs, _ in methods}
        self._outputs = {name: list(outputs) for name, _, outputs in methods}
        self._state: dict[str, np.ndarray] = {}

    def state_inputs(self, method: str) -> set[str]:
        return {o.feeds for o in self._outputs[method] if o.feeds}

    def inputs(self, method: str, given: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        state = self.state_inputs(method)
        visible = [spec for spec in self._inputs[method] if spec.name not in state]
        if len(given) != len(visible):
            raise ValueError(f"{method} takes {len(visible)} inputs ({', '.join(s.name for s in visible)}), "
                             f"got {len(given)}")
        named = {}
        for spec, value in zip(visible, given, strict=True):
            named[spec.name] = self._pad(spec, np.asarray(value))
        for spec in self._inputs[method]:
            if spec.name in state:
                shape = tuple(int(d) for d in spec.shape)
                named[spec.name] = self._state.get(spec.name, np.zeros(shape, dtype=np.dtype(spec.dtype)))
        return named

    def outputs(self, method: str, produced: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        visible = []
        for spec in self._outputs[method]:
            value = np.array(produced[spec.name], copy=True)
            if spec.feeds:
                self._state[spec.feeds] = value
            else:
                visible.append(value)
        return visible

    @staticmethod
    def _pad(spec: TensorSpec, value: np.ndarray) -> np.ndarray:
        value = value.astype(np.dtype(spec.dtype), copy=False)
        fixed = [d if isinstance(d, int) else None for d in spec.shape]
        if value.ndim != len(fixed):
            raise ValueError(f"input {spec.name}: expected {len(fixed)} dimensions {list(spec.shape)}, "
                             f"got shape {list(value.shape)}")
        widths = []
        for axis, (want, have) in enumerate(zip(fixed, value.shape, strict=True)):
            if want is None or want == have:
                widths.append((0, 0))
            elif have < want and spec.pad_value is not None:
                widths.append((0, want - have))
            else:
                raise ValueError(f"input {spec.name}: dimension {axis} is {have}, the artifact takes {want}")
        if any(w for _, w in widths):
            value = np.pad(value, widths, constant_values=spec.pad_value)
        return np.ascontiguousarray(value)


BACKENDS: Registry[Backend] = Registry("backend")
