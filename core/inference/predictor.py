"""Batched inference of a model package on chips: engine, device, batches, out-of-memory.

Callers hand raw chips (N, bands, S, S) as a numpy array and get class probabilities back;
which engine computes them (PyTorch or onnxruntime, core.engines) stays behind this interface.
"""

from __future__ import annotations

import numpy as np

from ..packages.read import ModelPackage
from ..runtime.devices import BatchParts
from ..runtime.feedback import Feedback
from .engines import AUTO, choose_engine, make_engine


class Predictor:
    """Class probabilities for batches of raw chips, with the package's normalisation."""

    def __init__(self, package: ModelPackage, device: str = "auto", batch_size: int = 64,
                 tta: bool = False, feedback: Feedback | None = None,
                 engine: str = AUTO) -> None:
        self.package = package
        self.feedback = feedback or Feedback()
        self.engine = make_engine(choose_engine(engine), package, device, tta,
                                  self.feedback.is_cancelled)
        self.batch_size = max(1, int(batch_size))
        self.batch_parts = BatchParts(self.feedback, self.engine.device_type,
                                       package.chip_size)

    @property
    def device_type(self) -> str:
        """The engine's device: "cuda" or "cpu"."""
        return self.engine.device_type

    @property
    def classes(self) -> list[str]:
        """The package's class names, in the network's output order."""
        return self.package.classes

    def probabilities(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) float32 probabilities for raw chips (N, bands, S, S); out of GPU
        memory, each batch runs in more parts (logged)."""
        outputs = [np.zeros((0, len(self.classes)), np.float32)]
        for start in range(0, len(chips), self.batch_size):
            chunk = chips[start:start + self.batch_size]
            outputs.append(self.batch_parts.run(
                len(chunk), "classifying", 1, lambda parts, chunk=chunk: np.concatenate(
                    [self.engine.probabilities(part) for part in np.array_split(chunk, parts)])))
        return np.concatenate(outputs)

    def heatmaps(self, chips: np.ndarray, classes: list[int]) -> np.ndarray:
        """(N, S, S) heatmaps (0 to 1) of where each chip's class in ``classes`` came from
        (core.inference.explain), in batches."""
        maps = [np.zeros((0, *chips.shape[2:]), np.float32)]
        for start in range(0, len(chips), self.batch_size):
            maps.append(self.engine.heatmaps(chips[start:start + self.batch_size],
                                             list(classes[start:start + self.batch_size])))
        return np.concatenate(maps)


def best_class(probabilities: np.ndarray) -> tuple[int, float] | None:
    """The most probable class of one chip and its probability; None where the model's
    output is not finite (NaN or infinite: a damaged model, or one that overflows on these
    pixels), which no class may be made of."""
    if not np.isfinite(probabilities).all():
        return None
    best = int(probabilities.argmax())
    return best, float(probabilities[best])


def labels_present(scores: np.ndarray, thresholds: np.ndarray) -> list[int]:
    """A multi-label model's labels for one chip: those whose score reaches their threshold,
    likeliest first."""
    return sorted((int(label) for label in np.flatnonzero(scores >= thresholds)),
                  key=lambda label: -scores[label])
