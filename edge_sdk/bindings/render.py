"""Rendering the bindings of one or more bundles into a folder, deterministically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from edge_sdk import __version__
from edge_sdk.bindings import kotlin, swift
from edge_sdk.bindings.model import BindingError, BundleBinding
from edge_sdk.fileio import write_bytes_atomic

LANGUAGES = ("kotlin", "swift")


def _environment(language: str) -> Environment:
    env = Environment(loader=PackageLoader("edge_sdk.bindings", f"templates/{language}"), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["kt"] = kotlin.string_literal
    env.filters["kdoc"] = kotlin.kdoc
    env.filters["swift"] = swift.string_literal
    env.filters["doc"] = swift.doc
    return env


def _cascade_pair(bindings: Sequence[BundleBinding]) -> tuple[BundleBinding, BundleBinding] | None:
    """The corrector and detector a cascade class is generated for: when there is exactly one of each."""
    correctors = [b for b in bindings if b.role == "corrector"]
    detectors = [b for b in bindings if b.role == "detector"]
    return (correctors[0], detectors[0]) if len(correctors) == 1 and len(detectors) == 1 else None


def _error_label(detector: BundleBinding) -> str:
    return "error" if "error" in detector.labels else detector.labels[-1]


def _kotlin_files(bindings: Sequence[BundleBinding], package: str) -> dict[str, str]:
    kotlin.check_package(package)
    env = _environment("kotlin")
    folder = package.replace(".", "/")
    files: dict[str, str] = {}
    context = {"package": package, "generator": __version__}
    for b in bindings:
        template = "corrector.kt.j2" if b.role == "corrector" else "detector.kt.j2"
        wrapped = "GrammarCorrector" if b.role == "corrector" else "ErrorDetector"
        files[f"common/{folder}/{b.class_name}.kt"] = env.get_template(template).render(b=b, **context)
        files[f"android/{folder}/{b.class_name}Android.kt"] = env.get_template("android.kt.j2").render(
            b=b, wrapped=wrapped, **context)
    if pair := _cascade_pair(bindings):
        c, d = pair
        name = f"{c.class_name}Cascade"
        files[f"common/{folder}/{name}.kt"] = env.get_template("cascade.kt.j2").render(
            c=c, d=d, class_name=name, error_label=_error_label(d), **context)
    return files


def _swift_files(bindings: Sequence[BundleBinding]) -> dict[str, str]:
    env = _environment("swift")
    context = {"generator": __version__}
    files = {f"{b.class_name}.swift": env.get_template(f"{b.role}.swift.j2").render(b=b, **context)
             for b in bindings}
    if pair := _cascade_pair(bindings):
        c, d = pair
        name = f"{c.class_name}Cascade"
        files[f"{name}.swift"] = env.get_template("cascade.swift.j2").render(
            c=c, d=d, class_name=name, error_label=_error_label(d), **context)
    return files


def render_bindings(bindings: Sequence[BundleBinding], language: str, package: str, out: Path) -> list[Path]:
    """Write the generated files under `out` and return their paths, sorted. Kotlin: `common/` (platform-free)
    and `android/` (needs android.jar); Swift: one file per class. The same bundles and options always give
    byte-identical files."""
    if language not in LANGUAGES:
        raise BindingError(f"no bindings for {language!r}; languages: {', '.join(LANGUAGES)}")
    names = [b.class_name for b in bindings]
    if len(set(names)) != len(names):
        raise BindingError(f"two bundles give the same class name: {', '.join(sorted(names))}")
    files = _kotlin_files(bindings, package) if language == "kotlin" else _swift_files(bindings)
    written = []
    for relative, text in sorted(files.items()):
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
