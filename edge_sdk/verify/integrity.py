"""What `edge-sdk verify` checks before any artifact runs: the folder holds only the bundle, and every
asset is the one the model was built with (docs/bundle-format.md, "What verify checks").

`load_bundle` already refused what is cheap to refuse (manifest rules, checksums, symbolic links, a
tokenizer or projection.json that differs from the manifest). Here, on top: unlisted files, the golden
vectors' structure against the manifest, and the golden replay: the bundle's tokenizer must turn each
golden text into exactly the golden `src` ids (a different tokenizer of the same size fails here), and
its projection must turn each golden text into exactly the golden features.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open

from edge_sdk.bundle.assets import load_projection, load_tokenizer
from edge_sdk.bundle.io import Bundle, BundleError
from edge_sdk.bundle.manifest import MANIFEST_NAME
from edge_sdk.generation import prepare_source
from edge_sdk.verify.golden import ClassifySample, GoldenSample, classify_inputs


def unlisted_entries(bundle: Bundle) -> list[str]:
    """Names in the bundle folder that are neither manifest.json nor listed by it (folders end in `/`)."""
    owned = {MANIFEST_NAME, *(ref.file for ref in bundle.files())}
    extra = []
    with os.scandir(bundle.root) as entries:
        for entry in entries:
            if entry.name not in owned:
                extra.append(entry.name + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    return sorted(extra)


def check_unlisted(bundle: Bundle) -> None:
    extra = unlisted_entries(bundle)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise BundleError(f"{bundle.root} holds what its manifest does not list: {shown}; a bundle is "
                          f"{MANIFEST_NAME} and the files it lists, nothing else (remove them, or rebuild)")


def _read_golden(path: Path, name: str, parts: tuple[str, ...]) -> tuple[list[dict[str, np.ndarray]], list[str]]:
    """Per-sample tensors and texts, with the sample count, key set and texts checked against each other."""
    try:
        with safe_open(str(path), "np") as f:
            metadata = f.metadata() or {}
            keys = set(f.keys())
            tensors = {key: f.get_tensor(key) for key in keys}
    except (SafetensorError, OSError, ValueError, TypeError) as err:
        raise BundleError(f"{name}: not a readable safetensors file ({err})") from None
    count = metadata.get("samples", "")
    if not count.isdigit() or int(count) < 1:
        raise BundleError(f"{name}: metadata `samples` is {count!r}; the golden vectors need a sample count >= 1")
    n = int(count)
    expected = {f"{i}.{part}" for i in range(n) for part in parts}
    if keys != expected:
        missing, unexpected = sorted(expected - keys), sorted(keys - expected)
        detail = "; ".join(f"{label}: {', '.join(found[:4])}" for label, found in
                           (("missing", missing), ("unexpected", unexpected)) if found)
        raise BundleError(f"{name}: {n} samples need tensors {', '.join(parts)} for each ({detail})")
    if "texts" not in metadata:
        raise BundleError(f"{name}: no sample texts in its metadata (`texts`), so the tokenizer cannot be checked")
    texts = metadata["texts"].split("\n")
    if len(texts) != n:
        raise BundleError(f"{name}: {len(texts)} sample texts for {n} samples")
    return [{part: tensors[f"{i}.{part}"] for part in parts} for i in range(n)], texts


def _expect(name: str, i: int, part: str, array: np.ndarray, dtype: str, shape: tuple[int, ...], why: str) -> None:
    if str(array.dtype) != dtype or tuple(array.shape) != shape:
        raise BundleError(f"{name}: sample {i} {part} is {array.dtype}{list(array.shape)}; the manifest implies "
                          f"{dtype}{list(shape)} ({why})")


def seq2seq_golden(bundle: Bundle) -> list[GoldenSample]:
    """The golden vectors, checked against the manifest and replayed through the bundle's tokenizer."""
    m = bundle.manifest
    gen, vocab, name = m.generation, m.architecture["vocab_size"], m.golden.file
    samples, texts = _read_golden(bundle.path(m.golden), name, ("src", "tokens", "logits"))
    golden = []
    for i, (parts, text) in enumerate(zip(samples, texts, strict=True)):
        src, tokens, logits = parts["src"], parts["tokens"], parts["logits"]
        if src.ndim != 1 or not 2 <= len(src) <= gen.max_source_len:
            raise BundleError(f"{name}: sample {i} src is {src.dtype}{list(src.shape)}; the manifest implies one "
                              f"row of 2 to {gen.max_source_len} ids (generation.max_source_len)")
        _expect(name, i, "src", src, "int64", (len(src),), "token ids")
        if tokens.ndim != 1 or not 1 <= len(tokens) <= gen.max_target_len:
            raise BundleError(f"{name}: sample {i} tokens is {tokens.dtype}{list(tokens.shape)}; the manifest "
                              f"implies one row of 1 to {gen.max_target_len} ids (generation.max_target_len)")
        _expect(name, i, "tokens", tokens, "int64", (len(tokens),), "token ids")
        _expect(name, i, "logits", logits, "float32", (len(tokens), vocab), "one row of vocab_size logits per token")
        for part, ids in (("src", src), ("tokens", tokens)):
            if ids.min() < 0 or ids.max() >= vocab:
                raise BundleError(f"{name}: sample {i} {part} holds ids outside the vocabulary [0, {vocab})")
        if not np.isfinite(logits).all():
            raise BundleError(f"{name}: sample {i} logits hold NaN or infinite values")
        golden.append(GoldenSample(src, tokens, logits, text))
    tokenizer = load_tokenizer(bundle)
    for i, sample in enumerate(golden):
        ids = prepare_source(tokenizer, sample.text, gen.max_source_len, truncate=True)
        stored = sample.src.tolist()
        if ids != stored:
            at = next((k for k, (a, b) in enumerate(zip(ids, stored, strict=False)) if a != b),
                      min(len(ids), len(stored)))
            raise BundleError(
                f"{m.tokenizer.file} does not encode golden text {i} ({sample.text!r}) to the golden src ids "
                f"(from position {at}: {ids[at:at + 4]}, golden {stored[at:at + 4]}): it is not the tokenizer "
                "this model was built with")
    return golden


def classify_golden(bundle: Bundle) -> list[ClassifySample]:
    """The golden vectors of a classifier, checked against the manifest and replayed through projection.json."""
    m = bundle.manifest
    proj, name = m.projection, m.golden.file
    samples, texts = _read_golden(bundle.path(m.golden), name, ("features", "length", "logits"))
    golden = []
    for i, (parts, text) in enumerate(zip(samples, texts, strict=True)):
        _expect(name, i, "features", parts["features"], "float32", (1, proj.max_words, proj.features),
                "1 × projection.max_words × projection.features")
        _expect(name, i, "length", parts["length"], "int64", (1,), "the number of words")
        _expect(name, i, "logits", parts["logits"], "float32", (len(m.labels),), "one logit per label")
        if not 0 <= int(parts["length"][0]) <= proj.max_words:
            raise BundleError(f"{name}: sample {i} length {int(parts['length'][0])} is outside [0, {proj.max_words}]")
        if not np.isfinite(parts["logits"]).all():
            raise BundleError(f"{name}: sample {i} logits hold NaN or infinite values")
        golden.append(ClassifySample(text, parts["features"], parts["length"], parts["logits"]))
    settings = load_projection(bundle)
    for i, sample in enumerate(golden):
        features, length = classify_inputs(sample.text, settings)
        if not (np.array_equal(features, sample.features) and np.array_equal(length, sample.length)):
            raise BundleError(f"{proj.file} does not project golden text {i} ({sample.text!r}) to the golden "
                              "features: it is not the projection this model was built with")
    return golden


def check_bundle(bundle: Bundle) -> list[GoldenSample] | list[ClassifySample]:
    """Everything but the artifacts, or `BundleError` naming the problem; returns the checked golden vectors."""
    check_unlisted(bundle)
    return classify_golden(bundle) if bundle.manifest.labels is not None else seq2seq_golden(bundle)
