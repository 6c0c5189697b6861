"""Web rasters in QGIS: a Cloud-Optimized GeoTIFF over HTTP given as a GDAL name, and an
XYZ tile layer (QGIS's wms provider), from a server on 127.0.0.1 (tests/loopback.py)."""

from __future__ import annotations

import json

import pytest
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF, TINY_PACKAGE, features, run_algorithm_script
from loopback import HALF, Loopback

MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    gdal.Translate(str(folder / "massachusetts.tif"), str(MASSACHUSETTS_TIF), format="COG")
    with Loopback(folder, tiles_from=MASSACHUSETTS_TIF) as running:
        yield folder, running


def cells(path) -> list[tuple]:
    return [(row[1], row[2], row[4]) for row in features(path)]


COG_SCRIPT = """
    from qgis.core import QgsRasterLayer
    outputs = []
    for source in ({local!r}, {remote!r}):
        layer = QgsRasterLayer(source, "photo", "gdal")  # as Add Raster Layer ▸ HTTP(S) does
        ok, results, feedback = run("classifygrid", {{
            "INPUT_RASTER": layer, "MODEL": {model!r}, "GRID_SIZE": 64, "CELL_SIZE": 2,
            "DEVICE": 1, "OUTPUT": {folder!r} + "/grid%d.gpkg" % len(outputs)}})
        assert ok, feedback.errors
        outputs.append(results["OUTPUT"])
    print("OUTPUTS", json.dumps(outputs))
"""


def test_classifygrid_reads_a_cog_layer_over_http(server, tmp_path):
    """A raster layer added from an https:// URL (GDAL's /vsicurl/) classifies as the same
    file on disk."""
    folder, running = server
    done = run_algorithm_script(
        tmp_path, COG_SCRIPT, False, local=str(folder / "massachusetts.tif"),
        remote=f"/vsicurl/{running.url}/massachusetts.tif", model=str(MODEL),
        folder=str(tmp_path))
    lines = [line for line in done.stdout.splitlines() if line.startswith("OUTPUTS ")]
    assert lines, done.stdout + done.stderr
    local, remote = (cells(path) for path in json.loads(lines[0][8:]))
    assert len(local) > 50 and local == remote


def test_an_xyz_layer_needs_a_cell_size_then_classifies(qgis_process, server, tmp_path):
    _, running = server
    source = f"type=xyz&url={running.url}/tiles/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=19&zmin=0"
    layer = f"wms://{source}"
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=layer, MODEL=MODEL, DEVICE=1,
                               OUTPUT=tmp_path / "refused.gpkg")
    assert done.returncode != 0
    assert "is a tile service: it has no native pixel size. Give CELL_SIZE" in \
        done.stdout + done.stderr
    cell = 2 * HALF / 256 / 2 ** 16
    done, result = qgis_process.run(
        "classifygrid", INPUT_RASTER=layer, MODEL=MODEL, GRID_SIZE=64, CELL_SIZE=cell,
        DEVICE=1, EXTENT="229118,230100,894070,894770 [EPSG:26986]",
        OUTPUT=tmp_path / "tiles.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(cells(result["results"]["OUTPUT"])) > 20
