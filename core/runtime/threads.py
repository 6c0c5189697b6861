"""How PyTorch's CPU threads wait: on a machine busy with other work, OpenMP's default of
spinning between parallel regions makes every step wait for threads that the system has
descheduled; training then slows far beyond its share of the cores (measured on 2 cores
beside 6 busy processes: 20 x slower instead of the 4 x a fair share gives;
docs/benchmarks.md)."""

from __future__ import annotations

import os
import sys

WAIT_POLICY = "OMP_WAIT_POLICY"


def quiet_openmp_waits() -> None:
    """Make PyTorch's OpenMP threads sleep instead of spin while they wait (PASSIVE), unless
    the user chose a policy. OpenMP reads it once, when PyTorch is first imported: where
    torch is already imported (a notebook that imported it first) this changes nothing."""
    if "torch" not in sys.modules:
        os.environ.setdefault(WAIT_POLICY, "PASSIVE")
