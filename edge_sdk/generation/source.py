"""Turning user text into encoder input ids, with the limits the exported graph has."""

from __future__ import annotations

import unicodedata
from typing import Protocol


class InputError(ValueError):
    """Text the corrector cannot take at all (not a str, not valid Unicode, too long for one call)."""


class InputTooLongError(InputError):
    pass


# One call's limit, in code points: about 15,000 words, minutes of decoding on a phone. Longer text is
# split by the app (per paragraph or page); docs/text-handling.md.
MAX_TEXT_CHARS = 100_000


def check_text(text: object) -> str:
    """`text` as a valid Unicode str, or an InputError saying what is wrong with it."""
    if isinstance(text, bytes | bytearray):
        raise InputError("text must be a str, not bytes: decode it as UTF-8 first")
    if not isinstance(text, str):
        raise InputError(f"text must be a str, not {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(f"text is not valid Unicode: a lone surrogate U+{ord(text[err.start]):04X} at character "
                         f"{err.start} (bytes that are not UTF-8, decoded with surrogateescape?)") from None
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLongError(f"text is {len(text):,} characters; one call takes at most {MAX_TEXT_CHARS:,}: "
                                "split it (by paragraph) and correct the parts")
    return text


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
