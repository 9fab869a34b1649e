"""What every reliability test needs: the CLI in a real subprocess (and, from tests/conftest.py, the real
default bundle, so the hostile-input tests use the shipped model and tokenizer, not a toy).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str | os.PathLike[str] | bytes, cwd: Path | None = None, timeout: float = 600,
            signal_after: float | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`python -m edge_sdk ARGS` in a fresh process; bytes arguments reach argv unchanged (invalid UTF-8).

    `prefix` goes before the interpreter: a wrapper command such as `unshare` that sets up a read-only or
    full filesystem for the CLI and then runs it (`"$@"`).
    """
    argv: list[str | bytes] = [*prefix, sys.executable, "-m", "edge_sdk",
                               *(a if isinstance(a, bytes) else os.fspath(a) for a in args)]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, errors="replace",
                          timeout=timeout, check=False)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The stderr of a failed command, asserted to be a clear message and not a Python traceback."""
    assert result.returncode != 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert "error:" in result.stderr, result.stderr
    return " ".join(result.stderr.split())


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real edge-sdk training-style checkpoint (safetensors with family, config and step)."""
    import torch

    from edge_sdk.models.edgeformer import EdgeFormer, EdgeFormerConfig
    from edge_sdk.models.weights import save_weights

    config = EdgeFormerConfig(vocab_size=64, d_model=16, n_heads=2, encoder_layers=4, encoder_ffn_dim=16,
                              decoder_ffn_dim=8, lora_rank=2, max_source_len=8, max_target_len=8)
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ckpt") / "model_last.safetensors"
    save_weights(EdgeFormer(config), path, "edgeformer", config.to_dict(), extra={"step": "7"})
    return path


@pytest.fixture
def full_device(tmp_path: Path) -> Path:
    """A device that fails every write with ENOSPC. As root, a private node (char 1,7, what /dev/full is)
    in `tmp_path`, so a regression that replaced the output path could never replace the system's /dev/full."""
    if os.geteuid() != 0:
        return Path("/dev/full")  # a normal user cannot replace it, whatever the code does
    node = tmp_path / "full"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except OSError as err:
        pytest.skip(f"cannot create a full device node here: {err}")
    return node
