"""Batched augmentation for overhead imagery, on whatever device the batch lives.

Overhead chips have no "up": each chip gets one of the 8 flips/90° rotations, a mild zoom
and a mild brightness change, all in one affine resampling per batch. RGB chips also get
colour changes (saturation, contrast, sometimes grey): seasons, sensors and processing
change colours far more than textures, and a model that learns "forest = green" fails on
leaf-off imagery.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..runtime.devices import host_values

if TYPE_CHECKING:
    import torch

SCALE_RANGE = (0.9, 1.1)
BRIGHTNESS_RANGE = (0.7, 1.3)
SATURATION_RANGE = (0.6, 1.4)
CONTRAST_RANGE = (0.7, 1.3)
GREY_PROBABILITY = 0.2
LUMA = (0.299, 0.587, 0.114)


def augment_batch(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Augment a float batch (N, bands, H, W) of raw pixel values; returns a new tensor.

    ``generator`` is a CPU torch.Generator, so results are reproducible on any device.
    """
    import torch
    import torch.nn.functional as F

    count = images.shape[0]
    quarter_turns = torch.randint(0, 4, (count,), generator=generator)
    flips = torch.randint(0, 2, (count,), generator=generator) * 2 - 1
    zoom = _uniform(count, SCALE_RANGE, generator)
    brightness = _uniform(count, BRIGHTNESS_RANGE, generator)

    angle = quarter_turns.double() * (math.pi / 2)
    cos, sin = torch.cos(angle).round(), torch.sin(angle).round()
    theta = torch.zeros(count, 2, 3, dtype=torch.float64)
    theta[:, 0, 0] = cos * flips / zoom
    theta[:, 0, 1] = -sin / zoom
    theta[:, 1, 0] = sin * flips / zoom
    theta[:, 1, 1] = cos / zoom
    theta = host_values(theta, images)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection",
                        align_corners=False)
    out = out * host_values(brightness, images).view(-1, 1, 1, 1)
    return jitter_colours(out, generator) if images.shape[1] == 3 else out


def jitter_colours(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random saturation (sometimes none: grey) and contrast for RGB batches."""
    import torch

    count = images.shape[0]
    saturation = _uniform(count, SATURATION_RANGE, generator)
    saturation[torch.rand(count, generator=generator) < GREY_PROBABILITY] = 0.0
    contrast = _uniform(count, CONTRAST_RANGE, generator)
    luma = host_values(LUMA, images).view(1, 3, 1, 1)
    grey = (images * luma).sum(dim=1, keepdim=True)
    out = grey + host_values(saturation, images).view(-1, 1, 1, 1) * (images - grey)
    mean = grey.mean(dim=(2, 3), keepdim=True)
    return mean + host_values(contrast, images).view(-1, 1, 1, 1) * (out - mean)


def _uniform(count: int, bounds: tuple[float, float],
             generator: torch.Generator) -> torch.Tensor:
    import torch

    low, high = bounds
    return torch.rand(count, generator=generator, dtype=torch.float64) * (high - low) + low
