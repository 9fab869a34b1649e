"""Core ML backends (coremltools 9.0, ML Program), converted through `torch.export`.

Two variants, one per iOS generation:

- `coreml` (iOS 18+): the decoder's KV cache buffers become Core ML *states*; `encode` and `decode_step`
  are functions of one multifunction `.mlpackage`, which stores the shared weights once.
- `coreml-ios16` (iOS 16/17, no states, no multifunction): the cache is an explicit input/output pair
  (`self_kv` -> `self_kv_out`), and the artifact is a folder holding one `.mlpackage` per method.

Core ML predicts only on macOS. On Linux the build converts and `verify` checks each package's spec
against the manifest (functions, inputs, outputs, states); parity runs where Core ML does (tests marked
`macos`, and the macOS CI workflow).
"""

from __future__ import annotations

import platform
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import torch

from edge_sdk.export.base import BACKENDS, Backend, ExportError, Log, RuntimeSession, SignatureAdapter
from edge_sdk.models.family import ExportMethod, ExportStyle


def coreml_runs_here() -> tuple[bool, str]:
    if platform.system() != "Darwin":
        return False, "Core ML prediction needs macOS (coremltools converts on Linux but cannot run models)"
    return True, ""


def _np_dtype(dtype: str) -> type:
    return {"int64": np.int32, "int32": np.int32, "float32": np.float32, "float16": np.float16}[dtype]


def convert_method(method: ExportMethod, quantization: str, stateful: bool) -> Any:
    """One method -> an in-memory `MLModel` (ML Program)."""
    import coremltools as ct

    module = method.module.eval().requires_grad_(False)
    dims = {name: torch.export.Dim(name, min=lo, max=hi) for name, (lo, hi) in method.dims.items()}
    dynamic = tuple({i: dims[d] for i, d in enumerate(s.shape) if isinstance(d, str)}
                    for s in method.inputs) if dims else None
    with torch.no_grad():
        program = torch.export.export(module, method.example_inputs, dynamic_shapes=dynamic)
    inputs = []
    for spec, example in zip(method.inputs, method.example_inputs, strict=True):
        shape = [ct.RangeDim(lower_bound=method.dims[d][0], upper_bound=method.dims[d][1], default=example.shape[i])
                 if isinstance(d, str) else d for i, d in enumerate(spec.shape)]
        inputs.append(ct.TensorType(name=spec.name, shape=ct.Shape(shape), dtype=_np_dtype(spec.dtype)))
    # Mutable buffers (the KV cache) become fp16 Core ML states; only iOS 18 has states.
    states = [ct.StateType(wrapped_type=ct.TensorType(shape=tuple(buf.shape), dtype=np.float16), name=name)
              for name, buf in module.named_buffers()
              if stateful and name in program.graph_signature.buffers_to_mutate.values()]
    try:
        return ct.convert(
            program.run_decompositions({}), inputs=inputs, outputs=[ct.TensorType(name=o.name) for o in method.outputs],
            states=states or None, convert_to="mlprogram",
            minimum_deployment_target=ct.target.iOS18 if stateful else ct.target.iOS16,
            compute_precision=ct.precision.FLOAT32 if quantization == "fp32" else ct.precision.FLOAT16,
            skip_model_load=True)
    except Exception as err:  # coremltools raises many types; name the method
        raise ExportError(f"coremltools could not convert method {method.name}: {err}") from err


def quantize_weights(model: Any) -> Any:
    """int8 symmetric per-channel weights (ct.optimize.coreml); activations stay fp16."""
    import coremltools as ct

    config = ct.optimize.coreml.OptimizationConfig(
        global_config=ct.optimize.coreml.OpLinearQuantizerConfig(mode="linear_symmetric", dtype="int8"))
    return ct.optimize.coreml.linear_quantize_weights(model, config)


def _replace_dir(built: Path, out_path: Path) -> None:
    """Move a finished package into place in one rename (the old one, if any, is removed after)."""
    old = out_path.with_name(f".{out_path.name}.old")
    if out_path.exists():
        out_path.rename(old)
    built.rename(out_path)
    shutil.rmtree(old, ignore_errors=True)


def package_spec(path: Path, function: str | None = None) -> Any:
    """The model description of a package (Linux: the spec only, no compilation)."""
    import coremltools as ct

    model = ct.models.MLModel(str(path), skip_model_load=True, function_name=function)
    return model.get_spec()


def describe(spec: Any, function: str | None) -> dict[str, list[str]]:
    """Input, output and state names of one function of a (possibly multifunction) spec."""
    desc = spec.description
    if function is not None and len(desc.functions):
        desc = next(f for f in desc.functions if f.name == function)
    return {"inputs": [i.name for i in desc.input], "outputs": [o.name for o in desc.output],
            "states": [s.name for s in desc.state]}


class _CoreMLBase(Backend):
    suffix: str
    quantizations = ("fp16", "int8", "fp32")
    default_quantizations = ("fp16", "int8")
    dtype_map: ClassVar[Mapping[str, str]] = MappingProxyType({"int64": "int32"})
    stateful: bool

    def _convert_all(self, methods: list[ExportMethod], quantization: str, log: Log) -> dict[str, Any]:
        self.check_quantization(quantization)
        models = {}
        for method in methods:
            log(f"converting {method.name} ({quantization})")
            model = convert_method(method, quantization, self.stateful)
            models[method.name] = quantize_weights(model) if quantization == "int8" else model
        return models

    def versions(self) -> dict[str, str]:
        return {"coremltools": version("coremltools")}

    def runs_here(self) -> tuple[bool, str]:
        return coreml_runs_here()

    def check_spec(self, path: Path, methods: Sequence[Any]) -> list[str]:
        """Problems found comparing the package's spec with the manifest's method signatures."""
        problems = []
        for method in methods:
            try:
                got = self._describe_method(path, method.name)
            except Exception as err:  # a missing or unreadable package/function
                problems.append(f"{method.name}: cannot read the Core ML spec ({err})")
                continue
            want_in = [i.name for i in method.inputs]
            if got["inputs"] != want_in:
                problems.append(f"{method.name}: inputs {got['inputs']}, manifest says {want_in}")
            want_out = [o.name for o in method.outputs]
            if got["outputs"] != want_out:
                problems.append(f"{method.name}: outputs {got['outputs']}, manifest says {want_out}")
            if self.stateful and method.name == "decode_step" and not got["states"]:
                problems.append("decode_step: no Core ML states (the KV cache must be state on iOS 18)")
        return problems

    def _describe_method(self, path: Path, name: str) -> dict[str, list[str]]:
        raise NotImplementedError


@BACKENDS.register("coreml")
class CoreMLBackend(_CoreMLBase):
    name = "coreml"
    suffix = ".mlpackage"
    style = ExportStyle()
    stateful = True

    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log,
               assets: Mapping[str, bytes] | None = None) -> None:
        import coremltools as ct

        models = self._convert_all(methods, quantization, log)
        with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=f".{out_path.name}.") as tmp:
            descriptor = ct.utils.MultiFunctionDescriptor()
            for name, model in models.items():
                single = Path(tmp) / f"{name}.mlpackage"
                model.save(str(single))
                descriptor.add_function(str(single), src_function_name="main", target_function_name=name)
            descriptor.default_function_name = methods[0].name
            log("packing the methods as functions of one .mlpackage (shared weights stored once)")
            combined = Path(tmp) / "combined.mlpackage"
            ct.utils.save_multifunction(descriptor, str(combined))
            _replace_dir(combined, out_path)

    def _describe_method(self, path: Path, name: str) -> dict[str, list[str]]:
        return describe(package_spec(path, name), name)

    def load(self, path: Path, methods: Sequence[Any] | None = None) -> RuntimeSession:
        return CoreMLSession(path, stateful=True, methods=methods or [])


@BACKENDS.register("coreml-ios16")
class CoreMLStatelessBackend(_CoreMLBase):
    name = "coreml-ios16"
    suffix = ".coreml"
    style = ExportStyle(state_as_io=True)
    stateful = False
    default_quantizations = ("fp16",)

    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log,
               assets: Mapping[str, bytes] | None = None) -> None:
        models = self._convert_all(methods, quantization, log)
        with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=f".{out_path.name}.") as tmp:
            folder = Path(tmp) / "out"
            folder.mkdir()
            for name, model in models.items():
                model.save(str(folder / f"{name}.mlpackage"))
            _replace_dir(folder, out_path)

    def _describe_method(self, path: Path, name: str) -> dict[str, list[str]]:
        return describe(package_spec(path / f"{name}.mlpackage"), None)

    def load(self, path: Path, methods: Sequence[Any] | None = None) -> RuntimeSession:
        if not methods:
            raise ExportError("the iOS 16 Core ML variant needs the manifest's method signatures to run")
        return CoreMLSession(path, stateful=False, methods=methods)


class CoreMLSession(RuntimeSession):
    """Runs a package with Core ML itself; macOS only.

    `methods` are the manifest's signatures: the stateless variant needs them to feed `self_kv_out` back
    into `self_kv`; the stateful one keeps one `MLState` per function instead.
    """

    def __init__(self, path: Path, stateful: bool, methods: Sequence[Any]) -> None:
        ok, reason = coreml_runs_here()
        if not ok:
            raise ExportError(reason)
        import coremltools as ct

        self._path, self._stateful, self._ct = Path(path), stateful, ct
        self._names = [m.name for m in methods]
        self._adapter = SignatureAdapter([(m.name, m.inputs, m.outputs) for m in methods])
        self._models: dict[str, Any] = {}
        self._states: dict[str, Any] = {}

    @property
    def method_names(self) -> list[str]:
        if self._stateful:
            return sorted(f.name for f in package_spec(self._path).description.functions)
        return sorted(p.name.removesuffix(".mlpackage") for p in self._path.glob("*.mlpackage"))

    def _model(self, method: str) -> Any:
        if method not in self._models:
            if self._stateful:
                self._models[method] = self._ct.models.MLModel(str(self._path), function_name=method)
            else:
                self._models[method] = self._ct.models.MLModel(str(self._path / f"{method}.mlpackage"))
        return self._models[method]

    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        model = self._model(method)
        feed = self._adapter.inputs(method, inputs)
        if self._stateful and len(model.get_spec().description.state):
            if method not in self._states:
                self._states[method] = model.make_state()
            out = model.predict(feed, state=self._states[method])
        else:
            out = model.predict(feed)
        return [np.asarray(x, dtype=np.float32) if np.asarray(x).dtype.kind == "f" else np.asarray(x)
                for x in self._adapter.outputs(method, out)]
