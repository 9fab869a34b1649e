"""Run every artifact of a bundle in its real runtime and compare it with the eager golden vectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edge_sdk.bundle.io import Bundle
from edge_sdk.bundle.manifest import Artifact
from edge_sdk.export import BACKENDS
from edge_sdk.generation import greedy_decode
from edge_sdk.verify.golden import ClassifySample, GoldenSample
from edge_sdk.verify.integrity import check_bundle

# What the build promises; a bundle's own config may be stricter (recorded in DEFAULT_TOLERANCES use).
FP32_MAX_ABS_DIFF = 1e-3
INT8_MIN_TOKEN_AGREEMENT = 0.9


@dataclass
class ArtifactReport:
    backend: str
    quantization: str
    file: str
    size_bytes: int
    max_abs_diff: float  # teacher-forced logits vs eager, over all samples and steps
    token_agreement: float  # teacher-forced argmax == eager greedy token
    greedy_identical: float  # share of samples whose free-running greedy output equals eager's
    cache_isolated: bool  # `encode` of another input between decode steps changes nothing
    passed: bool
    reason: str
    ran: bool = True  # False: the runtime does not exist on this machine; only the spec was checked


def _teacher_forced(session: object, sample: GoldenSample, manifest_gen: object) -> tuple[float, np.ndarray]:
    result = greedy_decode(session, sample.src.tolist(), manifest_gen.decoder_start_id, manifest_gen.eos_id,
                           len(sample.tokens), forced=sample.tokens.tolist(), keep_logits=True)
    logits = np.stack(result.logits)
    return float(np.abs(logits - sample.logits).max()), np.argmax(logits, axis=-1) == sample.tokens


def check_cache_isolation(session: object, golden: list[GoldenSample], gen: object) -> bool:
    """Decode sample 0 while encoding another input before every step; the output must not change."""
    first = golden[0]
    other = golden[1 % len(golden)].src
    if len(golden) == 1 or np.array_equal(other, first.src):
        other = np.concatenate([first.src[:-1][::-1], first.src[-1:]])  # a different input, same length
    steps = len(first.tokens)
    plain = greedy_decode(session, first.src.tolist(), gen.decoder_start_id, gen.eos_id, steps,
                          forced=first.tokens.tolist(), keep_logits=True)
    disturbed = greedy_decode(session, first.src.tolist(), gen.decoder_start_id, gen.eos_id, steps,
                              forced=first.tokens.tolist(), keep_logits=True,
                              between_steps=lambda _s: session.run("encode", [other[None, :]]))
    return all(np.array_equal(a, b) for a, b in zip(plain.logits, disturbed.logits, strict=True))


def _spec_only_report(bundle: Bundle, artifact: Artifact, cache_isolated: bool) -> ArtifactReport | None:
    """The report for an artifact whose spec is wrong or whose runtime is not here; None when it can run."""
    backend = BACKENDS.get(artifact.backend)
    problems = backend.check_spec(bundle.path(artifact), artifact.methods)
    runs, why_not = backend.runs_here()
    if not problems and runs:
        return None
    reason = "; ".join(problems) if problems else f"spec matches the manifest; parity not run: {why_not}"
    return ArtifactReport(artifact.backend, artifact.quantization, artifact.file, artifact.size_bytes,
                          float("nan"), float("nan"), float("nan"), cache_isolated, not problems, reason, ran=False)


def verify_artifact(bundle: Bundle, artifact: Artifact, golden: list[GoldenSample],
                    fp32_tol: float = FP32_MAX_ABS_DIFF,
                    int8_min_agreement: float = INT8_MIN_TOKEN_AGREEMENT) -> ArtifactReport:
    gen = bundle.manifest.generation
    backend = BACKENDS.get(artifact.backend)
    skipped = _spec_only_report(bundle, artifact, cache_isolated=False)
    if skipped is not None:
        return skipped
    session = backend.load(bundle.path(artifact), artifact.methods)
    missing = {m.name for m in artifact.methods} - set(session.method_names)
    if missing:
        return ArtifactReport(artifact.backend, artifact.quantization, artifact.file, artifact.size_bytes,
                              float("nan"), 0.0, 0.0, False, False,
                              f"methods missing from the artifact: {', '.join(sorted(missing))}")
    diffs, agree, identical = [], [], []
    for sample in golden:
        diff, matches = _teacher_forced(session, sample, gen)
        diffs.append(diff)
        agree.append(matches)
        free = greedy_decode(session, sample.src.tolist(), gen.decoder_start_id, gen.eos_id, gen.max_target_len)
        identical.append(free.tokens == sample.tokens.tolist())
    max_diff = max(diffs)
    agreement = float(np.concatenate(agree).mean())
    greedy_same = float(np.mean(identical))
    isolated = check_cache_isolation(session, golden, gen)
    if not isolated:
        passed, reason = False, "encode between decode steps changed the decoder's output (KV cache clobbered)"
    elif artifact.quantization == "fp32":
        passed = max_diff <= fp32_tol and greedy_same == 1.0
        reason = "" if passed else f"fp32 must match eager: max |Δlogits| {max_diff:.2e} (limit {fp32_tol:.0e}), " \
                                   f"greedy identical {greedy_same:.0%}"
    else:
        passed = agreement >= int8_min_agreement
        reason = "" if passed else f"token agreement {agreement:.1%} below {int8_min_agreement:.0%}"
    return ArtifactReport(artifact.backend, artifact.quantization, artifact.file, artifact.size_bytes,
                          max_diff, agreement, greedy_same, isolated, passed, reason)


def verify_classifier(bundle: Bundle, artifact: Artifact, golden: list[ClassifySample],
                      fp32_tol: float = FP32_MAX_ABS_DIFF,
                      int8_min_agreement: float = INT8_MIN_TOKEN_AGREEMENT) -> ArtifactReport:
    """`classify` on the golden inputs: logit difference and label agreement (greedy = the label here)."""
    backend = BACKENDS.get(artifact.backend)
    skipped = _spec_only_report(bundle, artifact, cache_isolated=True)
    if skipped is not None:
        return skipped
    session = backend.load(bundle.path(artifact), artifact.methods)
    diffs, agree = [], []
    for sample in golden:
        (logits,) = session.run("classify", [sample.features, sample.length])
        logits = logits.reshape(-1)
        diffs.append(float(np.abs(logits - sample.logits).max()))
        agree.append(int(np.argmax(logits)) == int(np.argmax(sample.logits)))
    max_diff, agreement = max(diffs), float(np.mean(agree))
    if artifact.quantization == "fp32":
        passed = max_diff <= fp32_tol and agreement == 1.0
        reason = "" if passed else f"fp32 must match eager: max |Δlogits| {max_diff:.2e} (limit {fp32_tol:.0e})"
    else:
        passed = agreement >= int8_min_agreement
        reason = "" if passed else f"label agreement {agreement:.1%} below {int8_min_agreement:.0%}"
    # A classifier keeps no state between calls, so there is no cache to disturb.
    return ArtifactReport(artifact.backend, artifact.quantization, artifact.file, artifact.size_bytes,
                          max_diff, agreement, agreement, True, passed, reason)


def verify_bundle(bundle: Bundle, fp32_tol: float = FP32_MAX_ABS_DIFF,
                  int8_min_agreement: float = INT8_MIN_TOKEN_AGREEMENT) -> list[ArtifactReport]:
    """One report per artifact; `BundleError` first if the bundle itself cannot work (unlisted files, an
    asset that is not the one the model was built with, golden vectors that do not fit the manifest)."""
    golden = check_bundle(bundle)
    if bundle.manifest.labels is not None:
        return [verify_classifier(bundle, a, golden, fp32_tol, int8_min_agreement)
                for a in bundle.manifest.artifacts]
    return [verify_artifact(bundle, a, golden, fp32_tol, int8_min_agreement) for a in bundle.manifest.artifacts]
