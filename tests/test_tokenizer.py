"""A real SentencePiece model, trained here, with fairseq's special-id layout."""

from __future__ import annotations

from pathlib import Path

import pytest
import sentencepiece as spm

from edge_sdk.generation import InputTooLongError, prepare_source
from edge_sdk.tokenizer import SentencePieceTokenizer, TokenizerError, train_sentencepiece
from tests.conftest import SEED_CORPUS


def test_special_ids_follow_fairseq(spm_model):
    tok = SentencePieceTokenizer(spm_model)
    assert (tok.bos_id, tok.pad_id, tok.eos_id, tok.unk_id) == (0, 1, 2, 3)
    assert tok.vocab_size == 400


def test_round_trip_of_corpus_sentences_and_odd_unicode(spm_model):
    tok = SentencePieceTokenizer(spm_model)
    sentences = [*SEED_CORPUS.read_text().splitlines()[:300], "Café naïve résumé", "東京で会いましょう 🙂", "שלום"]
    for s in sentences:
        assert tok.decode(tok.encode(s)) == s  # byte fallback: nothing becomes <unk>


def test_training_is_deterministic(spm_model, tmp_path):
    again = train_sentencepiece(SEED_CORPUS, tmp_path / "again.model", vocab_size=400)
    assert again.read_bytes() == Path(spm_model).read_bytes()


def test_foreign_id_layout_is_refused(tmp_path):
    spm.SentencePieceTrainer.train(input=str(SEED_CORPUS), model_prefix=str(tmp_path / "plain"), vocab_size=300,
                                   minloglevel=2)  # default ids: unk=0, bos=1, eos=2, no pad
    with pytest.raises(TokenizerError, match="special ids"):
        SentencePieceTokenizer(tmp_path / "plain.model")


def test_not_a_model_file(tmp_path):
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"\x00garbage")
    with pytest.raises(TokenizerError, match="not a SentencePiece model"):
        SentencePieceTokenizer(bad)


def test_source_gets_eos_and_respects_the_bound(spm_model):
    tok = SentencePieceTokenizer(spm_model)
    ids = prepare_source(tok, "  Call   me Ishmael. ", 64)
    assert ids[-1] == tok.eos_id and ids[:-1] == tok.encode("Call me Ishmael.")
    with pytest.raises(InputTooLongError, match="at most 8"):
        prepare_source(tok, "word " * 50, 8)
    assert len(prepare_source(tok, "word " * 50, 8, truncate=True)) == 8


def test_round_trip_of_the_held_out_gec_split():
    """The packaged test split (erroneous sources and references) survives encode/decode unchanged."""
    gec = SEED_CORPUS.parent / "gec"
    tok = SentencePieceTokenizer(SEED_CORPUS.parent / "seed_spm.model")
    lines = (gec / "test.src").read_text().splitlines() + (gec / "test.tgt").read_text().splitlines()
    assert len(lines) == 4000
    assert all(tok.decode(tok.encode(line)) == line for line in lines)
