"""The fields an output adds to its input's: one policy for their names."""

from __future__ import annotations

from .errors import DataError


def check_new_fields(existing: list[str], new: list[tuple[str, str, str]]) -> None:
    """Refuse a new field name that an input field (or an earlier new field) already has,
    in any case. ``new`` holds (name, what it is, how to fix it)."""
    taken = {name.lower(): name for name in existing}
    for name, what, fix in new:
        if name.lower() in taken:
            raise DataError(f"{what} clashes with the field '{taken[name.lower()]}'. {fix}")
        taken[name.lower()] = name
