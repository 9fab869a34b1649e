"""MurmurHash3_x86_32 (Austin Appleby, public domain), vectorised over seeds with NumPy.

One word is hashed under many seeds at once: the block loop runs once per 4 bytes of the word, each
step operating on an array of k lanes, one per seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _fmix(h: np.ndarray) -> np.ndarray:
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def murmur3_32(data: bytes, seeds: Sequence[int] | np.ndarray | int) -> np.ndarray:
    """Hash `data` under each seed; returns uint32 [len(seeds)] (a 0-d array for one int seed)."""
    h = np.array(seeds, dtype=np.uint32, copy=True)
    n = len(data)
    with np.errstate(over="ignore"):
        blocks = np.frombuffer(data[: n - n % 4], dtype="<u4")
        for k in blocks:  # little-endian 4-byte blocks, as the reference reads them on x86
            k = np.uint32(k) * _C1
            k = _rotl(np.asarray(k), 15) * _C2
            h ^= k
            h = _rotl(h, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        tail = data[n - n % 4:]
        if tail:
            k1 = np.uint32(int.from_bytes(tail, "little"))
            k1 = _rotl(np.asarray(k1 * _C1), 15) * _C2
            h ^= k1
        h ^= np.uint32(n & 0xFFFFFFFF)
        return _fmix(h)
