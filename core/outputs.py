"""Where outputs may go: no run deletes or replaces what it did not create, and no output
lands inside the data it reads."""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .errors import OutputError


def real(path: str) -> str:
    """The absolute path with links resolved (the same place, however it is written)."""
    return os.path.realpath(os.path.abspath(os.path.expanduser(path)))


def relation(path: str, folder: str) -> str | None:
    """How ``path`` relates to ``folder``: 'is', 'lies inside', 'contains', or None."""
    path, folder = real(path), real(folder)
    if path == folder:
        return "is"
    common = os.path.commonpath([path, folder])
    if common == folder:
        return "lies inside"
    if common == path:
        return "contains"
    return None


def check_apart(output: str, output_label: str, inputs: Iterable[str],
                input_label: str) -> None:
    """Refuse an output that is, lies inside or contains one of the input folders."""
    for folder in inputs:
        how = relation(output, folder)
        if how:
            raise OutputError(
                f"{output_label} {real(output)} {how} the {input_label} {real(folder)}: the "
                "results would mix with (or replace) the data they are made from. Choose an "
                f"{output_label} outside the {input_label}.")


def work_folder(*parts: str) -> str:
    """A folder in the user's home for what the plugin makes when no place is given
    (``~/SceneClassifier/...``): unlike a temporary folder, it outlives the QGIS session."""
    return os.path.join(os.path.expanduser("~"), "SceneClassifier", *parts)


def default_models_folder() -> str:
    """Where trained model packages go unless told otherwise."""
    return work_folder("models")


def evaluation_paths(model_path: str) -> tuple[str, str]:
    """(report .html, confusion .csv) for an evaluation of ``model_path`` when no place is
    given: in ``~/SceneClassifier/evaluations``, named after the model and the time, so that
    no earlier evaluation is replaced."""
    name = os.path.splitext(os.path.basename(model_path))[0] or "model"
    stem = os.path.join(work_folder("evaluations"),
                        f"{name} {time.strftime('%Y-%m-%d %H%M%S')}")
    return f"{stem}.html", f"{stem} confusion.csv"


def new_folder(parent: str, prefix: str) -> str:
    """A new, uniquely named folder in ``parent`` with the user's normal permissions (their
    umask; tempfile.mkdtemp would make it private, 0700, and so the package moved from it)."""
    while True:
        path = os.path.join(parent, f"{prefix}{secrets.token_hex(6)}")
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue


@contextmanager
def run_lock(folder: str, name: str, log) -> Iterator[str]:
    """One run at a time into ``folder/name`` (the package and its checkpoint): a lock file
    ``folder/.name.lock`` for as long as the block runs. Another live run's lock stops this
    one at once, naming it; the lock of a run that died is taken over (logged)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f".{name}.lock")
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _lock_holder(path)
            if holder is not None and _still_running(holder):
                raise OutputError(
                    f"Another run is already writing the model {name} in {folder} (process "
                    f"{holder.get('pid')} on {holder.get('host')}, started "
                    f"{holder.get('started')}). Wait for it to finish or cancel it, or choose "
                    f"another model name. If no such run exists, delete {path}.") from None
            log(f"Taking over the lock of an earlier run that ended without removing it "
                f"({path}).")
            _remove(path)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                   "started": time.strftime("%Y-%m-%d %H:%M:%S")}, file)
    try:
        yield path
    finally:
        _remove(path)


def _lock_holder(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as file:
            holder = json.load(file)
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _still_running(holder: dict) -> bool:
    """Whether the run that holds a lock lives (one on another machine is taken to)."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname():
        return True
    if not isinstance(pid, int) or pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would stop the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
