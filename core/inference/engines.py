"""What runs a package's network on raw chips: PyTorch, or onnxruntime on the package's ONNX
copy (classification without PyTorch). Both take raw chips (N, bands, size, size) as numpy and
give class probabilities, with the package's normalisation and optional test-time
augmentation (the 8 flips and quarter turns, averaged).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..errors import DependencyError, DeviceError, ModelPackageError, setting, tr
from ..packages.read import ModelPackage
from ..runtime import dependencies
from . import onnx_session
from .calibration import sigmoid, softmax
from .explain import network_heatmaps, occlusion

if TYPE_CHECKING:
    import torch

AUTO, TORCH, ONNXRUNTIME = "auto", "torch", "onnxruntime"
A = TypeVar("A", np.ndarray, "torch.Tensor")  # an array of either library
ENGINES = (AUTO, TORCH, ONNXRUNTIME)


def choose_engine(engine: str = AUTO) -> str:
    """TORCH or ONNXRUNTIME for ``engine`` (auto: PyTorch when installed, else onnxruntime),
    checked to be installed; looks, imports nothing."""
    engine = (engine or AUTO).lower()
    if engine not in ENGINES:
        raise DependencyError(tr("Unknown engine '{}'. Choose auto, torch or "
                                 "onnxruntime.").format(engine))
    torch_there = dependencies.torch_installed()
    if engine == AUTO:
        engine = TORCH if torch_there or not dependencies.installed("onnxruntime") else ONNXRUNTIME
    if engine == TORCH and not torch_there:
        raise DependencyError(
            tr("Classifying needs PyTorch or onnxruntime, and neither is installed for "
               "this Python. In the QGIS desktop, install one with Plugins ▸ Scene "
               "Classifier ▸ Dependencies…; or by hand, the smaller, onnxruntime:\n  "
               "{}\nor PyTorch:\n  {}\nthen restart QGIS.").format(
                dependencies.pip_command('onnxruntime'), dependencies.pip_command()))
    if engine == ONNXRUNTIME and not dependencies.installed("onnxruntime"):
        raise DependencyError(
            tr("{} is onnxruntime, which is not installed for this Python. Install it "
               "with Plugins ▸ Scene Classifier ▸ Dependencies… in the QGIS desktop, or "
               "with:\n  {}\nthen restart QGIS.").format(
                setting('engine'), dependencies.pip_command('onnxruntime')))
    return engine


def make_engine(name: str, package: ModelPackage, device: str, tta: bool,
                is_cancelled: Callable[[], bool] = lambda: False) -> TorchEngine | OnnxEngine:
    """The engine ``name`` (choose_engine's answer) for ``package`` on ``device``;
    onnxruntime's runs stop as soon as ``is_cancelled()`` (PyTorch's are checked between
    batches by the callers)."""
    return TorchEngine(package, device, tta) if name == TORCH else \
        OnnxEngine(package, device, tta, is_cancelled)


def dihedral_views(batch: A, rot90: Callable[[A, int], A], flip: Callable[[A], A]) -> list[A]:
    """The 8 flips and quarter turns of a (N, C, H, W) batch, with the array library's
    ``rot90(batch, k)`` and ``flip(batch)`` (of the last axis)."""
    turns = [rot90(batch, k) for k in range(4)]
    return turns + [flip(view) for view in turns]


class TorchEngine:
    """The package's network in PyTorch, in the precision the device computes best."""

    def __init__(self, package: ModelPackage, device: str, tta: bool) -> None:
        from ..runtime.devices import DeviceModel

        self.network = DeviceModel(package.build_model(), device, package.chip_size,
                                   package.normalization, package.multi_label)
        self.tta, self.temperature = tta, package.temperature

    @property
    def device_type(self) -> str:
        """The device the network runs on: "cuda" or "cpu"."""
        return self.network.device.type

    def describe(self) -> str:
        """The engine, its device and precision, for the log."""
        import torch

        return f"PyTorch {torch.__version__} on {self.network.device} " \
               f"({self.network.precision})"

    def probabilities(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) float32 probabilities for raw chips (N, bands, S, S)."""
        import torch

        with torch.inference_mode():
            batch = torch.from_numpy(np.ascontiguousarray(chips))
            if self.device_type == "cuda":
                batch = batch.pin_memory()
            batch = self.network.normalize(self.network.to_device(batch))
            views = dihedral_views(batch, lambda b, k: torch.rot90(b, k, dims=(2, 3)),
                                   lambda b: torch.flip(b, dims=(3,))) if self.tta else [batch]
            total = sum(self.network.probabilities(view, self.temperature) for view in views)
            return (total / len(views)).cpu().numpy()

    def heatmaps(self, chips: np.ndarray, classes: list[int]) -> np.ndarray:
        """(N, S, S) heatmaps of where ``classes`` came from (core.inference.explain):
        Grad-CAM, or occlusion for a network without a convolutional grid."""
        return network_heatmaps(self.network, chips, classes)


class OnnxEngine:
    """The package's ONNX copy in onnxruntime: on CUDA with the GPU build and a GPU, else on
    the CPU with one thread per core; float32. Sessions are opened and run as data
    (core.inference.onnx_session): bounded memory, stopped on cancel, errors as messages."""

    def __init__(self, package: ModelPackage, device: str, tta: bool,
                 is_cancelled: Callable[[], bool] = lambda: False) -> None:
        import onnxruntime

        if package.onnx is None:
            raise ModelPackageError(
                tr("{} has no ONNX copy, which classifying without PyTorch needs. "
                   "Install PyTorch, or add the copy where PyTorch is installed (save "
                   "the model again with this version of Scene Classifier).").format(package.path))
        self.normalization, self.tta = package.normalization, tta
        self.temperature, self.multi_label = package.temperature, package.multi_label
        providers = self._providers(onnxruntime, (device or "auto").lower())
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        self.session = onnx_session.open_session(onnxruntime, package, options, providers)
        self.onnxruntime, self.is_cancelled, self.source = onnxruntime, is_cancelled, package.path
        self.device_type = "cuda" if providers[0] == "CUDAExecutionProvider" else "cpu"
        self._check_shapes(package)
        self.version = onnxruntime.__version__

    @staticmethod
    def _providers(onnxruntime: ModuleType, device: str) -> list[str]:
        cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
        if device == "cuda" and not cuda:
            raise DeviceError(tr("{} is cuda but this onnxruntime has no CUDA: install "
                                 "onnxruntime-gpu, or choose auto or cpu.").format(
                                  setting('device')))
        if cuda and device in ("auto", "cuda"):
            return ["CUDAExecutionProvider", "CPUExecutionProvider"]
        return ["CPUExecutionProvider"]

    def _check_shapes(self, package: ModelPackage) -> None:
        """The ONNX copy must take and give what the .emd says."""
        (chips,), (logits,) = self.session.get_inputs(), self.session.get_outputs()
        expected = [package.band_count, package.chip_size, package.chip_size]
        if list(chips.shape[1:]) != expected or logits.shape[1:] != [len(package.classes)]:
            raise ModelPackageError(
                tr("The ONNX copy in {} takes {} and gives {}; its .emd describes {} "
                   "chips and {} classes: they do not belong together.").format(
                    package.path, chips.shape, logits.shape, expected, len(package.classes)))
        self.input_name = chips.name

    def describe(self) -> str:
        """The engine, its device and threads, for the log."""
        threads = f", {os.cpu_count()} threads" if self.device_type == "cpu" else ""
        return f"onnxruntime {self.version} on {self.device_type} (float32{threads})"

    def probabilities(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) float32 probabilities for raw chips (N, bands, S, S): the calibrated
        softmax, or for a multi-label model each label's sigmoid."""
        batch = self.normalization.apply_numpy(chips)
        views = dihedral_views(batch, lambda b, k: np.rot90(b, k, axes=(2, 3)),
                               lambda b: np.flip(b, axis=3)) if self.tta else [batch]
        total = sum(sigmoid(self._run(view)) if self.multi_label else
                    softmax(self._run(view) / self.temperature) for view in views)
        return (total / len(views)).astype(np.float32)

    def heatmaps(self, chips: np.ndarray, classes: list[int]) -> np.ndarray:
        """(N, S, S) occlusion heatmaps of where ``classes`` came from
        (core.inference.explain): onnxruntime gives no gradients."""
        return occlusion(self.logits, chips, classes)

    def logits(self, chips: np.ndarray) -> np.ndarray:
        """(N, classes) logits for raw chips (N, bands, S, S), without calibration."""
        return self._run(self.normalization.apply_numpy(chips))

    def _run(self, batch: np.ndarray) -> np.ndarray:
        """The session's logits for a normalised batch (core.inference.onnx_session.run)."""
        return onnx_session.run(self.onnxruntime, self.session,
                                {self.input_name: np.ascontiguousarray(batch)},
                                self.is_cancelled, self.source)
