"""Golden vectors: eager PyTorch's inputs and outputs, stored in the bundle for every runtime to replay."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

from edge_sdk.generation import greedy_decode, prepare_source
from edge_sdk.generation.greedy import Session

# Learner-style sentences with typical errors, plus one long enough to hit the source bound.
SAMPLE_SENTENCES = [
    "She go to school every day.",
    "I has a apple and two banana.",
    "Their going to the park tomorow, isnt it?",
    "He don't like coffee but he drink tea in the morning.",
    "The whale was much more larger then the ship that chase it across the ocean for many days.",
    "Yesterday we discuss about the new project whole afternoon.",
    "Café owners in Zürich says business is good.",
    "Can you tell me where is the station?",
]


@dataclass
class GoldenSample:
    src: np.ndarray  # int64 [S], </s> included
    tokens: np.ndarray  # int64 [T], eager greedy output
    logits: np.ndarray  # float32 [T, V], eager logits at each greedy step
    text: str = ""  # the sentence `src` came from, so the bridges also check their tokenizer


def make_golden(session: Session, tokenizer: object, samples: int, start_id: int, eos_id: int,
                max_source_len: int, max_target_len: int) -> list[GoldenSample]:
    golden = []
    for i in range(samples):
        text = SAMPLE_SENTENCES[i % len(SAMPLE_SENTENCES)]
        src = prepare_source(tokenizer, text, max_source_len, truncate=True)
        with torch.no_grad():
            result = greedy_decode(session, src, start_id, eos_id, max_target_len, keep_logits=True)
        golden.append(GoldenSample(np.asarray(src, dtype=np.int64), np.asarray(result.tokens, dtype=np.int64),
                                   np.stack(result.logits).astype(np.float32), text))
    return golden


def save_golden(samples: list[GoldenSample], path: Path) -> None:
    tensors = {}
    for i, s in enumerate(samples):
        tensors[f"{i}.src"], tensors[f"{i}.tokens"], tensors[f"{i}.logits"] = s.src, s.tokens, s.logits
    save_file(tensors, str(path), metadata={"samples": str(len(samples)),
                                            "texts": "\n".join(s.text for s in samples)})


def load_golden(path: Path) -> list[GoldenSample]:
    tensors = load_file(str(path))
    count = len({k.split(".")[0] for k in tensors})
    with safe_open(str(path), "np") as f:
        texts = (f.metadata() or {}).get("texts", "").split("\n")
    return [GoldenSample(tensors[f"{i}.src"], tensors[f"{i}.tokens"], tensors[f"{i}.logits"],
                         texts[i] if i < len(texts) else "")
            for i in range(count)]


# --------------------------------------------------------------------------- classification
@dataclass
class ClassifySample:
    text: str
    features: np.ndarray  # float32 [1, N, T], zero-padded projection features
    length: np.ndarray  # int64 [1], real words
    logits: np.ndarray  # float32 [C], eager output


def classify_inputs(text: str, settings: object) -> tuple[np.ndarray, np.ndarray]:
    """The app's side of a projection classifier: project, zero-pad to max_words, count real words."""
    from edge_sdk.projection import project

    words = project(text, settings)
    features = np.zeros((1, settings.max_words, settings.features), dtype=np.float32)
    features[0, : len(words)] = words
    return features, np.asarray([len(words)], dtype=np.int64)


def make_classify_golden(session: Session, settings: object, samples: int) -> list[ClassifySample]:
    golden = []
    for i in range(samples):
        text = SAMPLE_SENTENCES[i % len(SAMPLE_SENTENCES)]
        features, length = classify_inputs(text, settings)
        with torch.no_grad():
            (logits,) = session.run("classify", [features, length])
        golden.append(ClassifySample(text, features, length, logits.reshape(-1).astype(np.float32)))
    return golden


def save_classify_golden(samples: list[ClassifySample], path: Path) -> None:
    tensors = {}
    for i, s in enumerate(samples):
        tensors[f"{i}.features"], tensors[f"{i}.length"], tensors[f"{i}.logits"] = s.features, s.length, s.logits
    save_file(tensors, str(path), metadata={"samples": str(len(samples)), "task": "classification",
                                            "texts": "\n".join(s.text for s in samples)})


def load_classify_golden(path: Path) -> list[ClassifySample]:
    with safe_open(str(path), "np") as f:
        texts = (f.metadata() or {}).get("texts", "").split("\n")
    tensors = load_file(str(path))
    count = len({k.split(".")[0] for k in tensors})
    return [ClassifySample(texts[i] if i < len(texts) else "", tensors[f"{i}.features"], tensors[f"{i}.length"],
                           tensors[f"{i}.logits"]) for i in range(count)]
