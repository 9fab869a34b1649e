"""Systems to evaluate: the baselines and an EdgeFormer checkpoint (batched eager greedy decoding)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from edge_sdk.generation.source import normalize_text
from edge_sdk.models.edgeformer import EdgeFormer
from edge_sdk.models.weights import load_state_strict, read_weights
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


@torch.no_grad()
def edgeformer_correct(model: EdgeFormer, tokenizer: SentencePieceTokenizer, sources: Sequence[str],
                       batch_size: int = 64) -> list[str]:
    c = model.config
    out: list[str] = [""] * len(sources)
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    for k in range(0, len(order), batch_size):
        idx = order[k:k + batch_size]
        ids = [[*tokenizer.encode(normalize_text(sources[i]))[: c.max_source_len - 1], c.eos_id] for i in idx]
        src = torch.full((len(ids), max(map(len, ids))), c.pad_id, dtype=torch.long)
        for row, seq in enumerate(ids):
            src[row, : len(seq)] = torch.tensor(seq)
        memory_kv, memory_bias = model.encode(src)
        prev = torch.full((len(ids), 1), c.eos_id, dtype=torch.long)
        done = torch.zeros(len(ids), dtype=torch.bool)
        for _ in range(c.max_target_len - 1):
            nxt = model.decode(prev, memory_kv, memory_bias)[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, c.pad_id), nxt)
            prev = torch.cat([prev, nxt[:, None]], dim=1)
            done |= nxt == c.eos_id
            if done.all():
                break
        for row, i in enumerate(idx):
            tokens = [t for t in prev[row, 1:].tolist() if t not in (c.pad_id,)]
            if c.eos_id in tokens:
                tokens = tokens[: tokens.index(c.eos_id)]
            out[i] = tokenizer.decode(tokens)
    return out


def bundle_correct(bundle: Path, artifact: str, sources: Sequence[str]) -> list[str]:
    """Correct in a bundle artifact's real runtime (`executorch/int8`), to measure what quantization costs.

    Over-long sentences are truncated as in the eager path, so both are scored on the same inputs.
    """
    from edge_sdk.generation.corrector import GrammarCorrector

    backend, _, quantization = artifact.partition("/")
    corrector = GrammarCorrector(bundle, backend, quantization or None)
    return [corrector.decode_text(text, truncate=True) for text in sources]
