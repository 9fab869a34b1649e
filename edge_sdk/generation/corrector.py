"""The Python twin of the generated mobile API: `GrammarCorrector(bundle).correct(text)`."""

from __future__ import annotations

from pathlib import Path

from edge_sdk.bundle.io import Bundle, load_bundle
from edge_sdk.export import BACKENDS
from edge_sdk.generation.greedy import greedy_decode
from edge_sdk.generation.source import normalize_text, prepare_source
from edge_sdk.tokenizer import SentencePieceTokenizer


class GrammarCorrector:
    def __init__(self, bundle: Bundle | Path, backend: str = "executorch", quantization: str | None = None) -> None:
        self.bundle = bundle if isinstance(bundle, Bundle) else load_bundle(Path(bundle))
        manifest = self.bundle.manifest
        if manifest.family != "edgeformer":
            raise ValueError(f"bundle {manifest.name} is a {manifest.family} model, not a corrector")
        self.artifact = manifest.artifact(backend, quantization)
        self.session = BACKENDS.get(backend).load(self.bundle.path(self.artifact), self.artifact.methods)
        self.tokenizer = SentencePieceTokenizer(self.bundle.path(manifest.tokenizer))

    def correct(self, text: str, truncate: bool = False) -> str:
        """Text longer than the bundle's source bound raises InputTooLongError unless `truncate`."""
        if not normalize_text(text):
            return text  # nothing to correct; an empty source would make the model invent text
        gen = self.bundle.manifest.generation
        src = prepare_source(self.tokenizer, text, gen.max_source_len, truncate=truncate)
        result = greedy_decode(self.session, src, gen.decoder_start_id, gen.eos_id, gen.max_target_len)
        return self.tokenizer.decode(result.tokens)
