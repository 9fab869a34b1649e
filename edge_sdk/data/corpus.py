"""Builds the grammar-correction corpus: clean sentences from the offline sources, split, with errors.

The test split is frozen: it ships in `edge_sdk/assets/gec/` and every rebuild keeps its sentences out of
train and dev, so reported scores stay comparable across corpus and code changes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path

from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.data.learner import LearnerErrorGenerator
from edge_sdk.data.learner_split import WORDS_PER_ERROR, learner_sentences
from edge_sdk.data.sentences import clean_sentences, dedupe_key
from edge_sdk.data.sources import CODESPELL, CODESPELL_PYPI, EVERYDAY_SOURCES, SOURCES, fetch, read_misspellings

DEV_SEED = 1_000_003
MISSPELLINGS_FILE = "misspellings.json"
STATS_FILE = "stats.json"
FROZEN_SPLITS = ("test", "learner")
# Learner-like errors on held-out everyday sentences, for tuning what the learner-like split judges (the
# edit-confidence gate) without looking at it.
LEARNER_DEV = "learner-dev"
CORPUS_FILES = frozenset({"train.txt", MISSPELLINGS_FILE, STATS_FILE, "learner-stats.json",
                          *(f"{split}.{suffix}" for split in ("dev", LEARNER_DEV, *FROZEN_SPLITS)
                            for suffix in ("src", "tgt", "types"))})
# Training sentences may be longer than the frozen splits' (40 words): up to the 128-piece source bound.
TRAIN_MAX_WORDS = 64


@dataclass
class CorpusStats:
    train: int
    dev: int
    test: int
    seed: int
    learner_dev: int = 0
    per_source: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


def packaged_test_split() -> Path:
    return Path(str(files("edge_sdk") / "assets" / "gec"))


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_pairs(out: Path, split: str, sentences: Sequence[str], generator: ErrorGenerator) -> None:
    """`{split}.src` (with errors), `.tgt` (reference) and `.types` (error types applied, or `-`)."""
    out.mkdir(parents=True, exist_ok=True)
    pairs = [generator.corrupt(s) for s in sentences]
    _write_text(out / f"{split}.src", "".join(f"{src}\n" for src, _ in pairs))
    _write_text(out / f"{split}.tgt", "".join(f"{s}\n" for s in sentences))
    _write_text(out / f"{split}.types", "".join(f"{' '.join(kinds) or '-'}\n" for _, kinds in pairs))


def load_training_text(data_dir: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Clean training sentences and the misspelling table: what a trainer corrupts afresh every epoch."""
    train_file = data_dir / "train.txt"
    if not train_file.is_file():
        raise FileNotFoundError(f"{train_file} not found: run `edge-sdk data build-gec -o {data_dir}` first")
    return train_file.read_text(encoding="utf-8").splitlines(), load_misspellings(data_dir)


def load_misspellings(data_dir: Path) -> dict[str, list[str]]:
    """The corpus's misspelling table; empty (keyboard typos only) when the corpus has none."""
    path = data_dir / MISSPELLINGS_FILE
    if not path.is_file():
        return {}
    table = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(table, dict):
        raise ValueError(f"{path}: expected an object of word -> [misspellings]")
    return {str(k): [str(v) for v in vs] for k, vs in table.items()}


def merge_misspellings(*tables: dict[str, list[str]]) -> dict[str, list[str]]:
    """Word -> misspellings of every table, each listed once, in first-seen order."""
    merged: dict[str, list[str]] = {}
    for table in tables:
        for word, wrong in table.items():
            merged.setdefault(word, [])
            merged[word] += [w for w in wrong if w not in merged[word]]
    return dict(sorted(merged.items()))


def corpus_problem(folder: Path) -> str | None:
    """Why `folder` is not a corpus this builder wrote (and may replace); None when it is one: it holds
    a `stats.json` with the split sizes and nothing but the corpus files."""
    try:
        stats = json.loads((folder / STATS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"it has no readable {STATS_FILE}"
    if not isinstance(stats, dict) or not {"train", "dev", "test", "seed"} <= set(stats):
        return f"its {STATS_FILE} is not a corpus's"
    extra = sorted(entry.name for entry in folder.iterdir() if entry.name not in CORPUS_FILES)
    if extra:
        return f"it holds files that are not the corpus's ({', '.join(extra[:3])}{' ...' if len(extra) > 3 else ''})"
    return None


def build_gec_corpus(cache: Path, out: Path, seed: int = 0, dev_size: int = 2000, learner_dev_size: int = 1000,
                     log: Callable[[str], None] = print) -> CorpusStats:
    """Write the corpus to `out`: a new or empty folder, or a previous corpus (replaced atomically).

    Anything else (the current folder, a folder of other files, one holding the cache or the packaged
    test split) raises `OutputError` before any download starts.
    """
    from edge_sdk.bundle.staging import check_destination, staging_dir

    if dev_size < 1:
        raise ValueError(f"dev_size must be >= 1, got {dev_size}")
    frozen = packaged_test_split()
    inputs = {"the download cache": Path(cache), "the packaged test split": frozen}
    check_destination(out, inputs, corpus_problem, "edge-sdk corpus folder")
    cache.mkdir(parents=True, exist_ok=True)
    test_tgt = (frozen / "test.tgt").read_text(encoding="utf-8").splitlines()
    # Neither frozen split's sentences may be trained on.
    seen = {dedupe_key(s) for s in test_tgt} | learner_sentences(frozen)
    pool: list[str] = []
    everyday: list[str] = []
    stats = CorpusStats(train=0, dev=0, test=len(test_tgt), seed=seed)
    for source in SOURCES:
        root = fetch(source, cache)
        kept = list(clean_sentences(source.read(root), seen, max_words=TRAIN_MAX_WORDS))
        stats.per_source[source.name] = len(kept)
        stats.sources[source.name] = {"package": source.package, "licence": source.licence}
        log(f"{source.name}: {len(kept):,} clean sentences")
        (everyday if source.name in EVERYDAY_SOURCES else pool).extend(kept)
    tables = (CODESPELL, CODESPELL_PYPI)
    misspellings = merge_misspellings(*(read_misspellings(fetch(table, cache)) for table in tables))
    for table in tables:
        stats.sources[table.name] = {"package": f"{table.package} ({table.registry})", "licence": table.licence}
    log(f"codespell: {len(misspellings):,} words with misspellings")
    rng = random.Random(seed)
    rng.shuffle(everyday)
    # The learner-like dev split: held-out everyday sentences only, as the learner-like split's.
    learner_dev, everyday = (everyday[:learner_dev_size], everyday[learner_dev_size:]) if everyday else ([], [])
    pool += everyday
    if len(pool) <= dev_size:
        raise ValueError(f"only {len(pool)} sentences for a dev split of {dev_size}")
    rng.shuffle(pool)
    dev, train = pool[:dev_size], pool[dev_size:]
    stats.train, stats.dev, stats.learner_dev = len(train), len(dev), len(learner_dev)

    # Built beside the target and swapped in, so an interrupted build never leaves a half corpus behind
    # (the same staging as bundles: .NAME.staging-PID-*, stale ones removed).
    with staging_dir(out, inputs, corpus_problem, "edge-sdk corpus folder") as staging:
        (staging / "train.txt").write_text("".join(f"{s}\n" for s in train), encoding="utf-8")
        write_pairs(staging, "dev", dev, ErrorGenerator(seed=DEV_SEED, misspellings=misspellings))
        if learner_dev:
            lexicon = {w.strip(".,!?;:'\"()").lower() for s in train + learner_dev for w in s.split()}
            write_pairs(staging, LEARNER_DEV, learner_dev,
                        LearnerErrorGenerator(seed=DEV_SEED, misspellings=misspellings, lexicon=lexicon,
                                              spelling_words="train", words_per_error=WORDS_PER_ERROR,
                                              clean_rate=0.15))
        for name in (*(f"{split}.{suffix}" for split in FROZEN_SPLITS for suffix in ("src", "tgt", "types")),
                     "learner-stats.json"):
            if (frozen / name).is_file():
                shutil.copyfile(frozen / name, staging / name)
        (staging / MISSPELLINGS_FILE).write_text(json.dumps(misspellings, indent=0) + "\n", encoding="utf-8")
        (staging / STATS_FILE).write_text(json.dumps(asdict(stats), indent=2) + "\n", encoding="utf-8")
    return stats
