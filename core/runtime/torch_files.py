"""Reading PyTorch files as data: ``torch.load(weights_only=True)``, and a reason for a refusal
that never passes on PyTorch's advice to load with ``weights_only=False`` (which would run
whatever code the file holds)."""

from __future__ import annotations

import os
import re
import zipfile

from ..errors import SceneClassifierError
from .outputs import write_error


class NotData(SceneClassifierError):
    """The file is not plain tensors and containers; the message says why, safely."""


MAX_LOADED_BYTES = 4 * 1024**3  # what one weights file may expand to in memory
MAX_PACKING_RATIO = 100  # PyTorch stores its records uncompressed; a zip bomb packs far tighter


def check_expanded_size(path: str, limit: int = MAX_LOADED_BYTES) -> None:
    """Refuse, before torch.load reads anything, a PyTorch zip file whose records would
    expand beyond ``limit`` bytes or are packed like a zip bomb (torch.save stores them)."""
    if not zipfile.is_zipfile(path):
        return  # a legacy pickle: read as it is, its size on disk
    try:
        with zipfile.ZipFile(path) as archive:
            records = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotData(f"it is a damaged zip file ({error})") from error
    expanded = sum(record.file_size for record in records)
    if expanded > limit:
        raise NotData(f"it would expand to {expanded / 1024**3:.1f} GB in memory, more than "
                      f"the {limit / 1024**3:.0f} GB a weights file may")
    for record in records:
        if record.file_size > MAX_PACKING_RATIO * max(record.compress_size, 1024):
            raise NotData(f"its record {record.filename} is packed {record.file_size:,} bytes "
                          f"into {record.compress_size:,}, as no weights file is")


def load_data(path: str) -> object:
    """The file's tensors, dicts, lists and numbers, on the CPU; NotData otherwise (also for
    a file that would expand beyond MAX_LOADED_BYTES: check_expanded_size)."""
    import torch

    check_expanded_size(path)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # any unpickling failure: refuse, never run anything
        raise NotData(refusal_reason(error)) from error


def refusal_reason(error: BaseException) -> str:
    """What went wrong, without the library's advice to load the file unsafely."""
    text = str(error)
    unpickler = re.search(r"WeightsUnpickler error:\s*(.+?)\s*(?:\n\n|$)", text, re.S)
    if unpickler:
        return f"it needs code to load ({unpickler.group(1).strip()})"
    if "weights_only" in text:
        return "it needs code to load"
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}".strip()


def save_data(value: object, path: str, what: str) -> None:
    """``torch.save(value, path)`` in one piece: written beside it and moved into place, so a
    failure leaves the earlier file; PyTorch's write errors (a full disk says "unexpected
    pos") become an OutputError naming ``what``."""
    import torch

    partial = f"{path}.partial"
    try:
        torch.save(value, partial)
        os.replace(partial, path)
    except (RuntimeError, OSError) as error:
        raise write_error(what, path, str(error).strip().splitlines()[0]) from error
    finally:
        if os.path.exists(partial):
            os.remove(partial)
