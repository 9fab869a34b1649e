"""Model families; importing this package registers every family in `FAMILIES`."""

from edge_sdk.models import bert_classifier, edgeformer, proformer  # noqa: F401  (each registers its family)
from edge_sdk.models.family import FAMILIES, ExportMethod, ExportStyle, ModelFamily, TensorSpec

__all__ = ["FAMILIES", "ExportMethod", "ExportStyle", "ModelFamily", "TensorSpec"]
