"""Greedy decoding over any runtime that exposes `encode` and `decode_step`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from edge_sdk.generation.confidence import step_margin


class Session:  # structural: RuntimeSession and EagerSession both fit
    run: Callable[[str, Sequence[np.ndarray]], list[np.ndarray]]


@dataclass
class DecodeResult:
    tokens: list[int]  # generated ids, </s> included when reached
    logits: list[np.ndarray] = field(default_factory=list)  # [V] per step
    margins: list[float] = field(default_factory=list)  # per step: p(best) - p(second), with keep_margins


def greedy_decode(session: Session, src_ids: Sequence[int], start_id: int, eos_id: int, max_steps: int,
                  forced: Sequence[int] | None = None, keep_logits: bool = False, keep_margins: bool = False,
                  between_steps: Callable[[int], None] | None = None) -> DecodeResult:
    """Decode up to `max_steps` tokens.

    `forced` teacher-forces those tokens instead of the argmax (to compare logits step by step against a
    reference); `between_steps(step)` runs before each step (used to prove that other calls into the
    runtime do not disturb the decoder's cache).
    """
    src = np.asarray([list(src_ids)], dtype=np.int64)
    memory_kv, memory_bias = session.run("encode", [src])
    result = DecodeResult(tokens=[])
    token = start_id
    steps = len(forced) if forced is not None else max_steps
    for step in range(min(steps, max_steps)):
        if between_steps is not None:
            between_steps(step)
        (logits,) = session.run("decode_step", [np.asarray([token], dtype=np.int64),
                                                np.asarray([step], dtype=np.int64), memory_kv, memory_bias])
        logits = logits.reshape(-1)
        if keep_logits:
            result.logits.append(logits)
        if keep_margins:
            result.margins.append(step_margin(logits))
        predicted = int(np.argmax(logits))
        result.tokens.append(predicted)
        token = forced[step] if forced is not None else predicted
        if forced is None and predicted == eos_id:
            break
    return result
