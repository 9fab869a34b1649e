"""Swift literal and doc-comment rules for the generated classes."""

from __future__ import annotations


def string_literal(value: object) -> str:
    """A Swift string literal: `\\` (which also starts interpolation) and `"` escaped, control characters as
    \\u{XX}."""
    out = []
    for ch in str(value):
        if ch in '\\"':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def doc(value: object) -> str:
    """Text safe on one `///` line: no line break, no backtick or asterisk runs that start markup."""
    return " ".join(str(value).replace("`", "'").split())
