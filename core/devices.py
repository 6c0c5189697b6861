"""Compute devices and the precision used on them, shared by training and inference."""

from __future__ import annotations

from .errors import DeviceError


def resolve_device(name: str = "auto"):
    """torch.device for 'auto', 'cpu' or 'cuda'; a clear error when CUDA is missing."""
    import torch

    name = (name or "auto").lower()
    if name not in ("auto", "cpu", "cuda"):
        raise DeviceError(f"Unknown device '{name}'. Choose auto, cpu or cuda.")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceError(
            f"DEVICE is cuda but PyTorch {torch.__version__} sees no CUDA GPU. Choose auto or "
            "cpu, or install a CUDA build of torch and a current NVIDIA driver."
        )
    return torch.device(name)


def mixed_precision(device):
    """The autocast type for a device, or None for float32.

    bfloat16 where the hardware computes it natively: CUDA GPUs from Ampere on, and CPUs with
    AVX512-BF16 or AMX (about 2 x faster there, see docs/benchmarks.md); float16 on older
    GPUs (with a gradient scaler when training); float32 on other CPUs.
    """
    import torch

    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    native = getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)() or getattr(
        torch.cpu, "_is_amx_tile_supported", lambda: False)()
    return torch.bfloat16 if native else None


def autocast(device, dtype):
    """The autocast context for ``mixed_precision(device)`` (a no-op for None)."""
    import torch

    if dtype is None:
        return torch.autocast("cpu", enabled=False)
    return torch.autocast(device.type, dtype=dtype)


def is_out_of_memory(error: BaseException) -> bool:
    """True for an out-of-memory error of a device (CUDA's, or another backend's message)."""
    import torch

    return isinstance(error, torch.OutOfMemoryError) or "out of memory" in str(error)


def memory_format(dtype):
    """channels_last with mixed precision (where the fast kernels want it), else default."""
    import torch

    return torch.contiguous_format if dtype is None else torch.channels_last
