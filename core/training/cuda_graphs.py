"""CUDA graphs for the network's forward and backward passes in training.

At batch 64 a GPU's training step lasts a few milliseconds, and launching its hundreds of
kernels one by one from Python takes about as long: the GPU waits for the CPU. A CUDA graph
records the kernels of a pass once and replays them with one launch
(``torch.cuda.make_graphed_callables``: no compiler, so it also works inside QGIS, where
triton is kept out). Augmentation, the loss and the optimizer step stay outside the graph.
A batch of another shape (an epoch's last, partial batch; the parts of a batch halved after
running out of memory) runs the network directly, with the same weights: no chip is dropped.

An optional wrapper: fastest_forward puts the graphs into a TrainingStep where they repay
their capture, and training is the same without them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import tr
from ..runtime.devices import host_reads
from ..runtime.feedback import Feedback
from .step import TrainingStep, prepared

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    import torch
    from torch import nn

# Capturing takes 3 to 7 s (H200, resnet34/50 at 224 px) and saves about 5 ms a step at
# batch 64 (docs/benchmarks.md): from about a thousand steps on, the graphs pay.
MIN_STEPS = 1000


def fastest_forward(step: TrainingStep, steps: int, batches: Iterator,
                    feedback: Feedback) -> Iterator:
    """Let ``step`` run the network's forward and backward passes from CUDA graphs for the
    next ``steps`` steps where that many steps repay the capture; returns the batches to go
    on with (the first one, used for the capture, is still in them). Not under torchrun
    (logged): DistributedDataParallel averages the gradients during the backward pass,
    which a graph of the network alone would leave out."""
    if step.network.device.type != "cuda":
        return batches
    if step.replica is not step.model:
        feedback.log(tr("CUDA graphs: not used with several processes (the gradients "
                        "are averaged over them during the backward pass, outside the "
                        "graphs)."))
        return batches
    if not worth_capturing(steps, feedback):
        return batches
    batch = next(batches)
    with host_reads():
        sample = prepared(step.network, batch[0], step.generator)
        step.forward = GraphedForward.capture(step.model, sample, step.network.autocast, feedback)
    return itertools.chain([batch], batches)


def worth_capturing(steps: int, feedback: Feedback) -> bool:
    """True when ``steps`` training steps are enough to repay capturing graphs (logged)."""
    if steps < MIN_STEPS:
        feedback.log(tr("CUDA graphs: not used for {} training steps (they repay their "
                        "capture from {} on).").format(steps, MIN_STEPS))
        return False
    return True


class GraphedForward:
    """The network's training forward (and its backward) replayed from CUDA graphs for
    batches of the captured shape, run directly for others."""

    def __init__(self, model: nn.Module, graphed: Callable[[torch.Tensor], torch.Tensor],
                 shape: tuple[int, ...]) -> None:
        self.model = model
        self.graphed = graphed
        self.shape = shape

    @classmethod
    def capture(cls, model: nn.Module, sample: torch.Tensor,
                autocast: Callable[[], AbstractContextManager],
                feedback: Feedback) -> GraphedForward | nn.Module:
        """Graphs captured with ``sample`` (a prepared batch) under ``autocast()``; the
        network itself (logged) when capture fails."""
        import torch

        started = time.perf_counter()
        try:
            with autocast():
                # captured behind a container of its own: the network keeps its plain forward
                graphed = torch.cuda.make_graphed_callables(torch.nn.Sequential(model),
                                                            (sample,))
            torch.cuda.synchronize()
        except Exception as error:  # noqa: BLE001 (any op or memory failure: run eagerly)
            feedback.log(tr("CUDA graphs could not be captured ({}: {}); training runs "
                            "without them.").format(type(error).__name__, error))
            return model
        feedback.log(tr("CUDA graphs: forward and backward passes captured for batches "
                        "of {} in {:.1f} s.").format(
                         sample.shape[0], time.perf_counter() - started))
        return cls(model, graphed, tuple(sample.shape))

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        """The network's output for ``images``: replayed for the captured shape, else run."""
        if tuple(images.shape) == self.shape:
            return self.graphed(images)
        return self.model(images)
