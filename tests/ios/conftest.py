"""The iOS layer with a real Swift 6 compiler: `swift build` / `swift test` of bridges/ios in a Debian trixie
chroot (bridges/ios/tools/swift-chroot; `make swift-tools` sets it up once and caches it), linked to the
core built on this machine (`make core`). Apple-only code (Core ML, ExecuTorch's Swift package) sits behind
`canImport` and is compiled and run by .github/workflows/ios.yml on macOS.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bridges" / "ios"
SWIFT_CHROOT = PACKAGE / "tools" / "swift-chroot"
CORE_BUILD = ROOT / "build" / "core"
# Inside the repository (mounted in the chroot) and git-ignored: incremental between runs.
SCRATCH = ROOT / "build" / "swift"
# The core's Debian (bookworm) libraries that trixie has under other sonames or not installed (utf8proc,
# mbedTLS, SentencePiece, Hunspell): copied here and found through the rpath, as an app ships its own copies.
HOST_LIBS = SCRATCH / "host-libs"


def chroot_root() -> Path:
    return Path(subprocess.run([str(SWIFT_CHROOT), "root"], capture_output=True, text=True, check=True).stdout.strip())


def copy_host_libraries(library: Path) -> Path:
    """Copy the shared libraries `library` loads from the host's system folders that the chroot lacks."""
    root = chroot_root()
    listing = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=True).stdout
    HOST_LIBS.mkdir(parents=True, exist_ok=True)
    for line in listing.splitlines():
        parts = line.split("=>")
        if len(parts) != 2 or not parts[1].strip().startswith("/"):
            continue
        path = Path(parts[1].split()[0])
        if path.is_relative_to(ROOT) or (root / path.relative_to("/")).exists():
            continue  # the executorch wheel's libraries are in the mounted clone; the rest trixie has
        target = HOST_LIBS / path.name
        if not target.exists():
            shutil.copy2(path.resolve(), target)
    return HOST_LIBS


def _make(*targets: str) -> None:
    result = subprocess.run(["make", "-s", *targets], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"`make {' '.join(targets)}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


@dataclass(frozen=True)
class Swift:
    def run(self, package: Path, args: list[str], env: dict[str, str] | None = None,
            timeout: int = 1800) -> subprocess.CompletedProcess:
        """`swift ARGS` in `package` inside the chroot, with `env` set there."""
        # libedge_sdk.so finds its copied dependencies through this (an executable's rpath is not transitive).
        env = {"LD_LIBRARY_PATH": str(HOST_LIBS), **(env or {})}
        assignments = [f"{k}={v}" for k, v in env.items()]
        return subprocess.run([str(SWIFT_CHROOT), "run", str(package), "env", *assignments, "swift", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)

    @staticmethod
    def flags(scratch: str) -> list[str]:
        """Warnings are errors in Swift and C; the core and its rpath for the test binaries."""
        return ["--scratch-path", str(SCRATCH / scratch), "-Xswiftc", "-warnings-as-errors",
                "-Xcc", "-Wall", "-Xcc", "-Wextra", "-Xcc", "-Werror",
                "-Xlinker", f"-L{CORE_BUILD}", "-Xlinker", f"-rpath={CORE_BUILD}",
                "-Xlinker", f"-rpath-link={HOST_LIBS}"]

    def test(self, package: Path, scratch: str, env: dict[str, str]) -> dict:
        """`swift test`; returns XCTest's counts from its summary, failing on any failure or skip. (Its xUnit
        report needs --parallel, which would load the model once per test process.)"""
        result = self.run(package, ["test", *self.flags(scratch)], env)
        output = result.stdout + result.stderr
        print(output[-12000:])
        assert result.returncode == 0, f"swift test failed:\n{output[-15000:]}"
        assert "warning:" not in output, output[-6000:]
        summary = re.search(r"Test Suite 'All tests' passed at .*\n\s*Executed (\d+) tests?, with (\d+) failures?",
                            output)
        assert summary, f"no XCTest summary in the output:\n{output[-6000:]}"
        return {"tests": int(summary[1]), "failures": int(summary[2]),
                "skipped": len(re.findall(r"Test Case '[^']+' skipped", output))}


@pytest.fixture(scope="session")
def swift() -> Swift:
    if os.geteuid() != 0:
        pytest.fail("the Swift tests need root for the chroot (mount, chroot); CI and the dev machines run as root")
    _make("core", "swift-tools")
    copy_host_libraries(CORE_BUILD / "libedge_sdk.so")
    return Swift()
