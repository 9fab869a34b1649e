"""Training. Imports only torch, sentencepiece, safetensors, numpy, PyYAML and rich, so it runs on a GPU
machine without the export stack (no executorch, coremltools or pydantic)."""
