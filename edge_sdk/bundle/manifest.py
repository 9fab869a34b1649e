"""Bundle manifest, schema version 1 (docs/bundle-format.md is the human-readable form).

The manifest is the contract with the mobile bridges: generated bindings read method names, tensor
names, dtypes and shapes from it, so every field here is something an app relies on.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

    @field_validator("file")
    @classmethod
    def _inside_the_bundle(cls, name: str) -> str:
        # `.` and `..` match the pattern but name the bundle folder and its parent; a leading dot is a
        # hidden file, which a build never writes (its staging folders are `.NAME.staging-…`).
        if name.startswith("."):
            raise ValueError(f"file name {name!r} is refused: a bundle file name is a plain name that does not "
                             "start with a dot (no `.`, `..` or hidden files)")
        if name == MANIFEST_NAME:
            raise ValueError(f"{MANIFEST_NAME} cannot list itself")
        return name


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
    vocab_size: int = Field(ge=1)
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


class SpellingDictionary(_Strict):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z_-]*$")  # e.g. en_US
    aff: FileRef
    dic: FileRef
    licence: FileRef  # the dictionary's licence text, shipped with it


class SpellingStage(_Strict):
    """The dictionary spelling stage in front of the model (docs/text-handling.md, "Spelling stage"):
    Hunspell dictionaries (the first proposes spellings, any one accepts a word), a word frequency list
    and the ranking settings the Python reference and the native core apply alike."""

    type: Literal["hunspell"] = "hunspell"
    dictionaries: list[SpellingDictionary] = Field(min_length=1)
    frequencies: FileRef  # word<TAB>count lines, lower-case words
    distance_weight: float = Field(gt=0.0, le=100.0, allow_inf_nan=False)
    max_distance: int = Field(ge=1, le=3)
    max_distance_short: int = Field(ge=0, le=3)
    known_count: int = Field(ge=1)
    min_letters: int = Field(ge=1, le=10)
    split_top: int = Field(0, ge=0)  # 0 (bundles before it): any two-word proposal

    def files(self) -> list[FileRef]:
        return [*(ref for d in self.dictionaries for ref in (d.aff, d.dic, d.licence)), self.frequencies]


class GenerationSettings(_Strict):
    strategy: Literal["greedy"] = "greedy"
    decoder_start_id: int
    eos_id: int
    max_source_len: int = Field(ge=2, description="tokens, </s> included")
    max_target_len: int = Field(ge=1, description="decode steps, the KV cache length")
    # The edit-confidence gate (docs/text-handling.md, "Edit confidence"): edits whose decoder margin is
    # lower are dropped. 0 keeps every edit (bundles written before the gate).
    min_edit_margin: float = Field(0.0, ge=0.0, lt=1.0, allow_inf_nan=False)


class Provenance(_Strict):
    sdk_version: str
    created_at: str
    config_sha256: str
    weights_sha256: str | None
    python: str
    packages: dict[str, str]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _ManifestFields(_Strict):
    """Every manifest field and the rules between them; `Manifest` (a bundle's) and `EmbeddedManifest`
    (the copy inside a .tflite) differ only in the artifact list."""

    # Required: a document without it is not read as some version by guessing (docs/bundle-format.md).
    schema_version: Literal[1]
    name: str
    version: str
    family: str
    task: str
    architecture: dict[str, Any]
    parameters: int
    # The input asset: a tokenizer (EdgeFormer) or a projection (ProFormer); exactly one is set.
    tokenizer: TokenizerSpec | None = None
    projection: ProjectionSpec | None = None
    # seq2seq only: how to decode, and the optional spelling stage in front of the model.
    generation: GenerationSettings | None = None
    spelling: SpellingStage | None = None
    # classification only: label names, index = logit position.
    labels: list[str] | None = None
    artifacts: list[Artifact]
    # Eager-PyTorch inputs and outputs every runtime replays (ExecuTorch BundledProgram's idea).
    golden: FileRef
    provenance: Provenance

    @model_validator(mode="after")
    def _consistent(self) -> _ManifestFields:
        if (self.tokenizer is None) == (self.projection is None):
            raise ValueError("a manifest has exactly one of tokenizer or projection")
        if self.tokenizer is not None and self.generation is None:
            raise ValueError("a tokenizer-input (seq2seq) manifest needs generation settings")
        if self.spelling is not None and self.generation is None:
            raise ValueError("a spelling stage belongs to a corrector (a manifest with generation settings)")
        if self.projection is not None and not self.labels:
            raise ValueError("a classification manifest needs labels")
        problems = self._token_problems() if self.tokenizer is not None else self._projection_problems()
        names = [ref.file for ref in self.files()]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            problems.append(f"{', '.join(repeated)} listed more than once")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _token_problems(self) -> list[str]:
        """Ids and lengths a runtime would index with: inside the vocabulary and the model's bounds."""
        tok, gen, arch = self.tokenizer, self.generation, self.architecture
        problems = []
        vocab = arch.get("vocab_size")
        if not _is_int(vocab) or vocab < 1:
            problems.append(f"architecture.vocab_size must be a positive integer, got {vocab!r}")
            vocab = tok.vocab_size
        elif tok.vocab_size != vocab:
            problems.append(f"tokenizer.vocab_size {tok.vocab_size} differs from architecture.vocab_size {vocab}")
        specials = {name: getattr(tok, name) for name in ("bos_id", "pad_id", "eos_id", "unk_id")}
        for name, value in specials.items():
            if not 0 <= value < tok.vocab_size:
                problems.append(f"tokenizer.{name} {value} is outside the vocabulary [0, {tok.vocab_size})")
            elif name in arch and arch[name] != value:
                problems.append(f"tokenizer.{name} {value} differs from architecture.{name} {arch[name]!r}")
        if len(set(specials.values())) != len(specials):
            problems.append(f"tokenizer special ids {specials} must be distinct")
        for name in ("decoder_start_id", "eos_id"):
            value = getattr(gen, name)
            if not 0 <= value < vocab:
                problems.append(f"generation.{name} {value} is outside the vocabulary [0, {vocab})")
        for name, what in (("max_source_len", "source tokens the encoder takes"),
                           ("max_target_len", "decode steps the KV cache holds")):
            bound = arch.get(name)
            if not _is_int(bound):
                problems.append(f"architecture.{name} must be an integer ({what}), got {bound!r}")
            elif getattr(gen, name) > bound:
                problems.append(f"generation.{name} {getattr(gen, name)} exceeds architecture.{name} {bound} "
                                f"(the {what})")
        return problems

    def _projection_problems(self) -> list[str]:
        proj, arch = self.projection, self.architecture
        problems = [f"projection.{name} {getattr(proj, name)} differs from architecture.{name} {arch[name]!r}"
                    for name in ("features", "max_words") if name in arch and arch[name] != getattr(proj, name)]
        if "num_labels" in arch and arch["num_labels"] != len(self.labels):
            problems.append(f"{len(self.labels)} labels for architecture.num_labels {arch['num_labels']!r}")
        return problems

    def files(self) -> list[FileRef]:
        """Every file the manifest lists: the input asset, the spelling stage's, the golden vectors, the
        artifacts."""
        inputs = [ref for ref in (self.tokenizer, self.projection) if ref is not None]
        spelling = self.spelling.files() if self.spelling is not None else []
        return [*inputs, *spelling, self.golden, *self.artifacts]

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


class Manifest(_ManifestFields):
    """A bundle's manifest.json: at least one artifact (a bundle without one runs nowhere)."""

    @field_validator("artifacts")
    @classmethod
    def _has_artifacts(cls, artifacts: list[Artifact]) -> list[Artifact]:
        if not artifacts:
            raise ValueError("a bundle lists at least one artifact; this one lists none, so it runs nowhere")
        return artifacts


class EmbeddedManifest(_ManifestFields):
    """The manifest a .tflite carries inside itself: the bundle's without the artifact list (an artifact
    cannot hold its own checksum), so `artifacts` is always empty."""

    @field_validator("artifacts")
    @classmethod
    def _no_artifacts(cls, artifacts: list[Artifact]) -> list[Artifact]:
        if artifacts:
            raise ValueError("the manifest embedded in an artifact lists no artifacts")
        return artifacts
