from edge_sdk.generation.greedy import DecodeResult, greedy_decode
from edge_sdk.generation.source import InputError, InputTooLongError, check_text, prepare_source

__all__ = ["DecodeResult", "InputError", "InputTooLongError", "check_text", "greedy_decode", "prepare_source"]
