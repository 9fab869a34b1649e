"""The native core (bridges/core, C ABI `edge_sdk.h`) from Python through ctypes.

For what only Python can do beside it: parity tests against the Python reference and side-by-side
benchmarks. Apps call the C ABI through the Kotlin and Swift layers, not through this.
`make core` builds the library at build/core/libedge_sdk.so; EDGE_SDK_CORE_LIB names another one.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "build" / "core" / "libedge_sdk.so"


class NativeError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Edit(ctypes.Structure):
    _fields_ = [("utf8_start", ctypes.c_size_t), ("utf8_end", ctypes.c_size_t),
                ("utf16_start", ctypes.c_size_t), ("utf16_end", ctypes.c_size_t),
                ("original", ctypes.c_char_p), ("original_len", ctypes.c_size_t),
                ("replacement", ctypes.c_char_p), ("replacement_len", ctypes.c_size_t),
                ("kind", ctypes.c_int), ("kind_name", ctypes.c_char_p)]


class _Skipped(ctypes.Structure):
    _fields_ = [("utf8_start", ctypes.c_size_t), ("utf8_end", ctypes.c_size_t),
                ("utf16_start", ctypes.c_size_t), ("utf16_end", ctypes.c_size_t), ("reason", ctypes.c_char_p)]


class _ModelOptions(ctypes.Structure):
    _fields_ = [("backend", ctypes.c_char_p), ("quantization", ctypes.c_char_p), ("runner", ctypes.c_void_p)]


class _BundleOptions(ctypes.Structure):
    _fields_ = [("verify_checksums", ctypes.c_int), ("expected_digest", ctypes.c_char_p)]


class _CascadeOptions(ctypes.Structure):
    _fields_ = [("error_label", ctypes.c_char_p), ("threshold", ctypes.c_float)]


@dataclass(frozen=True)
class NativeEdit:
    utf8: tuple[int, int]
    utf16: tuple[int, int]
    original: str
    replacement: str
    kind: str


@dataclass(frozen=True)
class NativeCorrection:
    text: str
    edits: list[NativeEdit]
    skipped: list[tuple[tuple[int, int], tuple[int, int], str]]  # utf8 span, utf16 span, reason
    error_probability: float = -1.0
    corrector_ran: bool = True


def _library(path: Path | None) -> ctypes.CDLL:
    path = Path(path or os.environ.get("EDGE_SDK_CORE_LIB") or DEFAULT_LIBRARY)
    if not path.is_file():
        raise FileNotFoundError(f"native core library not found at {path}: run `make core`")
    lib = ctypes.CDLL(str(path))
    p, vp, sz = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
    for name, res, args in (
        ("edge_sdk_last_error", p, []), ("edge_sdk_version", p, []),
        ("edge_sdk_bundle_open", ctypes.c_int, [p, ctypes.POINTER(_BundleOptions), ctypes.POINTER(vp)]),
        ("edge_sdk_bundle_free", None, [vp]), ("edge_sdk_bundle_digest", p, [vp]),
        ("edge_sdk_corrector_open", ctypes.c_int, [vp, ctypes.POINTER(_ModelOptions), ctypes.POINTER(vp)]),
        ("edge_sdk_corrector_correct", ctypes.c_int, [vp, p, sz, ctypes.POINTER(vp)]),
        ("edge_sdk_corrector_free", None, [vp]),
        ("edge_sdk_classifier_open", ctypes.c_int, [vp, ctypes.POINTER(_ModelOptions), ctypes.POINTER(vp)]),
        ("edge_sdk_classifier_classify", ctypes.c_int, [vp, p, sz, ctypes.POINTER(vp)]),
        ("edge_sdk_classifier_free", None, [vp]),
        ("edge_sdk_prediction_label_count", sz, [vp]), ("edge_sdk_prediction_label", p, [vp, sz]),
        ("edge_sdk_prediction_probability", ctypes.c_float, [vp, sz]), ("edge_sdk_prediction_free", None, [vp]),
        ("edge_sdk_cascade_open", ctypes.c_int, [vp, vp, ctypes.POINTER(_CascadeOptions), ctypes.POINTER(vp)]),
        ("edge_sdk_cascade_correct", ctypes.c_int, [vp, p, sz, ctypes.POINTER(vp)]),
        ("edge_sdk_cascade_free", None, [vp]),
        ("edge_sdk_correction_text", ctypes.POINTER(ctypes.c_char), [vp, ctypes.POINTER(sz)]),
        ("edge_sdk_correction_edit_count", sz, [vp]),
        ("edge_sdk_correction_edit", ctypes.POINTER(_Edit), [vp, sz]),
        ("edge_sdk_correction_skipped_count", sz, [vp]),
        ("edge_sdk_correction_skipped", ctypes.POINTER(_Skipped), [vp, sz]),
        ("edge_sdk_correction_error_probability", ctypes.c_float, [vp]),
        ("edge_sdk_correction_corrector_ran", ctypes.c_int, [vp]),
        ("edge_sdk_correction_free", None, [vp]),
    ):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


class NativeCore:
    """One loaded library; bundles, correctors and classifiers opened through it."""

    def __init__(self, library: Path | None = None) -> None:
        self.lib = _library(library)

    @property
    def version(self) -> str:
        return self.lib.edge_sdk_version().decode()

    def check(self, status: int) -> None:
        if status != 0:
            raise NativeError(status, self.lib.edge_sdk_last_error().decode("utf-8", "replace"))

    def open_bundle(self, path: Path, verify_checksums: bool = True,
                    expected_digest: str | None = None) -> NativeBundle:
        handle = ctypes.c_void_p()
        options = _BundleOptions(int(verify_checksums), expected_digest.encode() if expected_digest else None)
        self.check(self.lib.edge_sdk_bundle_open(os.fsencode(path), ctypes.byref(options), ctypes.byref(handle)))
        return NativeBundle(self, handle)


def _options(backend: str, quantization: str | None) -> _ModelOptions:
    return _ModelOptions(backend.encode(), quantization.encode() if quantization else None, None)


class NativeBundle:
    def __init__(self, core: NativeCore, handle: ctypes.c_void_p) -> None:
        self.core, self.handle = core, handle

    @property
    def digest(self) -> str:
        return self.core.lib.edge_sdk_bundle_digest(self.handle).decode()

    def corrector(self, backend: str = "executorch", quantization: str | None = None) -> NativeCorrector:
        handle = ctypes.c_void_p()
        options = _options(backend, quantization)
        self.core.check(self.core.lib.edge_sdk_corrector_open(self.handle, ctypes.byref(options), ctypes.byref(handle)))
        return NativeCorrector(self.core, handle)

    def classifier(self, backend: str = "executorch", quantization: str | None = None) -> NativeClassifier:
        handle = ctypes.c_void_p()
        self.core.check(self.core.lib.edge_sdk_classifier_open(self.handle,
                                                               ctypes.byref(_options(backend, quantization)),
                                                               ctypes.byref(handle)))
        return NativeClassifier(self.core, handle)

    def close(self) -> None:
        if self.handle:
            self.core.lib.edge_sdk_bundle_free(self.handle)
            self.handle = ctypes.c_void_p()


def _correction(lib: ctypes.CDLL, result: ctypes.c_void_p) -> NativeCorrection:
    try:
        size = ctypes.c_size_t()
        data = lib.edge_sdk_correction_text(result, ctypes.byref(size))
        text = ctypes.string_at(data, size.value).decode("utf-8")
        edits = []
        for i in range(lib.edge_sdk_correction_edit_count(result)):
            e = lib.edge_sdk_correction_edit(result, i).contents
            edits.append(NativeEdit((e.utf8_start, e.utf8_end), (e.utf16_start, e.utf16_end),
                                    ctypes.string_at(e.original, e.original_len).decode("utf-8"),
                                    ctypes.string_at(e.replacement, e.replacement_len).decode("utf-8"),
                                    e.kind_name.decode()))
        skipped = []
        for i in range(lib.edge_sdk_correction_skipped_count(result)):
            s = lib.edge_sdk_correction_skipped(result, i).contents
            skipped.append(((s.utf8_start, s.utf8_end), (s.utf16_start, s.utf16_end), s.reason.decode()))
        return NativeCorrection(text, edits, skipped, lib.edge_sdk_correction_error_probability(result),
                                bool(lib.edge_sdk_correction_corrector_ran(result)))
    finally:
        lib.edge_sdk_correction_free(result)


class NativeCorrector:
    def __init__(self, core: NativeCore, handle: ctypes.c_void_p) -> None:
        self.core, self.handle = core, handle

    def correct_bytes(self, text: bytes) -> NativeCorrection:
        result = ctypes.c_void_p()
        self.core.check(self.core.lib.edge_sdk_corrector_correct(self.handle, text, len(text), ctypes.byref(result)))
        return _correction(self.core.lib, result)

    def correct(self, text: str) -> NativeCorrection:
        return self.correct_bytes(text.encode("utf-8"))

    def close(self) -> None:
        if self.handle:
            self.core.lib.edge_sdk_corrector_free(self.handle)
            self.handle = ctypes.c_void_p()


class NativeClassifier:
    def __init__(self, core: NativeCore, handle: ctypes.c_void_p) -> None:
        self.core, self.handle = core, handle

    def classify(self, text: str) -> dict[str, float]:
        lib, result = self.core.lib, ctypes.c_void_p()
        data = text.encode("utf-8")
        self.core.check(lib.edge_sdk_classifier_classify(self.handle, data, len(data), ctypes.byref(result)))
        try:
            return {lib.edge_sdk_prediction_label(result, i).decode(): lib.edge_sdk_prediction_probability(result, i)
                    for i in range(lib.edge_sdk_prediction_label_count(result))}
        finally:
            lib.edge_sdk_prediction_free(result)

    def close(self) -> None:
        if self.handle:
            self.core.lib.edge_sdk_classifier_free(self.handle)
            self.handle = ctypes.c_void_p()


class NativeCascade:
    """Borrows both: keep the classifier and the corrector open while this is used."""

    def __init__(self, detector: NativeClassifier, corrector: NativeCorrector, error_label: str = "error",
                 threshold: float = 0.5) -> None:
        self.core, self.handle = corrector.core, ctypes.c_void_p()
        options = _CascadeOptions(error_label.encode(), threshold)
        self.core.check(self.core.lib.edge_sdk_cascade_open(detector.handle, corrector.handle, ctypes.byref(options),
                                                            ctypes.byref(self.handle)))

    def correct(self, text: str) -> NativeCorrection:
        result = ctypes.c_void_p()
        data = text.encode("utf-8")
        self.core.check(self.core.lib.edge_sdk_cascade_correct(self.handle, data, len(data), ctypes.byref(result)))
        return _correction(self.core.lib, result)

    def close(self) -> None:
        if self.handle:
            self.core.lib.edge_sdk_cascade_free(self.handle)
            self.handle = ctypes.c_void_p()
