"""Odd input that used to end in a Python traceback: through the CLI it is one line, `error: ...`, exit 1 or 2.

Exit code 2 is invalid usage (an option value refused before the command starts, typer's `min=`/`max=`
included); 1 is a failure of the command itself (a read-only folder, a full disk, a wrong bundle).
Read-only folders and full disks are real: `chmod` for a normal user; for root (whom chmod does not
stop) a read-only or tiny tmpfs mounted in a private mount namespace (`unshare`), so nothing outside
the test's own process tree sees it; and a character device that answers every write with ENOSPC.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.reliability.conftest import one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "tiny.yaml"
CORPUS = REPO / "edge_sdk" / "assets" / "seed_corpus.txt"
NO_SPACE = "No space left on device"
CANNOT_WRITE = ("Read-only file system", "Permission denied")


def tiny_variant(folder: Path, model: dict | None = None) -> Path:
    data = yaml.safe_load(TINY.read_text())
    data["tokenizer"]["train"]["corpus"] = str(CORPUS)
    data["model"].update(model or {})
    path = folder / "variant.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


# --------------------------------------------------------------------------- real read-only and full disks


def _unshare() -> tuple[str, ...]:
    return ("unshare", "-m") if os.geteuid() == 0 else ("unshare", "-rm")


@pytest.fixture(scope="module")
def can_mount(tmp_path_factory: pytest.TempPathFactory) -> bool:
    probe = tmp_path_factory.mktemp("mount-probe")
    try:
        result = subprocess.run([*_unshare(), "sh", "-c", 'mount -t tmpfs -o size=16k tmpfs "$0"', str(probe)],
                                capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def on_tmpfs(folder: Path, options: str) -> tuple[str, ...]:
    """A run_cli prefix: the CLI runs in a private mount namespace where `folder` is a fresh tmpfs mounted
    with `options` (`ro`: a read-only filesystem; `size=100k`: a disk that fills up). Afterwards the
    folder's entries, hidden ones included, are printed to stderr after `left in folder:`."""
    script = ('mount -t tmpfs -o "$1" tmpfs "$2" || exit 97; d=$2; shift 2; "$@"; rc=$?; '
              'echo "left in folder:[$(ls -A "$d")]" >&2; exit $rc')
    return (*_unshare(), "sh", "-c", script, "sh", options, str(folder))


@pytest.fixture
def read_only(tmp_path: Path, can_mount: bool):
    """(folder, run_cli prefix): a folder the CLI cannot write into."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder, ()
        folder.chmod(0o755)
        return
    if not can_mount:
        pytest.skip("running as root, where chmod does not stop writes, and no private mount namespace "
                    "(unshare) for a read-only tmpfs")
    yield folder, on_tmpfs(folder, "ro")


def test_build_into_a_read_only_folder(read_only):
    folder, prefix = read_only
    result = run_cli("build", TINY, "-o", folder / "bundle", prefix=prefix)
    message = one_line_error(result)
    assert result.returncode == 1 and any(reason in message for reason in CANNOT_WRITE), message
    assert f"{folder}:" in message  # the folder, not a staging folder's random name
    assert "left in folder:[]" in message or (not prefix and not os.listdir(folder))


@pytest.mark.parametrize("command", ["projection", "pack-weights", "verify", "bench", "eval"])
def test_output_file_in_a_read_only_folder_is_refused_before_any_work(read_only, checkpoint: Path, command: str):
    folder, prefix = read_only
    target = folder / "out.file"
    args = {"projection": ("projection", "golden", "-o", target, "--count", "1"),
            "pack-weights": ("pack-weights", checkpoint, "-o", target),
            # The bundle does not exist: the output is checked first, so that is not what is reported.
            "verify": ("verify", folder / "no-bundle", "--report", target),
            "bench": ("bench", folder / "no-bundle", "--report", target),
            "eval": ("eval", "--limit", "1", "--no-baselines", "--out", target)}[command]
    result = run_cli(*args, prefix=prefix)
    message = one_line_error(result)
    assert result.returncode == 1 and "cannot write there" in message, message
    assert any(reason in message for reason in CANNOT_WRITE) and str(folder) in message


def test_build_on_a_full_disk(tmp_path: Path, can_mount: bool):
    if not can_mount:
        pytest.skip("no private mount namespace (unshare) for a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    result = run_cli("build", TINY, "-o", disk / "bundle", prefix=on_tmpfs(disk, "size=100k"))
    message = one_line_error(result)
    assert result.returncode == 1 and NO_SPACE in message and "building into" in message, message
    assert "left in folder:[]" in message  # the staging folder was removed


@pytest.mark.parametrize("command", ["pack-weights", "eval", "verify"])
def test_output_file_on_a_full_disk(full_device: Path, checkpoint: Path, tiny_bundle, command: str):
    args = {"pack-weights": ("pack-weights", checkpoint, "-o", full_device),
            "eval": ("eval", "--limit", "1", "--no-baselines", "--out", full_device),
            "verify": ("verify", tiny_bundle.root, "--report", full_device)}[command]
    result = run_cli(*args)
    message = one_line_error(result)
    assert result.returncode == 1 and NO_SPACE in message and str(full_device) in message, message
    assert stat.S_ISCHR(os.stat(full_device).st_mode)


# ------------------------------------------------------------------------------------- markup in paths


@pytest.mark.parametrize("name", ["a[/]b.yaml", "my[red]config[/red].yaml", "[bold]x"])
def test_brackets_in_a_path_are_printed_as_given(tmp_path: Path, name: str):
    missing = tmp_path / name
    result = run_cli("build", missing)
    message = one_line_error(result)
    assert result.returncode == 1 and str(missing) in message, message


def test_brackets_in_an_output_folder_name(tmp_path: Path):
    folder = tmp_path / "out[/]put[red]"  # `out[` holding `]put[red]`: the text `[/]` is in the path
    folder.mkdir(parents=True)
    (folder / "mine.txt").write_text("mine\n")
    result = run_cli("build", TINY, "-o", folder)
    message = one_line_error(result)
    assert result.returncode == 1 and f"cannot write into {folder}:" in message, message
    assert (folder / "mine.txt").read_text() == "mine\n"


def test_brackets_in_a_bundle_path(tmp_path: Path):
    result = run_cli("verify", tmp_path / "b[/]x")
    message = one_line_error(result)
    assert result.returncode == 1 and str(tmp_path / "b[/]x") in message, message


# --------------------------------------------------------------------------- option values and wrong files


@pytest.mark.parametrize("command", ["verify", "bench"])
def test_report_pointing_at_a_folder(tmp_path: Path, command: str):
    result = run_cli(command, tmp_path / "no-bundle", "--report", tmp_path)
    message = one_line_error(result)
    assert result.returncode == 2 and f"--report {tmp_path} is a folder" in message, message


@pytest.mark.parametrize(("args", "option"), [
    (("bench", "--repeats", "0"), "--repeats"),
    (("bench", "--src-len", "0"), "--src-len"),
    (("bench", "--src-len", "1"), "--src-len"),
    (("bench", "--threads", "0"), "--threads"),
    (("verify", "--fp32-tol", "-1"), "--fp32-tol"),
    (("verify", "--int8-agreement", "1.5"), "--int8-agreement"),
    (("cascade-eval", "--detector", "x", "--limit", "0"), "--limit"),
    (("cascade-eval", "--detector", "x", "--threshold", "2"), "--threshold"),
    (("eval", "--limit", "0"), "--limit"),
    (("compare-detectors", "--repeats", "0"), "--repeats"),
    (("compare-detectors", "--limit", "-1"), "--limit"),
    (("train", "configs/train-gec-small.yaml", "--steps", "0"), "--steps"),
    (("data", "build-gec", "--dev-size", "0"), "--dev-size"),
    (("projection", "golden", "--count", "0"), "--count"),
])
def test_numbers_out_of_range_are_usage_errors(args: tuple[str, ...], option: str):
    result = run_cli(*args, cwd=REPO)
    message = one_line_error(result)
    assert result.returncode == 2 and f"Invalid value for '{option}'" in message, message


def test_bench_api_refuses_what_the_cli_refuses(tiny_bundle):
    from edge_sdk.verify.bench import bench_bundle

    for kwargs, name in (({"repeats": 0}, "repeats"), ({"src_len": 1}, "src_len"), ({"threads": 0}, "threads")):
        with pytest.raises(ValueError, match=f"{name} must be >="):
            bench_bundle(tiny_bundle, [], **kwargs)


def test_unknown_command_and_option_are_one_line():
    for args, expected in ((("nosuch",), "No such command"), (("build", "--bogus"), "No such option")):
        result = run_cli(*args)
        assert result.returncode == 2 and expected in one_line_error(result)


def test_pack_weights_dtype():
    result = run_cli("pack-weights", "x.safetensors", "-o", "y.safetensors", "--dtype", "fp8")
    assert result.returncode == 2 and "--dtype must be one of fp16, bf16" in one_line_error(result)


@pytest.mark.parametrize(("device", "expected"), [("bogus", "is not a torch device"), ("cuda:99", "CUDA")])
def test_train_device(device: str, expected: str):
    result = run_cli("train", "configs/train-gec-small.yaml", "--device", device, cwd=REPO)
    message = one_line_error(result)
    assert result.returncode == 1 and expected in message, message


def test_run_detector_given_a_corrector_bundle(tiny_bundle):
    root = tiny_bundle.root
    result = run_cli("run", "She go to school.", "-b", root, "--detector", root)
    message = one_line_error(result)
    assert result.returncode == 1 and f"--detector {root} is not a detector bundle" in message, message
    assert "grammar-correction" in message


@pytest.mark.parametrize("length", [1, 2])
def test_max_source_len_too_small_is_refused_by_the_config(tmp_path: Path, length: int):
    from edge_sdk.config import ConfigFileError, load_config

    config = tiny_variant(tmp_path, {"max_source_len": length})
    result = run_cli("build", config, "-o", tmp_path / "bundle")
    message = one_line_error(result)
    assert result.returncode == 1 and f"max_source_len must be >= 3, got {length}" in message, message
    assert not (tmp_path / "bundle").exists()
    with pytest.raises(ConfigFileError, match="max_source_len must be >= 3"):
        load_config(config)


def test_eval_data_that_is_not_utf8_or_misaligned(tmp_path: Path):
    data = tmp_path / "gec"
    data.mkdir()
    (data / "test.src").write_bytes(b"caf\xe9 latin-1\n")
    (data / "test.tgt").write_text("cafe\n")
    result = run_cli("eval", "--data", data, "--no-baselines")
    assert result.returncode == 1 and "not UTF-8" in one_line_error(result)
    (data / "test.src").write_text("one\ntwo\n")
    result = run_cli("eval", "--data", data, "--no-baselines")
    assert result.returncode == 1 and "same number of sentences" in one_line_error(result)


def test_data_cache_that_is_a_file(tmp_path: Path):
    cache = tmp_path / "cache"
    cache.write_text("a file, not a folder\n")
    result = run_cli("data", "build-gec", "-o", tmp_path / "gec", "--cache", cache)
    message = one_line_error(result)
    assert result.returncode == 1 and str(cache) in message, message
    assert cache.read_text() == "a file, not a folder\n" and not (tmp_path / "gec").exists()


def test_projection_golden_output_under_a_file(tmp_path: Path):
    (tmp_path / "plain").write_text("x")
    result = run_cli("projection", "golden", "-o", tmp_path / "plain" / "g.jsonl", "--count", "1")
    assert result.returncode == 2 and "is a file, not a folder" in one_line_error(result)
