"""Writing bundles atomically and loading them with every checksum verified."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from edge_sdk.bundle.manifest import MANIFEST_NAME, FileRef, Manifest
from edge_sdk.fileio import sha256_file as sha256_file  # re-exported: it used to live here


class BundleError(ValueError):
    """A bundle that is missing, malformed, or does not match its own checksums."""


def _tree_files(path: Path) -> list[Path]:
    files = []
    for item in sorted(path.rglob("*")):
        if item.is_symlink():
            raise BundleError(f"{item}: symbolic links are not allowed inside a bundle")
        if item.is_file():
            files.append(item)
    return files


def sha256_path(path: Path) -> str:
    """sha256 of a file; for a folder (a Core ML .mlpackage), of its sorted `relpath NUL sha256 LF` lines.

    The folder digest covers names and contents, so adding, removing, renaming or editing any file inside
    changes it (docs/bundle-format.md, "Checksums").
    """
    if not path.is_dir():
        return sha256_file(path)
    lines = "".join(f"{f.relative_to(path).as_posix()}\0{sha256_file(f)}\n" for f in _tree_files(path))
    return hashlib.sha256(lines.encode()).hexdigest()


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in _tree_files(path)) if path.is_dir() else path.stat().st_size


def file_ref(directory: Path, name: str) -> dict[str, object]:
    path = directory / name
    return {"file": name, "sha256": sha256_path(path), "size_bytes": size_of(path)}


@dataclass(frozen=True)
class Bundle:
    root: Path
    manifest: Manifest

    def path(self, ref: FileRef) -> Path:
        return self.root / ref.file

    def files(self) -> list[FileRef]:
        m = self.manifest
        inputs = [ref for ref in (m.tokenizer, m.projection) if ref is not None]
        return [*inputs, m.golden, *m.artifacts]


def load_bundle(root: Path, verify_checksums: bool = True) -> Bundle:
    root = Path(root)
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BundleError(f"{root} is not a bundle: {MANIFEST_NAME} is missing")
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BundleError(f"{manifest_path}: not valid JSON ({err})") from None
    if isinstance(raw, dict) and raw.get("schema_version") not in (None, 1):
        raise BundleError(f"{manifest_path}: schema_version {raw.get('schema_version')} is not supported "
                          "by this edge-sdk (supports 1); upgrade edge-sdk")
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()[:5])
        raise BundleError(f"{manifest_path}: invalid manifest: {problems}") from None
    bundle = Bundle(root, manifest)
    if verify_checksums:
        for ref in bundle.files():
            path = bundle.path(ref)
            if not (path.is_file() or path.is_dir()) or path.is_symlink():
                raise BundleError(f"bundle file missing: {ref.file}")
            size = size_of(path)
            if size != ref.size_bytes:
                raise BundleError(f"{ref.file}: size {size} bytes, manifest says "
                                  f"{ref.size_bytes}: the file was modified or truncated")
            if sha256_path(path) != ref.sha256:
                raise BundleError(f"{ref.file}: sha256 does not match the manifest: the file was modified")
    return bundle
