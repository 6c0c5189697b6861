"""Training or classifying on a busy machine: the product's slowdown beside N busy processes,
against the slowdown a fair share of the cores explains and against PyTorch's default thread
waits.

In one run, the wall time of one command-line training (``python -m scene_classifier train``;
with --task classify, one ``classify-grid`` over the bundled aerial photo)
  (a) idle,
  (b) beside --busy processes that each keep one core busy (a pure-Python loop),
  (c) the same, with OpenMP's default waits (the plain way: what PyTorch does unless told;
      the product makes its threads sleep rather than spin, core.runtime.threads),
and the fair-share slowdown: with C cores, T training threads and N busy processes the
training gets C x T / (T + N) cores' worth, so it may take (T + N) / C times as long (T <= C).

    .venv/bin/python bench/busy_machine.py --busy 6
    .venv/bin/python bench/busy_machine.py --busy 6 --task classify
Last line: slowdown=X fair_share=Y plain_slowdown=Z
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUSY_LOOP = "while True: pass"
PHOTO = ROOT / "resources" / "sample" / "massachusetts" / "massachusetts_22978945_15.tif"
MODEL = ROOT / "tests" / "models" / "rsscn7 tiny" / "rsscn7 tiny.emd"


def task_command(arguments: argparse.Namespace, folder: str) -> list[str]:
    """The command line of the task: a training, or a classified grid."""
    if arguments.task == "classify":
        return ["classify-grid", "--input-raster", str(PHOTO), "--model", str(MODEL),
                "--grid-size", str(arguments.grid_size), "--device", "cpu",
                "--output", str(Path(folder) / "grid.gpkg")]
    return ["train", "--input-folder", arguments.data, "--backbone", "resnet18",
            "--no-pretrained", "--chip-size", str(arguments.chip_size), "--batch-size", "32",
            "--epochs", str(arguments.epochs), "--learning-rate", "0.002", "--device", "cpu",
            "--output-folder", str(Path(folder) / "out")]


def task_seconds(arguments: argparse.Namespace, busy: int, environment: dict) -> float:
    """Wall time of the task on the command line beside ``busy`` busy processes."""
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(busy)]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-busy-") as folder:
            plugins = Path(folder) / "plugins"
            plugins.mkdir()
            (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "scene_classifier", *task_command(arguments, folder)],
                check=True, capture_output=True, cwd=folder, timeout=3600,
                env={**os.environ, **environment, "PYTHONPATH": str(plugins), "HOME": folder})
            return time.perf_counter() - start
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main() -> None:
    """Run (a), (b) and (c) and print the slowdowns."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busy", type=int, default=3 * (os.cpu_count() or 1))
    parser.add_argument("--data", default=str(ROOT / "resources" / "sample" / "rsscn7"))
    parser.add_argument("--chip-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--task", choices=("train", "classify"), default="train")
    parser.add_argument("--grid-size", type=float, default=8.0,
                        help="classify: the grid's cell side in metres (8: 16,650 cells)")
    arguments = parser.parse_args()
    cores = os.cpu_count() or 1
    threads = cores  # PyTorch's intra-op threads: one per core
    fair = (threads + arguments.busy) / cores
    task = (f"training resnet18 at {arguments.chip_size} px, {arguments.epochs} epochs, from "
            f"{arguments.data}" if arguments.task == "train" else
            f"classifying a grid of {arguments.grid_size:g} m cells over {PHOTO.name} with "
            f"{MODEL.name}")
    print(f"{platform.processor() or platform.machine()}, {cores} cores; {task}")
    idle = task_seconds(arguments, 0, {})
    print(f"(a) idle:                                  {idle:7.1f} s")
    busy = task_seconds(arguments, arguments.busy, {})
    print(f"(b) beside {arguments.busy} busy processes:              {busy:7.1f} s "
          f"({busy / idle:.1f} x; a fair share explains {fair:.1f} x)")
    # an empty policy is OpenMP's default, and keeps core.runtime.threads from setting one
    plain = task_seconds(arguments, arguments.busy, {"OMP_WAIT_POLICY": ""})
    print(f"(c) the same, OpenMP's default waits:      {plain:7.1f} s ({plain / idle:.1f} x)")
    print(f"slowdown={busy / idle:.2f} fair_share={fair:.2f} plain_slowdown={plain / idle:.2f}")


if __name__ == "__main__":
    main()
