"""Golden vectors for the native core: what `GrammarCorrector.correct` does with each of ≥ 10,000 texts.

The native core (bridges/core/) must give exactly these results. Every record comes from the real
`correct()` path (its per-sentence trace), never from a re-implementation of it. JSON lines: a header,
then one object per input (docs/text-handling.md, "Golden vectors for the native core").

Version 2 adds the edit-confidence gate: the header's `min_edit_margin` (the threshold in effect, 0 for
none), and with the gate on each sentence's `margins`, the decoder's per-step margins (None when nothing
was decoded), which the core's replay compares to 1e-9. Readers of version 1 ignore both.

Version 3 adds the spelling stage (docs/text-handling.md, "Spelling stage"): the header's `spelling` (whether
the stage ran: the bundle has one and it was not switched off), and when it ran each sentence's `spelled`,
the model input after the stage (SentenceTrace.spelled: None when the stage changed nothing), and the
`spelling` group of learners' misspellings. Readers of version 2 ignore both fields.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from edge_sdk.bundle.io import Bundle, load_bundle
from edge_sdk.fileio import write_bytes_atomic
from edge_sdk.generation.confidence import step_margin
from edge_sdk.generation.corrector import GrammarCorrector, SentenceTrace
from edge_sdk.generation.source import InputError, check_text, normalize_text
from edge_sdk.projection.golden import EDGE_CASES

GOLDEN_NAME, GOLDEN_VERSION = "edge-sdk-core", 3
GROUPS = ("empty", "unicode", "scripts", "spelling", "paragraph", "long", "test_src", "test_tgt", "seed")
MIN_INPUTS = 10_000
PARAGRAPHS, LONG_SENTENCES = 1_600, 240
_SEED = 20240611  # every generated input is a function of this and the packaged text files

EMPTY = [
    "", " ", "   ", "\t", " \t ", "\n", "\n\n", "\r\n", " \r\n ", "\u000b\u000c", "\u00a0", "\u3000", "\u2028",
    "\u200b", "\u200b\u200b", "\u200d", "\ufeff", "\u2060", "\u00ad", " \u200b \n",
    "😀", "😀😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "🙂 🙂", "\n😀\n", "🎉🎉🎉 ", "✨",
]
# Sentences with learners' errors around right-to-left words, combining marks, other scripts and emoji:
# where UTF-16 offsets (surrogate pairs) and code points (decomposed accents) part ways in the bridges.
SCRIPTS = [
    "My friend from תל אביב have two brother.", "He say שלום to every peoples he meet.",
    "She live in القاهرة since three year.", "We was eating فلافل at the market yesterday.",
    "The word مرحبا mean hello, i thinks.", "They goes to ירושלים every summers.",
    "I has visit the cafe\u0301 near my house.", "The re\u0301sume\u0301 are on the table.",
    "Jose\u0301 and me is going to the beach.", "She drink cafe\u0301 au lait every mornings.",
    "The nai\u0308ve boy dont know the answer.", "My brother name is Zoe\u0308 and she are six.",
    "He study at 東京 university since two years.", "We has eat 寿司 and ramen yesterday.",
    "My teacher speak हिन्दी and English very good.", "I want go to กรุงเทพ next years.",
    "She sended me a 😀 after the exam.", "The 👍🏽 mean that he agree with we.",
    "My family 👨‍👩‍👧 live in a small city.", "I loves pizza 🍕 and the pasta 🍝.",
    "We was in 🇫🇷 for two week.", "He don't like 🐍 but he like 🐈.",
    "Ünïcödé text are hard for the computer.", "The Ωmega team win the games yesterday.",
]
# Learners' misspellings for the spelling stage, around what it must leave alone: a capitalised first
# word (respelled, its capital kept), names inside a sentence, all capitals, apostrophes, a word split in
# two (and two that must not be), pass-through spans, other scripts, typographic apostrophes and quotes
# before the first word.
SPELLING = [
    "I realy like it becuse it is fun.", "Wich one do you want?", "I definately agree with you.",
    "There are alot of people here.", "Please wait untill tomorrow.", "Becuse it rained, we stayed home.",
    "Definately the best film this year.", "Alot of students came late.", "Untill now everything was fine.",
    "Wich is better, this one or that one?", "My freind Jonathon lives in Lodnon.", "Mr Smitth said it was NASSA.",
    "The NASA team recieved an AWARD.", "I dont know what to do.", "She doesnt like it, I beleive.",
    "It's realy importent to study.", "O'Neill's house is beautifull.", "Teh weather is nice today.",
    "Thier teacher was angry becuse of the noise.", "I will go tommorow with my familly.",
    "We goed to the libary yesterday.", "It was a grate expirience for me.", "I can't wait to see you agian.",
    "becuse i was late, i missed the bus.", "“Becuse” is not a word, he said.", "I’m realy tired tonight.",
    "2 peple came to the meeting.", "Visit https://example.com for mor infomation.",
    "My adress is anna@example.org, write me somtime.", "The cafe\u0301 was realy nice.",
    "He studys at 東京 univercity.", "Its a well-knwon problem.", "I hav a questoin about the homework.",
    "The begining of the story was boring.", "She is verry happy with her new job.",
    "Wen will you arrive?", "I realy realy want to go.", "This sentence is spelled correctly.",
    # Two-word proposals only of frequent words (split_top): these two split, Win wood and saw fish do not.
    "I study infact atleast twice a week.", "Winwood said the sawfish was very big.",
    "Please uncheck the box if you dont agree.",  # not check: a negative prefix is never dropped
]
# Mixed into paragraphs: typography and pass-through spans next to ordinary sentences.
_DECORATIONS = [" 🙂", " 👍🏽", " (see https://example.com/a?b=1)", " Mail anna@example.org.", " #weekend",
                " It costs $5.99.", " ✨✨"]
_SEPARATORS = [" ", "  ", "\n", "\n\n", " \r\n"]


@dataclass(frozen=True)
class GoldenInput:
    group: str
    text: str


def _asset_lines(*parts: str) -> list[str]:
    path = files("edge_sdk").joinpath("assets", *parts)
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _hostile_texts() -> list[str]:
    """benchmarks/hostile_text.py's texts that correct() takes (valid Unicode str within MAX_TEXT_CHARS)."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "hostile_text.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the golden inputs include benchmarks/hostile_text.py's texts; run "
                                "from a checkout of the repository")
    spec = importlib.util.spec_from_file_location("_edge_sdk_hostile_text", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    texts = []
    for case in module.cases():
        try:
            texts.append(check_text(case.text))
        except InputError:  # bytes, lone surrogates (JSON cannot carry them), over MAX_TEXT_CHARS
            continue
    return texts


def _curly(sentence: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return sentence.replace("'", "’")
    if choice == 1:
        return f"“{sentence}”"
    if choice == 2:
        return sentence.replace(" - ", " — ")
    return sentence + rng.choice(_DECORATIONS)


def _paragraphs(sentences: Sequence[str], rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        parts = [rng.choice(sentences) for _ in range(rng.randint(2, 6))]
        parts = [_curly(p, rng) if rng.random() < 0.2 else p for p in parts]
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(_SEPARATORS) + part
        out.append(text)
    return out


def _long_sentences(sentences: Sequence[str], rng: random.Random, count: int,
                    too_long: Callable[[str], bool]) -> list[str]:
    """Clauses joined with ", and " and no final punctuation, until the text is well over the source bound."""
    out = []
    for _ in range(count):
        text = rng.choice(sentences).rstrip(".!?")
        while not too_long(text) or rng.random() < 0.3:
            clause = rng.choice(sentences).rstrip(".!?")
            text += ", and " + (clause[:1].lower() + clause[1:] if clause[:2] != "I " else clause)
        out.append(text)
    return out


def golden_inputs(tokenizer: object, max_source_len: int) -> list[GoldenInput]:
    """Every input in file order, ≥ MIN_INPUTS, deterministic for a given tokenizer and source bound."""
    rng = random.Random(_SEED)
    test_src, test_tgt = _asset_lines("gec", "test.src"), _asset_lines("gec", "test.tgt")
    inputs = [GoldenInput("empty", t) for t in EMPTY]
    inputs += [GoldenInput("unicode", t) for t in dict.fromkeys([*EDGE_CASES, *_hostile_texts()])]
    inputs += [GoldenInput("scripts", t) for t in SCRIPTS]
    inputs += [GoldenInput("spelling", t) for t in SPELLING]
    inputs += [GoldenInput("paragraph", t) for t in _paragraphs(test_src, rng, PARAGRAPHS)]
    # A quarter over the bound: placeholders (numbers, names) make the model input shorter than the text.
    too_long = lambda t: len(tokenizer.encode(normalize_text(t))) > 1.25 * max_source_len  # noqa: E731
    inputs += [GoldenInput("long", t) for t in _long_sentences(test_src, rng, LONG_SENTENCES, too_long)]
    inputs += [GoldenInput("test_src", t) for t in test_src]
    inputs += [GoldenInput("test_tgt", t) for t in test_tgt]
    seed = _asset_lines("seed_corpus.txt")
    missing = MIN_INPUTS - len(inputs)
    if missing > len(seed):
        raise ValueError(f"the seed corpus has {len(seed)} lines; {missing} are needed to reach {MIN_INPUTS:,}")
    inputs += [GoldenInput("seed", t) for t in seed[:max(0, missing)]]
    return inputs


def subset(inputs: Sequence[GoldenInput], limit: int | None) -> list[tuple[int, GoldenInput]]:
    """(id, input) for `limit` inputs spread over every group (round-robin quotas, evenly spaced in a
    group), in file order; all of them without a limit."""
    if limit is None or limit >= len(inputs):
        return list(enumerate(inputs))
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(inputs):
        groups.setdefault(item.group, []).append(i)
    quotas = dict.fromkeys(groups, 0)
    left = limit
    while left > 0:
        for name, members in groups.items():
            if left and quotas[name] < len(members):
                quotas[name] += 1
                left -= 1
    chosen = sorted(groups[name][j * len(groups[name]) // k] for name, k in quotas.items() for j in range(k))
    return [(i, inputs[i]) for i in chosen]


def _offsets(text: str, points: Sequence[int]) -> tuple[dict[int, int], dict[int, int]]:
    """UTF-8 byte and UTF-16 code-unit offsets of the code-point offsets `points` of `text`."""
    utf8, utf16 = {}, {}
    for p in set(points):
        prefix = text[:p]
        utf8[p] = len(prefix.encode("utf-8"))
        utf16[p] = len(prefix.encode("utf-16-le")) // 2
    return utf8, utf16


class _MarginRecorder:
    """The corrector's session, with the margin of every decode step's logits since the last encode: the
    margins the gate saw (the same function on the same logits), for the sentence the next trace reports."""

    def __init__(self, session) -> None:
        self.session = session
        self.margins: list[float] = []

    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        outputs = self.session.run(method, inputs)
        if method == "encode":
            self.margins = []
        elif method == "decode_step":
            self.margins.append(step_margin(outputs[0]))
        return outputs


def golden_record(corrector: GrammarCorrector, index: int, item: GoldenInput) -> dict:
    """One input's record. With the gate on (corrector.min_edit_margin > 0), each sentence also gets the
    decoder's margins (`margins`); with the spelling stage, the model input after it (`spelled`)."""
    traces: list[SentenceTrace] = []
    margins: list[list[float] | None] = []  # per trace, with the gate on
    gated = corrector.min_edit_margin > 0.0
    spelling = corrector.speller is not None
    recorder = _MarginRecorder(corrector.session)

    def trace(t: SentenceTrace) -> None:
        traces.append(t)
        if gated:
            margins.append(list(recorder.margins) if t.tokens is not None else None)
            if t.tokens is not None and len(recorder.margins) != len(t.tokens):
                raise AssertionError(f"input {index}: {len(recorder.margins)} margins for {len(t.tokens)} steps")

    if gated:
        corrector.session = recorder
    try:
        correction = corrector.correct(item.text, trace=trace)
    finally:
        corrector.session = recorder.session
    points = [p for t in traces for p in (t.start, t.end)]
    points += [p for e in correction.edits for p in (e.start, e.end)]
    points += [p for s in correction.skipped for p in (s.start, s.end)]
    u8, u16 = _offsets(item.text, points)
    normalized = normalize_text(item.text)
    return {
        "id": index, "group": item.group, "text": item.text, "normalized": normalized,
        "ids": corrector.tokenizer.encode(normalized),
        "sentences": [{"utf8": [u8[t.start], u8[t.end]],
                       "model_input": t.model_input.text if t.model_input is not None else None,
                       "ids": t.ids, "tokens": t.tokens, "skipped": t.skipped,
                       **({"margins": margins[k]} if gated else {}),
                       **({"spelled": t.spelled} if spelling else {})}
                      for k, t in enumerate(traces)],
        "correction": {
            "text": correction.text,
            "edits": [{"utf8": [u8[e.start], u8[e.end]], "utf16": [u16[e.start], u16[e.end]],
                       "original": e.original, "replacement": e.replacement, "kind": e.kind}
                      for e in correction.edits],
            "skipped": [{"utf8": [u8[s.start], u8[s.end]], "utf16": [u16[s.start], u16[s.end]], "reason": s.reason}
                        for s in correction.skipped],
        },
    }


@dataclass(frozen=True)
class GoldenSummary:
    inputs: int
    sentences: int
    edits: int
    skipped: int
    seconds: float  # correcting and writing, not loading the bundle
    backend: str
    quantization: str
    min_edit_margin: float = 0.0  # the edit-confidence gate's threshold the corrections were made with
    spelling: bool = False  # the spelling stage ran in front of the model
    spelled: int = 0  # sentences whose model input the spelling stage changed


def write_core_golden(bundle: Bundle | Path, out: Path, backend: str = "executorch", quantization: str | None = "int8",
                      *, limit: int | None = None, groups: Collection[str] | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      min_edit_margin: float | None = None, spelling: bool = True) -> GoldenSummary:
    """Correct every golden input with `bundle`'s artifact and write the JSON lines to `out` atomically.

    `groups`: only the inputs of these groups (ids stay those of the full list), before `limit` applies.
    `progress(done, total)` is called after each input. `min_edit_margin` overrides the bundle's
    edit-confidence gate (None: the manifest's); the header records the one in effect. `spelling=False`
    runs the model alone where the bundle has a spelling stage (the header records whether it ran).
    """
    bundle = bundle if isinstance(bundle, Bundle) else load_bundle(Path(bundle))
    corrector = GrammarCorrector(bundle, backend, quantization, min_edit_margin, spelling=spelling)
    gen = corrector.generation
    every = golden_inputs(corrector.tokenizer, gen.max_source_len)
    if groups is not None:
        unknown = set(groups) - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown golden groups {sorted(unknown)}; they are {', '.join(GROUPS)}")
        kept = [(i, x) for i, x in enumerate(every) if x.group in groups]
        chosen = [kept[i] for i, _ in subset([x for _, x in kept], limit)]
    else:
        chosen = subset(every, limit)
    started = time.perf_counter()
    header = {"golden": GOLDEN_NAME, "version": GOLDEN_VERSION, "bundle_digest": bundle.digest,
              "backend": corrector.artifact.backend, "quantization": corrector.artifact.quantization,
              "max_source_len": gen.max_source_len, "min_edit_margin": corrector.min_edit_margin,
              "spelling": corrector.speller is not None, "inputs": len(chosen)}
    lines = [json.dumps(header)]
    sentences = edits = skipped = spelled = 0
    for done, (index, item) in enumerate(chosen, 1):
        record = golden_record(corrector, index, item)
        sentences += len(record["sentences"])
        spelled += sum(s.get("spelled") is not None for s in record["sentences"])
        edits += len(record["correction"]["edits"])
        skipped += len(record["correction"]["skipped"])
        lines.append(json.dumps(record))  # ASCII: no U+2028 or U+0085 inside a line
        if progress is not None:
            progress(done, len(chosen))
    write_bytes_atomic(Path(out), ("\n".join(lines) + "\n").encode("utf-8"))
    return GoldenSummary(len(chosen), sentences, edits, skipped, time.perf_counter() - started,
                         corrector.artifact.backend, corrector.artifact.quantization, corrector.min_edit_margin,
                         corrector.speller is not None, spelled)
