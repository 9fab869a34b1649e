"""The native core as `make core` builds it, and the real bundles its tests replay.

The core is (re)built by `make core` here, so these tests always run the code in the tree; `make test`
has built it already and this is a no-op then.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "build" / "core"
FUZZ = ROOT / "build" / "core-fuzz"
IN_CI = os.environ.get("CI") == "true"


def _make(target: str) -> None:
    result = subprocess.run(["make", "-s", target], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"`make {target}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


@pytest.fixture(scope="session")
def core_build() -> Path:
    _make("core")
    return CORE


@pytest.fixture(scope="session")
def fuzz_build() -> Path:
    _make("core-fuzz")
    return FUZZ


def ctest() -> str:
    return str(Path(sys.executable).parent / "ctest")
