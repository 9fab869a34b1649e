"""Text -> words -> ternary LSH features (docs/projection-spec.md, version lsh-v1)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from edge_sdk.projection.murmur3 import murmur3_32

SPEC_VERSION = "lsh-v1"
# Two hash bits -> one feature: 00 -> 0, 01 -> +1, 10 -> -1, 11 -> 0 (PRADO/SGNN's ternary projection).
_TERNARY = np.array([0, 1, -1, 0], dtype=np.int8)
_SHIFTS = np.arange(0, 32, 2, dtype=np.uint32)
# Scripts written without spaces: every code point is a word of its own.
_NO_SPACE_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))


@dataclass(frozen=True)
class ProjectionSettings:
    """The projection's only configuration; shipped in the bundle as JSON."""

    version: str = SPEC_VERSION
    features: int = 256  # T, a multiple of 16 (one 32-bit hash gives 16 features)
    seed: int = 0x5EED  # hash j uses seed + j
    max_words: int = 64
    char_ngrams: tuple[int, ...] = field(default_factory=tuple)  # e.g. (3,): add hashed character trigrams

    def __post_init__(self) -> None:
        if self.version != SPEC_VERSION:
            raise ValueError(f"projection spec {self.version!r} is not supported (this SDK: {SPEC_VERSION})")
        if self.features <= 0 or self.features % 16:
            raise ValueError(f"features must be a positive multiple of 16, got {self.features}")
        if not 0 <= self.seed <= 0xFFFFFFFF - self.features // 16:
            raise ValueError("seed must leave room for features/16 consecutive 32-bit seeds")
        if self.max_words < 1 or any(n < 1 for n in self.char_ngrams):
            raise ValueError("max_words and char n-gram sizes must be >= 1")

    @property
    def seeds(self) -> np.ndarray:
        return np.arange(self.seed, self.seed + self.features // 16, dtype=np.uint64).astype(np.uint32)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "char_ngrams": list(self.char_ngrams)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ProjectionSettings:
        data = json.loads(text)
        return cls(**{**data, "char_ngrams": tuple(data.get("char_ngrams", ()))})


def normalise(text: str) -> str:
    """NFKC, full lower-casing, final sigma folded to sigma (so no casing rule depends on context)."""
    return unicodedata.normalize("NFKC", text).lower().replace("\u03c2", "\u03c3")


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def _no_space_script(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _NO_SPACE_RANGES)


def split_words(text: str) -> list[str]:
    """Words of the normalised text: runs of letters/marks/digits; any other non-space code point alone."""
    words: list[str] = []
    current: list[str] = []
    for ch in normalise(text):
        if _is_word_char(ch) and not _no_space_script(ch):
            current.append(ch)
            continue
        if current:
            words.append("".join(current))
            current = []
        if not (ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cc", "Cf")):
            words.append(ch)
    if current:
        words.append("".join(current))
    return words


@lru_cache(maxsize=65536)
def _hashes_cached(word: str, seed: int, count: int) -> bytes:
    seeds = np.arange(seed, seed + count, dtype=np.uint64).astype(np.uint32)
    return murmur3_32(word.encode("utf-8"), seeds).tobytes()


def word_hashes(word: str, settings: ProjectionSettings) -> np.ndarray:
    return np.frombuffer(_hashes_cached(word, settings.seed, settings.features // 16), dtype=np.uint32)


def _ternary(hashes: np.ndarray) -> np.ndarray:
    """uint32 [k] -> int8 [16k]: bits (2i, 2i+1) of hash j -> feature 16j + i."""
    return _TERNARY[((hashes[:, None] >> _SHIFTS[None, :]) & np.uint32(3)).astype(np.intp)].reshape(-1)


def word_features(word: str, settings: ProjectionSettings) -> np.ndarray:
    features = _ternary(word_hashes(word, settings)).astype(np.float32)
    for n in settings.char_ngrams:
        padded = f"<{word}>"  # boundary markers so prefixes and suffixes hash differently
        for i in range(max(1, len(padded) - n + 1)):
            features += _ternary(word_hashes(padded[i:i + n], settings))
    return features


def project(text: str, settings: ProjectionSettings) -> np.ndarray:
    """float32 [min(words, max_words), T]; an empty text gives shape [0, T]."""
    words = split_words(text)[: settings.max_words]
    if not words:
        return np.zeros((0, settings.features), dtype=np.float32)
    return np.stack([word_features(w, settings) for w in words])
