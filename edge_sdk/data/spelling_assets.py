"""The spelling stage's assets (`edge-sdk data build-spelling`): Hunspell dictionaries from npm and a word
frequency list counted on the training corpus, packaged in edge_sdk/assets/spelling/ (docs/data.md).

- `en_US.aff`/`.dic` (npm `dictionary-en` 4.0.0) and `en_GB.aff`/`.dic` (npm `dictionary-en-gb` 3.0.0):
  the SCOWL-derived dictionaries LibreOffice and Firefox use, MIT AND BSD; their licence texts are copied
  beside them (`LICENSE-en_US`, `LICENSE-en_GB`) and travel into every bundle that uses them.
- `frequencies.tsv`: `word<TAB>count` for the lower-case words seen at least `MIN_COUNT` times in the
  corpus's `train.txt` (never the held-out splits), the stage's "how common is this word". Real text has
  real typos (*alot* three times in the mail): a word no dictionary accepts needs `UNKNOWN_MIN_COUNT`
  sightings (jargon and names: *linux*, *spamassassin*) to be listed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edge_sdk.data.sources import Source, SourceError, fetch
from edge_sdk.fileio import write_bytes_atomic

DICTIONARIES: tuple[tuple[str, Source], ...] = (
    ("en_US", Source("dictionary-en", "npm", "dictionary-en", "4.0.0", "MIT AND BSD (SCOWL en_US)",
                     lambda _root: iter(()))),
    ("en_GB", Source("dictionary-en-gb", "npm", "dictionary-en-gb", "3.0.0", "MIT AND BSD (SCOWL en_GB-ise)",
                     lambda _root: iter(()))),
)
FREQUENCIES = "frequencies.tsv"
MIN_COUNT = 2
UNKNOWN_MIN_COUNT = 10
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")


@dataclass(frozen=True)
class SpellingAssets:
    dictionaries: dict[str, str]  # name -> licence
    words: int  # in the frequency list


def count_words(sentences: list[str], min_count: int = MIN_COUNT) -> dict[str, int]:
    counts = Counter(m.group().lower() for s in sentences for m in _WORD.finditer(s))
    return {w: n for w, n in sorted(counts.items()) if n >= min_count}


def build_spelling_assets(cache: Path, corpus: Path, out: Path,
                          log: Callable[[str], None] = print) -> SpellingAssets:
    train = corpus / "train.txt"
    if not train.is_file():
        raise FileNotFoundError(f"{train} not found: run `edge-sdk data build-gec -o {corpus}` first")
    out.mkdir(parents=True, exist_ok=True)
    licences = {}
    for name, source in DICTIONARIES:
        package = fetch(source, cache) / "package"
        licence = next((p for p in (package / "license", package / "LICENSE") if p.is_file()), None)
        if not (package / "index.aff").is_file() or not (package / "index.dic").is_file() or licence is None:
            raise SourceError(f"{package}: index.aff, index.dic or the licence missing: unexpected package layout")
        for suffix in ("aff", "dic"):
            write_bytes_atomic(out / f"{name}.{suffix}", (package / f"index.{suffix}").read_bytes())
        write_bytes_atomic(out / f"LICENSE-{name}", licence.read_bytes())
        licences[name] = source.licence
        log(f"{name}: {source.package} {source.version}")
    from edge_sdk.spelling.hunspell import Hunspell

    dictionaries = [Hunspell(out / f"{name}.aff", out / f"{name}.dic") for name, _ in DICTIONARIES]
    counts = {w: n for w, n in count_words(train.read_text(encoding="utf-8").splitlines()).items()
              if n >= UNKNOWN_MIN_COUNT or any(d.spell(w) for d in dictionaries)}
    write_bytes_atomic(out / FREQUENCIES, "".join(f"{w}\t{n}\n" for w, n in counts.items()).encode("utf-8"))
    log(f"{FREQUENCIES}: {len(counts):,} words seen {MIN_COUNT}+ times in {train}")
    return SpellingAssets(licences, len(counts))
