"""LSH projection: the hash pinned to published MurmurHash3 vectors, features, determinism, edge cases."""

from __future__ import annotations

import json
import random

import mmh3
import numpy as np
import pytest

from edge_sdk.projection import ProjectionSettings, murmur3_32, normalise, project, split_words, word_hashes
from edge_sdk.projection.golden import write_golden

# MurmurHash3_x86_32 reference vectors as published with the algorithm's verification suites.
PUBLISHED = [
    (b"", 0, 0x00000000), (b"", 1, 0x514E28B7), (b"", 0xFFFFFFFF, 0x81F16F39),
    (b"\x00\x00\x00\x00", 0, 0x2362F9DE), (b"aaaa", 0x9747B28C, 0x5A97808A),
    (b"Hello, world!", 0x9747B28C, 0x24884CBA),
    (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
]
SETTINGS = ProjectionSettings()


@pytest.mark.parametrize(("data", "seed", "expected"), PUBLISHED)
def test_published_reference_vectors(data, seed, expected):
    assert int(murmur3_32(data, [seed])[0]) == expected


def test_matches_an_independent_implementation_on_random_input():
    rng = random.Random(0)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        seeds = [rng.randrange(2**32) for _ in range(4)]
        assert murmur3_32(data, seeds).tolist() == [mmh3.hash(data, s, signed=False) for s in seeds]


def test_two_bits_per_feature_ternary_mapping():
    settings = ProjectionSettings(features=16)
    (h,) = word_hashes("whale", settings)
    features = project("whale", settings)[0]
    expected = [{0: 0, 1: 1, 2: -1, 3: 0}[(int(h) >> (2 * i)) & 3] for i in range(16)]
    assert features.tolist() == expected
    assert set(project("the whale swam", SETTINGS).ravel().tolist()) <= {-1.0, 0.0, 1.0}


def test_deterministic_and_seed_sensitive():
    a = project("The whale swam far away.", SETTINGS)
    assert np.array_equal(a, project("The whale swam far away.", SETTINGS))
    assert not np.array_equal(a, project("The whale swam far away.", ProjectionSettings(seed=1)))
    assert a.shape == (6, 256)


@pytest.mark.parametrize(("text", "words"), [
    ("", []), ("   \t\n", []),
    ("Hello, World!", ["hello", ",", "world", "!"]),
    ("ﬁne", ["fine"]),  # NFKC ligature
    ("ＡＢＣ", ["abc"]),  # NFKC full width
    ("ΟΔΟΣ οδός", ["οδοσ", "οδόσ"]),  # final sigma folded, accents kept
    ("東京で", ["東", "京", "で"]),  # no-space scripts: one code point per word
    ("서울에서 만나요", ["서울에서", "만나요"]),  # Hangul is spaced
    ("👍🏽 ok", ["👍", "🏽", "ok"]),
    ("שָׁלוֹם", ["שָׁלוֹם"]),  # marks stay inside the word
    ("non\u00a0breaking\u3000space", ["non", "breaking", "space"]),
    ("zero\u200bwidth", ["zero", "width"]),  # format characters separate and vanish
])
def test_word_splitting_edge_cases(text, words):
    assert split_words(text) == words


def test_long_text_is_capped_and_empty_text_is_empty():
    assert project(" ".join(["word"] * 500), SETTINGS).shape == (SETTINGS.max_words, 256)
    assert project("", SETTINGS).shape == (0, 256)
    assert normalise("Straße") == "straße"


def test_char_ngrams_add_subword_evidence():
    plain, ngrams = ProjectionSettings(), ProjectionSettings(char_ngrams=(3,))
    assert not np.array_equal(project("whales", plain), project("whales", ngrams))
    # a misspelling shares trigrams with the word, so its features move closer
    near = np.dot(project("whale", ngrams)[0], project("whael", ngrams)[0])
    far = np.dot(project("whale", ngrams)[0], project("tractor", ngrams)[0])
    assert near > far


def test_settings_validation_and_json_round_trip():
    assert ProjectionSettings.from_json(ProjectionSettings(char_ngrams=(2, 3)).to_json()).char_ngrams == (2, 3)
    with pytest.raises(ValueError, match="multiple of 16"):
        ProjectionSettings(features=100)
    with pytest.raises(ValueError, match="not supported"):
        ProjectionSettings(version="lsh-v9")


def test_golden_file_is_complete_and_reproducible(tmp_path):
    assert write_golden(tmp_path / "a.jsonl", SETTINGS, 1000) == 1000
    write_golden(tmp_path / "b.jsonl", SETTINGS, 1000)
    a = (tmp_path / "a.jsonl").read_bytes()
    assert a == (tmp_path / "b.jsonl").read_bytes()
    lines = [json.loads(line) for line in a.decode().splitlines()]
    assert lines[0]["settings"]["version"] == "lsh-v1"
    texts = [entry["text"] for entry in lines[1:]]
    assert "" in texts and any(len(t) > 1000 for t in texts) and any("東" in t for t in texts)
    for entry in lines[1:50]:
        assert entry["words"] == split_words(entry["text"])[:64]
        for word, hashes in zip(entry["words"], entry["hashes"], strict=True):
            assert hashes == [mmh3.hash(word.encode(), SETTINGS.seed + j, signed=False) for j in range(16)]
