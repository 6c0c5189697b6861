"""Free memory, told before allocating: RAM available to new allocations, and sizes in
words."""

from __future__ import annotations

import os


def available() -> int | None:
    """Bytes of memory this process can still take: the RAM available to new allocations,
    less where a container's limit (cgroup v2) or the process's own (RLIMIT_AS) is tighter;
    None where nothing can be told."""
    known = [size for size in (_ram_available(), _cgroup_room(), _address_space_room())
             if size is not None]
    return min(known) if known else None


def _ram_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_room() -> int | None:
    """What the container's memory limit leaves (cgroup v2), or None without one."""
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as file:
            limit = file.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as file:
            used = int(file.read())
    except (OSError, ValueError):
        return None
    return None if limit == "max" else max(0, int(limit) - used)


def _address_space_room() -> int | None:
    """What RLIMIT_AS leaves of this process's address space, or None without a limit."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/statm", encoding="ascii") as file:
            size = int(file.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return None
    return max(0, limit - size)


def gib(size: int) -> str:
    """A size in bytes as GiB for messages: 1.50 GiB."""
    return f"{size / 1024**3:.2f} GiB"
