"""Export backends; importing this package registers every backend in `BACKENDS`."""

from edge_sdk.export import executorch  # noqa: F401  (registers "executorch")
from edge_sdk.export.base import BACKENDS, Backend, ExportError, RuntimeSession

__all__ = ["BACKENDS", "Backend", "ExportError", "RuntimeSession"]
