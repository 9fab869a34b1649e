"""The evaluation as Markdown (for the model card) and as a side-by-side TSV of outputs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from edge_sdk.evaluate.metrics import Scores
from edge_sdk.fileio import write_bytes_atomic


def scores_markdown(results: Sequence[Scores], split: str) -> str:
    lines = [f"{split} split, {results[0].sentences:,} sentences (ERRANT span-level P/R/F0.5, GLEU)", "",
             "| system | P | R | F0.5 | GLEU | exact match | correct sentences changed |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r.system} | {r.precision:.3f} | {r.recall:.3f} | {r.f05:.3f} | {r.gleu:.3f} | "
              f"{r.exact_match:.1%} | {r.false_positive_rate:.1%} |" for r in results]
    return "\n".join(lines) + "\n"


def by_type_markdown(rates: dict[str, dict[str, tuple[int, float]]]) -> str:
    """`rates`: {system: fix_rate_by_type(...)}; the systems become columns."""
    systems = list(rates)
    kinds = list(next(iter(rates.values())))
    lines = ["| error type (single-type sentences) | sentences | " + " | ".join(systems) + " |",
             "|---|---|" + "---|" * len(systems)]
    for kind in kinds:
        count = rates[systems[0]][kind][0]
        label = "none (left unchanged)" if kind == "correct" else kind.replace("_", " ")
        lines.append(f"| {label} | {count} | " + " | ".join(f"{rates[s][kind][1]:.0%}" for s in systems) + " |")
    return "\n".join(lines) + "\n"


def edits_by_type_markdown(rates: dict[str, dict[str, tuple[int, float]]], top: int = 12) -> str:
    """`rates`: {system: recall_by_errant_type(...)}: the share of the references' edits each system makes."""
    systems = list(rates)
    first = rates[systems[0]]
    lines = ["| ERRANT type | reference edits | " + " | ".join(systems) + " |", "|---|---|" + "---|" * len(systems)]
    for kind in list(first)[:top]:
        lines.append(f"| {kind} | {first[kind][0]} | " + " | ".join(f"{rates[s][kind][1]:.0%}" for s in systems) + " |")
    return "\n".join(lines) + "\n"


def write_outputs_tsv(path: Path, splits: Sequence[tuple[str, Sequence[str], Sequence[str], Sequence[str] | None,
                                                         Sequence[tuple[str, Sequence[str]]]]]) -> None:
    """One row per sentence of each split: split, source, reference, types, then each system's output."""
    header = ["split", "source", "reference", "types", *(name for name, _ in splits[0][4])]
    rows = ["\t".join(header)]
    for name, sources, references, types, systems in splits:
        for i, (src, ref) in enumerate(zip(sources, references, strict=True)):
            rows.append("\t".join([name, src, ref, types[i] if types else "", *(hyps[i] for _, hyps in systems)]))
    write_bytes_atomic(path, ("\n".join(rows) + "\n").encode("utf-8"))
