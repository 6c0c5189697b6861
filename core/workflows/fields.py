"""The fields an output adds to its input's: one policy for their names."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import DataError
from ..interface import RESULT_FIELDS, Parameter


def check_new_fields(existing: list[str], new: list[tuple[str, str, str]]) -> None:
    """Refuse a new field name that an input field (or an earlier new field) already has,
    in any case. ``new`` holds (name, what it is, how to fix it)."""
    taken = {name.lower(): name for name in existing}
    for name, what, fix in new:
        if name.lower() in taken:
            raise DataError(f"{what} clashes with the field '{taken[name.lower()]}'. {fix}")
        taken[name.lower()] = name


def result_field_names(value: Callable[[str], object], existing: list[str],
                       spelled: Callable[[Parameter], str] = lambda spec: spec.name,
                       ) -> list[str]:
    """The names asked for the class label, value and confidence fields (``value`` of each
    RESULT_FIELDS parameter, stripped), each refused when empty or when it clashes with
    ``existing`` fields or another of them; ``spelled`` names a parameter in messages (its
    Processing id, or the command line's option)."""
    names = [str(value(spec.name) or "").strip() for spec in RESULT_FIELDS]
    for spec, name in zip(RESULT_FIELDS, names):
        if not name:
            raise DataError(f"{spec.label} ({spelled(spec)}) is empty; give a field name.")
    check_new_fields(existing, [(name, f"{spec.label} '{name}' ({spelled(spec)})",
                                 f"Choose another name for {spelled(spec)}.")
                                for spec, name in zip(RESULT_FIELDS, names)])
    return names
