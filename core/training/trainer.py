"""The training loop, read top to bottom: Trainer.fit runs the one-cycle schedule (or a
constant rate) epoch after epoch (train_one_epoch, then validate), keeps the best epoch (by
validation loss or accuracy; or the last), writes a checkpoint after each and stops early
when the monitored value no longer improves; predict and validate evaluate.

As in torchvision's reference train.py, the other parts are kept aside:
core.training.sampler (the order of the chips, this process's share under torchrun),
core.training.step (one optimizer step: scaler, non-finite rule, out-of-memory parts),
core.training.placement (chips on the device, DistributedDataParallel, seeds, cancel hooks),
core.training.cuda_graphs (the optional CUDA graphs of long runs on a GPU),
core.training.history and core.training.checkpoint (the epoch table and best epoch; the
state saved after every epoch). Progress and cancellation flow in through a
:class:`~core.runtime.feedback.Feedback`.

Under torchrun every process validates its share of the validation chips and gets all the
probabilities, so every decision (a step skipped, the best epoch, early stopping) is the
same in all of them.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Callable

from ..data.chip_store import chip_batches
from ..data.training_data import TrainingData
from ..errors import SceneClassifierError, setting, tr
from ..models.backbones import freeze_body
from ..runtime.devices import BatchParts, DeviceModel, host_reads
from ..runtime.distributed import all_gather, all_reduce, rank, shard, world_size
from ..runtime.feedback import Feedback
from .checkpoint import capture_training, restore_training
from .cuda_graphs import fastest_forward
from .history import EPOCH_TABLE_HEADER, BestEpoch, EpochStats
from .lr_finder import LRFinderResult, sweep_learning_rates
from .placement import (
    check_cancel_inside_steps,
    describe_precision,
    own_random_numbers,
    place_chips,
    replicate,
    share_buffers,
)
from .sampler import TrainingSampler
from .step import NonFiniteLoss, Rates, TrainingStep, prepared, read_skipped_steps

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from contextlib import AbstractContextManager

    import torch
    from torch import nn
    from torch.optim.lr_scheduler import LRScheduler

    from ..data.chip_store import StreamedChips

EARLY_STOPPING_PATIENCE = 5
READ_INTERVAL_S = 2.0  # how often the losses of a GPU's steps are read back while it trains
READ_STEPS = 50  # the same for GPUs under torchrun, in steps: the same ones in every process
WARMUP_SHARE = 0.25  # of the one-cycle schedule
MONITORS = ("valid_loss", "accuracy")  # what decides the best epoch (and early stopping)


class Trainer:
    """Trains one model on one TrainingData on one device (under torchrun: one process's
    part of the training, see core.training.placement)."""

    def __init__(self, model: nn.Module, data: TrainingData, device: str = "auto",
                 oversample: bool = False, feedback: Feedback | None = None) -> None:
        import torch

        self.network = DeviceModel(model, device, data.chip_size, data.normalization,
                                   data.multi_label)
        self.device = self.network.device
        self.on_cuda = self.device.type == "cuda"
        self.data = data
        self.oversample = oversample
        self.feedback = (feedback or Feedback()).main_only()
        self.seed = data.seed + rank()  # each process shuffles and augments its own way
        self.generator = torch.Generator().manual_seed(self.seed)
        self.sampler = TrainingSampler(data, self.generator, oversample)
        self.batch_size = self.sampler.batch_size  # this process's chips a step
        self.batch_parts = BatchParts(self.feedback, self.device.type, data.chip_size)
        self.train_images, self.valid_images = place_chips(data, self.device, self.feedback)
        self.feedback.log(describe_precision(self.network, data.chip_size))
        if not self.on_cuda:
            check_cancel_inside_steps(self.model, self.feedback)
        self.replica = replicate(self.model, self.device, data, self.batch_size, self.feedback)
        self.frozen = False
        self.history: list[EpochStats] = []
        self.best = BestEpoch()
        self.kept_epoch = 0

    def freeze(self, frozen: bool = True) -> None:
        """Train only the head and batch normalisation (``frozen``), or the whole network
        (core.models.backbones.freeze_body). Under torchrun the replica is built again:
        DistributedDataParallel averages only the parameters trainable when it was built."""
        freeze_body(self.model, frozen)
        self.frozen = frozen
        if self.replica is not self.model:
            self.replica = replicate(self.model, self.device, self.data, self.batch_size,
                                     self.feedback)

    @property
    def model(self) -> nn.Module:
        """The network itself (its weights, saving, prediction)."""
        return self.network.model

    @property
    def best_epoch(self) -> int:
        """The epoch whose weights fit() kept (0 before any)."""
        return self.kept_epoch

    def own_random_numbers(self) -> AbstractContextManager[None]:
        """The run's own random numbers for the block (core.training.placement)."""
        return own_random_numbers(self.seed, self.generator, self.device)

    def training_step(self, lr: Rates) -> TrainingStep:
        """Optimizer steps on this trainer's network, starting at the learning rate ``lr``
        (one, or one per layer group)."""
        return TrainingStep(self.network, self.replica, self.batch_parts, self.generator, lr,
                            self.data.augment, self.data.multi_label)

    def steps_per_epoch(self) -> int:
        """Training steps in an epoch (the same in every process under torchrun)."""
        return len(self.sampler)

    def train_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless stream of training batches on the device, epoch after epoch, in the
        sampler's order."""
        while True:
            yield from chip_batches(self.train_images, self.data.train_labels, self.batch_size,
                                    self.sampler.epoch(), self.device)

    def lr_find(self, start_lr: float = 1e-7, end_lr: float = 10.0,
                iterations: int = 100) -> LRFinderResult:
        """The learning-rate sweep (core.training.lr_finder); the model's weights are restored
        after."""
        return sweep_learning_rates(self, start_lr, end_lr, iterations)

    # --- fit --------------------------------------------------------------------------------
    def fit(self, epochs: int, lr: Rates, early_stopping: bool = True,
            checkpoint: Callable[[dict], None] | None = None,
            resume: dict | None = None, one_cycle: bool = True,
            monitor: str = "valid_loss", keep_best: bool = True) -> list[EpochStats]:
        """Training with the one-cycle schedule (or, without ``one_cycle``, at the constant
        rate ``lr``: one, or one per layer group); keeps the weights of the best epoch by
        ``monitor`` (the lowest valid_loss, or the highest accuracy), or with ``keep_best``
        False those of the last. Early stopping watches ``monitor`` too.

        After each epoch ``checkpoint`` receives the whole training state; ``resume`` (such
        a state) continues a run from the epoch after the one it was saved at. A training
        step whose loss is not finite is skipped (logged); NON_FINITE_LIMIT of them in a row,
        or a validation loss that is not finite, end training at the best epoch so far.
        """
        import torch

        steps = self.steps_per_epoch()
        train_step = self.training_step(lr)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            train_step.optimizer, max_lr=lr, total_steps=epochs * steps,
            pct_start=warmup_share(epochs * steps)) if one_cycle else \
            torch.optim.lr_scheduler.ConstantLR(train_step.optimizer, factor=1.0, total_iters=0)
        # While the rate still rises the validation loss is noisy: patience starts after.
        warmup_epochs = math.ceil(epochs * WARMUP_SHARE) if one_cycle else 0
        self.best, self.history, first_epoch = BestEpoch(), [], 1
        finished = True
        with self.own_random_numbers():
            if resume is not None:
                first_epoch, self.history, self.best = restore_training(
                    resume, train_step, scheduler)
                self.feedback.log(tr("Resuming at epoch {} of {}.").format(first_epoch, epochs))
            self.feedback.log(EPOCH_TABLE_HEADER)
            for row in self.history:
                self.feedback.log(row.as_row())
            batches = fastest_forward(train_step, (epochs - first_epoch + 1) * steps,
                                      self.train_batches(), self.feedback)
            for epoch in range(first_epoch, epochs + 1):
                started = time.perf_counter()
                try:
                    train_loss = self.train_one_epoch(epoch, epochs, steps, batches, train_step,
                                                      scheduler)
                    with host_reads():
                        share_buffers(self.model)
                        valid_loss, accuracy = self.validate()
                    if not math.isfinite(valid_loss):
                        raise NonFiniteLoss(f"the validation loss of epoch {epoch} is not "
                                            "finite")
                except NonFiniteLoss as problem:
                    self._end_non_finite(problem)
                    finished = False
                    break
                stats = EpochStats(epoch, train_loss, valid_loss, accuracy,
                                   time.perf_counter() - started)
                self.history.append(stats)
                self.feedback.log(stats.as_row())
                with host_reads():
                    self.best.update(epoch, -accuracy if monitor == "accuracy" else valid_loss,
                                     self.model, epoch > warmup_epochs)
                    if checkpoint is not None:
                        checkpoint(capture_training(epoch, train_step, scheduler, self.history,
                                                    self.best))
                if (early_stopping and epoch > warmup_epochs
                        and self.best.stale >= EARLY_STOPPING_PATIENCE and epoch < epochs):
                    kept = self.best.epoch if keep_best else epoch
                    self.feedback.log(tr("Early stopping: {} has not improved for {} "
                                         "epochs; keeping epoch {}.").format(
                                          monitor, self.best.stale, kept))
                    break
        if keep_best or not finished:  # (after a failed epoch the last weights are not kept)
            with host_reads():
                self.model.load_state_dict(self.best.state)
            self.kept_epoch = self.best.epoch
        else:
            self.kept_epoch = self.history[-1].epoch
        return self.history

    def train_one_epoch(self, epoch: int, epochs: int, steps: int,
                        batches: Iterator[tuple[torch.Tensor, torch.Tensor]],
                        train_step: TrainingStep, scheduler: LRScheduler) -> float:
        """One epoch of training steps; returns the mean loss of the steps that counted (of
        all processes under torchrun).

        Losses stay on the device and are read back every READ_INTERVAL_S and at the end
        of the epoch: a GPU then runs ahead of Python instead of waiting after every step.
        """
        import torch

        self.model.train()
        total = torch.zeros((), device=self.device)
        counted = torch.zeros((), device=self.device, dtype=torch.long)
        unread: list[tuple[int, object]] = []
        failed, last_read, mean, finished = 0, time.monotonic(), math.nan, 0
        for step in range(1, steps + 1):
            self.feedback.check_cancelled()
            loss, finite = train_step(*next(batches))
            scheduler.step()
            total += torch.where(finite, loss, 0.0)
            counted += finite
            unread.append((step, finite))
            if self._read_due(step, steps, last_read):
                with host_reads():
                    failed = read_skipped_steps(epoch, unread, failed, self.feedback)
                    summed = all_reduce(torch.stack([total, counted.to(total.dtype)]))
                    finished = int(summed[1])
                    mean = float(summed[0]) / max(1, finished)
                unread, last_read = [], time.monotonic()
            known = "" if math.isnan(mean) else f" · training loss {mean:.3f}"
            self.feedback.report(((epoch - 1) * steps + step) / (epochs * steps),
                                 tr("epoch {}/{} · batch {}/{}{}").format(
                                     epoch, epochs, step, steps, known))
        if not finished:
            raise NonFiniteLoss(f"no training step of epoch {epoch} had a finite loss")
        return mean

    def _read_due(self, step: int, steps: int, last_read: float) -> bool:
        """Whether the losses are read back after ``step``: at the end of the epoch, and
        every READ_INTERVAL_S. Under torchrun at the same steps in every process, as reading
        may end training (NON_FINITE_LIMIT) and adds up the losses of all: every step on the
        CPU, where reading costs nothing, every READ_STEPS on a GPU."""
        if step == steps:
            return True
        if world_size() > 1:
            return step % (READ_STEPS if self.on_cuda else 1) == 0
        return time.monotonic() - last_read >= READ_INTERVAL_S

    def _end_non_finite(self, problem: NonFiniteLoss) -> None:
        """Log why training ends early; without any good epoch there is nothing to keep."""
        advice = (f"Lower {setting('learning_rate')} (or let the finder choose it), try "
                  f"another {setting('batch_size')}, or train with {setting('device')} cpu on a "
                  "CPU without bfloat16 (float32).")
        if self.best.state is None:
            raise SceneClassifierError(tr("Training failed: {}, and no epoch finished "
                                          "with a finite validation loss. {}").format(
                                           problem, advice))
        self.feedback.log(tr("Training stopped: {}. Keeping epoch {}, the best finished "
                             "one. {}").format(problem, self.best.epoch, advice))

    # --- evaluation -------------------------------------------------------------------------
    def predict(self, images: torch.Tensor | StreamedChips | None = None,
                indices: Sequence[int] | None = None) -> torch.Tensor:
        """Class probabilities (N, classes) as a CPU float tensor for raw chips (by default
        the validation chips), all of them or those at ``indices``; they stay on the device
        until all are computed."""
        import torch

        images = self.valid_images if images is None else images
        self.model.eval()
        outputs = [torch.empty((0, len(self.data.classes)), device=self.device)]
        with torch.inference_mode():
            for chunk, _ in chip_batches(images, None, self.batch_size,
                                         range(len(images)) if indices is None else indices,
                                         self.device):
                self.feedback.check_cancelled()
                outputs.extend(self.batch_parts.run(
                    len(chunk), "validating", 1,
                    lambda parts, chunk=chunk: self._probabilities(chunk, parts)))
        return torch.cat(outputs).cpu()

    def _probabilities(self, chunk: torch.Tensor, parts: int) -> list[torch.Tensor]:
        """The probabilities of ``chunk``'s chips, computed in ``parts`` parts."""
        return [self.network.probabilities(prepared(self.network, part))
                for part in chunk.tensor_split(parts)]

    def validation_probabilities(self) -> torch.Tensor:
        """predict() on the validation chips, shared by the processes under torchrun: each
        predicts its share (core.runtime.distributed.shard) and all get all, in order."""
        import torch

        return torch.cat(all_gather(self.predict(indices=shard(len(self.valid_images)))))

    def validate(self) -> tuple[float, float]:
        """(valid_loss, accuracy) on the validation chips, the same in every process; with
        several labels a chip, the binary cross-entropy and the share of labels right at 0.5
        (one minus the Hamming loss)."""
        import torch

        probabilities = self.validation_probabilities()
        labels = self.data.valid_labels
        if self.data.multi_label:
            loss = torch.nn.functional.binary_cross_entropy(
                probabilities.clamp(1e-7, 1 - 1e-7), labels)
            accuracy = ((probabilities >= 0.5).float() == labels).float().mean()
        else:
            loss = torch.nn.functional.nll_loss(torch.log(probabilities.clamp_min(1e-12)),
                                                labels)
            accuracy = (probabilities.argmax(dim=1) == labels).float().mean()
        return float(loss), float(accuracy)


def warmup_share(total_steps: int) -> float:
    """The one-cycle warm-up share: WARMUP_SHARE, but at least 1.5 steps, so that very short
    runs (a few chips, few epochs) never get a warm-up of zero steps (a division by zero in
    torch's OneCycleLR)."""
    return min(0.9, max(WARMUP_SHARE, 1.5 / total_steps))
