"""Typographic folding for the model and restoring for the user (docs/text-handling.md, "Folding").

Keyboards produce curly quotes, dashes and ellipses the model never saw in training; folded to ASCII
they read as the text the model knows. Unchanged words keep the user's characters (the output is
assembled from the original text); only words the model writes anew are given the user's style.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@cache
def _table() -> dict[str, object]:
    return json.loads((files("edge_sdk") / "text" / "typography.json").read_text(encoding="utf-8"))


def fold_table() -> dict[str, str]:
    return dict(_table()["fold"])  # type: ignore[arg-type]


def fold_char(char: str) -> str:
    """What the model sees for `char` (itself when no rule applies; "" for zero-width characters)."""
    return _table()["fold"].get(char, char)  # type: ignore[union-attr]


def is_removed(char: str) -> bool:
    return fold_char(char) == ""


@dataclass(frozen=True)
class Style:
    """How the user writes apostrophes and double quotes."""

    curly_apostrophe: bool = False
    curly_quotes: bool = False

    @classmethod
    def of(cls, text: str, fallback: Style | None = None) -> Style:
        """The style `text` shows; where it shows none (no apostrophe, no quote), `fallback`'s."""
        def shown(curly: int, plain: int, default: bool) -> bool:
            return default if curly == plain == 0 else curly > plain

        fallback = fallback or cls()
        return cls(shown(sum(text.count(c) for c in "\u2019\u02bc"), text.count("'"), fallback.curly_apostrophe),
                   shown(sum(text.count(c) for c in "\u201c\u201d"), text.count('"'), fallback.curly_quotes))

    def apply(self, text: str, before: str) -> str:
        """`text` (new model output) in this style; `before` is the character preceding it in the result."""
        restore = _table()["restore"]
        if self.curly_apostrophe:
            text = text.replace("'", restore["apostrophe"]["typographic"])  # type: ignore[index]
        if self.curly_quotes and '"' in text:
            out = []
            for char in text:
                if char == '"':
                    opening = not before or before.isspace() or before in "([{"
                    char = restore["double_quote"]["open" if opening else "close"]  # type: ignore[index]
                out.append(char)
                before = char
            text = "".join(out)
        return text
