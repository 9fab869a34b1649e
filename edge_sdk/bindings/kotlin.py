"""Kotlin naming and literal rules for the generated classes."""

from __future__ import annotations

import re

from edge_sdk.bindings.model import BindingError

# Hard keywords: not usable as a package segment (docs: kotlinlang.org/docs/keyword-reference.html).
_KEYWORDS = {"as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in", "interface", "is",
             "null", "object", "package", "return", "super", "this", "throw", "true", "try", "typealias", "typeof",
             "val", "var", "when", "while"}
_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_package(package: str) -> str:
    segments = package.split(".")
    for segment in segments:
        if not _SEGMENT.match(segment) or segment in _KEYWORDS:
            raise BindingError(f"--package {package!r}: {segment!r} is not a Kotlin package name segment "
                               "(letters, digits and _, not starting with a digit, not a keyword)")
    return package


def string_literal(value: object) -> str:
    """A Kotlin string literal: `\\`, `"` and `$` (string templates) escaped, control characters as \\uXXXX."""
    out = []
    for ch in str(value):
        if ch in '\\"$':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def kdoc(value: object) -> str:
    """Text safe inside a KDoc comment (no comment end, no line break)."""
    return " ".join(str(value).replace("*/", "* /").split())
