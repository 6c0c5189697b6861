"""The training loop: learning-rate finder, one-cycle fit, early stopping, best epoch kept.

Read top to bottom like torchvision's reference train.py. Progress and cancellation flow in
through a :class:`~core.feedback.Feedback`.

Under torchrun (core.distributed) each process trains a copy of the network on its own share
of the training chips (core.dataset.load_training_data), with batch_size / processes chips a step,
wrapped in DistributedDataParallel, which averages the gradients of all processes: one step
of all is one step on the global batch, so the learning rate is that of the global batch, as
in one process. Every process validates its share of the validation chips and gets all the
probabilities, so every decision (a step skipped, the best epoch, early stopping) is the same
in all of them.
"""

from __future__ import annotations

import itertools
import math
import time
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from typing import Callable

from ..data.augment import augment_batch
from ..data.chip_store import GPU, PINNED, StreamedChips, chip_batches, device_store
from ..data.training_data import TrainingData
from ..errors import SceneClassifierError
from ..runtime.devices import BatchParts, DeviceModel, cpu_precision, host_reads
from ..runtime.distributed import all_gather, all_reduce, rank, shard, world_size
from ..runtime.feedback import Feedback
from .checkpoint import capture_run, random_state, random_states, restore_random, restore_run
from .cuda_graphs import GraphedForward, worth_capturing
from .lr_finder import LRFinderResult, sweep_learning_rates
from .sampler import TrainingSampler

EARLY_STOPPING_PATIENCE = 5
NON_FINITE_LIMIT = 3  # training steps in a row whose loss or gradients are not finite
READ_INTERVAL_S = 2.0  # how often the losses of a GPU's steps are read back while it trains
READ_STEPS = 50  # the same for GPUs under torchrun, in steps: the same ones in every process
WARMUP_SHARE = 0.25  # of the one-cycle schedule
WEIGHT_DECAY = 0.01


@dataclass
class EpochStats:
    """One row of the epoch table."""

    epoch: int
    train_loss: float
    valid_loss: float
    accuracy: float
    seconds: float

    def as_row(self) -> str:
        minutes, seconds = divmod(int(round(self.seconds)), 60)
        return (f"{self.epoch:>5}  {self.train_loss:>10.4f}  {self.valid_loss:>10.4f}  "
                f"{self.accuracy:>8.4f}  {minutes:02d}:{seconds:02d}")


EPOCH_TABLE_HEADER = f"{'epoch':>5}  {'train_loss':>10}  {'valid_loss':>10}  {'accuracy':>8}  time"


class NonFiniteLoss(Exception):
    """Training diverged: losses or gradients are NaN or infinite."""


class Trainer:
    """Trains one model on one TrainingData on one device (under torchrun: one process's
    part of the training, see the module's docstring)."""

    def __init__(self, model, data: TrainingData, device: str = "auto", oversample: bool = False,
                 feedback: Feedback | None = None) -> None:
        import torch

        self.network = DeviceModel(model, device, data.chip_size, data.normalization)
        self.device = self.network.device
        self.data = data
        self.oversample = oversample
        self.feedback = (feedback or Feedback()).main_only()
        self.seed = data.seed + rank()  # each process shuffles and augments its own way
        self.generator = torch.Generator().manual_seed(self.seed)
        self.sampler = TrainingSampler(data, self.generator, oversample)
        self.batch_size = self.sampler.batch_size  # this process's chips a step
        self.on_cuda = self.device.type == "cuda"
        self.batch_parts = BatchParts(self.feedback, self.device.type, data.chip_size)
        self.train_images, self.valid_images = self._place_chips()
        self.feedback.log(self.describe_precision())
        if not self.on_cuda:
            self._check_cancel_inside_steps()
        self.replica = self._replicate()
        self.forward = self.replica
        self.criterion = torch.nn.CrossEntropyLoss(ignore_index=-1)
        self.history: list[EpochStats] = []
        self.best_epoch = 0

    @property
    def model(self):
        """The network itself (its weights, saving, prediction)."""
        return self.network.model

    def _replicate(self):
        """What training steps run: under torchrun the network wrapped in
        DistributedDataParallel (which starts every process from the main one's weights and
        averages the gradients of all processes in each backward pass; logged), else the
        network itself. Buffers (batch normalisation's statistics) are not broadcast at
        every forward pass, whose count may differ between processes (a batch cut in parts
        after running out of memory): share_buffers averages them after every epoch."""
        import inspect

        processes = world_size()
        if processes == 1:
            return self.model
        from torch.nn.parallel import DistributedDataParallel

        # (the switch's name in recent torch; older versions know only broadcast_buffers)
        switch = "forward_sync_buffers" if "forward_sync_buffers" in inspect.signature(
            DistributedDataParallel).parameters else "broadcast_buffers"
        self.feedback.log(
            f"{processes} processes (torchrun), each on {self.device}: each trains on "
            f"{len(self.data.train_labels)} of the {len(self.data.all_train_labels)} training "
            f"chips, {self.batch_size} of the {self.data.batch_size} chips of every step; "
            "their gradients are averaged.")
        return DistributedDataParallel(
            self.model, device_ids=[self.device.index] if self.on_cuda else None,
            **{switch: False})

    def share_buffers(self) -> None:
        """Under torchrun: every floating-point buffer of the network (batch normalisation's
        running statistics, which each process gathers on its own chips) set to its mean
        over all processes, so that they validate and save the same network."""
        import torch

        if world_size() == 1:
            return
        with torch.no_grad():
            for buffer in self.model.buffers():
                if buffer.is_floating_point():
                    buffer.copy_(all_reduce(buffer) / world_size())

    def _place_chips(self):
        """Training and validation chips where the batches are cheapest to gather: in GPU
        memory when they fit its budget, else pinned for fast copies; logs the choice."""
        data = self.data
        place = data.chip_store
        images = data.train_images, data.valid_images
        if self.on_cuda and not isinstance(data.train_images, StreamedChips):
            place = device_store(place.chip_bytes, self.device)
            if place.place == GPU:
                images = tuple(chips.to(self.device) for chips in images)
            elif place.place == PINNED:
                images = tuple(chips.pin_memory() for chips in images)
        self.feedback.log(place.describe(len(data.train_labels) + len(data.valid_labels)))
        return images

    def describe_precision(self) -> str:
        """The precision the network computes in and, on the CPU, the thread count: a run
        is reproducible for the same seed, data, settings, thread count and PyTorch."""
        import torch

        if self.on_cuda:
            name = torch.cuda.get_device_name(self.device)
            return f"Precision: {self.network.precision} on {name}."
        note = cpu_precision(self.data.chip_size)[1]
        return f"Precision: {note}; {torch.get_num_threads()} CPU threads."

    @contextmanager
    def own_random_numbers(self):
        """Random numbers owned by the run (dropout, augmentation): seeded with the data's
        seed (plus the rank under torchrun), whatever ran before in the process, and the
        caller's state restored after."""
        import torch

        devices = [self.device] if self.on_cuda else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.seed)
            self.generator.manual_seed(self.seed)
            yield

    def _check_cancel_inside_steps(self) -> None:
        """Check for cancellation after every block of the network, in the forward and the
        backward pass: a large batch on a CPU can take seconds, and a cancelled run must
        stop within a fraction of that (nothing of the step is kept). A GPU's step lasts
        milliseconds: there the check between steps is enough, and hooks would only add
        Python work to every block (and keep the step from being a CUDA graph)."""
        def after_block(module, inputs, output) -> None:
            self.feedback.check_cancelled()
            if getattr(output, "requires_grad", False):
                output.register_hook(lambda grad: self.feedback.check_cancelled())

        for name, module in self.model.named_modules():
            if name and name.count(".") <= 1:  # the blocks: children and grandchildren
                module.register_forward_hook(after_block)

    # --- one batch ---------------------------------------------------------------------------
    def _prepare(self, images, train: bool):
        images = self.network.to_device(images)
        return self.network.normalize(augment_batch(images, self.generator) if train else images)

    def make_optimizer(self, lr: float):
        """AdamW, fused (one kernel for all parameters) where torch has it: on CUDA, and on
        the CPU since torch 2.4 (1.24 x faster training steps there, docs/benchmarks.md)."""
        import torch

        try:
            return torch.optim.AdamW(self.model.parameters(), lr=lr,
                                     weight_decay=WEIGHT_DECAY, fused=True)
        except (RuntimeError, TypeError):  # an older torch, or a device without the kernel
            return torch.optim.AdamW(self.model.parameters(), lr=lr,
                                     weight_decay=WEIGHT_DECAY)

    def make_scaler(self):
        """The gradient scaler. On a GPU it is always on: with float16 it scales the loss, as
        usual; with bfloat16 or float32 it keeps a scale of 1 and serves only to skip a step
        whose gradients are not finite on the GPU itself, without waiting for it (the fused
        optimizer takes the skip flag as a tensor). On the CPU, where reading a flag costs
        nothing, it is off."""
        import torch

        if not self.on_cuda:
            return torch.amp.GradScaler("cpu", enabled=False)
        if self.network.amp_dtype == torch.float16:
            return torch.amp.GradScaler("cuda")
        return torch.amp.GradScaler("cuda", init_scale=1.0, growth_interval=2**30)

    def train_step(self, images, labels, optimizer, scaler):
        """One optimizer step on a batch; returns (loss, finite) as tensors on the device,
        so that a GPU never waits for the host. Out of GPU memory, the batch is cut in more
        parts whose gradients add up to the same step (logged), down to two chips per part
        (batch normalisation needs two). A step whose loss or gradients are not finite
        changes no weight. Under torchrun ``finite`` is that of all processes' steps (the
        gradients are averaged over them anyway), so all take or skip the step together;
        ``loss`` is this process's."""
        return self.batch_parts.run(len(labels), "training", 2, lambda parts: (
            self._accumulated_step(images, labels, optimizer, scaler, parts)))

    def _accumulated_step(self, images, labels, optimizer, scaler, parts: int):
        import torch

        images = self._prepare(images, train=True)
        optimizer.zero_grad(set_to_none=True)
        total = None
        pieces = list(zip(images.tensor_split(parts), labels.tensor_split(parts)))
        for number, (part, part_labels) in enumerate(pieces, 1):
            with self._gradients_kept_here(number < len(pieces)):
                with self.network.autocast():
                    loss = self.criterion(self.forward(part), part_labels) * (
                        len(part_labels) / len(labels))
                scaler.scale(loss).backward()
            total = loss.detach() if total is None else total + loss.detach()
        finite = torch.isfinite(total)
        if self.network.amp_dtype != torch.float16:
            # (with float16 the scaler itself skips steps whose scaled gradients overflow)
            finite &= self._gradients_finite()
        finite = all_reduce(finite, "min")
        if scaler.is_enabled():
            scaler.step(optimizer)  # skipped on the GPU where the gradients are not finite
            scaler.update()
        elif finite:
            optimizer.step()
        return total, finite

    def _gradients_kept_here(self, kept: bool):
        """Under torchrun, while ``kept``: a backward pass whose gradients are only added up
        here, not yet averaged over the processes. Each process then averages once a step,
        whatever the number of parts its batch runs in."""
        if kept and self.replica is not self.model:
            return self.replica.no_sync()
        return nullcontext()

    def _gradients_finite(self):
        import torch

        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        return torch.isfinite(torch.nn.utils.get_total_norm(grads))

    def steps_per_epoch(self) -> int:
        """Training steps in an epoch (the same in every process under torchrun)."""
        return len(self.sampler)

    def train_batches(self):
        """Endless stream of training batches on the device, epoch after epoch, in the
        sampler's order."""
        while True:
            yield from chip_batches(self.train_images, self.data.train_labels, self.batch_size,
                                    self.sampler.epoch(), self.device)

    # --- learning-rate finder --------------------------------------------------------------
    def lr_find(self, start_lr: float = 1e-7, end_lr: float = 10.0,
                iterations: int = 100) -> LRFinderResult:
        """The learning-rate sweep (core.lr_finder); the model's weights are restored after."""
        return sweep_learning_rates(self, start_lr, end_lr, iterations)

    # --- fit --------------------------------------------------------------------------------
    def fit(self, epochs: int, lr: float, early_stopping: bool = True,
            checkpoint: Callable[[dict], None] | None = None,
            resume: dict | None = None) -> list[EpochStats]:
        """One-cycle training; keeps the weights of the epoch with the lowest valid loss.

        After each epoch ``checkpoint`` receives the whole training state; ``resume`` (such
        a state) continues a run from the epoch after the one it was saved at. A training
        step whose loss is not finite is skipped (logged); NON_FINITE_LIMIT of them in a row,
        or a validation loss that is not finite, end training at the best epoch so far.
        """
        import torch

        steps = self.steps_per_epoch()
        optimizer = self.make_optimizer(lr)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=lr, total_steps=epochs * steps,
            pct_start=warmup_share(epochs * steps))
        # While the rate still rises the validation loss is noisy: patience starts after.
        warmup_epochs = math.ceil(epochs * WARMUP_SHARE)
        scaler = self.make_scaler()
        best = {"loss": math.inf, "state": None, "stale": 0}
        self.history, first_epoch = [], 1
        with self.own_random_numbers():
            if resume is not None:
                first_epoch = self._restore(resume, optimizer, scheduler, scaler, best)
                self.feedback.log(f"Resuming at epoch {first_epoch} of {epochs}.")
            self.feedback.log(EPOCH_TABLE_HEADER)
            for row in self.history:
                self.feedback.log(row.as_row())
            stream = self.fastest_forward((epochs - first_epoch + 1) * steps,
                                          self.train_batches())
            for epoch in range(first_epoch, epochs + 1):
                started = time.perf_counter()
                try:
                    train_loss = self._train_epoch(epoch, epochs, steps, stream, optimizer,
                                                   scheduler, scaler)
                    with host_reads():
                        self.share_buffers()
                        valid_loss, accuracy = self.validate()
                    if not math.isfinite(valid_loss):
                        raise NonFiniteLoss(f"the validation loss of epoch {epoch} is not "
                                            "finite")
                except NonFiniteLoss as problem:
                    self._end_non_finite(problem, best)
                    break
                stats = EpochStats(epoch, train_loss, valid_loss, accuracy,
                                   time.perf_counter() - started)
                self.history.append(stats)
                self.feedback.log(stats.as_row())
                with host_reads():
                    self._keep_best(epoch, valid_loss, warmup_epochs, best)
                    if checkpoint is not None:
                        checkpoint(self._state(epoch, optimizer, scheduler, scaler, best))
                if (early_stopping and epoch > warmup_epochs
                        and best["stale"] >= EARLY_STOPPING_PATIENCE and epoch < epochs):
                    self.feedback.log(f"Early stopping: valid_loss has not improved for "
                                      f"{best['stale']} epochs; keeping epoch "
                                      f"{self.best_epoch}.")
                    break
        self.forward = self.replica
        with host_reads():
            self.model.load_state_dict(best["state"])
        return self.history

    def _keep_best(self, epoch: int, valid_loss: float, warmup_epochs: int, best: dict) -> None:
        if valid_loss < best["loss"]:
            best.update(loss=valid_loss, stale=0, state=self._weights_on_cpu())
            self.best_epoch = epoch
        elif epoch > warmup_epochs:
            best["stale"] += 1

    def fastest_forward(self, steps: int, batches):
        """Train the next ``steps`` steps with the network's forward and backward passes as
        CUDA graphs where that many steps repay the capture (core.cuda_graphs); returns the
        batches to go on with (the first one, used for the capture, is still in them). Not
        under torchrun (logged): DistributedDataParallel averages the gradients during the
        backward pass, which a graph of the network alone would leave out."""
        self.forward = self.replica
        if not self.on_cuda:
            return batches
        if self.replica is not self.model:
            self.feedback.log("CUDA graphs: not used with several processes (the gradients "
                              "are averaged over them during the backward pass, outside the "
                              "graphs).")
            return batches
        if not worth_capturing(steps, self.feedback):
            return batches
        batch = next(batches)
        with host_reads():
            self.forward = GraphedForward.capture(
                self.model, self._prepare(batch[0], train=True), self.network.autocast,
                self.feedback)
        return itertools.chain([batch], batches)

    def _train_epoch(self, epoch: int, epochs: int, steps: int, stream, optimizer, scheduler,
                     scaler) -> float:
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
            loss, finite = self.train_step(*next(stream), optimizer, scaler)
            scheduler.step()
            total += torch.where(finite, loss, 0.0)
            counted += finite
            unread.append((step, finite))
            if self._read_due(step, steps, last_read):
                with host_reads():
                    failed = self._read_steps(epoch, unread, failed)
                    summed = all_reduce(torch.stack([total, counted.to(total.dtype)]))
                    finished = int(summed[1])
                    mean = float(summed[0]) / max(1, finished)
                unread, last_read = [], time.monotonic()
            known = "" if math.isnan(mean) else f" · training loss {mean:.3f}"
            self.feedback.report(((epoch - 1) * steps + step) / (epochs * steps),
                                 f"epoch {epoch}/{epochs} · batch {step}/{steps}{known}")
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

    def _read_steps(self, epoch: int, unread: list, failed: int) -> int:
        """Log the steps that were skipped for a non-finite loss or gradients; returns the
        count of such steps in a row, and ends training at NON_FINITE_LIMIT of them."""
        import torch

        flags = torch.stack([finite for _, finite in unread]).tolist()
        for (step, _), finite in zip(unread, flags):
            if finite:
                failed = 0
                continue
            failed += 1
            self.feedback.log(f"Epoch {epoch}, batch {step}: the training loss or its "
                              "gradients are not finite; this step is skipped.")
            if failed >= NON_FINITE_LIMIT:
                raise NonFiniteLoss(f"{failed} training steps in a row had a loss or "
                                    "gradients that are not finite")
        return failed

    def _end_non_finite(self, problem: NonFiniteLoss, best: dict) -> None:
        """Log why training ends early; without any good epoch there is nothing to keep."""
        advice = ("Lower LEARNING_RATE (or let the finder choose it), try another "
                  "BATCH_SIZE, or train with DEVICE cpu on a CPU without bfloat16 (float32).")
        if best["state"] is None:
            raise SceneClassifierError(f"Training failed: {problem}, and no epoch finished "
                                       f"with a finite validation loss. {advice}")
        self.feedback.log(f"Training stopped: {problem}. Keeping epoch {self.best_epoch}, the "
                          f"best finished one. {advice}")

    def _weights_on_cpu(self) -> dict:
        return {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}

    def _state(self, epoch: int, optimizer, scheduler, scaler, best: dict) -> dict:
        """Everything needed to continue after ``epoch`` exactly as if never interrupted (the
        random generators of every process under torchrun, gathered: every process calls
        it)."""
        randoms = all_gather(random_state(self.generator, self.device))
        return {
            "epoch": epoch, **capture_run(self._weights_on_cpu(), optimizer, scheduler, scaler,
                                          randoms),
            "history": [asdict(row) for row in self.history], "best_epoch": self.best_epoch,
            "best_loss": best["loss"], "best_state": best["state"], "stale": best["stale"],
        }

    def _restore(self, state: dict, optimizer, scheduler, scaler, best: dict) -> int:
        """Load a saved state (see _state; this process's own random generators); returns
        the epoch to continue with."""
        restore_run(state, self.model, optimizer, scheduler, scaler)
        restore_random(random_states(state)[rank()], self.generator, self.device)
        self.history = [EpochStats(**row) for row in state["history"]]
        self.best_epoch = state["best_epoch"]
        best.update(loss=state["best_loss"], state=state["best_state"], stale=state["stale"])
        return state["epoch"] + 1

    # --- evaluation -------------------------------------------------------------------------
    def predict(self, images=None, indices=None):
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

    def _probabilities(self, chunk, parts: int) -> list:
        return [self.network.probabilities(self._prepare(part, train=False))
                for part in chunk.tensor_split(parts)]

    def validation_probabilities(self):
        """predict() on the validation chips, shared by the processes under torchrun: each
        predicts its share (core.distributed.shard) and all get all, in order."""
        import torch

        return torch.cat(all_gather(self.predict(indices=shard(len(self.valid_images)))))

    def validate(self) -> tuple[float, float]:
        """(valid_loss, accuracy) on the validation chips, the same in every process."""
        import torch

        probabilities = self.validation_probabilities()
        labels = self.data.valid_labels
        loss = torch.nn.functional.nll_loss(torch.log(probabilities.clamp_min(1e-12)), labels)
        accuracy = (probabilities.argmax(dim=1) == labels).float().mean()
        return float(loss), float(accuracy)


def warmup_share(total_steps: int) -> float:
    """The one-cycle warm-up share: WARMUP_SHARE, but at least 1.5 steps, so that very short
    runs (a few chips, few epochs) never get a warm-up of zero steps (a division by zero in
    torch's OneCycleLR)."""
    return min(0.9, max(WARMUP_SHARE, 1.5 / total_steps))
