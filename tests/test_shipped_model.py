"""The shipped default grammar corrector: trained weights within the EdgeFormer budget, and real corrections."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from edge_sdk.build import build_eager
from edge_sdk.config import load_config
from edge_sdk.evaluate.metrics import errant_counts, gleu
from edge_sdk.evaluate.systems import edgeformer_correct
from edge_sdk.models.weights import read_metadata

HELD_OUT = 120  # the first pairs of the frozen test split; the full split is `edge-sdk eval`'s job


@pytest.fixture(scope="module")
def default_model():
    return build_eager(load_config(None))


def test_default_config_ships_trained_fp16_weights_within_budget(default_model):
    config = load_config(None)
    weights = config.resolve(config.weights)
    assert weights.stat().st_size <= 25_000_000
    assert read_metadata(weights)["packed_dtype"] == "float16"
    assert default_model.weights_sha256 is not None
    assert sum(p.numel() for p in default_model.model.parameters()) <= 12_000_000


def test_default_model_corrects_held_out_sentences(default_model):
    gec = Path(str(files("edge_sdk") / "assets" / "gec"))
    sources = (gec / "test.src").read_text(encoding="utf-8").splitlines()[:HELD_OUT]
    references = (gec / "test.tgt").read_text(encoding="utf-8").splitlines()[:HELD_OUT]
    hypotheses = edgeformer_correct(default_model.model, default_model.tokenizer, sources)

    def exact(outputs: list[str]) -> float:
        return sum(o == r for o, r in zip(outputs, references, strict=True)) / len(references)

    # Copying scores F0.5 = 0 by definition, and the exact matches of copying are the already-correct pairs.
    assert exact(hypotheses) > exact(sources) + 0.05
    assert gleu(sources, hypotheses, references) > gleu(sources, sources, references)
    assert errant_counts(sources, hypotheses, references).f_beta(0.5) > 0.2


def test_eval_command_scores_the_shipped_model_with_baselines(tmp_path):
    import json

    from typer.testing import CliRunner

    from edge_sdk.cli import app

    out, md, tsv = tmp_path / "scores.json", tmp_path / "scores.md", tmp_path / "outputs.tsv"
    result = CliRunner().invoke(app, ["eval", "--limit", "12", "--out", str(out), "--markdown", str(md),
                                      "--outputs", str(tsv)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    # The shipped default is scored as it ships: the config's spelling stage in front, its gate behind.
    config = load_config(None)
    assert config.spelling is not None and config.generation.min_edit_margin > 0
    shipped = f"EdgeFormer + spelling, gate {config.generation.min_edit_margin:g}"
    # The synthetic test split and the packaged learner-like one, side by side.
    assert [r["split"] for r in report["splits"]] == ["test", "learner"]
    for split in report["splits"]:
        assert [s["system"] for s in split["scores"]] == ["copy source", "harper-py", shipped]
        assert split["scores"][0]["f05"] == 0.0 and split["sentences"] == 12
        assert set(split["edits_by_type"]) == {"copy source", "harper-py", shipped}
        assert all(v["made"] == 0.0 for v in split["edits_by_type"]["copy source"].values())
    assert f"| {shipped} |" in md.read_text() and "ERRANT type" in md.read_text()
    assert "by error type" in result.output and "learner split" in result.output
    rows = tsv.read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t") == ["split", "source", "reference", "types", "copy source", "harper-py", shipped]
    assert len(rows) == 25 and {r.split("\t")[0] for r in rows[1:]} == {"test", "learner"}

    alone = CliRunner().invoke(app, ["eval", "--limit", "4", "--split", "test", "--no-baselines", "--no-spelling",
                                     "--min-edit-margin", "0", "--out", str(out)])
    assert alone.exit_code == 0, alone.output
    assert [s["system"] for s in json.loads(out.read_text())["splits"][0]["scores"]] == ["EdgeFormer"]
