"""Per-band normalisation of raw pixel values, as a model was trained (stored in the .emd)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass
class Normalization:
    """``(pixel / scale - mean) / std`` per band, as the model was trained."""

    scale: float
    mean: list[float]
    std: list[float]

    @classmethod
    def imagenet(cls) -> Normalization:
        """ImageNet's statistics, for 8-bit RGB chips and pretrained weights."""
        return cls(255.0, list(IMAGENET_MEAN), list(IMAGENET_STD))

    @classmethod
    def from_sums(cls, band_sums: np.ndarray, pixels_per_chip: int) -> Normalization:
        """Per-band mean and standard deviation from per-chip (sum, sum of squares) pairs,
        shape (chips, 2, bands), of raw pixel values."""
        count = len(band_sums) * pixels_per_chip
        total, squares = band_sums.sum(axis=0)
        mean = total / count
        std = np.sqrt(np.maximum(squares / count - mean**2, 0.0)).clip(min=1e-6)
        return cls(1.0, [float(v) for v in mean], [float(v) for v in std])

    def to_dict(self) -> dict:
        """As the .emd stores it: Scale, Mean and Std."""
        return {"Scale": self.scale, "Mean": self.mean, "Std": self.std}

    @classmethod
    def from_dict(cls, values: dict) -> Normalization:
        """From the .emd's Scale, Mean and Std."""
        return cls(float(values["Scale"]), [float(v) for v in values["Mean"]],
                   [float(v) for v in values["Std"]])

    def apply_numpy(self, chips: np.ndarray) -> np.ndarray:
        """Normalise raw chips (N, bands, H, W) of any type to float32, in numpy."""
        mean = np.asarray(self.mean, np.float32).reshape(1, -1, 1, 1)
        std = np.asarray(self.std, np.float32).reshape(1, -1, 1, 1)
        return ((chips.astype(np.float32) / np.float32(self.scale) - mean) / std).astype(
            np.float32, copy=False)

    def apply(self, images: torch.Tensor) -> torch.Tensor:
        """Normalise a float tensor (N, bands, H, W) of raw pixel values."""
        from ..runtime.devices import host_values

        mean, std = host_values(self.mean, images), host_values(self.std, images)
        return (images / self.scale - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)
