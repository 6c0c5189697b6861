"""Compute devices and the precision used on them, shared by training and inference."""

from __future__ import annotations

import functools
import math
import re
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..errors import DeviceError, SceneClassifierError, setting, tr

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import torch

    from .feedback import Feedback

T = TypeVar("T")

DEVICES = ("auto", "cpu", "cuda")  # auto: the GPU when PyTorch sees one, else the CPU


def resolve_device(name: str = "auto") -> torch.device:
    """torch.device for 'auto', 'cpu' or 'cuda'; a clear error when CUDA is missing."""
    import torch

    name = (name or "auto").lower()
    if name not in DEVICES:
        raise DeviceError(tr("Unknown device '{}'. Choose auto, cpu or cuda.").format(name))
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceError(
            tr("{} is cuda but PyTorch {} sees no CUDA GPU. Choose auto or cpu, or "
               "install a CUDA build of torch and a current NVIDIA driver.").format(
                setting('device'), torch.__version__)
        )
    if name == "cuda":  # with its index, as tensors on it report it: devices compare equal
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device(name)


# Two faults in the oneDNN kernels that PyTorch runs bfloat16 with on the CPU make results
# depend on stale memory: NaN now and then in a long-running process (QGIS, a test session, a
# notebook, where freed memory holds old values), never in a fresh one.
# - The weight gradient of a strided, padded convolution whose input is one pixel (resnet's
#   last stage at chips under 32 px) reads memory it never wrote (measured here, oneDNN 3.12,
#   AVX512-BF16): chips under SMALLEST_BF16_CHIP train in float32, which costs little at
#   that size.
# - The AMX matrix kernels before oneDNN 3.14 read past the last valid column of a row when
#   the inner dimension is not a multiple of 32 (a batch of 70, a last partial batch) and
#   rely on zeros in the other operand to cancel it, which stale NaN or Inf does not
#   (uxlfoundation/oneDNN issue 5717, fixed by pull request 5723): CPUs with AMX run in
#   float32 until PyTorch carries the fix. Capping oneDNN below AMX (ONEDNN_MAX_CPU_ISA) is
#   no alternative: it is process-wide and read once, at oneDNN's first use, which inside
#   QGIS or a notebook may already have happened.
SMALLEST_BF16_CHIP = 32
ONEDNN_AMX_FIXED = (3, 14)


@functools.cache
def onednn_version() -> tuple[int, int] | None:
    """(major, minor) of the oneDNN built into this PyTorch, or None if it cannot be told."""
    import torch

    match = re.search(r"(?:MKL-DNN|oneDNN)\D*v(\d+)\.(\d+)", torch.__config__.show())
    return (int(match.group(1)), int(match.group(2))) if match else None


def cpu_precision(chip_size: int) -> tuple[torch.dtype | None, str]:
    """(autocast type or None for float32, why) for networks on chips of ``chip_size`` px
    on this CPU."""
    import torch

    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    if not (amx or getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)()):
        return None, "float32 (this CPU has no native bfloat16)"
    if chip_size < SMALLEST_BF16_CHIP:
        return None, (f"float32 (oneDNN's bfloat16 kernels are unsound for chips under "
                      f"{SMALLEST_BF16_CHIP} px)")
    found = onednn_version()
    if amx and (found is None or found < ONEDNN_AMX_FIXED):
        version = "of unknown version" if found is None else ".".join(map(str, found))
        fixed = ".".join(map(str, ONEDNN_AMX_FIXED))
        return None, (f"float32 (this CPU has AMX, whose bfloat16 kernels in oneDNN {version}, "
                      f"part of PyTorch {torch.__version__}, can turn results into NaN; "
                      f"oneDNN {fixed} fixes that)")
    return torch.bfloat16, "bfloat16 (native on this CPU)"


def mixed_precision(device: torch.device, chip_size: int) -> torch.dtype | None:
    """The autocast type for a network on chips of ``chip_size`` px, or None for float32.

    bfloat16 where the hardware computes it natively: CUDA GPUs from Ampere on, and CPUs with
    AVX512-BF16 or AMX (about 2 x faster there, see docs/benchmarks.md) where oneDNN's
    kernels are sound (see cpu_precision); float16 on older GPUs (with a gradient scaler when
    training); float32 on other CPUs.
    """
    import torch

    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return cpu_precision(chip_size)[0]


def autocast(device: torch.device, dtype: torch.dtype | None) -> torch.autocast:
    """The autocast context for ``mixed_precision(device, chip_size)`` (a no-op for None).

    Without autocast's cache of cast weights: each weight is used once per pass anyway, and
    CUDA graphs (core.cuda_graphs) cannot be captured with it."""
    import torch

    if dtype is None:
        return torch.autocast("cpu", enabled=False)
    return torch.autocast(device.type, dtype=dtype, cache_enabled=False)


def host_values(values: Sequence[float] | torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Host numbers (a list or a CPU tensor) as a tensor on ``like``'s device, in its dtype,
    copied without making the host wait for the device (a plain copy to a GPU waits)."""
    import torch

    return torch.as_tensor(values, dtype=like.dtype).to(like.device, non_blocking=True)


@contextmanager
def host_reads() -> Iterator[None]:
    """Where the host means to wait for the GPU (reading losses back, an epoch's end):
    allowed even while ``torch.cuda.set_sync_debug_mode("error")`` guards the rest of
    training against waits nobody meant (tests/gpu/test_cuda.py)."""
    import torch

    if not torch.cuda.is_available():
        yield
        return
    mode = torch.cuda.get_sync_debug_mode()
    torch.cuda.set_sync_debug_mode(0)
    try:
        yield
    finally:
        torch.cuda.set_sync_debug_mode(mode)


def is_out_of_memory(error: BaseException) -> bool:
    """True for an out-of-memory error of a device: PyTorch's (the CPU's too: a failed
    allocation), another backend's message, or onnxruntime's failed allocation."""
    torch = sys.modules.get("torch")
    if isinstance(error, MemoryError) or (torch is not None and
                                          isinstance(error, torch.OutOfMemoryError)):
        return True
    text = str(error)
    return any(sign in text for sign in ("out of memory", "Failed to allocate memory",
                                         "can't allocate memory"))  # the last: the CPU's


def memory_format(dtype: torch.dtype | None) -> torch.memory_format:
    """channels_last with mixed precision (where the fast kernels want it), else default."""
    import torch

    return torch.contiguous_format if dtype is None else torch.channels_last


class Normalizer(Protocol):
    """What DeviceModel needs of a normalisation (core.data.normalization.Normalization)."""

    def apply(self, images: torch.Tensor) -> torch.Tensor:
        """Float chips normalised."""


class DeviceModel:
    """A network on a device, in the precision that device computes best (mixed_precision),
    with the normalisation its chips need: what the trainer and the predictor share."""

    def __init__(self, model: torch.nn.Module, device: str, chip_size: int,
                 normalization: Normalizer, multi_label: bool = False) -> None:
        import torch

        self.device = resolve_device(device)
        self.amp_dtype = mixed_precision(self.device, chip_size)
        self.memory_format = memory_format(self.amp_dtype)
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True
        self.model = model.to(self.device, memory_format=self.memory_format)
        self.normalization = normalization
        self.multi_label = multi_label  # each output a label of its own (sigmoid)

    @property
    def precision(self) -> str:
        """The precision the network computes in: float32, bfloat16 or float16."""
        return "float32" if self.amp_dtype is None else str(self.amp_dtype).split(".")[-1]

    def autocast(self) -> torch.autocast:
        """The autocast context for this device and precision."""
        return autocast(self.device, self.amp_dtype)

    def to_device(self, images: torch.Tensor) -> torch.Tensor:
        """Raw chips (a tensor on any device) as float on this device."""
        return images.to(self.device, non_blocking=True).float()

    def normalize(self, images: torch.Tensor) -> torch.Tensor:
        """Float chips on this device, normalised, in the memory format of the network."""
        return self.normalization.apply(images).contiguous(memory_format=self.memory_format)

    def probabilities(self, images: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """Probabilities (float32, on the device) for prepared chips: the softmax of the
        logits divided by ``temperature`` (a package's calibration,
        core.inference.calibration); for a multi-label network each label's sigmoid."""
        import torch

        with self.autocast():
            logits = self.model(images)
        if self.multi_label:
            return torch.sigmoid(logits.float())
        return torch.softmax(logits.float() / temperature, dim=1)


# Memory a chip needs on the CPU per pixel of its side squared, measured with resnet50 at
# 224 px in bfloat16 (1,300 B training, 190 B classifying), doubled for float32 and a margin.
CPU_BYTES_PER_PIXEL = {"training": 3000, "other": 400}
MEMORY_SHARE = 0.5  # of the available RAM a batch may plan to take


class BatchParts:
    """How many parts each batch runs in: on the CPU as many as keep a part's estimated
    memory within half the available RAM (planned before the first batch, logged; the
    kernel would otherwise kill the process, QGIS with it), then doubled after every
    out-of-memory error of the device (logged), until a part would be smaller than
    ``smallest`` chips."""

    def __init__(self, feedback: Feedback, device_type: str, chip_size: int = 0) -> None:
        self.parts = 1
        self.feedback = feedback
        self.device_type = device_type
        self.chip_size = chip_size
        self.planned = False

    def run(self, batch: int, task: str, smallest: int, step: Callable[[int], T]) -> T:
        """``step(parts)``, again in twice the parts after each out-of-memory error."""
        if not self.planned:
            self._plan(batch, task, smallest)
        while True:
            try:
                return step(max(1, min(self.parts, batch // smallest)))
            except Exception as error:  # noqa: BLE001 (onnxruntime's errors are no RuntimeError)
                if not is_out_of_memory(error):
                    raise
                self._halve(batch, task, smallest, error)

    @property
    def memory(self) -> str:
        """What runs out: "GPU memory" on a GPU, else "memory"."""
        return "GPU memory" if self.device_type == "cuda" else "memory"

    def _plan(self, batch: int, task: str, smallest: int) -> None:
        """On the CPU, the parts a batch needs to fit the available RAM (core.memory)."""
        from .memory import available, gib

        self.planned = True
        free = available() if self.device_type == "cpu" and self.chip_size else None
        if not free:
            return
        per_chip = self.chip_size**2 * CPU_BYTES_PER_PIXEL.get(task, CPU_BYTES_PER_PIXEL["other"])
        while (per_chip * math.ceil(batch / self.parts) > MEMORY_SHARE * free
               and math.ceil(batch / self.parts) > smallest):
            self.parts *= 2
        if self.parts > 1:
            self.feedback.log(
                tr("A batch of {} chips of {} px would need about {} of memory while "
                   "{}, and {} is available: running it in {} parts of {} chips{}.").format(
                    batch, self.chip_size, gib(per_chip * batch), task, gib(free), self.parts,
                    math.ceil(batch / self.parts), self._same(task)))

    @staticmethod
    def _same(task: str) -> str:
        return "; their gradients add up to one step, as before" if task == "training" else ""

    def _halve(self, batch: int, task: str, smallest: int, error: Exception) -> None:
        if math.ceil(batch / self.parts) <= smallest:
            if isinstance(error, MemoryError) and str(error):  # one that says what asked
                raise SceneClassifierError(str(error)) from error
            others = f"using the GPU, or use {setting('device')} cpu" \
                if self.device_type == "cuda" else ""
            raise SceneClassifierError(
                tr("Out of {} while {} even with {} chip(s) at a time. Choose a smaller "
                   "{}, {} or backbone, or close other programs{}.").format(
                    self.memory, task, smallest, setting('chip_size'), setting('batch_size'),
                    ' ' + others if others else ''))
        self.parts *= 2
        torch = sys.modules.get("torch")
        if self.device_type == "cuda" and torch is not None:
            torch.cuda.empty_cache()
        self.feedback.log(tr("Out of {} while {}: halving the batch to {} chips ({} "
                             "parts per batch{}).").format(
                              self.memory, task, math.ceil(batch / self.parts), self.parts,
                              self._same(task)))
