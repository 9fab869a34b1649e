"""Eager PyTorch behind the same `RuntimeSession` interface as the real runtimes.

Verification, golden vectors and benchmarks then treat eager PyTorch as just another runtime.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from edge_sdk.models.family import ExportMethod


class EagerSession:
    def __init__(self, methods: list[ExportMethod]) -> None:
        self._methods = {m.name: m.module.eval() for m in methods}
        self._outputs = {m.name: [o.name for o in m.outputs] for m in methods}

    @property
    def method_names(self) -> list[str]:
        return sorted(self._methods)

    @torch.no_grad()
    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        out = self._methods[method](*(torch.from_numpy(np.ascontiguousarray(x)) for x in inputs))
        if isinstance(out, dict):
            out = tuple(out[name] for name in self._outputs[method])
        outs = out if isinstance(out, tuple | list) else (out,)
        return [o.numpy().copy() for o in outs]
