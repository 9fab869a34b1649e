"""Corpus builder: source readers on files in the packages' real formats, splits, frozen test set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_sdk.data import corpus
from edge_sdk.data.errors import ErrorGenerator
from edge_sdk.data.sentences import dedupe_key
from edge_sdk.data.sources import Source, read_ham_mail, read_misspellings, read_python_doc, read_sotu, read_wordnet

# Lines copied in the exact layout of wordnet-base's data.verb (header line, then a synset with a gloss).
WORDNET = (
    '  16 THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON  \n'
    "00002724 29 v 01 choke 0 002 @ 00001740 v 0000 + 14058252 n 0101 01 + 02 00 | breathe with great "
    'difficulty, as when experiencing a strong emotion; "She choked with emotion when she spoke about her '
    'deceased husband"; "the engine choked"  \n'
)
CODESPELL = "abandonned->abandoned\nabbout->about, abbot,\nAmerica->America\nbeleive->believe\nteh->the\n"
PYDOC = ('<html><body><p>The function returns a new list of values. Call <code class="docutils literal">'
         '<span class="pre">len()</span></code> to count them.</p><p>Short.</p></body></html>')


# A ham mail as the SpamAssassin corpus stores it: headers, a reply with a quote, a link, a signature.
HAM = (b"From: Someone <someone@example.org>\nSubject: Re: the meeting\nContent-Type: text/plain; charset=us-ascii\n"
       b"\nThanks for the notes, I will bring the slides tomorrow.\n"
       b"On Monday, Bob wrote:\n> Can you bring the slides?\n> We start at nine.\n\n"
       b"The agenda is at http://example.org/agenda if you want it.\n\n"
       b"See you there and have a good evening.\n-- \nSomeone, somewhere in the world.\n")


def test_ham_mail_keeps_the_writers_own_sentences(tmp_path: Path):
    data = tmp_path / "package" / "data"
    for folder in ("easy-ham-1", "easy-ham-2", "hard-ham-1"):
        (data / folder).mkdir(parents=True)
    (data / "easy-ham-1" / "00001.abc.txt").write_bytes(HAM)
    unknown_charset = b"Content-Type: text/plain; charset=x-unknown-9\n\nHello there my old friend.\n"
    (data / "hard-ham-1" / "00002.def.txt").write_bytes(unknown_charset)
    assert list(read_ham_mail(tmp_path)) == ["Thanks for the notes, I will bring the slides tomorrow.",
                                             "See you there and have a good evening."]
    (data / "easy-ham-2").rmdir()
    with pytest.raises(Exception, match="ham folders missing"):
        list(read_ham_mail(tmp_path))


def test_wordnet_examples_become_sentences(tmp_path: Path):
    folder = tmp_path / "usr" / "share" / "wordnet"
    folder.mkdir(parents=True)
    (folder / "data.verb").write_text(WORDNET, encoding="latin-1")
    assert list(read_wordnet(tmp_path)) == ["She choked with emotion when she spoke about her deceased husband.",
                                            "The engine choked."]


def test_codespell_pairs_keep_unambiguous_lowercase_words(tmp_path: Path):
    path = tmp_path / "usr" / "lib" / "python3" / "dist-packages" / "codespell_lib" / "data" / "dictionary.txt"
    path.parent.mkdir(parents=True)
    path.write_text(CODESPELL)
    assert read_misspellings(tmp_path) == {"abandoned": ["abandonned"], "believe": ["beleive"]}


def test_python_doc_drops_sentences_with_code(tmp_path: Path):
    from edge_sdk.data.sentences import clean_sentences

    docs = tmp_path / "usr" / "share" / "doc" / "python3.11" / "html"
    docs.mkdir(parents=True)
    (docs / "page.html").write_text(PYDOC)
    assert list(clean_sentences(read_python_doc(tmp_path))) == ["The function returns a new list of values."]


def test_sotu_reader_splits_text_field(tmp_path: Path):
    data = tmp_path / "package" / "data"
    data.mkdir(parents=True)
    (data / "1790_x.json").write_text(json.dumps({"year": 1790, "text": "Fellow-Citizens: We met. Mr. Adams spoke."}))
    assert list(read_sotu(tmp_path)) == ["Fellow-Citizens: We met.", "Mr. Adams spoke."]


def test_build_keeps_frozen_test_out_of_train_and_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    frozen = corpus.packaged_test_split()
    test_tgt = (frozen / "test.tgt").read_text().splitlines()
    # A source whose text repeats half the test sentences (re-punctuated) among new ones.
    fresh = [f"The ship number {i} sailed from the harbour at dawn." for i in range(300)]
    leaked = [s.rstrip(".!?") + "!" for s in test_tgt[:1000]]
    fake = Source("fake", "npm", "fake", None, "test", lambda _root: iter(fresh + leaked))
    monkeypatch.setattr(corpus, "SOURCES", (fake,))
    monkeypatch.setattr(corpus, "fetch", lambda source, cache: cache)
    monkeypatch.setattr(corpus, "read_misspellings", lambda _root: {"harbour": ["harbor"]})
    stats = corpus.build_gec_corpus(tmp_path / "cache", tmp_path / "gec", seed=0, dev_size=50, log=lambda _m: None)
    out = tmp_path / "gec"
    train = (out / "train.txt").read_text().splitlines()
    dev = (out / "dev.tgt").read_text().splitlines()
    test_keys = {dedupe_key(s) for s in test_tgt}
    assert stats.train == len(train) and stats.dev == len(dev) == 50 and stats.test == len(test_tgt)
    assert not {dedupe_key(s) for s in train + dev} & test_keys
    assert (out / "test.src").read_bytes() == (frozen / "test.src").read_bytes()
    assert corpus.load_misspellings(out) == {"harbour": ["harbor"]}
    types = (out / "dev.types").read_text().splitlines()
    src = (out / "dev.src").read_text().splitlines()
    assert all((t == "-") == (s == d) for t, s, d in zip(types, src, dev, strict=True))
    # Rebuilding over an existing corpus replaces it whole.
    corpus.build_gec_corpus(tmp_path / "cache", out, seed=1, dev_size=60, log=lambda _m: None)
    assert len((out / "dev.tgt").read_text().splitlines()) == 60
    assert not list(tmp_path.glob(".gec.*"))


def test_everyday_sources_give_a_learner_dev_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    formal = [f"The ship number {i} sailed from the harbour at dawn." for i in range(300)]
    everyday = [f"I think we should meet at the cafe number {i} tomorrow morning." for i in range(200)]
    long = ["We " + " ".join(["really"] * 50) + " want to go."]  # 53 words: kept for training (<= 64)
    monkeypatch.setattr(corpus, "SOURCES", (Source("fake", "npm", "fake", None, "test", lambda _r: iter(formal + long)),
                                            Source("ding", "npm", "fake", None, "test", lambda _r: iter(everyday))))
    monkeypatch.setattr(corpus, "fetch", lambda source, cache: cache)
    monkeypatch.setattr(corpus, "read_misspellings", lambda _root: {"harbour": ["harbor"]})
    out = tmp_path / "gec"
    stats = corpus.build_gec_corpus(tmp_path / "cache", out, seed=0, dev_size=50, learner_dev_size=80,
                                    log=lambda _m: None)
    learner_dev = (out / "learner-dev.tgt").read_text().splitlines()
    train = (out / "train.txt").read_text().splitlines()
    assert stats.learner_dev == len(learner_dev) == 80 and set(learner_dev) <= set(everyday)
    assert not set(learner_dev) & set(train) and long[0] in train
    src = (out / "learner-dev.src").read_text().splitlines()
    assert sum(s != t for s, t in zip(src, learner_dev, strict=True)) >= 60  # learner density: most have errors


def test_write_pairs_round_trip(tmp_path: Path):
    sentences = ["She walks to the park every morning.", "They were happy with the results."]
    corpus.write_pairs(tmp_path, "dev", sentences, ErrorGenerator(seed=0, clean_rate=0.0))
    assert (tmp_path / "dev.tgt").read_text().splitlines() == sentences
    assert all(t != "-" for t in (tmp_path / "dev.types").read_text().splitlines())
    assert corpus.load_misspellings(tmp_path) == {}
