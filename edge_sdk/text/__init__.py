"""Text handling around the model (docs/text-handling.md): sentences, folding, pass-through, edits, guards."""

from edge_sdk.text.edits import Correction, Edit, Skipped, apply_edits, sentence_edits
from edge_sdk.text.fold import Style, fold_char
from edge_sdk.text.guard import garbled
from edge_sdk.text.model_input import ModelInput, model_input, words
from edge_sdk.text.protect import Protected, protected_spans
from edge_sdk.text.segment import Span, sentences

__all__ = ["Correction", "Edit", "ModelInput", "Protected", "Skipped", "Span", "Style", "apply_edits", "fold_char",
           "garbled", "model_input", "protected_spans", "sentence_edits", "sentences", "words"]
