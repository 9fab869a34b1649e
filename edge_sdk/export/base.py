"""The backend contract: an exporter that writes one artifact file and a runtime that runs it.

A backend decides nothing about *what* to build (that is the build plan's job); it only knows how to
turn traced methods into its file format and how to execute that file in its real runtime.
"""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from edge_sdk.models.family import ExportMethod
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

    @abstractmethod
    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log) -> None: ...

    @abstractmethod
    def load(self, path: Path) -> RuntimeSession: ...

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """Versions of the converter/runtime packages, recorded in the bundle's provenance."""

    def check_quantization(self, quantization: str) -> None:
        if quantization not in self.quantizations:
            raise ExportError(f"backend {self.name} supports quantization {', '.join(self.quantizations)}; "
                              f"got {quantization!r}")


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a sibling temp file and rename, so a crash never leaves a half-written artifact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


BACKENDS: Registry[Backend] = Registry("backend")
