"""Runs of several processes started by ``torchrun`` (one per GPU, or CPU processes): the
process group and the few collective steps training and classification need.

Outside torchrun (QGIS, a notebook, a plain command line) every function here is the
one-process case: world size 1, rank 0, gathering returns the value itself. torch is only
imported once a process group is asked for, so classifying with onnxruntime needs none.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from ..errors import SceneClassifierError, tr

if TYPE_CHECKING:
    import torch

T = TypeVar("T")


def launched() -> bool:
    """True in a process that torchrun started with more than one process."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def _group() -> ModuleType | None:
    """torch.distributed when a process group is running, else None."""
    if not launched():
        return None
    import torch.distributed as dist

    return dist if dist.is_available() and dist.is_initialized() else None


@contextmanager
def process_group() -> Iterator[None]:
    """The process group for the block, when torchrun started several processes: nccl for
    CUDA tensors and gloo for the rest on a GPU machine (each process on the GPU of its
    LOCAL_RANK), gloo on the CPU. Nothing happens outside torchrun."""
    if not launched() or _group() is not None:
        yield
        return
    import torch
    import torch.distributed as dist

    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("cpu:gloo,cuda:nccl" if cuda else "gloo")
    try:
        yield
    finally:
        dist.destroy_process_group()


def local_processes() -> int:
    """The number of processes torchrun started on this machine (1 outside torchrun): they
    share its cores and memory."""
    return max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1")))


def world_size() -> int:
    """The number of processes working together (1 outside torchrun)."""
    dist = _group()
    return 1 if dist is None else dist.get_world_size()


def rank() -> int:
    """This process's number, 0 to world_size() - 1 (0 outside torchrun)."""
    dist = _group()
    return 0 if dist is None else dist.get_rank()


def is_main() -> bool:
    """True in the process that logs and writes the outputs (rank 0)."""
    return rank() == 0


def all_gather(value: object) -> list:
    """Every process's ``value`` (any picklable object), in rank order, in every process."""
    dist = _group()
    if dist is None:
        return [value]
    values = [None] * dist.get_world_size()
    dist.all_gather_object(values, value)
    return values


def broadcast_from_main(value: object) -> object:
    """The main process's ``value`` in every process."""
    dist = _group()
    if dist is None:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def barrier() -> None:
    """Wait until every process has come here."""
    dist = _group()
    if dist is not None:
        dist.barrier()


def shard(count: int) -> range:
    """This process's contiguous share of ``count`` items (the first ranks take one more
    when they do not divide evenly)."""
    size, rest = divmod(count, world_size())
    start = rank() * size + min(rank(), rest)
    return range(start, start + size + (rank() < rest))


def all_reduce(tensor: torch.Tensor, op: str = "sum") -> torch.Tensor:
    """The element-wise sum ("sum") or minimum ("min") of ``tensor`` over all processes, as
    a new tensor on its device (nccl for CUDA tensors, gloo for CPU ones); the tensor itself
    outside torchrun. Every process must call it at the same point."""
    dist = _group()
    if dist is None:
        return tensor
    reduced = tensor.clone()
    dist.all_reduce(reduced, op={"sum": dist.ReduceOp.SUM, "min": dist.ReduceOp.MIN}[op])
    return reduced


def mean(tensor: torch.Tensor) -> torch.Tensor:
    """The element-wise mean of ``tensor`` over all processes (see all_reduce)."""
    return all_reduce(tensor) / world_size() if world_size() > 1 else tensor


def on_main(work: Callable[[], T]) -> T:
    """``work()`` done by the main process only (writing files, taking a lock); its result
    (which must pickle) in every process, which waits for it. An error it raises is raised
    in every process, so that none waits for a main process that has failed: the same
    error for Scene Classifier's own (core.errors), else a SceneClassifierError naming it.
    Never call it inside work that runs on the main process only."""
    if world_size() == 1:
        return work()
    result, failure = None, None
    if is_main():
        try:
            result = work()
        except Exception as error:  # noqa: BLE001 - raised again below, in every process
            failure = error
    result, error = broadcast_from_main((result, _portable(failure)))
    if failure is not None:
        raise failure
    if error is not None:
        raise error
    return result


def _portable(error: Exception | None) -> SceneClassifierError | None:
    """An error of the main process as one that other processes can raise (it pickles)."""
    if error is None:
        return None
    if isinstance(error, SceneClassifierError):
        return type(error)(str(error))
    return SceneClassifierError(tr("The main process (rank 0) failed: {}: {}").format(
                                    type(error).__name__, error))


@contextmanager
def held_by_main(context: Callable[[], AbstractContextManager[T]]) -> Iterator[T]:
    """The block run with ``context()`` entered by the main process only (a lock on the
    output folder): what it gives, or the error entering it, in every process (on_main)."""
    with ExitStack() as stack:
        yield on_main(lambda: stack.enter_context(context()))
