"""Where a run trains: its chips on the device, its process among torchrun's (the network
wrapped in DistributedDataParallel, batch normalisation's statistics shared), its own
random numbers, and the cancel checks inside a step on the CPU.

Under torchrun each process trains a copy of the network on its own share of the training
chips (core.training.sampler), wrapped in DistributedDataParallel, which averages the
gradients of all processes: one step of all is one step on the global batch, so the
learning rate is that of the global batch, as in one process.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..data.chip_store import GPU, PINNED, StreamedChips, device_store
from ..data.training_data import TrainingData
from ..errors import tr
from ..runtime.devices import DeviceModel, cpu_precision
from ..runtime.distributed import all_reduce, world_size
from ..runtime.feedback import Feedback

if TYPE_CHECKING:
    from collections.abc import Iterator

    import torch
    from torch import nn


def place_chips(data: TrainingData, device: torch.device, feedback: Feedback) -> tuple:
    """(training chips, validation chips) where the batches are cheapest to gather: in GPU
    memory when they fit its budget, else pinned for fast copies; logs the choice."""
    place = data.chip_store
    images = data.train_images, data.valid_images
    if device.type == "cuda" and not isinstance(data.train_images, StreamedChips):
        place = device_store(place.chip_bytes, device)
        if place.place == GPU:
            images = tuple(chips.to(device) for chips in images)
        elif place.place == PINNED:
            images = tuple(chips.pin_memory() for chips in images)
    feedback.log(place.describe(len(data.train_labels) + len(data.valid_labels)))
    return images


def describe_precision(network: DeviceModel, chip_size: int) -> str:
    """The precision the network computes in and, on the CPU, the thread count: a run
    is reproducible for the same seed, data, settings, thread count and PyTorch."""
    import torch

    if network.device.type == "cuda":
        name = torch.cuda.get_device_name(network.device)
        return f"Precision: {network.precision} on {name}."
    note = cpu_precision(chip_size)[1]
    return f"Precision: {note}; {torch.get_num_threads()} CPU threads."


def replicate(model: nn.Module, device: torch.device, data: TrainingData, batch_size: int,
              feedback: Feedback) -> nn.Module:
    """What training steps run: under torchrun the network wrapped in
    DistributedDataParallel (which starts every process from the main one's weights and
    averages the gradients of all processes in each backward pass; logged with this
    process's share: ``batch_size`` chips a step), else the network itself. Buffers (batch
    normalisation's statistics) are not broadcast at every forward pass, whose count may
    differ between processes (a batch cut in parts after running out of memory):
    share_buffers averages them after every epoch."""
    import inspect

    processes = world_size()
    if processes == 1:
        return model
    from torch.nn.parallel import DistributedDataParallel

    # (the switch's name in recent torch; older versions know only broadcast_buffers)
    switch = "forward_sync_buffers" if "forward_sync_buffers" in inspect.signature(
        DistributedDataParallel).parameters else "broadcast_buffers"
    feedback.log(
        tr("{} processes (torchrun), each on {}: each trains on {} of the {} training "
           "chips, {} of the {} chips of every step; their gradients are averaged.").format(
            processes, device, len(data.train_labels), len(data.all_train_labels), batch_size,
            data.batch_size))
    return DistributedDataParallel(
        model, device_ids=[device.index] if device.type == "cuda" else None,
        **{switch: False})


def share_buffers(model: nn.Module) -> None:
    """Under torchrun: every floating-point buffer of the network (batch normalisation's
    running statistics, which each process gathers on its own chips) set to its mean
    over all processes, so that they validate and save the same network."""
    import torch

    if world_size() == 1:
        return
    with torch.no_grad():
        for buffer in model.buffers():
            if buffer.is_floating_point():
                buffer.copy_(all_reduce(buffer) / world_size())


@contextmanager
def own_random_numbers(seed: int, generator: torch.Generator,
                       device: torch.device) -> Iterator[None]:
    """Random numbers owned by the run (dropout, augmentation, the order of the chips):
    torch's and ``generator`` seeded with ``seed`` (the data's seed plus the rank under
    torchrun), whatever ran before in the process, and the caller's state restored after."""
    import torch

    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        generator.manual_seed(seed)
        yield


def check_cancel_inside_steps(model: nn.Module, feedback: Feedback) -> None:
    """Check for cancellation after every block of the network, in the forward and the
    backward pass: a large batch on a CPU can take seconds, and a cancelled run must
    stop within a fraction of that (nothing of the step is kept). A GPU's step lasts
    milliseconds: there the check between steps is enough, and hooks would only add
    Python work to every block (and keep the step from being a CUDA graph)."""
    def after_block(module: nn.Module, inputs: tuple, output: object) -> None:
        feedback.check_cancelled()
        if getattr(output, "requires_grad", False):
            output.register_hook(lambda grad: feedback.check_cancelled())

    for name, module in model.named_modules():
        if name and name.count(".") <= 1:  # the blocks: children and grandchildren
            module.register_forward_hook(after_block)
