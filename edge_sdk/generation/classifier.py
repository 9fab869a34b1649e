"""The Python twin of the generated mobile API for projection classifiers: `ErrorDetector(bundle).classify(text)`.

The app side computes the LSH projection (docs/projection-spec.md) from the bundle's `projection.json`,
zero-pads it to `max_words`, and calls `classify`; this is that, in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_sdk.bundle.io import Bundle, load_bundle
from edge_sdk.export import BACKENDS
from edge_sdk.generation.source import check_text
from edge_sdk.projection import ProjectionSettings
from edge_sdk.verify.golden import classify_inputs


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float
    probabilities: dict[str, float]


class TextClassifier:
    def __init__(self, bundle: Bundle | Path, backend: str = "executorch", quantization: str | None = None) -> None:
        self.bundle = bundle if isinstance(bundle, Bundle) else load_bundle(Path(bundle))
        manifest = self.bundle.manifest
        if manifest.projection is None or manifest.labels is None:
            raise ValueError(f"bundle {manifest.name} is a {manifest.family} model, not a projection classifier")
        self.labels = manifest.labels
        self.artifact = manifest.artifact(backend, quantization)
        self.session = BACKENDS.get(backend).load(self.bundle.path(self.artifact), self.artifact.methods)
        self.settings = ProjectionSettings.from_json(self.bundle.path(manifest.projection).read_text(encoding="utf-8"))

    def classify(self, text: str) -> Prediction:
        """Raises InputError for text that is not a valid str (docs/text-handling.md, "Input")."""
        check_text(text)
        features, length = classify_inputs(text, self.settings)
        (logits,) = self.session.run("classify", [features, length])
        logits = logits.reshape(-1).astype(np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        best = int(np.argmax(probs))
        return Prediction(self.labels[best], float(probs[best]), dict(zip(self.labels, probs.tolist(), strict=True)))
