"""One training step: the optimizer, the gradient scaler, the non-finite rule and the batch
run in parts when it does not fit in memory.

A step's loss and whether it was finite stay on the device (a GPU never waits for the host);
the epoch loop reads them back now and then (read_skipped_steps), and that reading applies
the non-finite rule's second half: NON_FINITE_LIMIT skipped steps in a row end training.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from ..data.augment import augment_batch
from ..errors import tr
from ..models.backbones import layer_groups
from ..runtime.devices import BatchParts, DeviceModel
from ..runtime.distributed import all_reduce
from ..runtime.feedback import Feedback

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import torch
    from torch import nn

NON_FINITE_LIMIT = 3  # training steps in a row whose loss or gradients are not finite
WEIGHT_DECAY = 0.01


class NonFiniteLoss(Exception):
    """Training diverged: losses or gradients are NaN or infinite."""


def prepared(network: DeviceModel, images: torch.Tensor,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """Raw chips as the network takes them: float on its device, augmented with
    ``generator`` (training; none for prediction), normalised in its memory format."""
    images = network.to_device(images)
    return network.normalize(images if generator is None else augment_batch(images, generator))


Rates = float | list[float]  # one learning rate, or one per layer group (layer_groups)


def parameter_groups(model: nn.Module, lr: Rates) -> list[dict]:
    """The optimizer's parameter groups: all parameters at ``lr``, or, given one rate per
    group, core.models.backbones.layer_groups at their rates (discriminative rates)."""
    if isinstance(lr, (int, float)):
        return [{"params": list(model.parameters()), "lr": float(lr)}]
    return [{"params": group, "lr": float(rate)} for group, rate in zip(layer_groups(model), lr)]


def make_optimizer(model: nn.Module, lr: Rates) -> torch.optim.Optimizer:
    """AdamW, fused (one kernel for all parameters) where torch has it: on CUDA, and on
    the CPU since torch 2.4 (1.24 x faster training steps there, docs/benchmarks.md)."""
    import torch

    try:
        return torch.optim.AdamW(parameter_groups(model, lr), weight_decay=WEIGHT_DECAY,
                                 fused=True)
    except (RuntimeError, TypeError):  # an older torch, or a device without the kernel
        return torch.optim.AdamW(parameter_groups(model, lr), weight_decay=WEIGHT_DECAY)


def make_scaler(network: DeviceModel) -> torch.amp.GradScaler:
    """The gradient scaler. On a GPU it is always on: with float16 it scales the loss, as
    usual; with bfloat16 or float32 it keeps a scale of 1 and serves only to skip a step
    whose gradients are not finite on the GPU itself, without waiting for it (the fused
    optimizer takes the skip flag as a tensor). On the CPU, where reading a flag costs
    nothing, it is off."""
    import torch

    if network.device.type != "cuda":
        return torch.amp.GradScaler("cpu", enabled=False)
    if network.amp_dtype == torch.float16:
        return torch.amp.GradScaler("cuda")
    return torch.amp.GradScaler("cuda", init_scale=1.0, growth_interval=2**30)


def multi_label_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The mean binary cross-entropy of each label of each chip; a label of -1 (a streamed
    chip that no longer reads) counts for nothing."""
    import torch

    known = (labels >= 0).to(logits.dtype)
    losses = torch.nn.functional.binary_cross_entropy_with_logits(
        logits.float(), labels.clamp_min(0).float(), reduction="none")
    return (losses * known).sum() / known.sum().clamp_min(1)


class TrainingStep:
    """Optimizer steps on batches of raw chips, augmented with ``generator`` (not augmented
    where ``augment`` is False), starting at the learning rate ``lr`` (one, or one per layer
    group; a schedule may change it): ``step(images, labels)`` returns
    (loss, finite) as tensors on the device. ``batch_parts`` is the trainer's out-of-memory
    rule, shared with its predictions.

    ``replica`` is what runs the network: the network itself, or under torchrun its
    DistributedDataParallel wrapper (core.training.placement.replicate). ``forward`` is
    what the forward pass calls: the replica, or CUDA graphs of the network
    (core.training.cuda_graphs.fastest_forward). With ``multi_label`` the labels are rows of
    0/1 and the loss is each label's binary cross-entropy (multi_label_loss)."""

    def __init__(self, network: DeviceModel, replica: nn.Module, batch_parts: BatchParts,
                 generator: torch.Generator, lr: Rates, augment: bool = True,
                 multi_label: bool = False) -> None:
        import torch

        self.network = network
        self.model = network.model
        self.replica = replica
        self.forward = replica
        self.batch_parts = batch_parts
        self.generator = generator
        self.augment = augment
        self.criterion = multi_label_loss if multi_label else \
            torch.nn.CrossEntropyLoss(ignore_index=-1)
        self.optimizer = make_optimizer(self.model, lr)
        self.scaler = make_scaler(network)

    def __call__(self, images: torch.Tensor,
                 labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimizer step on a batch. Out of memory, the batch is cut in more parts
        whose gradients add up to the same step (logged; BatchParts), down to two chips per
        part (batch normalisation needs two). A step whose loss or gradients are not finite
        changes no weight. Under torchrun ``finite`` is that of all processes' steps (the
        gradients are averaged over them anyway), so all take or skip the step together;
        ``loss`` is this process's."""
        return self.batch_parts.run(len(labels), "training", 2, lambda parts: (
            self._accumulated(images, labels, parts)))

    def _accumulated(self, images: torch.Tensor, labels: torch.Tensor,
                     parts: int) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        images = prepared(self.network, images, self.generator if self.augment else None)
        self.optimizer.zero_grad(set_to_none=True)
        total = None
        pieces = list(zip(images.tensor_split(parts), labels.tensor_split(parts)))
        for number, (part, part_labels) in enumerate(pieces, 1):
            with self._gradients_kept_here(number < len(pieces)):
                with self.network.autocast():
                    loss = self.criterion(self.forward(part), part_labels) * (
                        len(part_labels) / len(labels))
                self.scaler.scale(loss).backward()
            total = loss.detach() if total is None else total + loss.detach()
        finite = torch.isfinite(total)
        if self.network.amp_dtype != torch.float16:
            # (with float16 the scaler itself skips steps whose scaled gradients overflow)
            finite &= self._gradients_finite()
        finite = all_reduce(finite, "min")
        if self.scaler.is_enabled():
            self.scaler.step(self.optimizer)  # skipped on the GPU where gradients are not finite
            self.scaler.update()
        elif finite:
            self.optimizer.step()
        return total, finite

    def _gradients_kept_here(self, kept: bool) -> AbstractContextManager[None]:
        """Under torchrun, while ``kept``: a backward pass whose gradients are only added up
        here, not yet averaged over the processes. Each process then averages once a step,
        whatever the number of parts its batch runs in."""
        if kept and self.replica is not self.model:
            return self.replica.no_sync()
        return nullcontext()

    def _gradients_finite(self) -> torch.Tensor:
        """Whether the total norm of the gradients is finite, as a tensor on the device."""
        import torch

        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        return torch.isfinite(torch.nn.utils.get_total_norm(grads))


def read_skipped_steps(epoch: int, unread: list, failed: int, feedback: Feedback) -> int:
    """Log the steps of ``unread`` ((step number, finite flag on the device) pairs) that were
    skipped for a non-finite loss or gradients; returns the count of such steps in a row
    (``failed`` before these), and ends training (NonFiniteLoss) at NON_FINITE_LIMIT."""
    import torch

    flags = torch.stack([finite for _, finite in unread]).tolist()
    for (step, _), finite in zip(unread, flags):
        if finite:
            failed = 0
            continue
        failed += 1
        feedback.log(tr("Epoch {}, batch {}: the training loss or its gradients are not "
                        "finite; this step is skipped.").format(epoch, step))
        if failed >= NON_FINITE_LIMIT:
            raise NonFiniteLoss(f"{failed} training steps in a row had a loss or gradients "
                                "that are not finite")
    return failed
