"""The learning-rate finder: an exponential sweep of the rate, one training step each, and
the suggested rate (Smith's rule, as fastai's "minimum" suggestion)."""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..errors import SceneClassifierError, setting, tr
from ..runtime.distributed import mean

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    import torch
    from torch import nn

    from ..runtime.feedback import Feedback
    from .step import Rates, TrainingStep


@dataclass
class LRFinderResult:
    """The learning-rate sweep (smoothed losses) and the suggested rate."""

    lrs: list[float]
    losses: list[float]
    suggestion: float

    def to_dict(self) -> dict:
        """The result as a plain dict (lrs, losses, suggestion)."""
        return asdict(self)


class SweptTrainer(Protocol):
    """What the sweep needs of a core.training.trainer.Trainer (which imports this module)."""

    feedback: Feedback

    @property
    def model(self) -> nn.Module:
        """The network being trained."""

    def training_step(self, lr: Rates) -> TrainingStep:
        """Optimizer steps on the network, starting at the learning rate ``lr``."""

    def own_random_numbers(self) -> AbstractContextManager[None]:
        """The run's own random numbers for the block."""

    def train_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Endless stream of training batches on the device."""


def sweep_learning_rates(trainer: SweptTrainer, start_lr: float = 1e-7, end_lr: float = 10.0,
                         iterations: int = 100) -> LRFinderResult:
    """Sweep the rate from ``start_lr`` to ``end_lr`` over up to ``iterations`` training steps
    of ``trainer`` (a core.training.Trainer), stopping once the loss blows up; suggests a
    tenth of the rate at the lowest smoothed loss. The model's weights are restored after.

    Under torchrun every process sweeps with its share of the chips; each step's loss is the
    mean over all processes, and whether it is finite is decided for all (TrainingStep):
    all take the same decisions and suggest the same rate, that of the global batch."""
    saved = copy.deepcopy(trainer.model.state_dict())
    train_step = trainer.training_step(start_lr)
    factor = (end_lr / start_lr) ** (1 / (iterations - 1))
    lrs, losses = [], []
    average, best = 0.0, math.inf
    trainer.model.train()
    try:
        with trainer.own_random_numbers():
            stream = trainer.train_batches()
            for step in range(iterations):
                trainer.feedback.check_cancelled()
                lr = start_lr * factor**step
                for group in train_step.optimizer.param_groups:
                    group["lr"] = lr
                loss, finite = train_step(*next(stream))
                # the sweep reads every step
                loss = float(mean(loss)) if bool(finite) else math.nan
                average = 0.98 * average + 0.02 * loss
                smoothed = average / (1 - 0.98 ** (step + 1))
                if not math.isfinite(smoothed):
                    break
                lrs.append(lr)
                losses.append(smoothed)
                best = min(best, smoothed)
                trainer.feedback.report((step + 1) / iterations,
                                        tr("finding learning rate · step {}/{}").format(
                                            step + 1, iterations))
                if step > 10 and smoothed > 4 * best:
                    break
    finally:
        trainer.model.load_state_dict(saved)
    if len(lrs) < 10:
        raise SceneClassifierError(
            tr("The learning-rate finder diverged at once; give {} explicitly (e.g. "
               "0.001) or check the training chips.").format(setting('learning_rate'))
        )
    return LRFinderResult(lrs, losses, suggest_learning_rate(lrs, losses))


def suggest_learning_rate(lrs: list[float], losses: list[float]) -> float:
    """One tenth of the rate at the lowest smoothed loss (Smith's rule, fastai's "minimum").

    The lowest point is where training starts to become unstable; a tenth of it is still on
    the steep, falling part of the curve and, unlike the single steepest point, is not moved
    about by noise in the curve's flat start.
    """
    return float(max(lrs[int(np.argmin(losses))] / 10, lrs[0]))
