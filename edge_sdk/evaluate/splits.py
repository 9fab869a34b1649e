"""The held-out splits `edge-sdk eval` scores: the synthetic test split and the learner-like one
(docs/data.md), from a corpus folder or, failing that, as packaged in edge_sdk/assets/gec."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

DEFAULT_SPLITS = ("test", "learner")


class SplitError(ValueError):
    """A split that is missing, not UTF-8 or misaligned; the message says which file."""


@dataclass(frozen=True)
class Split:
    name: str
    folder: Path
    sources: list[str]
    references: list[str]
    types: list[str] | None

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(self.folder / f"{self.name}.{s}" for s in ("src", "tgt", "types"))


def packaged_splits() -> Path:
    return Path(str(files("edge_sdk") / "assets" / "gec"))


def split_folder(data: Path | None, name: str) -> Path:
    """`data` if given; else the packaged copy of a frozen split (a corpus folder's copy may be older), and
    data/gec for the others."""
    if data is not None:
        return data
    return packaged_splits() if name in DEFAULT_SPLITS else Path("data/gec")


def default_splits(data: Path | None) -> list[str]:
    """The test split, and the learner-like one wherever it is found for these settings."""
    return [name for name in DEFAULT_SPLITS
            if name == "test" or (split_folder(data, name) / f"{name}.src").is_file()]


def load_split(data: Path | None, name: str, limit: int | None = None) -> Split:
    folder = split_folder(data, name)
    src_path, tgt_path, types_path = (folder / f"{name}.{s}" for s in ("src", "tgt", "types"))
    if not src_path.is_file() or not tgt_path.is_file():
        raise SplitError(f"{src_path} / {tgt_path} not found: run `edge-sdk data build-gec -o {folder}` first")
    try:
        sources = src_path.read_text(encoding="utf-8").splitlines()[:limit]
        references = tgt_path.read_text(encoding="utf-8").splitlines()[:limit]
        types = types_path.read_text(encoding="utf-8").splitlines()[:limit] if types_path.is_file() else None
    except UnicodeDecodeError as err:
        raise SplitError(f"{folder}: the {name} split is not UTF-8 text ({err.reason} at byte {err.start})") from None
    if len(sources) != len(references) or not sources:
        raise SplitError(f"{src_path} and {tgt_path} must hold the same number of sentences, at least one "
                         f"(they hold {len(sources)} and {len(references)})")
    if types is not None and len(types) != len(sources):
        types = None  # a stale types file says nothing reliable about these pairs
    return Split(name, folder, sources, references, types)
