"""Memory stays bounded: runs under a hard cap on the process's memory (RLIMIT_AS, set in a
child process) finish, planning their batches and skipping images by their header, instead
of being killed (in the desktop, QGIS with them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT, SAMPLE_RSSCN7, copy_subset

CAPPED_RUN = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, {root!r})
    import torch
    from core.runtime import memory
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + {room}
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    assert memory.available() <= {room}, memory.available()
    from core.api import FeatureClassifier, prepare_data
    from core.runtime.feedback import Feedback
    lines = []
    feedback = Feedback(log=lines.append)
    data = prepare_data({folder!r}, chip_size={chip}, batch_size={batch}, feedback=feedback)
    model = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu",
                              feedback=feedback)
    model.fit(1, lr=1e-3)
    print("\\n".join(lines))
    print("DONE", model.trainer.batch_parts.parts)
""")


def test_big_chips_and_a_huge_sparse_image_train_under_a_memory_cap(tmp_path):
    """A 30000 x 30000 sparse TIFF (a few kB on disk) is skipped by its header, and batches
    of 512 px chips that would need about 12 GiB run in parts that fit 1.5 GiB."""
    import numpy as np
    from osgeo import gdal

    folder = copy_subset(SAMPLE_RSSCN7, tmp_path / "chips", 4)
    sparse = gdal.GetDriverByName("GTiff").Create(
        str(folder / "aGrass" / "huge.tif"), 30000, 30000, 3, gdal.GDT_Byte,
        ["SPARSE_OK=TRUE", "TILED=YES"])
    sparse.GetRasterBand(1).WriteArray(np.ones((16, 16), np.uint8))
    sparse = None
    assert (folder / "aGrass" / "huge.tif").stat().st_size < 1_000_000
    script = CAPPED_RUN.format(root=str(ROOT), room=1536 * 1024**2, folder=str(folder),
                               chip=512, batch=16)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=900, env={"MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "2",
                                              "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "huge.tif" in result.stdout and "30000" in result.stdout  # skipped, by its header
    assert "A batch of 16 chips of 512 px would need about" in result.stdout
    parts = int(result.stdout.split("DONE ")[1])
    assert parts >= 4
