"""Golden projection vectors for the bridges: sentences, their words, and each word's hashes."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path

import numpy as np

from edge_sdk.fileio import write_bytes_atomic
from edge_sdk.projection.lsh import ProjectionSettings, project, split_words, word_hashes

EDGE_CASES = [
    "", " ", "\t\n", "a", "Hello, World!", "Café naïve résumé", "ﬁne ﬂower", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
    "ΟΔΟΣ οδός", "İstanbul ıI", "Straße STRASSE", "東京で会いましょう", "서울에서 만나요", "👍🏽 👨‍👩‍👧 🙂!",
    "שָׁלוֹם עֲלֵיכֶם", "مرحبا بالعالم", "e\u0301 é", "non\u00a0breaking\u3000space", "tab\tseparated\nlines",
    "zero\u200bwidth", "don't stop-believing", "3.14159 and 1,000,000", "x" * 300,
    " ".join(["word"] * 300), "Ünïcödé " * 40,
]


def golden_lines(settings: ProjectionSettings, count: int = 1000) -> list[str]:
    corpus = (files("edge_sdk") / "assets" / "gec" / "test.src").read_text(encoding="utf-8").splitlines()
    texts = EDGE_CASES + corpus[: max(0, count - len(EDGE_CASES))]
    lines = [json.dumps({"settings": json.loads(settings.to_json())}, ensure_ascii=False, sort_keys=True)]
    for text in texts:
        words = split_words(text)[: settings.max_words]
        features = project(text, settings).astype("<i2")
        lines.append(json.dumps({
            "text": text, "words": words,
            "hashes": [word_hashes(w, settings).tolist() for w in words],
            "features_shape": list(features.shape),
            # sha256 of the int16 little-endian feature matrix, row-major: one check of everything
            "features_sha256": hashlib.sha256(np.ascontiguousarray(features).tobytes()).hexdigest(),
        }, ensure_ascii=False, sort_keys=True))
    return lines


def write_golden(path: Path, settings: ProjectionSettings, count: int = 1000) -> int:
    lines = golden_lines(settings, count)
    write_bytes_atomic(Path(path), ("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines) - 1
