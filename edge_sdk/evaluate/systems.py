"""Systems to evaluate: the baselines, an EdgeFormer checkpoint in eager PyTorch and a bundle's runtimes, the
last two through the same `correct()` pipeline the app runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from edge_sdk.generation.corrector import SessionCorrector
from edge_sdk.models.edgeformer import EdgeFormer
from edge_sdk.models.weights import load_state_strict, read_weights
from edge_sdk.spelling.speller import Speller
from edge_sdk.tokenizer import SentencePieceTokenizer


def copy_source(sources: Sequence[str]) -> list[str]:
    return list(sources)


def harper_correct(sources: Sequence[str]) -> list[str]:
    """harper-py (offline, rule-based): apply each lint's first suggestion, right to left."""
    import harper

    linter = harper.Linter()
    out = []
    for text in sources:
        edits = []
        for lint in linter.lint(text):
            if not lint.suggestions:
                continue
            suggestion = lint.suggestions[0]
            start, end = lint.span.start, lint.span.end
            kind = suggestion.kind
            if kind == harper.SuggestionKind.REPLACE:
                edits.append((start, end, suggestion.replacement_text))
            elif kind == harper.SuggestionKind.REMOVE:
                edits.append((start, end, ""))
            else:  # INSERT_AFTER
                edits.append((end, end, suggestion.replacement_text))
        result, last = text, len(text) + 1
        for start, end, replacement in sorted(edits, reverse=True):
            if end <= last:  # skip overlapping suggestions
                result = result[:start] + replacement + result[end:]
                last = start
        out.append(result)
    return out


def load_checkpoint(weights: Path, tokenizer: Path) -> tuple[EdgeFormer, SentencePieceTokenizer]:
    from edge_sdk.models.edgeformer import EdgeFormerConfig

    family, config, state = read_weights(weights)
    if family != "edgeformer" or config is None:
        raise ValueError(f"{weights} is not an edge-sdk EdgeFormer checkpoint")
    model = EdgeFormer(EdgeFormerConfig.from_dict(config))
    load_state_strict(model, state, str(weights))
    return model.eval(), SentencePieceTokenizer(tokenizer)


def eager_corrector(model: EdgeFormer, tokenizer: SentencePieceTokenizer,
                    min_edit_margin: float = 0.0, speller: Speller | None = None) -> SessionCorrector:
    """The app's `correct()` pipeline over eager PyTorch: the same text handling as the bundle's runtimes."""
    from edge_sdk.bundle.manifest import GenerationSettings
    from edge_sdk.models.family import FAMILIES
    from edge_sdk.models.session import EagerSession

    c = model.config
    generation = GenerationSettings(decoder_start_id=c.eos_id, eos_id=c.eos_id, max_source_len=c.max_source_len,
                                    max_target_len=c.max_target_len, min_edit_margin=min_edit_margin)
    return SessionCorrector(EagerSession(FAMILIES.get("edgeformer").export_methods(model)), tokenizer, generation,
                            speller=speller)


def edgeformer_correct(model: EdgeFormer, tokenizer: SentencePieceTokenizer, sources: Sequence[str],
                       speller: Speller | None = None) -> list[str]:
    """Eager PyTorch through `correct()` (sentences, pass-through, guard, edits): whole inputs, never truncated."""
    return edgeformer_correct_gated(model, tokenizer, sources, (0.0,), speller)[0]


def edgeformer_correct_gated(model: EdgeFormer, tokenizer: SentencePieceTokenizer, sources: Sequence[str],
                             min_edit_margins: Sequence[float], speller: Speller | None = None) -> list[list[str]]:
    """`edgeformer_correct` at each edit-confidence threshold, from one decode (evaluate/gate.py)."""
    from edge_sdk.evaluate.gate import outputs_at, scored_corrections

    corrector = eager_corrector(model, tokenizer, speller=speller)
    threads = torch.get_num_threads()
    # One sentence at a time with tensors this small: extra threads only wait on each other (20x slower
    # with 2 threads on a busy 2-core machine).
    torch.set_num_threads(1)
    try:
        if list(min_edit_margins) == [0.0]:
            return [[corrector.correct(text).text for text in sources]]
        scored = scored_corrections(corrector, sources)
        return [outputs_at(sources, scored, t) for t in min_edit_margins]
    finally:
        torch.set_num_threads(threads)


def bundle_correct(bundle: Path, artifact: str, sources: Sequence[str]) -> list[str]:
    """Correct in a bundle artifact's real runtime (`executorch/int8`), to measure what quantization costs.

    The app's path, `GrammarCorrector.correct(text).text`, on whole inputs, as `edgeformer_correct` does
    eagerly: the two differ only in the runtime.
    """
    from edge_sdk.generation.corrector import GrammarCorrector

    backend, _, quantization = artifact.partition("/")
    corrector = GrammarCorrector(bundle, backend, quantization or None)
    return [corrector.correct(text).text for text in sources]
