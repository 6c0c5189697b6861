"""Where the training chips live: GPU memory, (pinned) host memory, or streamed from disk.

Chips are decoded once and kept, resized, as uint8 (or float32 for other data types):
on the GPU when they fit half its free memory, else in host memory (pinned for fast copies
to a GPU) when they fit half the available RAM, else they are read from disk every epoch by
worker processes. Augmentation then runs on the device, in batches, whatever the place.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..runtime import memory
from ..runtime.distributed import local_processes
from ..runtime.memory import gib
from .imagery import parallel_decoders, training_chip

if TYPE_CHECKING:
    import torch

    Batch = tuple[torch.Tensor, torch.Tensor | None]

GPU_SHARE = 0.5  # of the free GPU memory the chips may take; the rest is for the model
HOST_SHARE = 0.5  # of the available RAM
GPU, PINNED, MEMORY, STREAM = "GPU memory", "pinned host memory", "host memory", "streamed"


@dataclass(frozen=True)
class ChipStore:
    """The place chosen for the chips, with the figures behind the choice."""

    place: str
    chip_bytes: int
    budget: int | None

    def describe(self, count: int) -> str:
        """The log line saying where ``count`` chips are kept and why."""
        where = {GPU: "kept in GPU memory", PINNED: "kept in pinned host memory",
                 MEMORY: "kept in host memory", STREAM: "read from disk every epoch by "
                 "worker processes"}[self.place]
        budget = "" if self.budget is None else f" (budget {gib(self.budget)})"
        return f"Chip storage: {count} chips, {gib(self.chip_bytes)} decoded, " \
               f"{where}{budget}."


def host_store(chip_bytes: int, force: str | None = None) -> ChipStore:
    """In memory, or streamed when the decoded chips would not fit half the available RAM
    (shared by the processes torchrun started on this machine, each of which decodes them
    all)."""
    available = memory.available()
    budget = None if available is None else int(available * HOST_SHARE / local_processes())
    if force:
        return ChipStore(force, chip_bytes, budget)
    fits = budget is None or chip_bytes <= budget
    return ChipStore(MEMORY if fits else STREAM, chip_bytes, budget)


def device_store(chip_bytes: int, device: torch.device) -> ChipStore:
    """For chips in host memory, training on the CUDA ``device``: on the GPU when they fit
    half its free memory, else pinned."""
    import torch

    free, _ = torch.cuda.mem_get_info(device)
    return gpu_store(chip_bytes, free)


def gpu_store(chip_bytes: int, free_gpu_bytes: int) -> ChipStore:
    """GPU memory when the chips fit GPU_SHARE of the free GPU memory, else pinned host."""
    budget = int(free_gpu_bytes * GPU_SHARE)
    return ChipStore(GPU if chip_bytes <= budget else PINNED, chip_bytes, budget)


def stream_workers() -> int:
    """Worker processes for streamed chips: one per core (at most 8) where processes can be
    forked (Linux); elsewhere 0, as a spawned worker would start QGIS itself, not Python."""
    if not sys.platform.startswith("linux"):
        return 0
    return parallel_decoders()


class StreamedChips:
    """Chips read from their files when needed: a torch Dataset, and enough of a tensor's
    interface (len, shape, dtype, indexing by one index) for the rest of the trainer."""

    def __init__(self, paths: Sequence[str], chip_size: int, band_count: int,
                 dtype: np.dtype, resize_to: int | None = None) -> None:
        self.paths = list(paths)
        self.chip_size = chip_size
        self.resize_to = resize_to
        self.band_count = band_count
        self.np_dtype = np.dtype(dtype)

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def shape(self) -> tuple[int, ...]:
        """(chips, bands, chip size, chip size), as a tensor of them all would have."""
        return len(self.paths), self.band_count, self.chip_size, self.chip_size

    @property
    def dtype(self) -> torch.dtype:
        """torch.uint8 for 8-bit chips, else torch.float32."""
        import torch

        return torch.uint8 if self.np_dtype == np.uint8 else torch.float32

    def decode(self, index: int) -> tuple[torch.Tensor, bool]:
        """(chip as a tensor, True), or (zeros, False) for a file that no longer reads."""
        import torch

        try:
            chip = training_chip(self.paths[index], self.chip_size, self.band_count,
                                 self.np_dtype, resize_to=self.resize_to)
        except Exception:  # a file changed or broke since it was scanned
            return torch.zeros(self.shape[1:], dtype=self.dtype), False
        return torch.from_numpy(chip), True

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.decode(int(index))[0]


class _Streamed:
    """The torch Dataset view of StreamedChips (picklable for worker processes); a chip that
    no longer reads gets the label -1 (with several labels a row of -1), which the loss
    ignores."""

    def __init__(self, chips: StreamedChips, labels: torch.Tensor | None) -> None:
        self.chips = chips
        self.labels = labels

    def __len__(self) -> int:
        return len(self.chips)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, object]:
        chip, ok = self.chips.decode(index)
        if self.labels is None or self.labels.dim() == 1:
            return chip, int(self.labels[index]) if ok and self.labels is not None else -1
        return chip, self.labels[index] if ok else -self.labels[index].new_ones(
            self.labels.shape[1])  # several labels: a row of -1


def chip_batches(images: torch.Tensor | StreamedChips, labels: torch.Tensor | None,
                 batch_size: int, order: Sequence[int] | torch.Tensor,
                 device: torch.device) -> Iterator[Batch]:
    """(images, labels) batches on ``device`` in the given order of indices.

    Chips already on the device are indexed there; chips in host memory are gathered (into
    pinned buffers when they are pinned) and copied asynchronously; streamed chips are
    decoded by worker processes (label -1 for a file that no longer reads). ``labels`` may
    be None (prediction): the batches then carry None.
    """
    import torch

    if isinstance(images, StreamedChips):
        yield from _streamed_batches(images, labels, batch_size, order, device)
        return
    order = torch.as_tensor(order)
    on_device = images.device == device
    pinned = images.device.type == "cpu" and images.is_pinned()
    buffers = []
    for number, start in enumerate(range(0, len(order), batch_size)):
        index = order[start:start + batch_size]
        batch_labels = None if labels is None else labels[index]
        if on_device:
            yield images[index.to(device, non_blocking=True)], _to(batch_labels, device)
            continue
        if pinned:
            if len(buffers) < 2:  # two, so one fills while the other is being copied
                buffers.append(torch.empty((batch_size, *images.shape[1:]),
                                           dtype=images.dtype).pin_memory())
            batch = buffers[number % 2][:len(index)]
            torch.index_select(images, 0, index, out=batch)
        else:
            batch = images[index]
        yield batch.to(device, non_blocking=pinned), _to(batch_labels, device)


def _to(labels: torch.Tensor | None, device: torch.device) -> torch.Tensor | None:
    return None if labels is None else labels.to(device, non_blocking=True)


def _streamed_batches(images: StreamedChips, labels: torch.Tensor | None, batch_size: int,
                      order: Sequence[int] | torch.Tensor,
                      device: torch.device) -> Iterator[Batch]:
    import torch

    order = [int(i) for i in order]
    workers = stream_workers()
    loader = torch.utils.data.DataLoader(
        _Streamed(images, labels),
        batch_sampler=[order[i:i + batch_size] for i in range(0, len(order), batch_size)],
        num_workers=workers, multiprocessing_context="fork" if workers else None,
        pin_memory=device.type == "cuda")
    for chips, chip_labels in loader:
        yield chips.to(device, non_blocking=True), (
            None if labels is None else chip_labels.to(device, non_blocking=True))
