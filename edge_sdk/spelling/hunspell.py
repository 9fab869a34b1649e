"""Hunspell through its C API (ctypes): the same library, version and dictionaries the native core links,
so the Python reference and the phones make the same suggestions.

Only `Hunspell_create/destroy`, `Hunspell_spell`, `Hunspell_suggest` and `Hunspell_free_list` are used.
Dictionaries must be UTF-8 (`SET UTF-8`): words go in and come out as UTF-8 bytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from pathlib import Path

# The soname the native core links (Debian libhunspell-1.7-0; the mobile builds compile the same release).
LIBRARY_NAMES = ("hunspell-1.7", "hunspell")


class HunspellUnavailable(RuntimeError):
    """libhunspell is not installed: the spelling stage cannot run (bundles without one still work)."""


_lib: ctypes.CDLL | None = None
_lock = threading.Lock()


def _library() -> ctypes.CDLL:
    global _lib
    with _lock:
        if _lib is not None:
            return _lib
        for name in LIBRARY_NAMES:
            path = ctypes.util.find_library(name)
            if path is None:
                continue
            lib = ctypes.CDLL(path)
            lib.Hunspell_create.restype = ctypes.c_void_p
            lib.Hunspell_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            lib.Hunspell_destroy.argtypes = [ctypes.c_void_p]
            lib.Hunspell_spell.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.Hunspell_spell.restype = ctypes.c_int
            lib.Hunspell_suggest.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)),
                                             ctypes.c_char_p]
            lib.Hunspell_suggest.restype = ctypes.c_int
            lib.Hunspell_free_list.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)),
                                               ctypes.c_int]
            _lib = lib
            return lib
        raise HunspellUnavailable("the spelling stage needs libhunspell 1.7 (Debian/Ubuntu: apt-get install "
                                  "libhunspell-1.7-0; macOS: brew install hunspell); `make native-deps` installs it")


class Hunspell:
    """One dictionary (an .aff and a .dic). Not thread-safe: Hunspell keeps state per call; lock around it."""

    def __init__(self, aff: Path, dic: Path) -> None:
        for path in (aff, dic):
            if not Path(path).is_file():
                raise FileNotFoundError(f"Hunspell dictionary file not found: {path}")
        self._lib = _library()
        # Hunspell reads both files itself and reports nothing when they are not a dictionary; the caller
        # checks their hashes first (the bundle does).
        self._handle = self._lib.Hunspell_create(str(aff).encode(), str(dic).encode())
        if not self._handle:
            raise RuntimeError(f"Hunspell could not load {aff} / {dic}")
        self._lock = threading.Lock()

    def spell(self, word: str) -> bool:
        with self._lock:
            return self._lib.Hunspell_spell(self._handle, word.encode("utf-8")) != 0

    def suggest(self, word: str) -> list[str]:
        found = ctypes.POINTER(ctypes.c_char_p)()
        with self._lock:
            n = self._lib.Hunspell_suggest(self._handle, ctypes.byref(found), word.encode("utf-8"))
            try:
                return [found[i].decode("utf-8", errors="replace") for i in range(n)]
            finally:
                if n > 0:
                    self._lib.Hunspell_free_list(self._handle, ctypes.byref(found), n)

    def close(self) -> None:
        if self._handle:
            self._lib.Hunspell_destroy(self._handle)
            self._handle = None

    def __del__(self) -> None:
        self.close()
