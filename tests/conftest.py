"""Shared fixtures. Exports are slow (XNNPACK lowering), so the tiny bundle is built once per run."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore")

DATA = Path(__file__).parent / "data"
SEED_CORPUS = Path(__file__).parent.parent / "edge_sdk" / "assets" / "seed_corpus.txt"


@pytest.fixture(scope="session")
def tiny_config_path() -> Path:
    return DATA / "tiny.yaml"


@pytest.fixture(scope="session")
def tiny_config(tiny_config_path: Path):
    from edge_sdk.config import load_config

    return load_config(tiny_config_path)


@pytest.fixture(scope="session")
def tiny_bundle(tiny_config, tmp_path_factory: pytest.TempPathFactory):
    from edge_sdk.build import build_bundle

    return build_bundle(tiny_config, tmp_path_factory.mktemp("bundles") / "tiny", log=lambda _m: None)


@pytest.fixture(scope="session")
def spm_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from edge_sdk.tokenizer import train_sentencepiece

    return train_sentencepiece(SEED_CORPUS, tmp_path_factory.mktemp("spm") / "spm.model", vocab_size=400)


@pytest.fixture(scope="session")
def model_bundle(tmp_path_factory: pytest.TempPathFactory):
    """The shipped model in ExecuTorch (int8, fp32) and LiteRT (int8), built from the built-in default config
    once per run with only the artifacts the tests drive (reliability tests, the native core's replay, the
    platform layers' goldens), without the default's spelling stage and with the edit-confidence gate off:
    the model path itself, which the tests of a bundle without a stage and of the ungated edits need.
    `spelling_bundle` is the shipped pipeline whole; tests/test_default_bundle.py builds every artifact."""
    from edge_sdk.build import build_bundle
    from edge_sdk.config import GenerationConfig, load_config

    config = load_config(None)
    config.spelling = None
    config.generation = GenerationConfig()
    config.targets = {name: t for name, t in config.targets.items() if name in ("executorch", "tflite")}
    for name, target in config.targets.items():
        # int8 first: the artifact apps ship and the one picked when no quantization is named. ExecuTorch
        # fp32 too: the native core's golden replay proves parity for both.
        target.quantization = ["int8", "fp32"] if name == "executorch" else ["int8"]
    return build_bundle(config, tmp_path_factory.mktemp("default") / "grammar-corrector", log=lambda _m: None)


@pytest.fixture(scope="session")
def spelling_bundle(tmp_path_factory: pytest.TempPathFactory):
    """The shipped corrector as it ships, ExecuTorch int8 only: the spelling stage over the packaged assets
    (edge_sdk/assets/spelling: en_US and en_GB, the corpus frequencies) with the default settings, and the
    default's edit-confidence gate: what the native core's spelling replay and ABI tests run."""
    from edge_sdk.build import build_bundle
    from edge_sdk.config import SpellingConfig, load_config
    from edge_sdk.spelling.speller import packaged_spelling

    config = load_config(None)
    config.targets = {name: t for name, t in config.targets.items() if name == "executorch"}
    config.targets["executorch"].quantization = ["int8"]
    config.spelling = SpellingConfig(assets=packaged_spelling())
    return build_bundle(config, tmp_path_factory.mktemp("spelling") / "grammar-corrector", log=lambda _m: None)


@pytest.fixture(scope="session")
def detector_bundle(tmp_path_factory: pytest.TempPathFactory):
    """A real ProFormer detector bundle (tiny config) for the classifier and cascade paths."""
    from edge_sdk.build import build_bundle
    from edge_sdk.config import load_config

    config = load_config(Path(__file__).parent / "data" / "tiny-detector.yaml")
    config.targets = {name: t for name, t in config.targets.items() if name == "executorch"}
    return build_bundle(config, tmp_path_factory.mktemp("detector") / "tiny-detector", log=lambda _m: None)


@pytest.fixture(scope="session")
def bridge_goldens(model_bundle, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The Python reference's golden corrections for the platform layers (Kotlin, Swift), written once."""
    from tests.bridge_goldens import CI_LIMIT, write_goldens

    return write_goldens(model_bundle, tmp_path_factory.mktemp("bridge-goldens"), CI_LIMIT)


@pytest.fixture(scope="session")
def cascade_golden(detector_bundle, model_bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.bridge_goldens import write_cascade_golden

    out = tmp_path_factory.mktemp("cascade-golden") / "cascade.jsonl"
    write_cascade_golden(detector_bundle, model_bundle, out)
    return out
