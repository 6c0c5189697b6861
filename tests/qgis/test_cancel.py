"""Cancelling, as the Processing dialog and the modeler do (QgsFeedback.cancel()): every
long-running algorithm stops within 2 s and leaves no partial output."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from osgeo import gdal, ogr

from conftest import MASSACHUSETTS_TIF, ROOT
from loopback import Loopback

SCRIPT = textwrap.dedent("""
    import json, os, sys, threading, time
    sys.path.insert(0, {plugins!r})
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback
    app = QgsApplication([], False)
    app.initQgis()
    import scene_classifier
    plugin = scene_classifier.classFactory(None)
    plugin.initProcessing()

    class CancelWhen(QgsProcessingFeedback):
        '''Cancels ``after`` seconds after the first progress text containing ``word``,
        like a user would.'''
        def __init__(self, word, after):
            super().__init__()
            self.word, self.after, self.seen, self.cancelled_at = word, after, False, None
        def setProgressText(self, text):
            if not self.seen and self.word in text:
                self.seen = True
                threading.Timer(self.after, self.cancel_now).start()
        def cancel_now(self):
            self.cancelled_at = time.monotonic()
            self.cancel()

    algorithm, word, after, parameters = json.loads(sys.argv[1])
    feedback = CancelWhen(word, after)
    alg = QgsApplication.processingRegistry().createAlgorithmById("sceneclassifier:" + algorithm)
    _, ok = alg.run(parameters, QgsProcessingContext(), feedback)
    seconds = None if feedback.cancelled_at is None else time.monotonic() - feedback.cancelled_at
    print("RESULT", json.dumps({{"ok": ok, "seconds": seconds}}), flush=True)
    os._exit(0)  # not measured: reads a cancelled run left waiting on a slow server
""")


def run_and_cancel(tmp_path, algorithm: str, word: str, parameters: dict,
                   after: float = 0.0, **env: str) -> dict:
    plugins = tmp_path / "plugins"
    plugins.mkdir(exist_ok=True)
    if not (plugins / "scene_classifier").exists():
        (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(plugins=str(plugins)),
         json.dumps([algorithm, word, after, {k: str(v) for k, v in parameters.items()}])],
        capture_output=True, text=True, timeout=600,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin", **env})
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[0][7:])


def files_in(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() \
        else []


def points_over_the_raster(path, count: int):
    """``count`` random labelled points over the Massachusetts tile, in its CRS."""
    raster = gdal.Open(str(MASSACHUSETTS_TIF))
    x0, dx, _, y0, _, dy = raster.GetGeoTransform()
    width, height = raster.RasterXSize * dx, raster.RasterYSize * -dy
    rng = np.random.default_rng(0)
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = source.CreateLayer("points", raster.GetSpatialRef(), ogr.wkbPoint)
    layer.CreateField(ogr.FieldDefn("label", ogr.OFTString))
    for x, y in zip(x0 + rng.random(count) * width, y0 - rng.random(count) * height):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("label", "fResident")
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})"))
        layer.CreateFeature(feature)
    source = None
    return path


@pytest.fixture(scope="module")
def points(tmp_path_factory):
    return points_over_the_raster(tmp_path_factory.mktemp("cancel") / "points.gpkg", 20000)


def assert_stopped_in_time(result: dict) -> None:
    assert result["seconds"] is not None, "the algorithm never reported that progress"
    assert result["ok"] is False, "the algorithm finished instead of stopping"
    assert result["seconds"] < 2.0


def test_cancel_training(tmp_path, rsscn7_small):
    out = tmp_path / "models"
    result = run_and_cancel(tmp_path, "trainclassifier", "epoch ", dict(
        INPUT_FOLDER=rsscn7_small, BACKBONE=0, PRETRAINED=False, CHIP_SIZE=64, BATCH_SIZE=32,
        EPOCHS=200, LEARNING_RATE=0.001, DEVICE=1, MODEL_NAME="m", OUTPUT_FOLDER=out))
    assert_stopped_in_time(result)
    assert not (out / "m").exists()


@pytest.mark.parametrize("algorithm", ["classifygrid", "classifyobjects"])
def test_cancel_classification(tmp_path, trained, points, algorithm):
    out = tmp_path / "out"
    out.mkdir()
    parameters = dict(INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=trained[1].definition, DEVICE=1,
                      OUTPUT=out / "classified.gpkg", OUTPUT_SUMMARY=out / "summary.csv")
    if algorithm == "classifygrid":
        parameters.update(GRID_SIZE=4)  # 296 x 226 cells
    else:
        parameters.update(INPUT_FEATURES=points)
    result = run_and_cancel(tmp_path, algorithm, "classifying", parameters)
    assert_stopped_in_time(result)
    assert files_in(out) == []


def test_cancel_while_tiles_wait_on_a_slow_server(tmp_path, trained):
    """An XYZ layer whose server takes 40 s per tile (GDAL would wait a minute, and retry):
    Cancel stops the run within 2 s all the same, and nothing is written."""
    out = tmp_path / "out"
    out.mkdir()
    left, top = 229018.27, 894870.83
    with Loopback(tmp_path, tiles_from=MASSACHUSETTS_TIF) as server:
        server.delay_s = 40
        result = run_and_cancel(tmp_path, "classifygrid", "classifying", dict(
            INPUT_RASTER=f"wms://type=xyz&url={server.url}/tiles/%7Bz%7D/%7Bx%7D/%7By%7D.png"
                         "&zmax=19&zmin=0",
            MODEL=trained[1].definition, DEVICE=1, GRID_SIZE=64, CELL_SIZE=2.4,
            EXTENT=f"{left + 100},{left + 1082},{top - 801},{top - 100} [EPSG:26986]",
            OUTPUT=out / "grid.gpkg"), after=1.5, XDG_CACHE_HOME=str(tmp_path / "cache"))
        asked = server.requests
    assert_stopped_in_time(result)
    assert asked > 0  # the reads were waiting on the server when Cancel came
    assert files_in(out) == []


def test_cancel_export(tmp_path, points):
    out = tmp_path / "chips"
    result = run_and_cancel(tmp_path, "exporttrainingchips", "chips", dict(
        INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=points, CLASS_FIELD="label",
        CHIP_SIZE=64, OUTPUT_FOLDER=out))
    assert_stopped_in_time(result)
    assert files_in(out) == []


def test_cancel_evaluation(tmp_path, trained, points):
    out = tmp_path / "out"
    out.mkdir()
    result = run_and_cancel(tmp_path, "evaluateclassifier", "classifying", dict(
        MODEL=trained[1].definition, INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=points,
        TRUTH_FIELD="label", DEVICE=1, OUTPUT_REPORT=out / "report.html",
        OUTPUT_CONFUSION=out / "confusion.csv", OUTPUT_ERRORS=out / "errors.gpkg"))
    assert_stopped_in_time(result)
    assert files_in(out) == []
