"""What the spelling stage alone does to a split: words it respells that the reference fixes the same way,
words it respells that the reference leaves alone (false alarms), other respellings, and correct sentences
it touches (they count against the corrector's changed-sentence budget).

Measure on the dev splits only (dev, learner-dev); the test and learner splits judge the result.

    .venv/bin/python benchmarks/spelling_stage.py --data data/gec-v2 --split learner-dev --split dev
    .venv/bin/python benchmarks/spelling_stage.py --split learner-dev --set split_top=0 --show 30
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from edge_sdk.evaluate.splits import load_split
from edge_sdk.spelling.speller import SpellingSettings, load_speller
from edge_sdk.text import model_input, protected_spans, words
from edge_sdk.tokenizer import SentencePieceTokenizer

TOKENIZER = Path("edge_sdk/assets/grammar-corrector/tokenizer.model")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/gec-v2"))
    parser.add_argument("--split", action="append", default=None, help="dev splits only (default: learner-dev)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a SpellingSettings field")
    parser.add_argument("--show", type=int, default=0, help="print this many false alarms per split")
    args = parser.parse_args()
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        kind = {f.name: f.type for f in dataclasses.fields(SpellingSettings)}[key]
        overrides[key] = float(value) if kind == "float" else int(value)
    settings = dataclasses.replace(SpellingSettings(), **overrides)
    speller = load_speller(settings=settings)
    alphabet = SentencePieceTokenizer(TOKENIZER).alphabet
    print(f"settings: {settings}")
    for name in args.split or ["learner-dev"]:
        split = load_split(args.data, name)
        tally: Counter[str] = Counter()
        alarms: list[str] = []
        for source, reference in zip(split.sources, split.references, strict=True):
            typed = model_input(source, 0, len(source), protected_spans(source, 0, len(source), alphabet), alphabet)
            fixed = speller.fixes(typed)
            if source == reference:
                tally["correct sentences"] += 1
                tally["correct sentences respelled"] += bool(fixed)
            ref = [w.text for w in words(reference)]
            typed_words = [w.text for w in typed.words]
            aligned: dict[int, str] = {}
            for op, i1, i2, j1, j2 in SequenceMatcher(None, typed_words, ref, autojunk=False).get_opcodes():
                for i in range(i1, i2):
                    aligned[i] = "=" if op == "equal" else " ".join(ref[j1:j2]).lower()
            for i, c in fixed.items():
                target = aligned.get(i, "")
                if target == "=":
                    tally["false alarms"] += 1
                    alarms.append(f"{typed_words[i]} -> {c}   | {source}")
                elif c.lower() in target.split() or c.lower() == target:
                    tally["right"] += 1
                else:
                    tally["other"] += 1
        print(f"\n{name} ({len(split.sources):,} sentences, {tally['correct sentences']} correct)")
        print(f"  respelled words: right {tally['right']}, false alarms (reference keeps the word) "
              f"{tally['false alarms']}, other {tally['other']}")
        print(f"  correct sentences respelled: {tally['correct sentences respelled']} "
              f"({tally['correct sentences respelled'] / max(tally['correct sentences'], 1):.1%})")
        for line in alarms[:args.show]:
            print(f"    {line[:140]}")


if __name__ == "__main__":
    main()
