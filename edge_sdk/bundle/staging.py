"""Writing an output folder atomically: build in a hidden staging folder beside it, then swap it in.

What may be replaced (docs/bundle-format.md, "Outputs and interruption"): a folder that does not exist
yet, an empty folder, or a folder that is recognisably this tool's own output (for bundles: see
`bundle_problem`). Anything else is refused with `OutputError` before any work starts, and nothing is
touched.

Staging folders are named `.NAME.staging-PID-XXXXXXXX` and the previous output, during the swap,
`.NAME.old-PID` (NAME is the destination's name, PID the building process). A build removes the ones of
its destination whose process is gone (a build killed by SIGKILL, or a machine that lost power); it
never removes anything else.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from edge_sdk.bundle.io import sha256_path
from edge_sdk.bundle.manifest import MANIFEST_NAME, Manifest
from edge_sdk.fileio import OutputError, is_within, real_path

log = logging.getLogger(__name__)

# Why a non-empty folder may not be replaced, or None when it may.
Recogniser = Callable[[Path], "str | None"]


def bundle_problem(folder: Path) -> str | None:
    """Why `folder` is not an edge-sdk bundle that a build may replace; None when it is one.

    The rule: `manifest.json` is a regular file that validates as an edge-sdk manifest of a schema
    version this edge-sdk reads; every entry of the folder is `manifest.json` or a file the manifest
    names (`Manifest.files()`: tokenizer or projection, spelling stage, golden vectors, artifacts); and a
    folder artifact (a Core ML package) still has the checksum the manifest records, so nothing was added
    inside it. The contents of named plain files are not checked: a corrupted bundle can be rebuilt over.
    """
    manifest_path = folder / MANIFEST_NAME
    if manifest_path.is_symlink() or not manifest_path.is_file():
        return f"it has no {MANIFEST_NAME}"
    try:
        manifest = Manifest.model_validate_json(manifest_path.read_bytes())
    except (ValidationError, ValueError, OSError):
        return f"its {MANIFEST_NAME} is not an edge-sdk bundle manifest"
    refs = manifest.files()
    owned = {MANIFEST_NAME, *(ref.file for ref in refs)}
    extra = sorted(entry.name for entry in folder.iterdir() if entry.name not in owned)
    if extra:
        shown = ", ".join(extra[:3]) + (f" and {len(extra) - 3} more" if len(extra) > 3 else "")
        return f"it also holds files that are not the bundle's: {shown}"
    for ref in refs:
        path = folder / ref.file
        if not path.is_dir() or path.is_symlink():
            continue
        try:
            changed = sha256_path(path) != ref.sha256
        except (ValueError, OSError) as err:  # a symbolic link inside, an unreadable file
            return f"{ref.file} cannot be checked ({err})"
        if changed:
            return f"{ref.file} was changed after the build (its checksum differs)"
    return None


def check_destination(destination: Path, inputs: Mapping[str, Path] | None = None,
                      recognise: Recogniser = bundle_problem, kind: str = "edge-sdk bundle") -> Path:
    """The real path to build `destination` at, or `OutputError` if it must not be replaced.

    Refused: the current folder or any parent of it; a symbolic link; a file; a path under a file; a
    folder holding one of `inputs` (what the build reads, by role: config folder, weights, tokenizer); a non-empty
    folder `recognise` does not accept.
    """
    given = Path(destination)
    inputs = inputs or {}

    def refuse(reason: str) -> OutputError:
        return OutputError(f"cannot write into {given}: {reason}; nothing was written")

    absolute = Path(os.path.abspath(given))
    target = real_path(given)
    if is_within(real_path(Path.cwd()), target):
        raise refuse("it is the current folder or a parent of it")
    if absolute.is_symlink():
        raise refuse("it is a symbolic link; give the folder itself")
    if target.exists() and not target.is_dir():
        raise refuse("it is a file, not a folder")
    ancestor = target.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise refuse(f"{ancestor} is a file, not a folder")
    for role, source in inputs.items():
        if real_path(source) == target:
            raise refuse(f"it is {role}, which this build reads")
        if is_within(real_path(source), target):
            raise refuse(f"it holds {role} ({source}), which this build reads")
    if target.is_dir() and any(target.iterdir()):
        problem = recognise(target)
        if problem is not None:
            raise refuse(f"not empty and not an {kind} ({problem}); only a new or empty folder or a "
                         f"previous {kind} is replaced")
    return target


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process, or not a pid we can judge: keep its folder
    return True


def staging_name_prefix(name: str) -> str:
    return f".{name}.staging-{os.getpid()}-"


def old_name(name: str, pid: int | None = None) -> str:
    return f".{name}.old-{os.getpid() if pid is None else pid}"


def remove_stale(target: Path) -> list[Path]:
    """Remove leftovers of builds of `target` whose process is gone; return what was removed or restored.

    `.NAME.staging-PID-*` folders are removed. A `.NAME.old-PID` folder is the previous output of a swap
    that was cut short: it is removed when `target` exists (the swap finished), and renamed back to
    `target` when it does not (the build died between the two renames).
    """
    parent = target.parent
    if not parent.is_dir():
        return []
    name = re.escape(target.name)
    staging = re.compile(rf"\.{name}\.staging-(\d+)-[A-Za-z0-9_]+")
    old = re.compile(rf"\.{name}\.old-(\d+)")
    handled = []
    for entry in sorted(parent.iterdir()):
        for pattern in (staging, old):
            match = pattern.fullmatch(entry.name)
            if match is None or entry.is_symlink() or not entry.is_dir() or _process_alive(int(match[1])):
                continue
            if pattern is old and not os.path.lexists(target):
                entry.rename(target)
                log.info("restored %s from %s (its build was killed during the swap)", target, entry.name)
            else:
                shutil.rmtree(entry, ignore_errors=True)
                log.info("removed %s (process %s is gone)", entry, match[1])
            handled.append(entry)
    return handled


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (main thread only), so a few renames that must
    happen together are not cut in half; a signal that arrived meanwhile is acted on afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler is not None:  # None: installed outside Python, cannot be restored
            previous[sig] = signal.signal(sig, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(received):
            handler = previous[sig]
            if callable(handler):
                handler(sig, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(sig)


def _make_readable(root: Path) -> None:
    """Temp files and folders are private (0600/0700); a bundle is copied into apps and CI by others."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


@contextmanager
def staging_dir(destination: Path, inputs: Mapping[str, Path] | None = None, recognise: Recogniser = bundle_problem,
                kind: str = "edge-sdk bundle") -> Iterator[Path]:
    """Yield a staging folder beside `destination`; on success it replaces `destination` atomically.

    `destination` is checked first (`check_destination`, with `inputs` the paths the build reads) and
    checked again just before the swap. The previous output stays untouched until the new one is
    complete; an error, SIGINT or (in the CLI) SIGTERM removes the staging folder and leaves no partial
    output behind.
    """
    target = check_destination(destination, inputs, recognise, kind)
    remove_stale(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=staging_name_prefix(target.name), dir=target.parent))
    except OSError as err:  # a read-only or full parent: name it, not the staging folder's random name
        raise type(err)(err.errno, err.strerror, str(target.parent)) from err
    old = target.with_name(old_name(target.name))
    swapped = False
    try:
        yield stage
        _make_readable(stage)
        check_destination(destination, inputs, recognise, kind)  # it may have changed during the build
        with signals_deferred():  # a signal held here is acted on when the block ends, after the swap
            if os.path.lexists(target):
                if old.exists():
                    shutil.rmtree(old)  # this process's own leftover of an earlier swap
                target.rename(old)
                try:
                    stage.rename(target)
                except BaseException:
                    old.rename(target)
                    raise
            else:
                stage.rename(target)
            swapped = True
    except BaseException:
        with signals_deferred():
            shutil.rmtree(old if swapped else stage, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
