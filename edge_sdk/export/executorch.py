"""ExecuTorch backend: one `.pte` with every method, lowered to XNNPACK; fp32 or dynamic int8."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import torch

from edge_sdk.export.base import BACKENDS, Backend, ExportError, Log, RuntimeSession, write_bytes_atomic
from edge_sdk.models.family import ExportMethod


def _dynamic_shapes(method: ExportMethod) -> tuple[dict[int, torch.export.Dim], ...] | None:
    if not method.dims:
        return None
    dims = {name: torch.export.Dim(name, min=lo, max=hi) for name, (lo, hi) in method.dims.items()}
    return tuple({i: dims[d] for i, d in enumerate(spec.shape) if isinstance(d, str)}
                 for spec in method.inputs)


def _quantize_dynamic_int8(method: ExportMethod, dynamic_shapes: object) -> torch.nn.Module:
    """PT2E dynamic int8: per-channel symmetric int8 weights, activations quantized per call."""
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer,
        get_symmetric_quantization_config,
    )
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    graph = torch.export.export(method.module, method.example_inputs, dynamic_shapes=dynamic_shapes).module()
    quantizer = XNNPACKQuantizer().set_global(
        get_symmetric_quantization_config(is_per_channel=True, is_dynamic=True))
    prepared = prepare_pt2e(graph, quantizer)
    for inputs in method.calibration or [method.example_inputs]:
        prepared(*inputs)
    return convert_pt2e(prepared)


@BACKENDS.register("executorch")
class ExecuTorchBackend(Backend):
    name = "executorch"
    suffix = ".pte"
    quantizations = ("fp32", "int8")

    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log,
               assets: Mapping[str, bytes] | None = None) -> None:
        # The bundle carries the tokenizer and manifest beside the .pte; nothing is embedded.
        from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
        from executorch.exir import EdgeCompileConfig, ExecutorchBackendConfig, to_edge_transform_and_lower
        from executorch.exir.passes import MemoryPlanningPass

        self.check_quantization(quantization)
        programs = {}
        for method in methods:
            # Buffers written in place (the KV cache) cannot be leaves that require grad.
            method.module.eval().requires_grad_(False)
            dynamic_shapes = _dynamic_shapes(method)
            log(f"tracing {method.name} ({quantization})")
            with torch.no_grad():
                module = (_quantize_dynamic_int8(method, dynamic_shapes) if quantization == "int8"
                          else method.module)
                try:
                    programs[method.name] = torch.export.export(
                        module, method.example_inputs, dynamic_shapes=dynamic_shapes)
                except Exception as err:  # torch.export raises many types; name the method
                    raise ExportError(f"torch.export failed for method {method.name}: {err}") from err
        log("lowering to XNNPACK")
        # The edge-dialect dtype verifier re-checks every node of every XNNPACK partition and took about a
        # quarter of the export time; parity against eager PyTorch (verify) is the check that matters.
        edge = to_edge_transform_and_lower(programs, partitioner=[XnnpackPartitioner()],
                                           compile_config=EdgeCompileConfig(_check_ir_validity=False))
        # Methods share planned memory by default; the decoder's KV cache must get storage of its own,
        # or running `encode` between decode steps overwrites it.
        program = edge.to_executorch(ExecutorchBackendConfig(
            memory_planning_pass=MemoryPlanningPass(share_mutable_buffers=True),
            emit_mutable_buffer_names=True))
        write_bytes_atomic(out_path, program.buffer)

    def load(self, path: Path, methods: Sequence[Any] | None = None) -> RuntimeSession:
        return ExecuTorchSession(path)

    def versions(self) -> dict[str, str]:
        return {"executorch": version("executorch")}


@contextlib.contextmanager
def _native_stderr_held() -> Iterator[None]:
    """Hold back what native code writes to fd 2, and show it only if the call fails.

    XNNPACK's cpuinfo logs /sys probing lines on every first method load ("Failed to open midr file"),
    which reads like an error to app developers running `edge-sdk run`.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            sys.stderr.write(held.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class ExecuTorchSession(RuntimeSession):
    def __init__(self, path: Path) -> None:
        from executorch.runtime import Runtime

        try:
            self._program = Runtime.get().load_program(Path(path))
        except Exception as err:
            raise ExportError(f"ExecuTorch could not load {path}: {err}") from err
        self._methods: dict[str, object] = {}

    @property
    def method_names(self) -> list[str]:
        return sorted(self._program.method_names)

    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        if method not in self._methods:
            with _native_stderr_held():
                self._methods[method] = self._program.load_method(method)
        outputs = self._methods[method].execute([torch.from_numpy(np.ascontiguousarray(x)) for x in inputs])
        # Outputs alias the runtime's planned memory: copy before the next call reuses it.
        return [o.detach().numpy().copy() for o in outputs]
