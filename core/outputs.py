"""Where outputs may go: no run deletes or replaces what it did not create, and no output
lands inside the data it reads."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable

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
