"""Numbers given to core from Python checked before any work: NaN, infinity, fractions where
a count is meant and values out of range are an ArgumentError naming the argument."""

from __future__ import annotations

import math
import numbers

from ..errors import ArgumentError, setting, tr


def whole_number(name: str, value: object, minimum: int) -> int:
    """``value`` as an int of at least ``minimum`` (10.0 is 10; 2.5, True, NaN are refused)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and \
            math.isfinite(value) and value == int(value) and value >= minimum:
        return int(value)
    raise ArgumentError(tr("{} must be a whole number of at least {}, not {!r}.").format(
                            setting(name), minimum, value))


def positive_number(name: str, value: object) -> float:
    """``value`` as a float above 0 (NaN, infinity, 0 and negative numbers are refused)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and \
            math.isfinite(value) and value > 0:
        return float(value)
    raise ArgumentError(tr("{} must be a number above 0, not {!r}.").format(setting(name), value))
