from edge_sdk.generation.greedy import DecodeResult, greedy_decode
from edge_sdk.generation.source import InputTooLongError, prepare_source

__all__ = ["DecodeResult", "InputTooLongError", "greedy_decode", "prepare_source"]
