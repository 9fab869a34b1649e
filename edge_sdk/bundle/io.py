"""Loading bundles: the manifest validated, every listed file checked, the bundle digest computed.

What `load_bundle` reads: `manifest.json` and the files it lists, nothing else. Unlisted entries of the
bundle folder are ignored here (never opened, hashed or followed); `edge-sdk verify` reports them
(`edge_sdk.verify.integrity`). docs/bundle-format.md, "Writing and loading" and "Hashing", is the spec.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from edge_sdk.bundle.manifest import MANIFEST_NAME, SCHEMA_VERSION, FileRef, Manifest
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
    changes it (docs/bundle-format.md, "Hashing").
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


def bundle_digest(manifest_bytes: bytes) -> str:
    """The bundle digest: SHA-256 of the exact bytes of manifest.json (docs/bundle-format.md, "Hashing").

    The manifest records every other file's size and SHA-256, so this one value pins the whole bundle.
    """
    return hashlib.sha256(manifest_bytes).hexdigest()


@dataclass(frozen=True)
class Bundle:
    root: Path
    manifest: Manifest
    # bundle_digest of the manifest.json bytes `manifest` was parsed from (set by load_bundle).
    manifest_sha256: str | None = None

    @property
    def digest(self) -> str:
        """The bundle digest (SHA-256 of manifest.json as loaded): what an app or CI pins."""
        if self.manifest_sha256 is not None:
            return self.manifest_sha256
        return bundle_digest((self.root / MANIFEST_NAME).read_bytes())

    def path(self, ref: FileRef) -> Path:
        return self.root / ref.file

    def files(self) -> list[FileRef]:
        return self.manifest.files()


_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _normalised_digest(expected: str) -> str:
    value = expected.strip().lower().removeprefix("sha256:")
    if not _HEX_DIGEST.fullmatch(value):
        raise BundleError(f"expected bundle digest {expected!r} is not a SHA-256 (64 hex digits, the sha256 of "
                          f"{MANIFEST_NAME})")
    return value


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json.loads keeps the last of two equal keys, other parsers (an app's) may keep the first: the same
    # bytes, hence the same digest, must not mean two different manifests.
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise BundleError(f"{MANIFEST_NAME}: key {repeated[0]!r} appears twice in one object")
    return dict(pairs)


def _refuse_constant(name: str) -> object:
    raise BundleError(f"{MANIFEST_NAME}: {name} is not JSON (not a number a manifest can hold)")


def _validation_problems(err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:5]:
        where = ".".join(map(str, e["loc"]))
        message = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _check_entry(root: Path, ref: FileRef, may_be_folder: bool) -> None:
    """A listed name is a regular file, or (an artifact only) a folder of regular files and folders.

    No symbolic link anywhere: a link could make the bundle read, hash or ship something outside itself.
    """
    path = root / ref.file
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise BundleError(f"bundle file missing: {ref.file}") from None
    if stat.S_ISLNK(mode):
        raise BundleError(f"{ref.file} is a symbolic link: a bundle holds only regular files and folders, "
                          "never links (they can point outside it)")
    if stat.S_ISDIR(mode):
        if not may_be_folder:
            raise BundleError(f"{ref.file} is a folder; the manifest lists it as a file")
        _check_tree(path, ref.file)
    elif not stat.S_ISREG(mode):
        raise BundleError(f"{ref.file} is not a regular file")


def _check_tree(folder: Path, name: str) -> None:
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            inner = f"{name}/{entry.name}"
            if entry.is_symlink():
                raise BundleError(f"{inner} is a symbolic link: a bundle holds only regular files and folders, "
                                  "never links (they can point outside it)")
            if entry.is_dir(follow_symlinks=False):
                _check_tree(Path(entry.path), inner)
            elif not entry.is_file(follow_symlinks=False):
                raise BundleError(f"{inner} is not a regular file")


def load_bundle(root: Path, verify_checksums: bool = True, expected_digest: str | None = None) -> Bundle:
    """The bundle at `root`, or `BundleError` naming what makes it unusable.

    Checked: `manifest.json` (a regular file; its digest equals `expected_digest` when one is given; valid
    JSON without repeated keys; `schema_version` present and supported; the manifest model's rules,
    ids and lengths inside the vocabulary and the architecture's bounds included); every listed file
    (present, no symbolic link anywhere, and with `verify_checksums` its size and SHA-256); the input
    asset (the tokenizer loads and has the manifest's vocabulary size and special ids; projection.json
    parses to the manifest's settings). `verify_checksums=False` skips only the size and SHA-256
    comparison. Files the manifest does not list are not read.
    """
    root = Path(root)
    manifest_path = root / MANIFEST_NAME
    if manifest_path.is_symlink():
        raise BundleError(f"{manifest_path} is a symbolic link: the manifest must be a regular file in the bundle")
    if not manifest_path.is_file():
        raise BundleError(f"{root} is not a bundle: {MANIFEST_NAME} is missing")
    data = manifest_path.read_bytes()
    digest = bundle_digest(data)
    if expected_digest is not None and digest != _normalised_digest(expected_digest):
        raise BundleError(f"{root}: bundle digest {digest} does not match the expected "
                          f"{_normalised_digest(expected_digest)}: {MANIFEST_NAME} is not the one pinned, so "
                          "the bundle is not either")
    try:
        raw = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys,
                         parse_constant=_refuse_constant)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise BundleError(f"{manifest_path}: not valid JSON ({err})") from None
    except BundleError as err:
        raise BundleError(f"{manifest_path}: {str(err).removeprefix(MANIFEST_NAME + ': ')}") from None
    if not isinstance(raw, dict):
        raise BundleError(f"{manifest_path}: invalid manifest: a JSON object is needed, not {type(raw).__name__}")
    if "schema_version" not in raw:
        raise BundleError(f"{manifest_path}: no schema_version: not an edge-sdk bundle manifest (every version "
                          "writes it); refusing to guess which format it is")
    if raw["schema_version"] != SCHEMA_VERSION or isinstance(raw["schema_version"], bool):
        raise BundleError(f"{manifest_path}: schema_version {raw['schema_version']!r} is not supported "
                          f"by this edge-sdk (supports {SCHEMA_VERSION}); upgrade edge-sdk")
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as err:
        raise BundleError(f"{manifest_path}: invalid manifest: {_validation_problems(err)}") from None
    bundle = Bundle(root, manifest, digest)
    folders_allowed = {a.file for a in manifest.artifacts}
    for ref in bundle.files():
        _check_entry(root, ref, ref.file in folders_allowed)
    if verify_checksums:
        for ref in bundle.files():
            path = bundle.path(ref)
            size = size_of(path)
            if size != ref.size_bytes:
                raise BundleError(f"{ref.file}: size {size} bytes, manifest says "
                                  f"{ref.size_bytes}: the file was modified or truncated")
            if sha256_path(path) != ref.sha256:
                raise BundleError(f"{ref.file}: sha256 does not match the manifest: the file was modified")
    from edge_sdk.bundle.assets import check_input_asset

    check_input_asset(bundle)
    return bundle
