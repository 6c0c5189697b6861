"""Progress, log and cancellation on a terminal: a progress bar where standard error is a
terminal, plain lines otherwise; Ctrl+C cancels cleanly (a second Ctrl+C stops at once)."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import TextIO

from ..core.errors import python_name
from ..core.runtime import distributed
from ..core.runtime.feedback import Feedback

BAR_WIDTH = 30
REDRAW_S = 0.1
TTY_TEXT_INTERVAL_S = 0.2  # how often the bar's text may change
LOG_TEXT_INTERVAL_S = 5.0  # how often a progress line is written where there is no terminal


class Terminal:
    """A core Feedback that writes to standard error (results go to standard output); the
    settings core's lines name are said with ``name_of`` (the options)."""

    def __init__(self, stream: TextIO | None = None,
                 name_of: Callable[[str, str], str] = python_name) -> None:
        self.stream = stream or sys.stderr
        self.name_of = name_of
        self.is_tty = self.stream.isatty()
        self.cancelled = False
        self.finished = False  # the run's work is over: a Ctrl+C changes nothing any more
        self._bar = ""
        self._drawn = 0.0
        self._text = ""

    def feedback(self) -> Feedback:
        """The Feedback for core; in the other processes of a torchrun run it only cancels."""
        return Feedback(self.progress, self.log, lambda: self.cancelled,
                        TTY_TEXT_INTERVAL_S if self.is_tty else LOG_TEXT_INTERVAL_S,
                        name_of=self.name_of).main_only()

    def progress(self, fraction: float, text: str) -> None:
        """Show progress (0..1) and its text: the bar redrawn, or a line without a terminal."""
        if text:
            self._text = text
        if not self.is_tty:
            if text:
                self.stream.write(f"{fraction:4.0%} {text}\n")
                self.stream.flush()
            return
        now = time.monotonic()
        if now - self._drawn < REDRAW_S and not text:
            return
        self._drawn = now
        filled = round(BAR_WIDTH * fraction)
        self._bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:4.0%} {self._text}"
        self.stream.write("\r\033[K" + self._bar[:200])
        self.stream.flush()

    def log(self, line: str) -> None:
        """Write a line, above the progress bar where there is one."""
        if self.is_tty and self._bar:
            self.stream.write("\r\033[K")
        self.stream.write(f"{line}\n")
        if self.is_tty and self._bar:
            self.stream.write(self._bar[:200])
        self.stream.flush()

    def finish(self) -> None:
        """End the progress bar's line; the run's work is over."""
        self.finished = True
        if self.is_tty and self._bar:
            self.stream.write("\n")
            self._bar = ""

    def cancel_on_interrupt(self) -> None:
        """The first Ctrl+C asks the run to stop (it does within about 2 s, leaving no
        partial output); a second one stops at once (KeyboardInterrupt, for cli.main to
        say so); once the work is over (finish) Ctrl+C changes nothing."""
        def interrupted(signum: int, frame: FrameType | None) -> None:
            if self.finished:
                return
            if self.cancelled:
                raise KeyboardInterrupt
            self.cancelled = True
            if distributed.is_main():
                self.log("Cancelling… (Ctrl+C again to stop at once)")

        signal.signal(signal.SIGINT, interrupted)
