"""Inference: the engines (PyTorch, onnxruntime), batched prediction with out-of-memory
halving, and the raster classifier that labels features from the pixels under them."""
