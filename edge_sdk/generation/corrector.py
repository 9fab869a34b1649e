"""The Python twin of the generated mobile API: `GrammarCorrector(bundle).correct(text) -> Correction`.

Any text goes in (a paragraph, an e-mail, emoji, other scripts); what comes out is the user's text with
word edits applied, never the model's raw output. docs/text-handling.md is the specification the native
core implements too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edge_sdk.bundle.io import Bundle, load_bundle
from edge_sdk.bundle.manifest import GenerationSettings
from edge_sdk.export import BACKENDS
from edge_sdk.generation.confidence import piece_spans, span_confidence
from edge_sdk.generation.greedy import Session, greedy_decode
from edge_sdk.generation.source import check_text, normalize_text, prepare_source
from edge_sdk.spelling.hunspell import Hunspell
from edge_sdk.spelling.speller import Speller, SpellingSettings, read_frequencies
from edge_sdk.text import (
    Correction,
    Edit,
    ModelInput,
    Skipped,
    Style,
    apply_edits,
    garbled,
    model_input,
    protected_spans,
    sentence_edits,
)
from edge_sdk.text import sentences as split_sentences
from edge_sdk.text import words as split_words
from edge_sdk.tokenizer import SentencePieceTokenizer


@dataclass(frozen=True)
class SentenceTrace:
    """What `correct()` did with one sentence, for golden vectors and debugging (`correct(trace=...)`)."""

    start: int  # code points of the input text
    end: int
    model_input: ModelInput | None  # None: the gate left the sentence as typed
    ids: list[int] | None  # the model input's ids without </s>; None when it was not encoded
    tokens: list[int] | None  # decoded ids, </s> included when reached; None when nothing was decoded
    skipped: str | None  # the reason it was left as typed (Correction.skipped), or None
    spelled: str | None = None  # the model input after the spelling stage, when the stage changed it


class SessionCorrector:
    """`correct(text)` over any session greedy_decode drives: a bundle's runtime (GrammarCorrector) or eager
    PyTorch (evaluation), so that the two differ only in the session, never in the text handling."""

    def __init__(self, session: Session, tokenizer: SentencePieceTokenizer, generation: GenerationSettings,
                 min_edit_margin: float | None = None, speller: Speller | None = None) -> None:
        """`min_edit_margin` overrides the bundle's edit-confidence gate (0 keeps every edit); `speller` is
        the spelling stage in front of the model (None: the model alone)."""
        self.session, self.tokenizer, self.generation = session, tokenizer, generation
        self.speller = speller
        self.alphabet = tokenizer.alphabet
        self._max_piece_chars = tokenizer.max_piece_chars
        self.min_edit_margin = generation.min_edit_margin if min_edit_margin is None else float(min_edit_margin)
        if not 0.0 <= self.min_edit_margin < 1.0:
            raise ValueError(f"min_edit_margin must be in [0, 1), got {self.min_edit_margin}")
        self._scored: list[tuple[Edit, float]] | None = None

    def correct(self, text: str, gate: Callable[[str], bool] | None = None, *,
                trace: Callable[[SentenceTrace], None] | None = None) -> Correction:
        """Correct every sentence of `text`; layout, pass-through spans and unchanged words stay as they are.

        `gate(sentence)` decides per sentence whether the model runs (the cascade's detector): a sentence it
        refuses is left as typed and not listed as skipped. `trace` receives one SentenceTrace per sentence.
        Raises InputError for text that is not a valid str or longer than MAX_TEXT_CHARS; anything else
        the model cannot handle is passed through and listed in `Correction.skipped`.
        """
        check_text(text)
        edits: list[Edit] = []
        skipped: list[Skipped] = []
        # The whole text's style once: a sentence without apostrophes or quotes of its own falls back to it.
        text_style = Style.of(text)
        for span in split_sentences(text):
            if gate is not None and not gate(text[span.start:span.end]):
                if trace is not None:
                    trace(SentenceTrace(span.start, span.end, None, None, None, None))
                continue
            found, reason = self._correct_sentence(text, span.start, span.end, text_style, trace)
            if reason is not None:
                skipped.append(Skipped(span.start, span.end, reason))
            edits += found
        return Correction(apply_edits(text, edits), edits, skipped)

    def _correct_sentence(self, text: str, start: int, end: int, text_style: Style,
                          trace: Callable[[SentenceTrace], None] | None = None) -> tuple[list[Edit], str | None]:
        source = model_input(text, start, end, protected_spans(text, start, end, self.alphabet), self.alphabet)
        ids: list[int] | None = None
        tokens: list[int] | None = None
        spelled: str | None = None

        def done(found: list[Edit], reason: str | None) -> tuple[list[Edit], str | None]:
            if trace is not None:
                trace(SentenceTrace(start, end, source, ids, tokens, reason, spelled))
            return found, reason

        if not source.has_content:
            return done([], None)
        gen = self.generation
        if len(source.text) > gen.max_source_len * self._max_piece_chars:
            return done([], "too_long")
        if self.speller is None:
            model_text, model_words = source.text, [w.text for w in source.words]
        else:
            model_text, model_words = self.speller.respell(source)
        if model_text != source.text:
            spelled = model_text
        ids = self.tokenizer.encode(model_text)
        if len(ids) + 1 > gen.max_source_len:
            return done([], "too_long")
        gated = self.min_edit_margin > 0.0 or self._scored is not None
        result = greedy_decode(self.session, [*ids, gen.eos_id], gen.decoder_start_id, gen.eos_id,
                               gen.max_target_len, keep_margins=gated)
        tokens = result.tokens
        reached_end = bool(result.tokens) and result.tokens[-1] == gen.eos_id
        output = self.tokenizer.decode(result.tokens)
        out_words = [w.text for w in split_words(output)]
        reason = garbled(len(ids) + 1, len(result.tokens), reached_end, model_words, out_words,
                         output, self.alphabet, source.placeholder, source.placeholders)
        if reason is not None:
            return done([], reason)
        keep = None
        confidences: list[float] = []
        if gated:
            spans = piece_spans(self.tokenizer.decode, result.tokens)

            def keep(a: int, b: int) -> bool:
                confidences.append(span_confidence(spans, result.margins, a, b))
                return self._scored is not None or confidences[-1] >= self.min_edit_margin

        found = sentence_edits(text, source, output, Style.of(text[start:end], text_style), keep)
        if found is None:
            return done([], "pass_through_touched")
        if self._scored is not None:
            self._scored += zip(found, confidences, strict=True)
        return done(found, None)

    def scored_edits(self, text: str) -> list[tuple[Edit, float]]:
        """Every edit the model proposes for `text`, with its confidence, whatever the gate: what tuning
        the gate looks at (`apply_edits` of those at or above a threshold is `correct()` at that threshold)."""
        self._scored = []
        try:
            self.correct(text)
            return self._scored
        finally:
            self._scored = None

    def decode_text(self, text: str, truncate: bool = False) -> str:
        """The model's raw output for one sentence, no pass-through or edits (to look at what the model
        itself writes, e.g. its loops)."""
        if not normalize_text(text):
            return text
        gen = self.generation
        src = prepare_source(self.tokenizer, text, gen.max_source_len, truncate=truncate)
        result = greedy_decode(self.session, src, gen.decoder_start_id, gen.eos_id, gen.max_target_len)
        return self.tokenizer.decode(result.tokens)


def bundle_speller(bundle: Bundle) -> Speller | None:
    """The bundle's spelling stage, or None when it has none."""
    sp = bundle.manifest.spelling
    if sp is None:
        return None
    dictionaries = [Hunspell(bundle.path(d.aff), bundle.path(d.dic)) for d in sp.dictionaries]
    settings = SpellingSettings(distance_weight=sp.distance_weight, max_distance=sp.max_distance,
                                max_distance_short=sp.max_distance_short, known_count=sp.known_count,
                                min_letters=sp.min_letters, split_top=sp.split_top)
    return Speller(dictionaries, read_frequencies(bundle.path(sp.frequencies)), settings)


class GrammarCorrector(SessionCorrector):
    """A corrector bundle's artifact in its real runtime."""

    def __init__(self, bundle: Bundle | Path, backend: str = "executorch", quantization: str | None = None,
                 min_edit_margin: float | None = None, spelling: bool = True) -> None:
        """`spelling=False` runs the model alone even where the bundle has a spelling stage (to measure it)."""
        self.bundle = bundle if isinstance(bundle, Bundle) else load_bundle(Path(bundle))
        manifest = self.bundle.manifest
        if manifest.family != "edgeformer" or manifest.tokenizer is None or manifest.generation is None:
            raise ValueError(f"bundle {manifest.name} is a {manifest.family} model, not a corrector")
        self.artifact = manifest.artifact(backend, quantization)
        super().__init__(BACKENDS.get(backend).load(self.bundle.path(self.artifact), self.artifact.methods),
                         SentencePieceTokenizer(self.bundle.path(manifest.tokenizer)), manifest.generation,
                         min_edit_margin, bundle_speller(self.bundle) if spelling else None)
