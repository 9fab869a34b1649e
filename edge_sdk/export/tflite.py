"""TFLite / LiteRT backend: one `.tflite` with a named signature per method, converted by litert-torch.

TFLite has static shapes and no mutable buffers, so the family exports its methods with fixed sizes and
the KV cache as an explicit input/output pair (`ExportStyle(static_shapes=True, state_as_io=True)`).
The tokenizer and a manifest excerpt are stored in the file's metadata (docs/bundle-format.md), so a
`.tflite` taken out of its bundle still says how to call it.

Runs in `ai-edge-litert`'s interpreter. Never `tflite-runtime`: it needs numpy<2 and returns wrong
logits for dynamic-int8 models without any error.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import torch

from edge_sdk.export.base import (
    BACKENDS,
    Backend,
    ExportError,
    Log,
    RuntimeSession,
    SignatureAdapter,
    write_bytes_atomic,
)
from edge_sdk.models.family import ExportMethod, ExportStyle, TensorSpec

# Metadata entry names inside the .tflite (the `Model.metadata` table of the flatbuffer).
METHODS_METADATA = "edge_sdk.methods"
ASSET_PREFIX = "edge_sdk.asset."
RECIPES = {"int8": "dynamic_wi8_afp32", "int8-weight-only": "weight_only_wi8_afp32"}


def _spec_json(spec: TensorSpec) -> dict[str, object]:
    return {"name": spec.name, "dtype": TFLiteBackend.dtype_map.get(spec.dtype, spec.dtype),
            "shape": list(spec.shape), "pad_value": spec.pad_value, "feeds": spec.feeds}


def _spec_from_json(data: Mapping[str, object]) -> TensorSpec:
    return TensorSpec(str(data["name"]), str(data["dtype"]), tuple(data["shape"]),  # type: ignore[arg-type]
                      data.get("pad_value"), data.get("feeds"))  # type: ignore[arg-type]


def embed_metadata(model: bytes, entries: Mapping[str, bytes]) -> bytes:
    """Append named metadata buffers to a .tflite (and share byte-identical weight buffers).

    `read_model_from_bytearray` resolves buffers stored after the flatbuffer (by offset) into the object
    before it is re-packed; a plain `ModelT` unpack/pack drops them and leaves a file without weights.
    """
    from ai_edge_litert import schema_py_generated as schema
    from ai_edge_litert.tools import flatbuffer_utils

    obj = flatbuffer_utils.read_model_from_bytearray(bytearray(model))
    share_identical_buffers(obj)
    obj.metadata = [m for m in (obj.metadata or []) if m.name not in entries]
    for name, data in entries.items():
        buffer = schema.BufferT()
        buffer.data = np.frombuffer(data, dtype=np.uint8)
        obj.buffers.append(buffer)
        meta = schema.MetadataT()
        meta.name = name
        meta.buffer = len(obj.buffers) - 1
        obj.metadata.append(meta)
    return bytes(flatbuffer_utils.convert_object_to_bytearray(obj))


def share_identical_buffers(obj: Any, min_bytes: int = 1024) -> int:
    """Point every tensor at the first of any byte-identical constant buffers and empty the others; the
    bytes saved. The converter keeps one copy of a weight per signature that uses it (the decoder's
    projections shared with the encoder came out twice); a buffer holds only data (quantization scales
    belong to the tensor), so tensors with equal bytes can share one."""
    first: dict[bytes, int] = {}
    remap: dict[int, int] = {}
    for i, buffer in enumerate(obj.buffers):
        data = getattr(buffer, "data", None)
        if data is None or len(data) < min_bytes:
            continue
        key = hashlib.sha256(np.asarray(data).tobytes()).digest()
        if key in first:
            remap[i] = first[key]
        else:
            first[key] = i
    saved = 0
    for subgraph in obj.subgraphs:
        for tensor in subgraph.tensors:
            tensor.buffer = remap.get(tensor.buffer, tensor.buffer)
    for i in remap:
        saved += len(obj.buffers[i].data)
        obj.buffers[i].data = None
    return saved


def read_metadata(model: bytes) -> dict[str, bytes]:
    """Named metadata buffers of a .tflite, read lazily from the flatbuffer (no full unpack)."""
    from ai_edge_litert import schema_py_generated as schema

    root = schema.Model.GetRootAs(model, 0)
    entries = {}
    for i in range(root.MetadataLength()):
        meta = root.Metadata(i)
        name = meta.Name().decode()
        buffer = root.Buffers(meta.Buffer())
        if buffer.Offset() > 1:
            entries[name] = model[buffer.Offset():buffer.Offset() + buffer.Size()]
        else:
            entries[name] = buffer.DataAsNumpy().tobytes() if buffer.DataLength() else b""
    return entries


@BACKENDS.register("tflite")
class TFLiteBackend(Backend):
    name = "tflite"
    suffix = ".tflite"
    quantizations = ("fp32", "int8", "int8-weight-only")
    style = ExportStyle(static_shapes=True, state_as_io=True)
    dtype_map: ClassVar[Mapping[str, str]] = MappingProxyType({"int64": "int32"})

    def export(self, methods: list[ExportMethod], quantization: str, out_path: Path, log: Log,
               assets: Mapping[str, bytes] | None = None) -> None:
        import litert_torch

        self.check_quantization(quantization)
        builder = None
        for method in methods:
            method.module.eval().requires_grad_(False)
            kwargs = {spec.name: t for spec, t in zip(method.inputs, method.example_inputs, strict=True)}
            add = litert_torch.signature if builder is None else builder.signature
            builder = add(method.name, method.module, sample_kwargs=kwargs)
        log(f"converting {', '.join(m.name for m in methods)} with litert-torch")
        try:
            with torch.no_grad():
                edge_model = builder.convert()
        except Exception as err:  # the converter raises many types; name what failed
            raise ExportError(f"litert-torch could not convert {[m.name for m in methods]}: {err}") from err
        with tempfile.TemporaryDirectory() as tmp:
            edge_model.export(str(Path(tmp) / "model.tflite"))
            model = (Path(tmp) / "model.tflite").read_bytes()
        if quantization != "fp32":
            log(f"quantizing ({RECIPES[quantization]})")
            model = self._quantize(model, quantization)
        methods_json = [{"name": m.name, "inputs": [_spec_json(s) for s in m.inputs],
                         "outputs": [_spec_json(s) for s in m.outputs]} for m in methods]
        entries = {METHODS_METADATA: json.dumps(methods_json).encode()}
        entries.update({ASSET_PREFIX + name: data for name, data in (assets or {}).items()})
        write_bytes_atomic(out_path, embed_metadata(model, entries))

    @staticmethod
    def _quantize(model: bytes, quantization: str) -> bytes:
        from ai_edge_quantizer import quantizer, recipe

        qt = quantizer.Quantizer(bytearray(model), getattr(recipe, RECIPES[quantization])())
        result = qt.quantize(enable_progress_report=False)
        if result.quantized_model is None:
            raise ExportError(f"ai-edge-quantizer produced no model for {quantization}")
        return bytes(result.quantized_model)

    def load(self, path: Path, methods: Sequence[Any] | None = None) -> RuntimeSession:
        return TFLiteSession(path)

    def versions(self) -> dict[str, str]:
        return {p: version(p) for p in ("litert-torch", "ai-edge-litert", "ai-edge-quantizer")}


class TFLiteSession(RuntimeSession):
    def __init__(self, path: Path, num_threads: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        data = Path(path).read_bytes()
        try:
            self.metadata = read_metadata(data)
            self._interpreter = Interpreter(model_content=data, num_threads=num_threads)
        except Exception as err:
            raise ExportError(f"LiteRT could not load {path}: {err}") from err
        if METHODS_METADATA not in self.metadata:
            raise ExportError(f"{path} has no {METHODS_METADATA} metadata: not built by edge-sdk")
        methods = json.loads(self.metadata[METHODS_METADATA])
        self._adapter = SignatureAdapter([(m["name"], [_spec_from_json(s) for s in m["inputs"]],
                                           [_spec_from_json(s) for s in m["outputs"]]) for m in methods])
        self._names = [m["name"] for m in methods]
        self._runners: dict[str, object] = {}

    @property
    def method_names(self) -> list[str]:
        return sorted(set(self._names) & set(self._interpreter.get_signature_list()))

    def asset(self, name: str) -> bytes:
        return self.metadata[ASSET_PREFIX + name]

    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        if method not in self._runners:
            self._runners[method] = self._interpreter.get_signature_runner(method)
        outputs = self._runners[method](**self._adapter.inputs(method, inputs))
        return self._adapter.outputs(method, outputs)
