"""Outputs never destroy what is not theirs: `build -o`, the swap, SIGTERM/SIGKILL leftovers, output files.

Every check runs the real CLI in a subprocess (or the Python API) and compares the user's files byte for
byte afterwards. docs/bundle-format.md, "Outputs and interruption", is the rule under test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from edge_sdk.bundle import load_bundle
from tests.reliability.conftest import one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "tiny.yaml"
CORPUS = REPO / "edge_sdk" / "assets" / "seed_corpus.txt"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (hidden ones too): sha256 for files, the link target for links."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[name] = "link -> " + os.readlink(path)
        elif path.is_file():
            entries[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            entries[name] = "dir"
    return entries


def tiny_variant(folder: Path, name: str = "my.yaml", **changes: object) -> Path:
    """tests/data/tiny.yaml written into `folder` (corpus path made absolute), with `changes` applied."""
    data = yaml.safe_load(TINY.read_text())
    data["tokenizer"]["train"]["corpus"] = str(CORPUS)
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data))
    return path


def fast_config(folder: Path) -> Path:
    """tiny.yaml with one artifact (ExecuTorch fp32): a complete build takes seconds, not minutes."""
    return tiny_variant(folder, "fast.yaml", targets={"executorch": {"quantization": ["fp32"]}})


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def start_cli(*args: str | os.PathLike[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.Popen([sys.executable, "-m", "edge_sdk", *map(os.fspath, args)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, errors="replace")


def wait_for_staging(parent: Path, name: str, process: subprocess.Popen[str], timeout: float = 300) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in parent.iterdir() if p.name.startswith(f".{name}.staging-{process.pid}-")]
        if found:
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no staging folder appeared in {parent} within {timeout} s")


@pytest.fixture
def previous(tiny_bundle, tmp_path: Path) -> Path:
    """A copy of a real bundle (all backends, Core ML packages included) at tmp_path/out/bundle."""
    dest = tmp_path / "out" / "bundle"
    shutil.copytree(tiny_bundle.root, dest)
    return dest


# ---------------------------------------------------------------------------------------------- refusals


def test_folder_of_user_files_is_refused_and_kept(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.txt").write_text("three years of work\n")
    (notes / "data.csv").write_bytes(b"a,b\n1,2\n")
    before = snapshot(tmp_path)
    result = run_cli("build", TINY, "-o", notes)
    message = one_line_error(result)
    assert result.returncode == 1
    assert "cannot write into" in message and "not an edge-sdk bundle" in message and "manifest.json" in message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("out", [".", "..", "ABSOLUTE_CWD"])
def test_current_folder_and_its_parents_are_refused(tmp_path: Path, out: str):
    project = tmp_path / "project"
    config = tiny_variant(project)
    (project / "weights.safetensors").write_bytes(os.urandom(256))
    (project / "notes.md").write_text("# notes\n")
    cwd = project / "sub" if out == ".." else project
    cwd.mkdir(exist_ok=True)
    before = snapshot(tmp_path)
    result = run_cli("build", config, "-o", str(cwd) if out == "ABSOLUTE_CWD" else out, cwd=cwd)
    message = one_line_error(result)
    assert result.returncode == 1
    assert "current folder or a parent of it" in message
    assert snapshot(tmp_path) == before


def test_existing_file_is_refused_not_renamed(tmp_path: Path):
    target = tmp_path / "bundle.zip"
    target.write_bytes(b"PK\x03\x04 not a folder")
    before = snapshot(tmp_path)
    result = run_cli("build", TINY, "-o", target)
    message = one_line_error(result)
    assert result.returncode == 1 and "it is a file, not a folder" in message
    assert snapshot(tmp_path) == before  # no hidden `.bundle.zip.old-*` either


def test_path_under_a_file_and_a_symlink_are_refused(tmp_path: Path):
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "keep.txt").write_text("keep")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    before = snapshot(tmp_path)
    under = run_cli("build", TINY, "-o", tmp_path / "plain.txt" / "bundle")
    assert under.returncode == 1 and "plain.txt is a file, not a folder" in one_line_error(under)
    link = run_cli("build", TINY, "-o", tmp_path / "link")
    assert link.returncode == 1 and "symbolic link" in one_line_error(link)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("role", ["config", "weights", "corpus"])
def test_folder_holding_a_build_input_is_refused(tmp_path: Path, role: str):
    outer = tmp_path / "outer"
    inputs = outer / "inputs"
    corpus = inputs / "corpus.txt"
    inputs.mkdir(parents=True)
    shutil.copyfile(CORPUS, corpus)
    (inputs / "model.safetensors").write_bytes(os.urandom(64))
    if role == "config":
        config, expected = tiny_variant(inputs), "the build config's folder"
    elif role == "weights":
        config, expected = tiny_variant(tmp_path / "cfg", weights=str(inputs / "model.safetensors")), "the weights"
    else:
        config = tiny_variant(tmp_path / "cfg", tokenizer={"train": {"corpus": str(corpus), "vocab_size": 400}})
        expected = "the tokenizer corpus"
    before = snapshot(tmp_path)
    # From outside (not the current folder): the folder holding the input, and a parent of that folder.
    for out in (inputs, outer):
        result = run_cli("build", config, "-o", out, cwd=REPO)
        message = one_line_error(result)
        assert result.returncode == 1 and expected in message, message
    assert snapshot(tmp_path) == before


def test_bundle_folder_with_an_extra_user_file_is_not_replaced(previous: Path):
    (previous / "release-notes.txt").write_text("do not lose me\n")
    before = snapshot(previous.parent)
    result = run_cli("build", TINY, "-o", previous)
    message = one_line_error(result)
    assert result.returncode == 1 and "release-notes.txt" in message
    assert snapshot(previous.parent) == before


def test_a_spelling_stages_files_are_the_bundles_own(previous: Path):
    """A bundle whose manifest has a spelling stage may be rebuilt over: its dictionaries, licence and
    frequency list are files the manifest names, not user files (and one more file still is)."""
    import json

    from edge_sdk.bundle.io import sha256_path
    from edge_sdk.bundle.staging import bundle_problem
    from edge_sdk.spelling.speller import packaged_spelling

    def ref(name: str, source: Path) -> dict:
        shutil.copyfile(source, previous / name)
        return {"file": name, "sha256": sha256_path(previous / name), "size_bytes": source.stat().st_size}

    assets = packaged_spelling()
    manifest = json.loads((previous / "manifest.json").read_text())
    manifest["spelling"] = {
        "type": "hunspell", "distance_weight": 4.0, "max_distance": 2, "max_distance_short": 1,
        "known_count": 3, "min_letters": 3, "frequencies": ref("spelling-frequencies.tsv", assets / "frequencies.tsv"),
        "dictionaries": [{"name": "en_US", "aff": ref("spelling-en_US.aff", assets / "en_US.aff"),
                          "dic": ref("spelling-en_US.dic", assets / "en_US.dic"),
                          "licence": ref("spelling-en_US-LICENSE.txt", assets / "LICENSE-en_US")}]}
    (previous / "manifest.json").write_text(json.dumps(manifest))
    assert bundle_problem(previous) is None
    (previous / "spelling-en_GB.dic").write_text("mine\n")
    assert "spelling-en_GB.dic" in (bundle_problem(previous) or "")


def test_file_added_inside_a_core_ml_package_is_user_content(previous: Path):
    package = next(previous.glob("*.mlpackage"))
    (package / "my-notes.txt").write_text("mine\n")
    before = snapshot(previous.parent)
    result = run_cli("build", TINY, "-o", previous)
    assert result.returncode == 1 and "checksum differs" in one_line_error(result)
    assert snapshot(previous.parent) == before


def test_foreign_manifest_json_is_not_a_bundle(tmp_path: Path):
    webapp = tmp_path / "webapp"
    webapp.mkdir()
    (webapp / "manifest.json").write_text('{"name": "My PWA", "start_url": "/"}\n')
    (webapp / "index.html").write_text("<html></html>\n")
    before = snapshot(tmp_path)
    result = run_cli("build", TINY, "-o", webapp)
    assert result.returncode == 1 and "not an edge-sdk bundle manifest" in one_line_error(result)
    assert snapshot(tmp_path) == before


def test_python_api_refuses_before_any_work(tmp_path: Path, tiny_config):
    from edge_sdk.build import build_bundle
    from edge_sdk.fileio import OutputError

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("a\n")
    before = snapshot(tmp_path)
    logged: list[str] = []
    with pytest.raises(OutputError, match="not an edge-sdk bundle"):
        build_bundle(tiny_config, notes, log=logged.append)
    assert logged == []  # refused before the first step (the tokenizer) began
    assert snapshot(tmp_path) == before


def test_destination_changed_during_the_build_is_not_replaced(previous: Path):
    from edge_sdk.bundle.staging import staging_dir
    from edge_sdk.fileio import OutputError

    with pytest.raises(OutputError, match=r"todo\.txt"), staging_dir(previous) as stage:
        (stage / "manifest.json").write_text("{}")
        (previous / "todo.txt").write_text("written while the build ran\n")
    assert (previous / "todo.txt").read_text() == "written while the build ran\n"
    load_bundle(previous)
    assert [p.name for p in previous.parent.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------------------------ signals, leftovers


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_mid_build_keeps_the_previous_bundle_and_leaves_no_staging(previous: Path, tmp_path: Path,
                                                                          sig: int, code: int):
    config = fast_config(tmp_path / "config")
    before = snapshot(previous.parent)
    build = start_cli("build", config, "-o", previous)
    wait_for_staging(previous.parent, previous.name, build)
    time.sleep(1.0)  # into the tokenizer / golden / export steps
    build.send_signal(sig)
    _out, err = build.communicate(timeout=300)
    assert build.returncode == code, err
    assert "Traceback" not in err
    if sig == signal.SIGTERM:
        assert "error: stopped by SIGTERM" in err
    assert snapshot(previous.parent) == before  # bundle byte-identical, no staging or old folder
    load_bundle(previous)


def test_signals_wait_for_the_end_of_a_swap():
    """A signal inside `signals_deferred` is acted on when the block ends, not in the middle of it."""
    from edge_sdk.bundle.staging import signals_deferred

    class Stop(Exception):
        pass

    def stop(_signum: int, _frame: object) -> None:
        raise Stop

    previous_handler = signal.signal(signal.SIGTERM, stop)
    steps = []
    try:
        with pytest.raises(Stop), signals_deferred():
            steps.append("first rename")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.2)  # the signal has arrived by now
            steps.append("second rename")
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    assert steps == ["first rename", "second rename"]
    assert signal.getsignal(signal.SIGTERM) is previous_handler


def test_sigkill_leftovers_are_removed_by_the_next_build_and_nothing_else(tmp_path: Path):
    config = fast_config(tmp_path / "config")
    out = tmp_path / "out"
    dest = out / "bundle"
    dest.mkdir(parents=True)  # an empty folder may be used
    build = start_cli("build", config, "-o", dest)
    killed_stage = wait_for_staging(out, "bundle", build)
    time.sleep(0.5)
    build.send_signal(signal.SIGKILL)
    build.communicate(timeout=60)
    assert killed_stage.is_dir()  # SIGKILL cannot be cleaned up when it happens
    gone = dead_pid()
    planted_dead = out / f".bundle.staging-{gone}-abcd1234"
    planted_dead.mkdir()
    (planted_dead / "half.pte").write_bytes(b"\0" * 100)
    live = out / f".bundle.staging-{os.getpid()}-live0000"  # this test process: alive
    live.mkdir()
    (live / "x").write_text("a build still running\n")
    others = [out / ".bundle.staging-notes", out / ".bundle.old-backup", out / ".other.staging-1-abcdefgh"]
    for folder in others:
        folder.mkdir()
        (folder / "mine.txt").write_text("not edge-sdk's\n")
    kept_before = {p.name: snapshot(p) for p in (live, *others)}

    result = run_cli("build", config, "-o", dest)
    assert result.returncode == 0, result.stderr
    load_bundle(dest)
    assert not killed_stage.exists() and not planted_dead.exists()
    assert {p.name: snapshot(p) for p in (live, *others)} == kept_before
    assert sorted(p.name for p in out.iterdir()) == sorted(["bundle", live.name, *(p.name for p in others)])


def test_old_folder_of_a_swap_killed_halfway_is_restored(previous: Path, tmp_path: Path):
    """Killed between `DIR -> .DIR.old-PID` and `staging -> DIR`: the next build puts the old bundle back."""
    from edge_sdk.build import build_bundle
    from edge_sdk.config import ConfigFileError, load_config

    old = previous.with_name(f".{previous.name}.old-{dead_pid()}")
    previous.rename(old)
    before = snapshot(old)
    broken = load_config(tiny_variant(tmp_path / "config", tokenizer={"model": "missing.model"}))
    with pytest.raises(ConfigFileError, match=r"missing\.model"):
        build_bundle(broken, previous, log=lambda _m: None)  # fails after the leftovers were handled
    assert not old.exists()
    assert snapshot(previous) == before
    assert [p.name for p in previous.parent.iterdir()] == [previous.name]


# ------------------------------------------------------------------------------------------ output files


def test_pack_weights_never_overwrites_its_input(checkpoint: Path, tmp_path: Path):
    from edge_sdk.models.weights import WeightsError, pack_weights

    work = tmp_path / "run"
    work.mkdir()
    ck = work / "model_last.safetensors"
    shutil.copyfile(checkpoint, ck)
    os.link(ck, work / "hardlink.safetensors")
    before = snapshot(work)
    for out in (ck, work / "hardlink.safetensors", work / "." / "model_last.safetensors"):
        result = run_cli("pack-weights", ck, "-o", out)
        assert result.returncode == 2 and "is also an input" in one_line_error(result)
    with pytest.raises(WeightsError, match="is the checkpoint being packed"):
        pack_weights(ck, work / "hardlink.safetensors")
    assert snapshot(work) == before
    ok = run_cli("pack-weights", ck, "-o", work / "packed.safetensors")
    assert ok.returncode == 0, ok.stderr
    assert snapshot(work)["model_last.safetensors"] == before["model_last.safetensors"]


def test_eval_outputs_never_overwrite_inputs_or_each_other(tmp_path: Path):
    data = tmp_path / "gec"
    data.mkdir()
    (data / "test.src").write_text("She go to school .\n")
    (data / "test.tgt").write_text("She goes to school .\n")
    before = snapshot(tmp_path)
    over_input = run_cli("eval", "--data", data, "--limit", "1", "--no-baselines", "--out", data / "test.src")
    assert over_input.returncode == 2 and "is also an input" in one_line_error(over_input)
    twice = run_cli("eval", "--data", data, "--limit", "1", "--no-baselines", "--out", tmp_path / "s.txt",
                    "--outputs", tmp_path / "." / "s.txt")
    assert twice.returncode == 2 and "--out and --outputs are the same file" in one_line_error(twice)
    assert snapshot(tmp_path) == before


def test_data_build_gec_never_replaces_user_folders(tmp_path: Path):
    """Refused before any download: the current folder, a folder of other files, a foreign cache entry."""
    mine, cache = tmp_path / "mine", tmp_path / "cache"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    (cache / "sotu").mkdir(parents=True)
    (cache / "sotu" / "speech.txt").write_text("my own copy\n")
    before = snapshot(tmp_path)
    here = run_cli("data", "build-gec", "-o", ".", "--cache", cache, cwd=mine)
    assert here.returncode == 1 and "current folder or a parent" in one_line_error(here)
    user = run_cli("data", "build-gec", "-o", mine, "--cache", cache, cwd=REPO)
    assert user.returncode == 1 and "not an edge-sdk corpus folder" in one_line_error(user)
    holds_cache = run_cli("data", "build-gec", "-o", cache / "..", "--cache", cache, cwd=REPO)
    assert holds_cache.returncode == 1 and "download cache" in one_line_error(holds_cache)
    foreign = run_cli("data", "build-gec", "-o", tmp_path / "gec", "--cache", cache, cwd=REPO)
    assert foreign.returncode == 1 and "is not a download of sotu" in one_line_error(foreign)
    assert snapshot(tmp_path) == before


def test_a_device_given_as_output_file_is_written_in_place_not_replaced(full_device: Path):
    device = full_device
    result = run_cli("projection", "golden", "-o", device, "--count", "1")
    message = one_line_error(result)
    assert result.returncode == 1 and "No space left on device" in message and str(device) in message
    assert stat.S_ISCHR(os.stat(device).st_mode)  # still the device, not a regular file
    assert [p.name for p in device.parent.iterdir() if p.name.startswith(".")] == []
