"""Progress, log and cancellation callbacks handed down from the caller.

Core never prints: it reports through a :class:`Feedback`. QGIS algorithms bridge it to
QgsProcessingFeedback; notebooks use the default (silent) or ``Feedback.printing()``.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import Cancelled, python_name, spell, tr

CANCEL_POLL_S = 0.1  # how often a wait (on a read, on onnxruntime) listens for Cancel


def _ignore(*_args) -> None:
    return None


def _never() -> bool:
    return False


@dataclass
class Feedback:
    """Callbacks: ``progress(fraction 0..1, text)``, ``log(line)``, ``is_cancelled()``, and
    ``warn(line)`` where the caller shows warnings apart (else they are logged). The
    settings core's lines name (core.errors.setting) reach ``log`` and ``warn`` spelled by
    ``name_of``: the notebook API's keywords unless the front end gives its own."""

    progress: Callable[[float, str], None] = _ignore
    log: Callable[[str], None] = _ignore
    is_cancelled: Callable[[], bool] = _never
    text_interval_s: float = 5.0
    warn: Callable[[str], None] | None = None
    name_of: Callable[[str, str], str] = python_name
    _last_text: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        log, warn, name_of = self.log, self.warn, self.name_of
        self.log = lambda line: log(spell(line, name_of))
        if warn is not None:
            self.warn = lambda line: warn(spell(line, name_of))

    def warning(self, line: str) -> None:
        """A line the user should not miss: shown as a warning, or logged as one."""
        if self.warn is not None:
            self.warn(line)
        else:
            self.log(tr("Warning: {}").format(line))

    @classmethod
    def printing(cls) -> Feedback:
        """A feedback that prints log lines (for notebooks and scripts)."""
        return cls(log=print)

    def main_only(self) -> Feedback:
        """This feedback in the main process of a torchrun run (and outside torchrun); in the
        other processes one that shows nothing (the main one speaks for all) but is still
        cancelled with this one."""
        from .distributed import is_main

        return self if is_main() else Feedback(is_cancelled=self.is_cancelled, warn=_ignore)

    def part(self, start: float, end: float, prefix: str) -> Feedback:
        """This feedback for one part of a longer job: its progress 0..1 shown as ``start``
        to ``end`` of the whole, its progress text after ``prefix``."""
        whole = self.progress
        part = copy.copy(self)  # logs as this one (already spelled: no __post_init__)
        part.progress = lambda fraction, text: whole(
            start + (end - start) * fraction, f"{prefix}{text}" if text else "")
        return part

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` when the user asked to stop."""
        if self.is_cancelled():
            raise Cancelled()

    def report(self, fraction: float, text: str, force: bool = False) -> None:
        """Report progress; the text is passed on at most every ``text_interval_s`` seconds."""
        now = time.monotonic()
        if force or now - self._last_text >= self.text_interval_s:
            self._last_text = now
            self.progress(min(max(fraction, 0.0), 1.0), text)
        else:
            self.progress(min(max(fraction, 0.0), 1.0), "")
