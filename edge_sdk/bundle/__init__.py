from edge_sdk.bundle.io import Bundle, BundleError, load_bundle
from edge_sdk.bundle.manifest import Manifest

__all__ = ["Bundle", "BundleError", "Manifest", "load_bundle"]
