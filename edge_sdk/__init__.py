"""edge-sdk: PyTorch NLP models to verified on-device bundles."""

__version__ = "0.1.0"
