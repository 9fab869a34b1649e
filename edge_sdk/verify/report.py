"""HTML report (sizes, parity, latency) for people who would rather look than read a table."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from edge_sdk.bundle.io import Bundle
from edge_sdk.fileio import write_bytes_atomic


def write_report(path: Path, bundle: Bundle, parity: list | None = None, latency: list | None = None) -> Path:
    env = Environment(loader=PackageLoader("edge_sdk.verify", "templates"), autoescape=select_autoescape())
    m = bundle.manifest
    html = env.get_template("report.html.j2").render(
        title=f"{m.name} {m.version}", subtitle=f"{m.family}, {m.parameters:,} parameters, built "
                                                f"{m.provenance.created_at} with edge-sdk {m.provenance.sdk_version}",
        sizes=[(f"{a.backend}/{a.quantization}", a.size_bytes / 1e6) for a in m.artifacts],
        parity=parity or [], latency=latency or [])
    path = Path(path)
    write_bytes_atomic(path, html.encode("utf-8"))
    return path
