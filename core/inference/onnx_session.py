"""onnxruntime sessions run as data: no file outside the package is read, memory is
bounded, a run stops within moments of Cancel (or Ctrl+C), and every onnxruntime error is
a message naming the package."""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Cancelled, ModelPackageError, tr
from ..runtime import memory
from ..runtime.devices import is_out_of_memory
from ..runtime.feedback import CANCEL_POLL_S

if TYPE_CHECKING:
    import onnxruntime as ort

    from ..packages.read import ModelPackage

EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path"
USE_ENV_ALLOCATORS = "session.use_env_allocators"
UNKNOWN_MEMORY = 8 << 30  # the bound where free memory cannot be told
MEMORY_SHARE = 0.8  # of the memory free when the first session starts
_TOO_LARGE = re.compile(r"smaller than requested bytes of (\d+)")  # the arena's refusal
_memory_limit: int | None = None  # the process's CPU arena bound, once set (onnxruntime's own)


def memory_limit(onnxruntime: ModuleType) -> int:
    """Bound every session's CPU memory (onnxruntime's arena, shared by the process's
    sessions that ask for it: USE_ENV_ALLOCATORS) to MEMORY_SHARE of the memory free now,
    so that a tiny model declaring a 14 GB tensor fails with a message instead of taking
    the machine; set once per process, returns the bound in bytes."""
    global _memory_limit
    if _memory_limit is None:
        free = memory.available()
        limit = int(free * MEMORY_SHARE) if free else UNKNOWN_MEMORY
        info = onnxruntime.OrtMemoryInfo("Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR,
                                         0, onnxruntime.OrtMemType.DEFAULT)
        onnxruntime.create_and_register_allocator(info, onnxruntime.OrtArenaCfg(limit, -1, -1,
                                                                                -1))
        _memory_limit = limit
    return _memory_limit


def open_session(onnxruntime: ModuleType, package: ModelPackage, options: ort.SessionOptions,
                 providers: list[str]) -> ort.InferenceSession:
    """A session on the package's ONNX copy, read as data: a copy loaded from bytes resolves
    external tensors against the working directory, so besides the package check
    (core.packages.onnx_copy) the session's folder for them is pinned to an empty one, and
    nothing outside the package can be read. Its CPU memory is bounded (memory_limit);
    onnxruntime's errors become messages (it logs only fatal ones itself)."""
    options.add_session_config_entry(USE_ENV_ALLOCATORS, "1")
    options.log_severity_level = 4
    memory_limit(onnxruntime)
    with tempfile.TemporaryDirectory(prefix="sceneclassifier-onnx-") as empty:
        options.add_session_config_entry(EXTERNAL_DATA_FOLDER, empty)
        try:
            return onnxruntime.InferenceSession(package.onnx, options, providers=providers)
        except Exception as error:  # noqa: BLE001 - onnxruntime's own exception types
            raise ModelPackageError(tr("onnxruntime cannot run the ONNX copy in {}: "
                                       "{}").format(package.path, _first_line(error))) from error


def run(onnxruntime: ModuleType, session: ort.InferenceSession, inputs: dict[str, np.ndarray],
        is_cancelled: Callable[[], bool], source: str) -> np.ndarray:
    """The session's first output for ``inputs``. A watcher asks onnxruntime to stop
    (RunOptions.terminate, checked between nodes and loop turns) as soon as
    ``is_cancelled()``: Cancelled within moments, however long the model would run. Out of
    memory, the error is one core.runtime.devices.BatchParts splits the batch for (a
    MemoryError naming ``source`` where the model asks more than memory_limit); any other
    onnxruntime error is a ModelPackageError naming ``source``."""
    options = onnxruntime.RunOptions()
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(CANCEL_POLL_S):
            if is_cancelled():
                options.terminate = True
                return

    watcher = threading.Thread(target=watch, name="onnxruntime-cancel", daemon=True)
    watcher.start()
    try:
        return session.run(None, inputs, options)[0]
    except Exception as error:  # noqa: BLE001 - onnxruntime's own exception types
        if options.terminate:
            raise Cancelled() from error
        if is_out_of_memory(error):  # the batch may fit in parts (devices.BatchParts)
            raise
        asked = _TOO_LARGE.search(str(error))
        if asked:  # a MemoryError: parts are tried; if even one chip asks this, it is said
            raise MemoryError(
                tr("The ONNX copy in {} asks for {} at once, more than the {} it may "
                   "take on this machine. A model that asks this of a few chips is "
                   "damaged or hostile: classify with the PyTorch engine, or save "
                   "the model again.").format(
                    source, memory.gib(int(asked[1])), memory.gib(_memory_limit or 0))) from error
        raise ModelPackageError(tr("onnxruntime failed running the ONNX copy in {}: "
                                   "{}").format(source, _first_line(error))) from error
    finally:
        finished.set()
        watcher.join()


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
