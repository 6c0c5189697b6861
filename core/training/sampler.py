"""The order a process trains its chips in: its share, its seed, its part of every batch.

Under torchrun each process holds only its share of the training chips (load_training_data
decodes every N-th training file in each process and keeps as many in all, see
core.data.training_data), so this sampler draws from the share it is given, with the
process's own generator (seeded with the data's seed plus its rank), in batches of its part
of the global batch (process_batch_size): every process runs the same number of steps, and
one step of all is one step on the global batch. Outside torchrun the share is every chip
and the part is the whole batch. The validation chips are predicted in shares by
Trainer.validation_probabilities (core.runtime.distributed.shard).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..data.training_data import TrainingData, process_batch_size

if TYPE_CHECKING:
    import torch


class TrainingSampler:
    """Indices of this process's training chips, epoch after epoch: shuffled, or
    class-balanced with replacement (``oversample``), drawn from ``generator``."""

    def __init__(self, data: TrainingData, generator: torch.Generator,
                 oversample: bool = False) -> None:
        self.data = data  # its train_labels: this process's share under torchrun
        self.batch_size = process_batch_size(data.batch_size)  # this process's chips a step
        self.generator = generator
        self.oversample = oversample

    def __len__(self) -> int:
        """Training steps in an epoch (the same in every process under torchrun, whose
        shares of the chips are of one size)."""
        full, rest = divmod(len(self.data.train_labels), self.batch_size)
        return full + (rest > 1)

    def order(self) -> torch.Tensor:
        """Indices for one training epoch: shuffled, or class-balanced with replacement
        (under torchrun balanced within this process's share; with several labels a chip,
        each chip drawn as often as its rarest label asks)."""
        import torch

        labels = self.data.train_labels
        if not self.oversample:
            return torch.randperm(len(labels), generator=self.generator)
        if labels.dim() == 2:  # several labels a chip: weighed by its rarest label
            present = labels.clamp_min(0).double()
            weights = (present / present.sum(dim=0).clamp_min(1)).amax(dim=1).clamp_min(1e-12)
        else:
            counts = torch.bincount(labels, minlength=len(self.data.classes)).clamp_min(1)
            weights = (1.0 / counts.double())[labels]
        return torch.multinomial(weights, len(labels), replacement=True,
                                 generator=self.generator)

    def epoch(self) -> torch.Tensor:
        """The next epoch's order, less a last chip that would be alone in its batch: batch
        normalisation cannot train on one chip."""
        order = self.order()
        return order[:-1] if len(order) % self.batch_size == 1 else order
