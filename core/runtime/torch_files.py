"""Reading PyTorch files as data: ``torch.load(weights_only=True)``, and a reason for a refusal
that never passes on PyTorch's advice to load with ``weights_only=False`` (which would run
whatever code the file holds)."""

from __future__ import annotations

import os
import re

from ..errors import SceneClassifierError
from .outputs import write_error


class NotData(SceneClassifierError):
    """The file is not plain tensors and containers; the message says why, safely."""


def load_data(path: str) -> object:
    """The file's tensors, dicts, lists and numbers, on the CPU; NotData otherwise."""
    import torch

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
