"""Batched inference of a model package on chips: device, precision, TTA, out-of-memory.

Callers hand raw chips (N, bands, S, S) as a numpy array and get class probabilities back;
how they are computed (torch today, another engine later) stays behind this interface.
"""

from __future__ import annotations

import numpy as np

from .devices import BatchParts, DeviceModel
from .feedback import Feedback
from .package import ModelPackage


class Predictor:
    """Class probabilities for batches of raw chips, with the package's normalisation."""

    def __init__(self, package: ModelPackage, device: str = "auto", batch_size: int = 64,
                 tta: bool = False, feedback: Feedback | None = None) -> None:
        self.package = package
        self.network = DeviceModel(package.build_model(), device, package.chip_size,
                                   package.normalization)
        self.batch_size = max(1, int(batch_size))
        self.tta = tta
        self.feedback = feedback or Feedback()
        self.batch_parts = BatchParts(self.feedback, self.network.device)

    @property
    def device(self):
        return self.network.device

    @property
    def precision(self) -> str:
        return self.network.precision

    @property
    def classes(self) -> list[str]:
        return self.package.classes

    def probabilities(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) float32 probabilities for raw chips (N, bands, S, S); out of GPU
        memory, each batch runs in more parts (logged)."""
        outputs = [np.zeros((0, len(self.classes)), np.float32)]
        for start in range(0, len(chips), self.batch_size):
            chunk = chips[start:start + self.batch_size]
            outputs.append(self.batch_parts.run(
                len(chunk), "classifying", 1, lambda parts, chunk=chunk: np.concatenate(
                    [self._run(part) for part in np.array_split(chunk, parts)])))
        return np.concatenate(outputs)

    def _run(self, chips: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            batch = torch.from_numpy(np.ascontiguousarray(chips))
            if self.device.type == "cuda":
                batch = batch.pin_memory()
            batch = self.network.normalize(self.network.to_device(batch))
            views = dihedral_views(batch) if self.tta else [batch]
            total = sum(self.network.probabilities(view) for view in views)
            return (total / len(views)).cpu().numpy()


def dihedral_views(batch) -> list:
    """The 8 flips and quarter turns of a (N, C, H, W) batch (test-time augmentation)."""
    import torch

    turns = [torch.rot90(batch, k, dims=(2, 3)) for k in range(4)]
    return turns + [torch.flip(view, dims=(3,)) for view in turns]

