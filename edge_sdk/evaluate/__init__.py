"""Grammar-correction evaluation: ERRANT span F0.5, GLEU, exact match, false-positive rate."""
