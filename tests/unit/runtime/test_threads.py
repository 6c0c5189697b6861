"""PyTorch's CPU threads sleep rather than spin while they wait (core.runtime.threads), set
before torch is imported, and never over the user's own choice."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

PROBE = ("import os, core, torch; "
         "print(os.environ.get('OMP_WAIT_POLICY'), torch.get_num_threads() >= 1)")


def wait_policy(**environment: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          cwd=ROOT, env={**env, **environment}, check=True, timeout=300)
    return done.stdout.strip()


def test_importing_core_first_makes_openmp_threads_sleep_unless_the_user_chose():
    assert wait_policy() == "PASSIVE True"
    assert wait_policy(OMP_WAIT_POLICY="ACTIVE") == "ACTIVE True"
