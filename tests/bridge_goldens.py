"""What the Python reference does, written for the platform layers' tests (tests/android, tests/ios) to compare
with: golden corrections, detector probabilities and cascade results, and recorded model outputs that a
platform runner replays through the core's callback runner."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Per quantization: every golden group is in the subset (paragraphs, over-long, Unicode, empty, test split).
CI_LIMIT = 300
CASCADE_TEXTS = ["I has a apple.", "This sentence is already correct.", "", "Ünïcödé ✨ text, 東京 and שלום.",
                 "He go to school. She like it.\n\nThey was happy!", "a " * 300, "😀 We was going home 👍🏽.",
                 "مرحبا. The informations are very usefull.", "Cafe\u0301 is were we meet."]
# Short and long, several sentences, emoji and a combining mark: the callback path sees every kind of call.
REPLAY_TEXTS = ["I has a apple.", "We was going to the park yesterday. He don't like the the movie.",
                "😀 The informations are very usefull.", "Cafe\u0301 is were we meet.",
                "This sentence is already correct."]


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def write_goldens(bundle, out: Path, limit: int | None) -> list[Path]:
    """int8 and fp32 golden corrections (a `limit` subset of each) and every Unicode/script input in int8."""
    from edge_sdk.verify.core_golden import write_core_golden

    out.mkdir(parents=True, exist_ok=True)
    files = []
    for quantization in ("int8", "fp32"):
        files.append(out / f"golden-{quantization}.jsonl")
        write_core_golden(bundle, files[-1], "executorch", quantization, limit=limit)
    files.append(out / "golden-scripts-int8.jsonl")
    write_core_golden(bundle, files[-1], "executorch", "int8", groups={"empty", "unicode", "scripts"})
    return files


def write_cascade_golden(detector_bundle, model_bundle, out: Path) -> None:
    from edge_sdk.generation.cascade import Cascade
    from edge_sdk.generation.classifier import TextClassifier
    from edge_sdk.generation.corrector import GrammarCorrector

    detector = TextClassifier(detector_bundle, "executorch", "fp32")
    corrector = GrammarCorrector(model_bundle, "executorch", "int8")
    # A threshold inside the tiny detector's range, so some texts reach the corrector and some do not.
    probabilities = sorted(detector.classify(t).probabilities["error"] for t in CASCADE_TEXTS)
    threshold = probabilities[len(probabilities) // 2]
    cascade = Cascade(detector, corrector, threshold=threshold)
    lines = [json.dumps({"threshold": threshold, "detector_quantization": "fp32", "corrector_quantization": "int8"})]
    for text in CASCADE_TEXTS:
        result = cascade.correct(text)
        lines.append(json.dumps({
            "text": text, "probabilities": detector.classify(text).probabilities,
            "corrected_text": result.text, "corrector_ran": result.corrected,
            "error_probability": result.error_probability,
            "edits": [{"utf16": [utf16(text, e.start), utf16(text, e.end)], "replacement": e.replacement}
                      for e in result.correction.edits],
        }))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


class _RecordingSession:
    """The runtime session with every encode source and decode step (inputs and logits) written down."""

    def __init__(self, session) -> None:
        self.session = session
        self.sources: dict[tuple[int, ...], dict] = {}
        self.logits: list[np.ndarray] = []
        self._current: dict | None = None

    def run(self, method: str, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        outputs = self.session.run(method, inputs)
        if method == "encode":
            src = tuple(int(x) for x in np.asarray(inputs[0]).reshape(-1))
            self._current = self.sources.setdefault(src, {"src": list(src), "steps": []})
        elif method == "decode_step":
            token, position = int(np.asarray(inputs[0]).reshape(-1)[0]), int(np.asarray(inputs[1]).reshape(-1)[0])
            steps = self._current["steps"]
            if position == len(steps):  # a source seen before decodes to the same steps
                steps.append([token, position, len(self.logits)])
                self.logits.append(np.asarray(outputs[0], dtype="<f4").reshape(-1))
        return outputs


def write_runner_replay(bundle, out: Path, quantization: str = "int8") -> Path:
    """`out/replay.json` (the texts, Python's corrections, each source's decode steps) and `out/replay.f32`
    (each step's logits, little-endian float32): what a platform runner must return when the core asks."""
    from edge_sdk.generation.corrector import GrammarCorrector

    corrector = GrammarCorrector(bundle, "executorch", quantization)
    recording = _RecordingSession(corrector.session)
    corrector.session = recording
    texts = []
    for text in REPLAY_TEXTS:
        result = corrector.correct(text)
        texts.append({"text": text, "corrected_text": result.text,
                      "edits": [{"utf16": [utf16(text, e.start), utf16(text, e.end)], "replacement": e.replacement}
                                for e in result.edits]})
    vocab = int(recording.logits[0].size)
    out.mkdir(parents=True, exist_ok=True)
    (out / "replay.f32").write_bytes(np.concatenate(recording.logits).astype("<f4").tobytes())
    (out / "replay.json").write_text(json.dumps({"quantization": quantization, "vocab": vocab, "texts": texts,
                                                  "sources": list(recording.sources.values())}), encoding="utf-8")
    return out
