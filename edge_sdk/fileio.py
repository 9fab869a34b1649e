"""Low-level file helpers every layer shares: atomic writes, hashing, and checks on output paths.

Nothing here knows about bundles or models; `edge_sdk.bundle.staging` builds the folder-level rules on
top of these.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(ValueError):
    """An output path that is refused before anything is written: writing there would destroy
    something that is not the command's own output, or cannot work (a folder where a file is needed)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def real_path(path: Path) -> Path:
    """`path` absolute, with `.`/`..` and symbolic links resolved (also for parts that do not exist yet)."""
    return Path(os.path.realpath(os.path.abspath(path)))


def is_within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies inside it (both already real paths)."""
    return path == folder or path.is_relative_to(folder)


def _with_path(err: OSError, path: Path) -> OSError:
    """The same error, naming the path the caller asked for (not a temp file's name)."""
    return type(err)(err.errno, err.strerror or os.strerror(err.errno or 0), str(path))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some filesystems do not open folders; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that no reader ever sees a half-written file.

    The bytes go to a temp file in the same folder, which is fsynced, made 0644 (mkstemp creates 0600;
    bundles and reports are read by other users and tools) and renamed over `path`. A crash, a full disk
    or a signal leaves the previous file as it was. A symbolic link is followed (its target is
    replaced, the link stays). A device or pipe (`/dev/stdout`, `/dev/null`) is written in place: there
    is no file to swap, and replacing a device node with a regular file would break the system. Errors
    are `OSError`s that name `path`.
    """
    path = Path(path)
    target = real_path(path)
    try:
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "wb") as f:
                f.write(data)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise _with_path(err, path) from err
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise _with_path(err, path) from err
        raise
    _fsync_dir(target.parent)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return real_path(a) == real_path(b) or os.path.samefile(a, b)  # samefile: hard links too
    except OSError:
        return False


def check_output_file(path: Path, option: str, inputs: Iterable[Path | None] = (), example: str = "out.txt") -> None:
    """Refuse, before any work starts, an output file that cannot or must not be written.

    `option` names it in messages (`--report`), `example` is a file name to suggest. Refused with
    `OutputError`: an existing folder; a path under an existing file; one of `inputs` (the files the
    command reads), so a command never overwrites its own input. A folder that cannot be written
    raises `OSError`: a temp file is created and removed in the nearest existing folder, which also
    catches read-only filesystems, and is right for root, whom file permissions do not stop.
    """
    path = Path(path)
    target = real_path(path)
    if target.is_dir():
        raise OutputError(f"{option} {path} is a folder; give a file name inside it, e.g. {path / example}")
    for source in inputs:
        if source is not None and _same_file(Path(source), target):
            raise OutputError(f"{option} {path} is also an input of this command ({source}); "
                              "writing it would destroy the input: give another file")
    if target.exists() and not target.is_file():
        return  # a device or pipe (/dev/stdout): written in place, nothing to check
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{option} {path}: {folder} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".edge-sdk-probe.", suffix=".tmp")
    except OSError as err:
        raise type(err)(err.errno, err.strerror, str(folder)) from err
    os.close(fd)
    os.unlink(probe)
