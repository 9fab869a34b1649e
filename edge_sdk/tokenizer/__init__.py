from edge_sdk.tokenizer.sentencepiece import SentencePieceTokenizer, TokenizerError, train_sentencepiece

__all__ = ["SentencePieceTokenizer", "TokenizerError", "train_sentencepiece"]
