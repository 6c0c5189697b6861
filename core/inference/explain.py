"""Why a chip got its class: a heatmap over the chip (0 to 1, its side in pixels) of where
the class came from. With PyTorch, Grad-CAM: the last convolutional block's activations
weighted by the gradient of the class's score (Selvaraju et al. 2017). Without it
(onnxruntime), or for a network with no such block (a vision transformer), occlusion
sensitivity: how much the class's score drops when each part of the chip is covered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

    from ..runtime.devices import DeviceModel

OCCLUSION_GRID = 4  # parts per side covered in turn
MIN_GRID = 7  # Grad-CAM's block: the last with at least 7 x 7 positions (a ResNet's at 224 px)


def network_heatmaps(network: DeviceModel, chips: np.ndarray,
                     classes: Sequence[int]) -> np.ndarray:
    """(N, S, S) heatmaps of ``classes`` for raw ``chips`` from a PyTorch network on its
    device: Grad-CAM, or occlusion where the network has no grid."""
    maps = grad_cam(network.model, _prepared(network, chips), classes)
    return maps if maps is not None else occlusion(
        lambda raw: network_logits(network, raw), chips, classes)


def network_logits(network: DeviceModel, chips: np.ndarray) -> np.ndarray:
    """(N, classes) float32 logits of raw ``chips`` (N, bands, S, S), without calibration."""
    import torch

    with torch.inference_mode():
        return network.model(_prepared(network, chips).float()).float().cpu().numpy()


def _prepared(network: DeviceModel, chips: np.ndarray) -> torch.Tensor:
    import torch

    return network.normalize(network.to_device(torch.from_numpy(np.ascontiguousarray(chips))))


def grad_cam(model: torch.nn.Module, images: torch.Tensor,
             classes: Sequence[int]) -> np.ndarray | None:
    """(N, S, S) Grad-CAM heatmaps of ``classes`` for prepared ``images`` (N, bands, S, S),
    from the last module whose output grid has at least MIN_GRID x MIN_GRID positions (or,
    for small chips, the finest grid of more than 1 x 1); None where the network has no
    grid. Computed in float32 with gradients, the model's weights untouched."""
    import torch

    found: dict[str, torch.Tensor] = {}

    def keep(_module: torch.nn.Module, _inputs: object, output: object) -> None:
        if not isinstance(output, torch.Tensor) or output.dim() != 4:
            return
        side = min(output.shape[-2:])
        if side >= MIN_GRID or (side > 1 and side >= found.get("side", 0)):
            found["activation"], found["side"] = output, max(side, found.get("side", 0))

    leaves = [module for module in model.modules() if not list(module.children())]
    hooks = [module.register_forward_hook(keep) for module in leaves]
    training = model.training
    model.eval()  # batch normalisation as when classifying, its statistics untouched
    try:
        with torch.enable_grad():
            logits = model(images.float().detach().requires_grad_(True))
    finally:
        model.train(training)
        for hook in hooks:
            hook.remove()
    activation = found.get("activation")
    if activation is None:
        return None
    chosen = torch.as_tensor(list(classes), device=logits.device)
    score = logits[torch.arange(len(chosen), device=logits.device), chosen].sum()
    (gradient,) = torch.autograd.grad(score, activation)
    weights = gradient.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights * activation).sum(dim=1, keepdim=True))
    cam = torch.nn.functional.interpolate(cam, size=tuple(images.shape[-2:]), mode="bilinear",
                                          align_corners=False)[:, 0]
    return _normalised(cam.detach().float().cpu().numpy())


def occlusion(scores: Callable[[np.ndarray], np.ndarray], chips: np.ndarray,
              classes: Sequence[int], grid: int = OCCLUSION_GRID) -> np.ndarray:
    """(N, S, S) occlusion-sensitivity heatmaps: each of grid x grid parts of the raw
    ``chips`` (N, bands, S, S) is covered in turn with the chip's mean colour (black would
    itself be a pattern) and the drop of the class's score (``scores(chips)``: N x classes
    logits, which unlike probabilities do not saturate) is that part's heat."""
    count, _, height, width = chips.shape
    rows = np.arange(count)
    chosen = np.asarray(classes)
    base = scores(chips)[rows, chosen]
    mean = chips.reshape(count, chips.shape[1], -1).mean(axis=2)[:, :, None, None]
    heat = np.zeros((count, grid, grid))
    top = np.linspace(0, height, grid + 1).round().astype(int)
    left = np.linspace(0, width, grid + 1).round().astype(int)
    for i in range(grid):
        for j in range(grid):
            covered = chips.copy()
            covered[:, :, top[i]:top[i + 1], left[j]:left[j + 1]] = mean.astype(chips.dtype)
            heat[:, i, j] = np.maximum(0.0, base - scores(covered)[rows, chosen])
    full = heat[:, np.searchsorted(top, np.arange(height), side="right") - 1][
        :, :, np.searchsorted(left, np.arange(width), side="right") - 1]
    return _normalised(full)


def corner_share(heatmap: np.ndarray, corner: str) -> float:
    """The share of a heatmap's mass in one quarter of it: "top left", "top right",
    "bottom left" or "bottom right"."""
    height, width = heatmap.shape
    vertical, horizontal = corner.split()
    rows = slice(0, height // 2) if vertical == "top" else slice(height - height // 2, height)
    columns = slice(0, width // 2) if horizontal == "left" else slice(width - width // 2, width)
    total = float(heatmap.sum())
    return float(heatmap[rows, columns].sum()) / total if total else 0.0


def _normalised(maps: np.ndarray) -> np.ndarray:
    """Each map scaled to 0..1 by its own maximum (all zero stays zero), float32."""
    peaks = maps.reshape(len(maps), -1).max(axis=1) if len(maps) else np.zeros(0)
    return (maps / np.maximum(peaks, 1e-12)[:, None, None]).astype(np.float32)
