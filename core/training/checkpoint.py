"""Checkpoints: a training run that is killed resumes from its last finished epoch.

After every epoch the whole training state (model, optimizer, schedule, random generators,
epoch table, best epoch so far) goes to ``<output folder>/<name>.partial/checkpoint.pth``,
written to a temporary file and renamed, so a kill at any moment leaves the previous
complete checkpoint. The folder is removed once the finished package is in place. A
checkpoint is data like a package: it loads with ``weights_only=True``. The state is taken
from a run (capture_training) and put back into one (restore_training) here too.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict
from typing import TYPE_CHECKING

from ..errors import SceneClassifierError, setting, tr
from ..runtime.distributed import all_gather, rank
from .history import BestEpoch, EpochStats, weights_on_cpu
from .step import TrainingStep

if TYPE_CHECKING:
    import torch
    from torch.optim.lr_scheduler import LRScheduler

CHECKPOINT_FILE = "checkpoint.pth"


class CheckpointError(SceneClassifierError):
    """A checkpoint that cannot be resumed."""


def partial_folder(output_folder: str, name: str) -> str:
    """Where an unfinished run of the package ``name`` keeps its checkpoint."""
    return os.path.join(os.path.abspath(output_folder), f"{name}.partial")


def save_checkpoint(folder: str, state: dict) -> None:
    """Write ``state`` atomically: a kill leaves the old checkpoint or the new, never half."""
    from ..runtime.torch_files import save_data

    os.makedirs(folder, exist_ok=True)
    save_data(state, os.path.join(folder, CHECKPOINT_FILE), "the training checkpoint")


def load_checkpoint(folder: str) -> dict | None:
    """The saved state, or None when there is no checkpoint."""
    from ..runtime.torch_files import NotData, load_data

    path = os.path.join(folder, CHECKPOINT_FILE)
    if not os.path.isfile(path):
        return None
    try:
        state = load_data(path)
    except NotData as error:
        raise CheckpointError(
            tr("The checkpoint {} cannot be read ({}). Delete {} and train without "
               "{}.").format(path, error, folder, setting('resume'))) from error
    if not isinstance(state, dict) or "epoch" not in state or "run" not in state:
        raise CheckpointError(tr("{} is not a training checkpoint. Delete {} and train "
                                 "without {}.").format(path, folder, setting('resume')))
    return state


def random_state(generator: torch.Generator, device: torch.device) -> dict:
    """The state of every random generator one process of a run draws from: the run's own
    ``generator``, torch's CPU generator and, on a GPU, the generator of ``device`` (only
    that one: under torchrun the other GPUs are other processes')."""
    import torch

    return {"generator": generator.get_state(), "torch_rng": torch.get_rng_state(),
            "cuda_rng": [torch.cuda.get_rng_state(device)] if device.type == "cuda" else []}


def restore_random(saved: dict, generator: torch.Generator, device: torch.device) -> None:
    """Put a random_state back."""
    import torch

    generator.set_state(saved["generator"])
    torch.set_rng_state(saved["torch_rng"])
    if device.type == "cuda" and saved["cuda_rng"]:
        torch.cuda.set_rng_state(saved["cuda_rng"][0], device)


def random_states(state: dict) -> list[dict]:
    """The random_state of each process of the run that saved ``state``, in rank order (a
    checkpoint of an earlier version holds its one process's at the top level)."""
    return state.get("random", [state])


def capture_training(epoch: int, step: TrainingStep, scheduler: LRScheduler,
                     history: list[EpochStats], best: BestEpoch) -> dict:
    """Everything needed to continue after ``epoch`` exactly as if never interrupted:
    the weights, optimizer and gradient scaler of ``step``, the schedule, the random_state of
    every process in rank order (gathered: under torchrun every process calls it), the
    epoch table and the best epoch so far."""
    randoms = all_gather(random_state(step.generator, step.network.device))
    return {
        "epoch": epoch, "model": weights_on_cpu(step.model),
        "optimizer": step.optimizer.state_dict(), "scheduler": scheduler.state_dict(),
        "scaler": step.scaler.state_dict(), "random": randoms,
        "history": [asdict(row) for row in history], "best_epoch": best.epoch,
        "best_loss": best.loss, "best_state": best.state, "stale": best.stale,
    }


def restore_training(state: dict, step: TrainingStep,
                     scheduler: LRScheduler) -> tuple[int, list[EpochStats], BestEpoch]:
    """Put a capture_training state back (with this process's own random generators);
    returns the epoch to continue with, the epoch table and the best epoch so far."""
    step.model.load_state_dict(state["model"])
    step.optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    step.scaler.load_state_dict(state["scaler"])
    restore_random(random_states(state)[rank()], step.generator, step.network.device)
    history = [EpochStats(**row) for row in state["history"]]
    best = BestEpoch(state["best_epoch"], state["best_loss"], state["best_state"], state["stale"])
    return state["epoch"] + 1, history, best


def check_same_processes(state: dict, processes: int, folder: str) -> None:
    """Refuse to resume with another number of processes than the run that saved ``state``:
    each had its share of the chips and its own random numbers."""
    saved = len(random_states(state))
    if saved != processes:
        raise CheckpointError(
            tr("The checkpoint in {} was made by {} process(es), this run has {}. "
               "Resume with as many (torchrun --nproc_per_node {}, or without torchrun "
               "for 1), or run without {} to start again.").format(
                folder, saved, processes, saved, setting('resume')))


def check_same_run(saved: dict, current: dict, folder: str) -> None:
    """Refuse to resume a checkpoint made with other data or settings (names the first)."""
    for key, value in current.items():
        if saved.get(key) != value:
            raise CheckpointError(
                tr("The checkpoint in {} was made with {} = {!r}, this run has {!r}. "
                   "Run with the settings of the interrupted run, or without {} to "
                   "start again.").format(folder, key, saved.get(key), value, setting('resume')))


def remove_checkpoint(folder: str) -> None:
    """Delete the checkpoint, and its folder once empty (never anything else in it)."""
    for name in (CHECKPOINT_FILE, CHECKPOINT_FILE + ".tmp"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(folder, name))
    with contextlib.suppress(OSError):
        os.rmdir(folder)
