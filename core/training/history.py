"""A run's history: the epoch table (EpochStats rows under EPOCH_TABLE_HEADER) and the best
epoch so far (BestEpoch), whose weights training ends with."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import nn


@dataclass
class EpochStats:
    """One row of the epoch table."""

    epoch: int
    train_loss: float
    valid_loss: float
    accuracy: float
    seconds: float

    def as_row(self) -> str:
        """The row as logged under EPOCH_TABLE_HEADER (time as minutes:seconds)."""
        minutes, seconds = divmod(int(round(self.seconds)), 60)
        return (f"{self.epoch:>5}  {self.train_loss:>10.4f}  {self.valid_loss:>10.4f}  "
                f"{self.accuracy:>8.4f}  {minutes:02d}:{seconds:02d}")


EPOCH_TABLE_HEADER = f"{'epoch':>5}  {'train_loss':>10}  {'valid_loss':>10}  {'accuracy':>8}  time"


@dataclass
class BestEpoch:
    """The epoch with the lowest monitored value so far (0 before any: the validation
    loss, or the accuracy negated when the trainer monitors accuracy), that value, its
    weights on the CPU (None before any), and how many epochs since have not improved on
    it (counted only past the warm-up: early stopping reads it)."""

    epoch: int = 0
    loss: float = math.inf
    state: dict | None = None
    stale: int = 0

    def update(self, epoch: int, value: float, model: nn.Module, counting: bool) -> None:
        """After ``epoch``: keep ``model``'s weights if ``value`` is the lowest so far,
        else count the epoch as stale when ``counting``."""
        if value < self.loss:
            self.epoch, self.loss, self.state, self.stale = (
                epoch, value, weights_on_cpu(model), 0)
        elif counting:
            self.stale += 1


def weights_on_cpu(model: nn.Module) -> dict:
    """A copy of ``model``'s weights and buffers on the CPU."""
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
