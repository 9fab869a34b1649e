"""Writing a bundle folder atomically: build in a hidden staging folder, then swap it into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _make_readable(root: Path) -> None:
    """Temp files and folders are private (0600/0700); a bundle is copied into apps and CI by others."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


@contextmanager
def staging_dir(destination: Path) -> Iterator[Path]:
    """Yield a temp folder beside `destination`; on success it replaces `destination` in one rename.

    An existing bundle stays untouched until the new one is complete, and a failed build leaves no
    partial folder behind.
    """
    destination = Path(destination).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        yield stage
        _make_readable(stage)
        if destination.exists():
            old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
            destination.rename(old)
            stage.rename(destination)
            shutil.rmtree(old)
        else:
            stage.rename(destination)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
