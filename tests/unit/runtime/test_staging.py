"""Staging folders name their run, so that the next run removes those of a run that died."""

from __future__ import annotations

import os
import subprocess
import sys

from core.runtime.outputs import STAGING_PREFIX, _host, staged_file, staging_folder


def test_a_staged_output_removes_a_dead_runs_staging_and_keeps_a_live_ones(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = tmp_path / f"{STAGING_PREFIX}{int(ended.stdout)}@{_host()}.abc123"
    (dead / "map.tif").parent.mkdir()
    (dead / "map.tif").write_bytes(b"half a file")
    live = staging_folder(str(tmp_path), STAGING_PREFIX)  # this process's: running
    assert os.path.basename(live).startswith(f"{STAGING_PREFIX}{os.getpid()}@{_host()}.")
    with staged_file(str(tmp_path / "summary.csv")) as staged:
        with open(staged, "w", encoding="utf-8") as file:
            file.write("class,count\n")
    assert sorted(os.listdir(tmp_path)) == sorted([os.path.basename(live), "summary.csv"])
