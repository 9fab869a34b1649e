"""One sentence as the model sees it: folded, pass-through spans hidden, every word traced to its origin.

The words of the model's input and of its output are compared to find the edits
(`edge_sdk.text.edits`); each input word knows the span of the user's text it came from, so unchanged
words are copied from the user's text, never re-typed from the model's output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass

from edge_sdk.text.fold import fold_char
from edge_sdk.text.protect import Protected

# Words and single punctuation marks; "don't" and "x-ray" stay one word (the model writes them so).
WORD = re.compile(r"\w+(?:['-]\w+)*|\S")
# Stand-ins for protected words, tried in order: a capitalised name the model copies as it is (measured,
# docs/text-handling.md); the first one that does not already occur in the sentence is used.
PLACEHOLDERS = ("Paris", "London", "Berlin", "Madrid")


@dataclass(frozen=True)
class Word:
    text: str  # as the model sees or wrote it
    start: int  # in the model text (input) or the decoded output
    end: int
    origin: tuple[int, int] | None = None  # input words: the span of the user's text it stands for
    protected: Protected | None = None  # input words that are a placeholder


def words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


@dataclass(frozen=True)
class ModelInput:
    text: str  # what the tokenizer encodes
    words: list[Word]
    placeholder: str
    protected: list[Protected]

    @property
    def placeholders(self) -> int:
        return sum(w.protected is not None for w in self.words)

    @property
    def has_content(self) -> bool:
        """Something for the model: a word that is not a placeholder."""
        return any(w.protected is None and (w.text[0].isalnum()) for w in self.words)


def model_input(text: str, start: int, end: int, protected: Sequence[Protected], alphabet: Set[str]) -> ModelInput:
    """The model's view of `text[start:end]`; `protected` are that range's pass-through spans."""
    sentence = text[start:end]
    placeholder = next((p for p in PLACEHOLDERS if p not in sentence), PLACEHOLDERS[0])
    chars: list[str] = []
    origin: list[tuple[int, int]] = []  # per model character: the user's characters it came from
    holders: dict[int, Protected] = {}  # model offset of a placeholder -> its span

    def emit(piece: str, span: tuple[int, int]) -> None:
        for char in piece:
            if char.isspace():
                if not chars or chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            origin.append(span)

    spans = iter(protected)
    pending = next(spans, None)
    i = start
    while i < end:
        if pending is not None and i == pending.start:
            if pending.is_word:
                if chars and chars[-1] != " " and chars[-1].isalnum():
                    emit(" ", (i, i))
                holders[len(chars)] = pending
                emit(placeholder, (pending.start, pending.end))
                if pending.end < end and text[pending.end].isalnum():
                    emit(" ", (pending.end, pending.end))
            else:
                emit(" ", (i, i))
            i = pending.end
            pending = next(spans, None)
            continue
        emit(fold_char(text[i]), (i, i + 1))
        i += 1
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    model_text = "".join(chars)
    found = []
    for w in words(model_text):
        span = (origin[w.start][0], origin[w.end - 1][1])
        found.append(Word(w.text, w.start, w.end, span, holders.get(w.start)))
    return ModelInput(model_text, found, placeholder, list(protected))
