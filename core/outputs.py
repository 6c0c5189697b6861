"""Where outputs may go: no run deletes or replaces what it did not create, and no output
lands inside the data it reads."""

from __future__ import annotations

import os
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
