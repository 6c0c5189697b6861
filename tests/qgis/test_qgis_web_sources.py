"""Web rasters in QGIS: a Cloud-Optimized GeoTIFF over HTTP given as a GDAL name, an XYZ tile
layer, and WMS and WMTS layers (QGIS's wms provider) from servers on 127.0.0.1
(tests/loopback.py, and QGIS Server: tests/qgis_server.py)."""

from __future__ import annotations

import json

import pytest
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF, TINY_PACKAGE, features, run_algorithm_script
from loopback import HALF, Loopback
from qgis_server import QgisServer

MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    gdal.Translate(str(folder / "massachusetts.tif"), str(MASSACHUSETTS_TIF), format="COG")
    (folder / "item.json").write_text(json.dumps({
        "type": "Feature", "stac_version": "1.0.0", "id": "massachusetts", "geometry": None,
        "properties": {}, "assets": {
            "thumbnail": {"href": "thumbnail.png", "type": "image/png"},
            "ortho": {"href": "massachusetts.tif", "type": "image/tiff; application=geotiff"}}}))
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


def test_a_stac_item_is_read_with_the_asset_the_user_names(qgis_process, server, tmp_path):
    """A STAC item's URL as 'Input raster' (QGIS cannot open one as a layer): its asset is
    read, the one named in STAC_ASSET; a wrong name lists the item's assets."""
    _, running = server
    item = f"{running.url}/item.json"
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=item, STAC_ASSET="nir",
                               MODEL=MODEL, DEVICE=1, OUTPUT=tmp_path / "none.gpkg")
    assert done.returncode != 0 and "asset 'nir' is not in it. Its assets: ortho, thumbnail" \
        in done.stdout + done.stderr, done.stdout + done.stderr
    done, result = qgis_process.run("classifygrid", INPUT_RASTER=item, STAC_ASSET="ortho",
                                    MODEL=MODEL, GRID_SIZE=64, CELL_SIZE=2, DEVICE=1,
                                    OUTPUT=tmp_path / "grid.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(cells(result["results"]["OUTPUT"])) > 50


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


@pytest.fixture(scope="module")
def qgis_server(tmp_path_factory):
    """QGIS Server (qgis_mapserver) on 127.0.0.1 serving the Massachusetts photo as WMS layer
    'photo'."""
    with QgisServer(tmp_path_factory.mktemp("server"), MASSACHUSETTS_TIF) as running:
        yield running


OGC_SCRIPT = """
    from qgis.core import QgsRasterLayer
    found = {{}}
    wms = QgsRasterLayer({wms!r}, "WMS photo", "wms")
    wmts = QgsRasterLayer({wmts!r}, "WMTS photo", "wms")
    assert wms.isValid() and wmts.isValid()
    grid = {{"MODEL": {model!r}, "GRID_SIZE": 64, "DEVICE": 1}}
    ok, results, feedback = run("classifygrid", dict(grid, INPUT_RASTER=wms,
                                                     OUTPUT={out!r} + "/none.gpkg"))
    found["refused"] = [ok, feedback.errors]
    for name, raster, cell, extent in (
            ("file", {raster!r}, 2, None), ("wms", wms, 2, None),
            ("warped", {warped!r}, {zoom16!r}, {extent!r}),
            ("wmts", wmts, {zoom16!r}, {extent!r})):
        ok, results, feedback = run("classifygrid", dict(
            grid, INPUT_RASTER=raster, CELL_SIZE=cell, EXTENT=extent,
            OUTPUT={out!r} + "/" + name + ".gpkg"))
        found[name] = [ok, feedback.errors, [line for line in feedback.lines if "reading" in line]]
    # the local file's answers as truth: evaluating over the WMS in place is agreement
    ok, results, feedback = run("evaluateclassifier", {{
        "MODEL": {model!r}, "INPUT_RASTER": wms, "CELL_SIZE": 2, "DEVICE": 1,
        "INPUT_FEATURES": {out!r} + "/file.gpkg", "TRUTH_FIELD": "ClassLabel",
        "OUTPUT_REPORT": {out!r} + "/evaluation.html",
        "OUTPUT_CONFUSION": {out!r} + "/confusion.csv"}})
    found["evaluate"] = [ok, results.get("OVERALL_ACCURACY") if ok else feedback.errors]
    ok, results, feedback = run("exporttrainingchips", {{
        "INPUT_RASTER": wmts, "INPUT_FEATURES": {out!r} + "/file.gpkg", "CELL_SIZE": {zoom16!r},
        "CLASS_FIELD": "ClassLabel", "OUTPUT_FOLDER": {out!r} + "/chips"}})
    found["export"] = [ok, results.get("CHIP_COUNT") if ok else feedback.errors]
    print("RESULT " + json.dumps(found))
"""


def agreement(first, second) -> float:
    """The share of cells (by row and column) with the same class."""
    ours = {(row[1], row[2]): row[4] for row in features(first)}
    theirs = {(row[1], row[2]): row[4] for row in features(second)}
    assert len(ours) > 20 and set(ours) == set(theirs), (len(ours), len(theirs))
    return sum(ours[cell] == theirs[cell] for cell in ours) / len(ours)


def test_wms_and_wmts_layers_classify_export_and_evaluate_like_the_file(qgis_server, server,
                                                                        tmp_path):
    """A WMS layer (QGIS Server, in the photo's CRS) and a WMTS layer (web-mercator tiles), as
    the Browser adds them: a grid over each agrees with the same grid over the local file (for
    the WMTS, the file warped to its zoom level's grid) on at least 90 % of cells; evaluating
    in place over the WMS and exporting chips over the WMTS work."""
    _, tiles = server
    zoom16 = 2 * HALF / 256 / 2 ** 16
    warped = tmp_path / "warped.tif"
    gdal.Warp(str(warped), str(MASSACHUSETTS_TIF), dstSRS="EPSG:3857", xRes=zoom16,
              yRes=zoom16, targetAlignedPixels=True, resampleAlg="average")
    left, top = 229018.27, 894870.83
    extent = f"{left + 100},{left + 1082},{top - 801},{top - 100} [EPSG:26986]"
    wmts = ("crs=EPSG:3857&format=image/png&layers=photo&styles=default&"
            f"tileMatrixSet=GoogleMapsCompatible&url={tiles.url}/wmts/WMTSCapabilities.xml")
    done = run_algorithm_script(
        tmp_path, OGC_SCRIPT, False, wms=qgis_server.wms_uri, wmts=wmts, model=str(MODEL),
        raster=str(MASSACHUSETTS_TIF), warped=str(warped), zoom16=zoom16, extent=extent,
        out=str(tmp_path), home=tmp_path)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout[-3000:] + done.stderr[-3000:]
    found = json.loads(lines[0][len("RESULT "):])
    ok, errors = found["refused"]
    assert not ok and "is a map service (WMS): it has no native pixel size" in errors[0]
    assert "Give CELL_SIZE in map units per pixel" in errors[0], errors
    for name in ("file", "wms", "warped", "wmts"):
        assert found[name][0], (name, found[name])
    assert "reading map images" in found["wms"][2][0], found["wms"]
    assert "reading tiles of zoom 16" in found["wmts"][2][0], found["wmts"]
    agreements = (agreement(tmp_path / "wms.gpkg", tmp_path / "file.gpkg"),
                  agreement(tmp_path / "wmts.gpkg", tmp_path / "warped.gpkg"))
    assert min(agreements) >= 0.9, agreements
    ok, accuracy = found["evaluate"]
    assert ok and accuracy >= 0.9, found["evaluate"]
    ok, count = found["export"]
    assert ok and count == len(features(tmp_path / "file.gpkg")), found["export"]


AUTH_SCRIPT = """
    from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsRasterLayer
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("master words", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("tile server")
    config.setConfig("username", "analyst")
    config.setConfig("password", {password!r})
    assert manager.storeAuthenticationConfig(config)[0]
    found = {{}}
    xyz = "type=xyz&url={url}/tiles/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=19&zmin=0"
    wms = "crs=EPSG:26986&format=image/png&layers=photo&styles=&url={url}/upstream/"
    wmts = ("crs=EPSG:3857&format=image/png&layers=photo&styles=default&"
            "tileMatrixSet=GoogleMapsCompatible&url={url}/wmts/WMTSCapabilities.xml")
    for name, source, cell in (("xyz", xyz, {zoom16!r}), ("wms", wms, 2),
                               ("wmts", wmts, {zoom16!r})):
        layer = QgsRasterLayer(source + "&authcfg=" + config.id(), name, "wms")
        assert layer.isValid(), name
        ok, results, feedback = run("classifygrid", {{
            "INPUT_RASTER": layer, "MODEL": {model!r}, "GRID_SIZE": 64, "CELL_SIZE": cell,
            "EXTENT": {extent!r}, "DEVICE": 1, "OUTPUT": {out!r} + "/" + name + ".gpkg",
            "OUTPUT_SUMMARY": {out!r} + "/" + name + ".csv"}})
        found[name] = [ok, feedback.errors, feedback.lines]
    # a wrong password (at another zoom level: none of its tiles is cached yet)
    config.setConfig("password", "not the password")
    assert manager.updateAuthenticationConfig(config)
    layer = QgsRasterLayer(xyz + "&authcfg=" + config.id(), "xyz", "wms")
    ok, results, feedback = run("classifygrid", {{
        "INPUT_RASTER": layer, "MODEL": {model!r}, "GRID_SIZE": 64,
        "CELL_SIZE": {zoom16!r} / 2, "EXTENT": {extent!r}, "DEVICE": 1,
        "OUTPUT": {out!r} + "/refused.gpkg"}})
    found["refused"] = [ok, feedback.errors, feedback.lines]
    print("RESULT " + json.dumps(found))
"""


def test_layers_behind_a_password_use_the_qgis_authentication_configuration(
        qgis_server, tmp_path):
    """XYZ, WMS and WMTS layers whose server asks for HTTP Basic credentials, given in a QGIS
    authentication configuration: the runs send them (the server refuses requests without),
    and the password is in no output, log line or message; a wrong one is an error naming
    the server's answer, with no output written."""
    password = "pass-7Kq9-word"
    zoom16 = 2 * HALF / 256 / 2 ** 16
    left, top = 229018.27, 894870.83
    extent = f"{left + 100},{left + 1082},{top - 801},{top - 100} [EPSG:26986]"
    with Loopback(tmp_path, tiles_from=MASSACHUSETTS_TIF, upstream=qgis_server.url) as guarded:
        guarded.basic_auth = ("analyst", password)
        done = run_algorithm_script(
            tmp_path, AUTH_SCRIPT, False, password=password, url=guarded.url,
            zoom16=zoom16, model=str(MODEL), extent=extent, out=str(tmp_path / "out"),
            home=tmp_path / "home")
        refused = guarded.refused
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout[-3000:] + done.stderr[-3000:]
    found = json.loads(lines[0][len("RESULT "):])
    for name in ("xyz", "wms", "wmts"):
        ok, errors, log = found[name]
        assert ok, (name, errors)
        assert len(features(tmp_path / "out" / f"{name}.gpkg")) > 20
    ok, errors, log = found["refused"]
    assert not ok and "401" in errors[0] and "The server refused access" in errors[0], errors
    assert not (tmp_path / "out" / "refused.gpkg").exists()
    assert refused > 0  # the server did ask
    assert password not in done.stdout + done.stderr
    for file in (tmp_path / "out").rglob("*"):
        assert password.encode() not in file.read_bytes(), file
