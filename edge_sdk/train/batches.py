"""Sentence pairs -> padded, length-bucketed batches under a token budget."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.data.learner import training_errors


@dataclass
class Batch:
    src: torch.Tensor  # [B, S], </s>-terminated, right-padded
    prev: torch.Tensor  # [B, T], </s> then the target (teacher forcing input)
    target: torch.Tensor  # [B, T], the target then </s>
    tokens: int  # non-pad tokens, source + target

    def to(self, device: torch.device) -> Batch:
        return Batch(self.src.to(device), self.prev.to(device), self.target.to(device), self.tokens)


def encode_pairs(tokenizer: object, pairs: list[tuple[str, str]], max_source_len: int,
                 max_target_len: int) -> list[tuple[list[int], list[int]]]:
    """Token ids; pairs too long for the exported shapes are dropped (the app splits long text)."""
    out = []
    eos = tokenizer.eos_id
    for src, tgt in pairs:
        s, t = [*tokenizer.encode(src), eos], tokenizer.encode(tgt)
        if len(s) <= max_source_len and len(t) + 1 <= max_target_len:
            out.append((s, t))
    return out


def make_batches(encoded: list[tuple[list[int], list[int]]], max_tokens: int, pad: int, eos: int,
                 rng: random.Random | None) -> list[Batch]:
    order = list(range(len(encoded)))
    if rng is not None:
        rng.shuffle(order)
    # Sort within large shuffled chunks: little padding, still a different mix every epoch.
    chunk = 2000
    order = [i for k in range(0, len(order), chunk)
             for i in sorted(order[k:k + chunk], key=lambda j: (len(encoded[j][0]), len(encoded[j][1])))]
    batches, current, widest = [], [], 0
    for i in order:
        width = len(encoded[i][0]) + len(encoded[i][1]) + 1
        if current and max(widest, width) * (len(current) + 1) > max_tokens:
            batches.append(_collate([encoded[j] for j in current], pad, eos))
            current, widest = [], 0
        current.append(i)
        widest = max(widest, width)
    if current:
        batches.append(_collate([encoded[j] for j in current], pad, eos))
    if rng is not None:
        rng.shuffle(batches)
    return batches


def _collate(pairs: list[tuple[list[int], list[int]]], pad: int, eos: int) -> Batch:
    s_len = max(len(s) for s, _ in pairs)
    t_len = max(len(t) for _, t in pairs) + 1
    src = torch.full((len(pairs), s_len), pad, dtype=torch.long)
    prev = torch.full((len(pairs), t_len), pad, dtype=torch.long)
    target = torch.full((len(pairs), t_len), pad, dtype=torch.long)
    tokens = 0
    for row, (s, t) in enumerate(pairs):
        src[row, : len(s)] = torch.tensor(s)
        prev[row, : len(t) + 1] = torch.tensor([eos, *t])
        target[row, : len(t) + 1] = torch.tensor([*t, eos])
        tokens += len(s) + len(t) + 1
    return Batch(src, prev, target, tokens)


def epoch_pairs(sentences: list[str], generator: ErrorGenerator) -> Iterator[tuple[str, str]]:
    for sentence in sentences:
        yield generator.corrupt(sentence)[0], sentence


@dataclass(frozen=True)
class EpochRecipe:
    """Everything one epoch's batches depend on: picklable, so a worker process can build them ahead."""

    sentences: list[str]
    misspellings: dict[str, list[str]]
    tokenizer_path: str
    generator_seed: int
    shuffle_seed: int
    max_source_len: int
    max_target_len: int
    max_tokens: int
    pad: int
    eos: int
    errors: str = "synthetic"


def build_epoch(recipe: EpochRecipe) -> list[Batch]:
    """Corrupt, tokenize and batch one epoch: the same result in the trainer or a worker process."""
    from edge_sdk.tokenizer import SentencePieceTokenizer

    tokenizer = SentencePieceTokenizer(recipe.tokenizer_path)
    generator = training_errors(recipe.errors, recipe.generator_seed, recipe.misspellings, recipe.sentences)
    encoded = encode_pairs(tokenizer, list(epoch_pairs(recipe.sentences, generator)), recipe.max_source_len,
                           recipe.max_target_len)
    return make_batches(encoded, recipe.max_tokens, recipe.pad, recipe.eos, random.Random(recipe.shuffle_seed))
