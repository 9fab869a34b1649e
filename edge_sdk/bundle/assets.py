"""The bundle's input asset, loaded and held against the manifest: cheap checks `load_bundle` always runs.

A tokenizer that does not load, or whose vocabulary size or special ids are not the manifest's, would
only fail (or, worse, silently mis-tokenize) deep inside a runtime; a projection.json whose settings are
not the manifest's would make the app's features differ from the model's. Both are refused on load.
The expensive check (re-encoding the golden texts) is `edge-sdk verify`'s (`edge_sdk.verify.integrity`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from edge_sdk.bundle.io import Bundle, BundleError

if TYPE_CHECKING:
    from edge_sdk.projection import ProjectionSettings
    from edge_sdk.tokenizer import SentencePieceTokenizer


def load_tokenizer(bundle: Bundle) -> SentencePieceTokenizer:
    """The bundle's SentencePiece model, refused unless it has the manifest's vocabulary size and special ids."""
    from edge_sdk.tokenizer import SentencePieceTokenizer, TokenizerError

    spec = bundle.manifest.tokenizer
    try:
        tokenizer = SentencePieceTokenizer(bundle.path(spec))
    except TokenizerError as err:
        raise BundleError(f"{spec.file}: the tokenizer does not load ({err})") from None
    if tokenizer.vocab_size != spec.vocab_size:
        raise BundleError(f"{spec.file} has {tokenizer.vocab_size} pieces, the manifest says tokenizer.vocab_size "
                     f"{spec.vocab_size}: it is not the tokenizer this bundle was built with")
    real = {"bos_id": tokenizer.bos_id, "pad_id": tokenizer.pad_id, "eos_id": tokenizer.eos_id,
            "unk_id": tokenizer.unk_id}
    declared = {name: getattr(spec, name) for name in real}
    if real != declared:
        raise BundleError(f"{spec.file} has special ids {real}, the manifest says {declared}")
    return tokenizer


def load_projection(bundle: Bundle) -> ProjectionSettings:
    """The bundle's projection.json, refused unless it parses to exactly the manifest's projection fields."""
    from edge_sdk.projection import ProjectionSettings

    spec = bundle.manifest.projection
    try:
        data = json.loads(bundle.path(spec).read_bytes().decode("utf-8"))
        settings = ProjectionSettings.from_json(json.dumps(data))
    except (ValueError, TypeError, AttributeError) as err:  # JSONDecodeError and UnicodeDecodeError included
        raise BundleError(f"{spec.file}: not valid projection settings ({err})") from None
    found = {**asdict(settings), "char_ngrams": list(settings.char_ngrams)}
    declared = {name: getattr(spec, name) for name in found}
    if set(data) != set(found):
        raise BundleError(f"{spec.file} has fields {sorted(data)}, projection settings have {sorted(found)}")
    differing = sorted(name for name in found if found[name] != declared[name])
    if differing:
        shown = ", ".join(f"{n} {found[n]!r} (manifest: {declared[n]!r})" for n in differing)
        raise BundleError(f"{spec.file} differs from the manifest's projection fields: {shown}")
    return settings


def check_input_asset(bundle: Bundle) -> SentencePieceTokenizer | ProjectionSettings:
    """The loaded tokenizer or projection settings, or `BundleError` saying how it differs from the manifest."""
    if bundle.manifest.tokenizer is not None:
        return load_tokenizer(bundle)
    return load_projection(bundle)
