"""Where outputs may go: no run deletes or replaces what it did not create, and no output
lands inside the data it reads."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .errors import OutputError

STAGING_PREFIX = ".scene_classifier-partial-"


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


def check_output_paths(outputs: list[tuple[str, str, bool]],
                       inputs: list[tuple[str, str]]) -> None:
    """Before any work: refuse outputs (label, path, is a folder) that cannot be written
    there (a folder where a file goes or the reverse, a place under a file or not writable),
    two outputs at one path, or an output that would replace an input (label, path)."""
    seen: dict[str, str] = {}
    for label, path, is_folder in outputs:
        where = real(path)
        if where in seen:
            raise OutputError(f"{label} and {seen[where]} are the same path ({path}): give "
                              "each output its own.")
        seen[where] = label
        for input_label, input_path in inputs:
            if real(input_path) == where:
                raise OutputError(f"{label} ({path}) is the input {input_label}: writing it "
                                  "would replace the data being read. Choose another path.")
        if is_folder and os.path.isfile(where):
            raise OutputError(f"{label} {path} is a file, not a folder. Choose a folder.")
        if not is_folder and os.path.isdir(where):
            raise OutputError(f"{label} {path} is a folder; give a file name in it instead.")
        _check_writable(label, os.path.dirname(where))


def _check_writable(label: str, folder: str) -> None:
    """The folder, or its nearest existing parent (where it would be made), takes files."""
    existing = folder
    while existing and not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if existing and not os.path.isdir(existing):
        raise OutputError(f"{label} cannot be written: {existing} is a file, so no folder can "
                          "be made there. Choose another place.")
    if existing and not os.access(existing, os.W_OK):
        raise OutputError(f"{label} cannot be written: the folder {existing} is not writable. "
                          "Choose another place.")


def describe_os_error(error: OSError) -> str:
    """A file-system error as a message naming the path and what to do."""
    path = error.filename or "a file"
    reason = error.strerror or str(error)
    return (f"Cannot use {path}: {reason}. Check that the place exists, is writable and has "
            "free space, or choose another one.")


@contextmanager
def staged_file(destination: str) -> Iterator[str]:
    """``with staged_file(path) as staged:`` write ``staged`` (and any side files beside it,
    of the same name); they replace the files at ``path`` when the block ends without
    error, and are removed when it does not."""
    folder = os.path.dirname(destination)
    os.makedirs(folder, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder)
    try:
        yield os.path.join(staging, os.path.basename(destination))
        for file in os.listdir(staging):
            os.replace(os.path.join(staging, file), os.path.join(folder, file))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
