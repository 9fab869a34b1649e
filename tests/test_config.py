"""Bad configs fail before any export starts, with messages that name the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edge_sdk.cli import app
from edge_sdk.config import ConfigFileError, load_config


def _write(tmp_path: Path, data: object, raw: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(raw if raw is not None else yaml.safe_dump(data))
    return path


@pytest.fixture
def valid(tiny_config_path: Path) -> dict:
    data = yaml.safe_load(tiny_config_path.read_text())
    data["tokenizer"] = {"model": str(Path(__file__).parent.parent / "edge_sdk/assets/seed_spm.model")}
    return data


def test_builtin_default_loads():
    config = load_config(None)
    assert config.name == "grammar-corrector"
    assert config.resolve(config.tokenizer.model).is_file()


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d.update(colour="blue"), "colour: Extra inputs are not permitted"),
    (lambda d: d.update(name="Bad Name!"), "name: String should match pattern"),
    (lambda d: d.update(targets={"webgpu": {}}), "unknown target 'webgpu'"),
    (lambda d: d.update(targets={"executorch": {"quantization": ["int4"]}}), "not int4"),
    (lambda d: d.update(family="gpt"), "unknown model family 'gpt'"),
    (lambda d: d["model"].update(d_modle=64), "d_modle"),
    (lambda d: d["model"].update(n_heads=5), "divisible by n_heads"),
    (lambda d: d.update(tokenizer={}), "exactly one of tokenizer.model"),
    (lambda d: d["verify"].update(samples="many"), "verify.samples"),
])
def test_bad_config_gets_a_readable_error(tmp_path, valid, mutate, message):
    mutate(valid)
    with pytest.raises(ConfigFileError, match=message) as info:
        load_config(_write(tmp_path, valid))
    assert "Traceback" not in str(info.value)


def test_not_yaml_and_not_a_mapping(tmp_path):
    with pytest.raises(ConfigFileError, match="not valid YAML"):
        load_config(_write(tmp_path, None, raw="name: [unclosed\n"))
    with pytest.raises(ConfigFileError, match="expected a mapping"):
        load_config(_write(tmp_path, None, raw="- just\n- a list\n"))
    with pytest.raises(ConfigFileError, match="not found"):
        load_config(tmp_path / "missing.yaml")


def test_cli_reports_bad_config_without_a_traceback(tmp_path, valid):
    valid["targets"] = {"executorch": {"quantization": ["int4"]}}
    result = CliRunner().invoke(app, ["build", str(_write(tmp_path, valid)), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "error:" in result.output and "not int4" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
