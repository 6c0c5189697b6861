"""Hostile and broken inputs through headless qgis_process: refused cleanly, nothing run,
nothing written outside; corrupt chips skipped and reported."""

from __future__ import annotations

import pickle
import shutil
import zipfile

import numpy as np
from osgeo import gdal

from conftest import MASSACHUSETTS_BUILDINGS, MASSACHUSETTS_TIF, SAMPLE_RSSCN7


class CreatesFile:
    """Unpickling this object would create a file: it must never be unpickled."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def classify_with(qgis_process, model, tmp_path):
    return qgis_process.run("classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF,
                            INPUT_FEATURES=MASSACHUSETTS_BUILDINGS, MODEL=model, DEVICE=1,
                            OUTPUT=tmp_path / "out.gpkg")


def test_weights_that_would_run_code_are_refused(qgis_process, trained, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(trained[1].folder, package)
    marker = tmp_path / "pwned.txt"
    weights = next(package.glob("*.pth"))
    weights.write_bytes(pickle.dumps({"fc.weight": CreatesFile(str(marker))}))
    done, _ = classify_with(qgis_process, next(package.glob("*.emd")), tmp_path)
    assert done.returncode != 0
    assert "Refusing to load" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not marker.exists() and not (tmp_path / "out.gpkg").exists()


def test_a_dlpk_climbing_out_of_its_folder_writes_nothing_outside(qgis_process, tmp_path):
    evil = tmp_path / "deep" / "evil.dlpk"
    evil.parent.mkdir()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("evil.emd", "{}")
        archive.writestr("../../x", "escaped")
    before = sorted(tmp_path.rglob("*"))
    done, _ = classify_with(qgis_process, evil, tmp_path)
    assert done.returncode != 0
    assert "unsafe entry '../../x'" in done.stdout + done.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_a_folder_with_corrupt_files_trains_with_a_skip_report(qgis_process, rsscn7_small,
                                                               tmp_path):
    chips = tmp_path / "chips"
    shutil.copytree(rsscn7_small, chips)
    jpeg = next((SAMPLE_RSSCN7 / "aGrass").iterdir()).read_bytes()
    (chips / "aGrass" / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (chips / "bField" / "empty.png").write_bytes(b"")
    (chips / "cIndustry" / "notes.jpg").write_text("not an image")
    four = gdal.GetDriverByName("GTiff").Create(str(chips / "eForest" / "four.tif"), 64, 64, 4)
    four.WriteArray(np.zeros((4, 64, 64), np.uint8))
    four = None
    done, result = qgis_process.run(
        "trainclassifier", INPUT_FOLDER=chips, BACKBONE=0, PRETRAINED="false", CHIP_SIZE=16,
        BATCH_SIZE=16, EPOCHS=1, LEARNING_RATE=0.001, DEVICE=1, MODEL_NAME="m",
        OUTPUT_FOLDER=tmp_path / "models")
    assert done.returncode == 0, done.stdout + done.stderr
    log = "\n".join(result["log"]["info"])
    assert "Skipped 4 files: " in log
    for name in ("truncated.jpg", "empty.png", "notes.jpg", "four.tif (4 bands where"):
        assert name in log
    report = (tmp_path / "models" / "m" / "m_report.html").read_text(encoding="utf-8")
    assert "Skipped files (4)" in report
