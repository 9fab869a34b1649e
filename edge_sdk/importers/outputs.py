"""The files `import-edgelm` writes, checked before any work (and before torch is even imported).

All three sit next to `-o`: the weights at `-o`, the config at `-o` with its suffix replaced by `.json`,
the remapped tokenizer (with a vocabulary) at `-o` with `.spm.model`. None may be an existing folder,
another of them, or one of the inputs (the checkpoint, `--dict`, `--spm`), compared as resolved paths
and as the same file, so symbolic and hard links are caught too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from edge_sdk.fileio import OutputError, check_output_file, real_path

__all__ = ["ImportOutputs", "OutputError", "check_import_outputs"]


@dataclass
class ImportOutputs:
    """The files an import writes, all next to `-o`: weights, config, and the tokenizer when a vocabulary
    is given."""

    weights: Path
    config: Path
    tokenizer: Path | None

    def labelled(self) -> list[tuple[str, Path]]:
        out = [("weights (-o)", self.weights), ("config (-o with .json)", self.config)]
        return out + ([("tokenizer (-o with .spm.model)", self.tokenizer)] if self.tokenizer else [])


def _same_file(a: Path, b: Path) -> bool:
    """The same path once resolved (`..`, symbolic links), or the same file (hard links)."""
    if real_path(a) == real_path(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_import_outputs(out: Path, checkpoint: Path, dictionary: Path | None = None,
                         sentencepiece: Path | None = None) -> ImportOutputs:
    """Refuse, before any work, outputs that would overwrite an input or each other, or cannot be written
    (`OutputError`, naming both paths)."""
    out = Path(out)
    if real_path(out).is_dir():
        raise OutputError(f"-o {out} is a folder; give a file name inside it, e.g. {out / 'edgelm.safetensors'}")
    with_tokenizer = dictionary is not None or sentencepiece is not None
    outputs = ImportOutputs(out, out.with_suffix(".json"), out.with_suffix(".spm.model") if with_tokenizer else None)
    labelled = outputs.labelled()
    inputs = [(label, Path(p)) for label, p in (("checkpoint", checkpoint), ("--dict", dictionary),
                                                ("--spm", sentencepiece)) if p is not None]
    for label, path in labelled:
        if real_path(path).is_dir():
            raise OutputError(f"the {label} output {path} is an existing folder; give -o another name")
    for i, (label_a, a) in enumerate(labelled):
        for label_b, b in labelled[i + 1:]:
            if _same_file(a, b):
                raise OutputError(f"-o {out}: the {label_a} output {a} and the {label_b} output {b} are the same "
                                  "file; give -o a name ending in .safetensors")
    for label, path in labelled:
        for input_label, source in inputs:
            if _same_file(path, source):
                raise OutputError(f"the {label} output {path} is the input {input_label} {source}; writing it would "
                                  "destroy the input: give -o another name")
    for label, path in labelled:
        try:  # a path under an existing file; a folder that cannot be written (probed with a temp file)
            check_output_file(path, f"the {label} output", [p for _, p in inputs])
        except OSError as err:
            raise OutputError(f"the {label} output {path} cannot be written ({err.strerror or err}: "
                              f"{err.filename})") from None
    return outputs
