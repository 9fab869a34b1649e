"""SentencePiece tokenizer with fairseq's special-id layout, so SDK models and EdgeLM agree on ids.

fairseq dictionaries put <s>=0, <pad>=1, </s>=2, <unk>=3 first; training SentencePiece with the same
ids lets the SDK's own models use SentencePiece ids directly.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

import sentencepiece as spm

BOS_ID, PAD_ID, EOS_ID, UNK_ID = 0, 1, 2, 3


class TokenizerError(ValueError):
    pass


def train_sentencepiece(corpus: Path, out_path: Path, vocab_size: int, model_type: str = "unigram") -> Path:
    """Train on a one-sentence-per-line file and write `out_path` atomically."""
    corpus = Path(corpus)
    if not corpus.is_file():
        raise TokenizerError(f"tokenizer corpus not found: {corpus}")
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_writer=model, vocab_size=vocab_size, model_type=model_type,
            bos_id=BOS_ID, pad_id=PAD_ID, eos_id=EOS_ID, unk_id=UNK_ID,
            character_coverage=1.0, byte_fallback=True,
            # One thread and no sampling: the same corpus always gives the same model.
            num_threads=1, input_sentence_size=0, shuffle_input_sentence=False,
            minloglevel=2)
    except RuntimeError as err:
        raise TokenizerError(f"SentencePiece training failed on {corpus}: {err}") from err
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out_path.parent, delete=False) as tmp:
        tmp.write(model.getvalue())
    Path(tmp.name).chmod(0o644)  # NamedTemporaryFile creates 0600; the bundle is shared
    shutil.move(tmp.name, out_path)
    return out_path


class SentencePieceTokenizer:
    def __init__(self, model_path: Path) -> None:
        self.path = Path(model_path)
        try:
            self._sp = spm.SentencePieceProcessor(model_file=str(self.path))
        except (OSError, RuntimeError) as err:
            raise TokenizerError(f"not a SentencePiece model: {self.path} ({err})") from err
        ids = (self._sp.bos_id(), self._sp.pad_id(), self._sp.eos_id(), self._sp.unk_id())
        if ids != (BOS_ID, PAD_ID, EOS_ID, UNK_ID):
            raise TokenizerError(
                f"{self.path} has special ids bos/pad/eos/unk={ids}; edge-sdk needs "
                f"{(BOS_ID, PAD_ID, EOS_ID, UNK_ID)} (fairseq's layout): retrain with edge-sdk")

    bos_id, pad_id, eos_id, unk_id = BOS_ID, PAD_ID, EOS_ID, UNK_ID

    @property
    def vocab_size(self) -> int:
        return self._sp.get_piece_size()

    @property
    def alphabet(self) -> frozenset[str]:
        """Characters the model has pieces for (docs/text-handling.md): anything else reaches it only as
        byte-fallback pieces, which the training text never produced."""
        sp = self._sp
        chars = {c for i in range(sp.get_piece_size())
                 if not (sp.is_byte(i) or sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i))
                 for c in sp.id_to_piece(i)}
        return frozenset(chars - {"\u2581"})

    @property
    def max_piece_chars(self) -> int:
        """The longest piece in characters: text longer than n times this cannot encode to fewer than n
        ids, which lets over-long text be refused without encoding it (slow for huge unbroken words)."""
        sp = self._sp
        return max(len(sp.id_to_piece(i)) for i in range(sp.get_piece_size()))

    def encode(self, text: str) -> list[int]:
        return self._sp.encode(text, out_type=int)

    def decode(self, ids: list[int]) -> str:
        specials = {BOS_ID, PAD_ID, EOS_ID}
        return self._sp.decode([i for i in ids if i not in specials])
