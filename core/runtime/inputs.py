"""Input files checked before they are opened: a FIFO, a device or a socket would block or
stream for ever where a file is read whole, and is not "missing" either."""

from __future__ import annotations

import os
import stat

KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISDIR, "a folder"))


def not_a_file(path: str) -> str | None:
    """What ``path`` is when it exists but is not a regular file (e.g. 'a FIFO (named
    pipe)'), else None (a regular file, or nothing there)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return next((name for test, name in KINDS if test(mode)), None)
