"""ProFormer's LSH projection: text -> per-word ternary features, no trained parameters.

Specified in docs/projection-spec.md so that Python, Kotlin and Swift compute identical features.
"""

from edge_sdk.projection.lsh import ProjectionSettings, normalise, project, split_words, word_hashes
from edge_sdk.projection.murmur3 import murmur3_32

__all__ = ["ProjectionSettings", "murmur3_32", "normalise", "project", "split_words", "word_hashes"]
