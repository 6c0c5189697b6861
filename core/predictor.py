"""Batched inference of a model package on chips: device, precision, TTA, out-of-memory.

Callers hand raw chips (N, bands, S, S) as a numpy array and get class probabilities back;
how they are computed (torch today, another engine later) stays behind this interface.
"""

from __future__ import annotations

import numpy as np

from .devices import (
    autocast,
    is_out_of_memory,
    memory_format,
    mixed_precision,
    resolve_device,
)
from .errors import SceneClassifierError
from .feedback import Feedback
from .package import ModelPackage


class Predictor:
    """Class probabilities for batches of raw chips, with the package's normalisation."""

    def __init__(self, package: ModelPackage, device: str = "auto", batch_size: int = 64,
                 tta: bool = False, feedback: Feedback | None = None) -> None:
        import torch

        self.package = package
        self.device = resolve_device(device)
        self.batch_size = max(1, int(batch_size))
        self.tta = tta
        self.feedback = feedback or Feedback()
        self.amp_dtype = mixed_precision(self.device, package.chip_size)
        self.memory_format = memory_format(self.amp_dtype)
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True
        self.model = package.build_model().to(self.device, memory_format=self.memory_format)
        self.normalization = package.normalization

    @property
    def classes(self) -> list[str]:
        return self.package.classes

    def probabilities(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) float32 probabilities for raw chips (N, bands, S, S)."""
        outputs = []
        start = 0
        while start < len(chips):
            chunk = chips[start:start + self.batch_size]
            try:
                outputs.append(self._run(chunk))
            except Exception as error:
                if not is_out_of_memory(error):
                    raise
                self._halve_batch(error)
                continue
            start += len(chunk)
        if not outputs:
            return np.zeros((0, len(self.classes)), np.float32)
        return np.concatenate(outputs)

    def _halve_batch(self, error: Exception) -> None:
        import torch

        torch.cuda.empty_cache()
        if self.batch_size == 1:
            raise SceneClassifierError(
                f"The GPU ran out of memory even for one chip ({error}). Close other programs "
                "using the GPU, or choose DEVICE=cpu.") from error
        self.batch_size = max(1, self.batch_size // 2)
        self.feedback.log(f"GPU out of memory: continuing with batches of {self.batch_size}.")

    def _run(self, chips: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            batch = torch.from_numpy(np.ascontiguousarray(chips))
            if self.device.type == "cuda":
                batch = batch.pin_memory()
            batch = batch.to(self.device, non_blocking=True).float()
            batch = self.normalization.apply(batch).contiguous(memory_format=self.memory_format)
            views = dihedral_views(batch) if self.tta else [batch]
            total = None
            for view in views:
                with self._autocast():
                    logits = self.model(view)
                probabilities = torch.softmax(logits.float(), dim=1)
                total = probabilities if total is None else total + probabilities
            return (total / len(views)).cpu().numpy()

    def _autocast(self):
        return autocast(self.device, self.amp_dtype)

    @property
    def precision(self) -> str:
        return "float32" if self.amp_dtype is None else str(self.amp_dtype).split(".")[-1]


def dihedral_views(batch) -> list:
    """The 8 flips and quarter turns of a (N, C, H, W) batch (test-time augmentation)."""
    import torch

    turns = [torch.rot90(batch, k, dims=(2, 3)) for k in range(4)]
    return turns + [torch.flip(view, dims=(3,)) for view in turns]

