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
