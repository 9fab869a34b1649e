"""What a generated class says about its bundle, independent of the target language: the Kotlin and Swift
templates render the same context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from edge_sdk.bundle.io import Bundle
from edge_sdk.bundle.manifest import ArtifactNotFoundError

Role = Literal["corrector", "detector"]


class BindingError(ValueError):
    """A bundle or option that bindings cannot be generated for; the message says why."""


@dataclass(frozen=True)
class BundleBinding:
    role: Role
    class_name: str
    name: str
    version: str
    schema_version: int
    family: str
    task: str
    digest: str
    parameters: int
    backend: str
    quantization: str
    artifact_file: str
    artifact_sha256: str
    artifact_size_bytes: int
    sdk_version: str
    runtime_versions: tuple[tuple[str, str], ...]
    # Corrector: generation settings. Detector: labels and projection settings.
    max_source_len: int | None = None
    max_target_len: int | None = None
    strategy: str | None = None
    labels: tuple[str, ...] = ()
    max_words: int | None = None
    features: int | None = None
    architecture: tuple[tuple[str, object], ...] = ()


def class_name(bundle_name: str) -> str:
    """`grammar-corrector` → `GrammarCorrector`: words split at anything but letters and digits."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", bundle_name) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name or not name[0].isalpha():
        raise BindingError(f"bundle name {bundle_name!r} gives no class name (it must start with a letter)")
    return name


def _role(bundle: Bundle) -> Role:
    m = bundle.manifest
    if m.generation is not None and m.tokenizer is not None:
        return "corrector"
    if m.labels is not None:
        return "detector"
    raise BindingError(f"{bundle.root}: a {m.family} bundle for {m.task!r} is neither a corrector nor a classifier")


def bindings_for(bundle: Bundle, backend: str = "executorch", quantization: str | None = None) -> BundleBinding:
    m = bundle.manifest
    try:
        artifact = m.artifact(backend, quantization)
    except ArtifactNotFoundError as err:
        raise BindingError(f"{bundle.root}: {err}") from None
    role = _role(bundle)
    common = dict(
        role=role, class_name=class_name(m.name), name=m.name, version=m.version, schema_version=m.schema_version,
        family=m.family, task=m.task, digest=bundle.digest, parameters=m.parameters, backend=artifact.backend,
        quantization=artifact.quantization, artifact_file=artifact.file, artifact_sha256=artifact.sha256,
        artifact_size_bytes=artifact.size_bytes,
        sdk_version=m.provenance.sdk_version,
        runtime_versions=tuple(sorted(m.provenance.packages.items())),
        architecture=tuple(sorted((k, v) for k, v in m.architecture.items() if isinstance(v, int | str))),
    )
    if role == "corrector":
        g = m.generation
        return BundleBinding(**common, max_source_len=g.max_source_len, max_target_len=g.max_target_len,
                             strategy=g.strategy)
    p = m.projection
    return BundleBinding(**common, labels=tuple(m.labels or ()), max_words=p.max_words if p else None,
                         features=p.features if p else None)
