"""Hostile and unusual text against `GrammarCorrector.correct`, each case judged by what a user expects.

    python benchmarks/hostile_text.py --bundle build/grammar-corrector [--backend tflite]

Every case states a property that holds whatever the model writes: pass-through text comes back
verbatim, the layout is kept, no character appears that the user did not type or the model's alphabet
lacks, bad input gets a clear error. The table counts, per outcome, how the corrector did: `ok`,
`clear error` (a ValueError naming the problem, where one is expected), `traceback` (any other
exception) and `wrong` (the property failed: garbage, lost text, a rewritten URL). It runs against
older code too (it only needs `GrammarCorrector(bundle, backend, quantization).correct(text)`), which
is how the before/after counts in docs/text-handling.md were made.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ALPHABET = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()+,-.:;? ")


@dataclass
class Case:
    name: str
    text: object
    check: Callable[[str, str], bool] | None  # (input, output) -> ok; None: a clear error is expected


def keeps(*parts: str) -> Callable[[str, str], bool]:
    def check(text: str, out: str) -> bool:
        return all(out.count(p) == text.count(p) for p in parts) and set(out) <= set(text) | ALPHABET
    return check


def same_layout(text: str, out: str) -> bool:
    layout = lambda t: re.findall(r"\s*[\n\r]\s*|^\s+|\s+$", t)  # noqa: E731
    return layout(out) == layout(text) and set(out) <= set(text) | ALPHABET


def unchanged(text: str, out: str) -> bool:
    return out == text


def no_loss(text: str, out: str) -> bool:
    tail = text.split()[-6:]
    return " ".join(tail) in out and set(out) <= set(text) | ALPHABET


def cases() -> list[Case]:
    frame = "Yesterday I has a meeting about {} and we was late."
    kept = {
        "accent": "café", "diaeresis": "naïve", "umlaut name": "Zürich", "combining accent": "cafe\u0301",
        "Hebrew word": "שלום", "Arabic word": "مرحبا", "CJK": "我喜欢学习", "Cyrillic": "привет", "Greek": "λόγος",
        "Devanagari": "नमस्ते", "emoji": "😀", "emoji + skin tone": "👍🏽", "ZWJ family": "👨‍👩‍👧", "flag": "🇫🇷",
        "heart + VS16": "❤️", "symbol": "★", "arrow": "→", "copyright": "©", "URL": "https://example.com/a?b=1&c=2",
        "www URL": "www.example.org", "e-mail": "john.doe@example.com", "date": "12/03/2024", "ISO date": "2024-03-12",
        "time": "10:30", "price": "$5.99", "euro": "€20", "percent": "50%", "ordinal": "21st", "phone": "+1-555-0100",
        "version": "v2.3.1", "hashtag": "#weekend", "mention": "@anna", "code": "`x = 1`", "snake_case": "snake_case",
        "slash word": "and/or", "year": "1999", "big number": "1,000,000", "decimal": "3.14",
    }
    out = [Case(name, frame.format(part), keeps(part)) for name, part in kept.items()]
    typographic = {
        "curly apostrophe": ("I don’t think she go to school.", "’"),
        "curly quotes": ("“She go home,” he said.", "“”"),
        "em dash": ("He go home — and she stay.", "—"),
        "en dash": ("The 2010–2020 years was good.", "–"),
        "ellipsis": ("I think she go home…", "…"),
        "prime apostrophe": ("It′s a good idea, isnt it?", "′"),
        "acute as apostrophe": ("I don´t like it.", "´"),
        "NBSP": ("She go\u00a0to school.", "\u00a0"),
        "narrow NBSP": ("It costs 5\u202f€ and is cheap.", "\u202f"),
        "soft hyphen": ("The infor\u00admation are useful.", "\u00ad"),
        "RTL mark": ("He go \u200fhome now.", "\u200f"),
        "BOM at start": ("\ufeffShe go to school.", "\ufeff"),
        "full-width": ("She go to school！", "！"),
    }
    out += [Case(name, text, keeps(*marks)) for name, (text, marks) in typographic.items()]
    layouts = {
        "two lines": "She go to school.\nHe have a dog.",
        "CRLF": "She go to school.\r\nHe have a dog.\r\n",
        "blank line": "Dear Anna,\n\nShe go to school.\n\nBest,\nTom",
        "indent and trailing": "   She go to school.   ",
        "tab inside": "She go\tto school.",
        "list": "- buy milk\n- she go to school\n- call mom",
        "double spaces": "She go  to school.  He have a dog.",
    }
    out += [Case(name, text, same_layout) for name, text in layouts.items()]
    out += [Case(name, text, unchanged) for name, text in {
        "empty": "", "spaces": "   ", "zero-width only": "\u200b\u200b", "ZWJ only": "\u200d", "emoji only": "😀😀",
        "CJK sentence": "我喜欢学习。", "Hebrew sentence": "שלום עולם", "Arabic sentence": "مرحبا بالعالم",
        "URL only": "https://example.com", "number only": "42", "punctuation only": "...",
    }.items()]
    out += [Case(name, text, no_loss) for name, text in {
        "paragraph": "He don't like the the movie. We was going to the park yesterday. This sentence is correct.",
        "long sentence": "She go to school and " + " and then ".join(["we was walking to the park"] * 10) + ".",
        "long word": "a" * 5000,
    }.items()]
    out += [Case(name, text, None) for name, text in {
        "lone surrogate (invalid UTF-8)": "caf\udce9 is good", "bytes": b"She go to school.",
        "too large": "She go to school. " * 10_000,
    }.items()]
    return out


def judge(corrector: object, case: Case) -> tuple[str, str]:
    try:
        result = corrector.correct(case.text)
    except ValueError as err:
        return ("clear error" if case.check is None else "wrong"), str(err).splitlines()[0][:80]
    except Exception as err:  # counting exactly these is the point
        return "traceback", f"{type(err).__name__}: {str(err)[:60]}"
    out = getattr(result, "text", result)
    if case.check is None:
        return "wrong", "accepted: " + repr(out)[:60]
    return ("ok" if case.check(case.text, out) else "wrong"), repr(out)[:80]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=Path("build/grammar-corrector"))
    parser.add_argument("--backend", default="executorch")
    parser.add_argument("--quantization", default="int8")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case, not only failures")
    args = parser.parse_args()
    from edge_sdk.generation.corrector import GrammarCorrector

    corrector = GrammarCorrector(args.bundle, args.backend, args.quantization)
    counts: Counter[str] = Counter()
    for case in cases():
        outcome, detail = judge(corrector, case)
        counts[outcome] += 1
        if args.verbose or outcome not in ("ok", "clear error"):
            print(f"{outcome:12} {case.name:32} {detail}")
    total = sum(counts.values())
    print(f"\n{total} cases: " + ", ".join(f"{counts[k]} {k}" for k in ("ok", "clear error", "traceback", "wrong")))
    return 0 if counts["traceback"] == counts["wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
