"""Bundle manifest, schema version 1 (docs/bundle-format.md is the human-readable form).

The manifest is the contract with the mobile bridges: generated bindings read method names, tensor
names, dtypes and shapes from it, so every field here is something an app relies on.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1
MANIFEST_NAME = "manifest.json"


class ArtifactNotFoundError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; a CLI user should read plain text
        return str(self.args[0])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileRef(_Strict):
    file: str = Field(pattern=r"^[A-Za-z0-9._-]+$")  # a plain name inside the bundle, never a path
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(ge=0)


class TensorSignature(_Strict):
    name: str
    dtype: Literal["float32", "float16", "int64", "int32", "bool"]
    # Ints are fixed sizes; strings name a dynamic dimension whose bounds are in `MethodSignature.dims`.
    shape: list[int | str]
    # Inputs of fixed size that may hold less (a short sentence in a static-shape model): fill the rest
    # with this value; the model masks it.
    pad_value: float | None = None
    # Outputs that are state: pass this output back as input `feeds` on the next call (a KV cache in
    # formats without mutable buffers). Start from zeros.
    feeds: str | None = None


class MethodSignature(_Strict):
    name: str
    inputs: list[TensorSignature]
    outputs: list[TensorSignature]
    dims: dict[str, tuple[int, int]] = Field(default_factory=dict)


class Artifact(FileRef):
    backend: str
    quantization: str
    methods: list[MethodSignature]


class TokenizerSpec(FileRef):
    type: Literal["sentencepiece"] = "sentencepiece"
    vocab_size: int
    bos_id: int
    pad_id: int
    eos_id: int
    unk_id: int
    # fairseq convention: the source ends with </s>; apps must do the same before `encode`.
    append_eos_to_source: bool = True


class ProjectionSpec(FileRef):
    """LSH projection settings (docs/projection-spec.md), the input asset of projection models.

    The file is the settings JSON the app loads; the fields repeat it so bindings need no second parse.
    """

    type: Literal["lsh"] = "lsh"
    version: str
    features: int
    seed: int
    max_words: int
    char_ngrams: list[int] = Field(default_factory=list)


class GenerationSettings(_Strict):
    strategy: Literal["greedy"] = "greedy"
    decoder_start_id: int
    eos_id: int
    max_source_len: int = Field(ge=2, description="tokens, </s> included")
    max_target_len: int = Field(ge=1, description="decode steps, the KV cache length")


class Provenance(_Strict):
    sdk_version: str
    created_at: str
    config_sha256: str
    weights_sha256: str | None
    python: str
    packages: dict[str, str]


class Manifest(_Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    name: str
    version: str
    family: str
    task: str
    architecture: dict[str, Any]
    parameters: int
    # The input asset: a tokenizer (EdgeFormer) or a projection (ProFormer); exactly one is set.
    tokenizer: TokenizerSpec | None = None
    projection: ProjectionSpec | None = None
    # seq2seq only: how to decode.
    generation: GenerationSettings | None = None
    # classification only: label names, index = logit position.
    labels: list[str] | None = None
    artifacts: list[Artifact]
    # Eager-PyTorch inputs and outputs every runtime replays (ExecuTorch BundledProgram's idea).
    golden: FileRef
    provenance: Provenance

    @model_validator(mode="after")
    def _one_input_asset(self) -> Manifest:
        if (self.tokenizer is None) == (self.projection is None):
            raise ValueError("a manifest has exactly one of tokenizer or projection")
        if self.tokenizer is not None and self.generation is None:
            raise ValueError("a tokenizer-input (seq2seq) manifest needs generation settings")
        if self.projection is not None and not self.labels:
            raise ValueError("a classification manifest needs labels")
        return self

    def artifact(self, backend: str, quantization: str | None = None) -> Artifact:
        matches = [a for a in self.artifacts
                   if a.backend == backend and (quantization is None or a.quantization == quantization)]
        if not matches:
            have = ", ".join(f"{a.backend}/{a.quantization}" for a in self.artifacts)
            raise ArtifactNotFoundError(f"bundle has no {backend}{'/' + quantization if quantization else ''} artifact "
                           f"(it has: {have})")
        return matches[0]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
