"""Turning user text into encoder input ids, with the limits the exported graph has."""

from __future__ import annotations

import unicodedata
from typing import Protocol


class InputTooLongError(ValueError):
    pass


class Tokenizer(Protocol):
    eos_id: int

    def encode(self, text: str) -> list[int]: ...


def normalize_text(text: str) -> str:
    """NFC and collapsed whitespace: what the model was trained on, whatever the keyboard produced."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def prepare_source(tokenizer: Tokenizer, text: str, max_source_len: int, truncate: bool = False) -> list[int]:
    """Ids ending in </s>. Text longer than the exported source bound is an error unless `truncate`."""
    ids = tokenizer.encode(normalize_text(text))
    if len(ids) + 1 > max_source_len:
        if not truncate:
            raise InputTooLongError(
                f"text is {len(ids) + 1} tokens with </s>; this bundle accepts at most {max_source_len}. "
                "Split long text into sentences before correcting it.")
        ids = ids[: max_source_len - 1]
    return [*ids, tokenizer.eos_id]
