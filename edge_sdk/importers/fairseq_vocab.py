"""Make an EdgeLM SentencePiece model produce fairseq dictionary ids directly.

fairseq never feeds SentencePiece ids to the model: it maps each piece through `dict.src.txt`
(`<s>`=0, `<pad>`=1, `</s>`=2, `<unk>`=3, then the dictionary's lines, padded with filler symbols to a
multiple of 8) and sends pieces missing from the dictionary to `<unk>`. An app should not carry that
mapping, so the importer rewrites the SentencePiece model itself: its pieces are reordered into fairseq
id order, filler symbols become control pieces (never produced from text), and pieces the dictionary
lacks move to the end, where the importer gives them copies of `<unk>`'s embedding row — the exact
behaviour of fairseq's lookup, with the stock SentencePiece runtime on the phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sentencepiece import sentencepiece_model_pb2 as spm_pb2

FAIRSEQ_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
Piece = spm_pb2.ModelProto.SentencePiece


class VocabularyError(ValueError):
    pass


@dataclass
class RemappedVocabulary:
    model_bytes: bytes  # the rewritten SentencePiece model
    fairseq_size: int  # rows of the checkpoint's embedding
    extra_pieces: int  # pieces appended after them, each mapped to <unk>


def read_fairseq_dict(path: Path) -> list[str]:
    symbols = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rstrip().split(" ")
        if len(parts) < 2 or not parts[1].lstrip("-").isdigit():
            raise VocabularyError(f"{path}:{n}: expected '<symbol> <count>', got {line!r}")
        symbols.append(parts[0])
    return symbols


def fairseq_symbols(dictionary: list[str], pad_to_multiple: int = 8) -> list[str]:
    symbols = [*FAIRSEQ_SPECIALS, *dictionary]
    i = 0
    while len(symbols) % pad_to_multiple:
        symbols.append(f"madeupword{i:04d}")
        i += 1
    return symbols


def remap_sentencepiece(spm_path: Path, dict_path: Path) -> RemappedVocabulary:
    original = spm_pb2.ModelProto()
    try:
        original.ParseFromString(Path(spm_path).read_bytes())
    except Exception as err:  # protobuf's DecodeError
        raise VocabularyError(f"{spm_path}: not a SentencePiece model ({err})") from None
    symbols = fairseq_symbols(read_fairseq_dict(dict_path))
    by_text = {p.piece: p for p in original.pieces if p.type not in (Piece.CONTROL, Piece.UNKNOWN)}
    if len(set(symbols)) != len(symbols):
        raise VocabularyError(f"{dict_path}: repeated symbols; fairseq dictionaries list each symbol once")

    remapped = spm_pb2.ModelProto()
    remapped.CopyFrom(original)
    del remapped.pieces[:]
    for i, symbol in enumerate(symbols):
        new = remapped.pieces.add()
        new.piece = symbol
        if i < 4:
            new.type, new.score = (Piece.UNKNOWN if symbol == "<unk>" else Piece.CONTROL), 0.0
        elif symbol in by_text:
            new.type, new.score = by_text[symbol].type, by_text[symbol].score
        else:  # fairseq filler or a symbol SentencePiece cannot produce: keep the id, never emit it
            new.type, new.score = Piece.CONTROL, 0.0
    extra = 0
    placed = set(symbols)
    for piece in original.pieces:
        if piece.type in (Piece.CONTROL, Piece.UNKNOWN) or piece.piece in placed:
            continue
        remapped.pieces.append(piece)
        extra += 1
    spec = remapped.trainer_spec
    spec.bos_id, spec.pad_id, spec.eos_id, spec.unk_id = 0, 1, 2, 3
    spec.bos_piece, spec.pad_piece, spec.eos_piece, spec.unk_piece = FAIRSEQ_SPECIALS
    return RemappedVocabulary(remapped.SerializeToString(), len(symbols), extra)
