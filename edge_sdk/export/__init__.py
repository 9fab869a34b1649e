"""Export backends; importing this package registers every backend in `BACKENDS`."""

from edge_sdk.export import coreml, executorch, tflite  # noqa: F401  (each registers its backend)
from edge_sdk.export.base import BACKENDS, Backend, ExportError, RuntimeSession

__all__ = ["BACKENDS", "Backend", "ExportError", "RuntimeSession"]
