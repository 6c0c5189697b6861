"""Rasters that are not local files, from a server on 127.0.0.1 (tests/loopback.py): a
Cloud-Optimized GeoTIFF over HTTP, a STAC item's asset, XYZ tiles; and rasters GDAL cannot
read whole (a cut GeoTIFF, a VRT whose source is missing or refers to itself), which are
errors naming the file, never a classification of whatever the buffer held."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF, TINY_PACKAGE, cli_environment, features, outputs
from loopback import HALF, Loopback
from qgis_server import QgisServer

MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"
GRID = ("--model", MODEL, "--grid-size", 64, "--cell-size", 2, "--device", "cpu")


def cli(folder, *arguments, **env) -> subprocess.CompletedProcess:
    """The command line with a fast-failing HTTP client (one retry) unless told otherwise."""
    environment = dict(cli_environment(folder), GDAL_HTTP_MAX_RETRY="1",
                       GDAL_HTTP_RETRY_DELAY="0.1", **env)
    return subprocess.run([sys.executable, "-m", "scene_classifier", *map(str, arguments)],
                          capture_output=True, text=True, env=environment, cwd=folder,
                          timeout=600)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(folder, server): the Massachusetts tile as a COG, a STAC item for it, and XYZ tiles
    warped from it."""
    folder = tmp_path_factory.mktemp("web")
    gdal.Translate(str(folder / "massachusetts.tif"), str(MASSACHUSETTS_TIF), format="COG")
    item = {"type": "Feature", "stac_version": "1.0.0", "id": "massachusetts",
            "geometry": None, "properties": {},
            "assets": {"thumbnail": {"href": "thumbnail.png", "type": "image/png"},
                       "visual": {"href": "massachusetts.tif", "roles": ["visual"],
                                  "type": "image/tiff; application=geotiff"}}}
    (folder / "item.json").write_text(json.dumps(item))
    with Loopback(folder, tiles_from=MASSACHUSETTS_TIF) as server:
        yield folder, server


def classes(path) -> list[tuple]:
    """(row, column, class value, rounded confidence) of every grid cell."""
    return [(row[1], row[2], row[4], round(row[5], 3)) for row in features(path)]


def test_a_cog_over_http_classifies_as_the_local_file(served, tmp_path):
    folder, server = served  # the same COG (with its overviews) on disk and served
    local = outputs(cli(tmp_path, "classify-grid", "--input-raster",
                        folder / "massachusetts.tif", *GRID, "--output", tmp_path / "local.gpkg"))
    remote = outputs(cli(tmp_path, "classify-grid", "--input-raster",
                         f"{server.url}/massachusetts.tif", *GRID,
                         "--output", tmp_path / "remote.gpkg"))
    assert int(remote["CELL_COUNT"]) == int(local["CELL_COUNT"]) > 50
    assert classes(remote["OUTPUT"]) == classes(local["OUTPUT"])


def test_a_stac_items_asset_is_read(served):
    from core.errors import DataError
    from core.sources.raster import RasterSource

    folder, server = served
    for item in (f"{server.url}/item.json", str(folder / "item.json")):
        source = RasterSource(item, (0, 1, 2))
        assert (source.width, source.height) == (1182, 901)
        assert source.gdal_path.endswith("massachusetts.tif")
    with pytest.raises(DataError, match=r"asset 'nir' is not in it\. Its assets: "
                                        r"thumbnail, visual"):
        RasterSource(f"{server.url}/item.json#nir", (0,))
    with pytest.raises(DataError, match=r"asset 'nir' is not in it"):  # the tools' STAC_ASSET
        RasterSource(f"{server.url}/item.json", (0,), stac_asset="nir")
    assert RasterSource(str(folder / "item.json"), (0,), stac_asset="visual").width == 1182
    with pytest.raises(DataError, match=r"'nir' is given, but .* is not a STAC item"):
        RasterSource(str(folder / "massachusetts.tif"), (0,), stac_asset="nir")
    (folder / "feature.json").write_text(json.dumps({"type": "FeatureCollection"}))
    with pytest.raises(DataError, match="is not a STAC item"):
        RasterSource(str(folder / "feature.json"), (0,))


def test_xyz_tiles_need_a_cell_size_and_classify_like_the_warped_file(served, tmp_path):
    folder, server = served
    template = f"{server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    refused = cli(tmp_path, "classify-grid", "--input-raster", template, "--model", MODEL,
                  "--device", "cpu", "--output", tmp_path / "none.gpkg")
    assert refused.returncode == 1, refused.stderr
    assert "is a tile service: it has no native pixel size. Give --cell-size" in refused.stderr
    assert "Traceback" not in refused.stderr
    world = cli(tmp_path, "classify-grid", "--input-raster", template, "--model", MODEL,
                "--cell-size", 2.4, "--device", "cpu", "--output", tmp_path / "world.gpkg")
    assert world.returncode == 1 and "smaller 'Processing extent' (--extent)" in world.stderr
    # the same area and cells from the tiles and from the photo warped locally to the grid
    # of zoom 16's tiles (2.389 m, as a tile server's averaged levels)
    cell = 2 * HALF / 256 / 2 ** 16
    left, top = 229018.27, 894870.83
    extent = f"{left + 100},{left + 1082},{top - 801},{top - 100} [EPSG:26986]"
    warped = tmp_path / "warped.tif"
    gdal.Warp(str(warped), str(MASSACHUSETTS_TIF), dstSRS="EPSG:3857", xRes=cell, yRes=cell,
              targetAlignedPixels=True, resampleAlg="average")
    arguments = ("--model", MODEL, "--grid-size", 64, "--cell-size", cell, "--device", "cpu",
                 "--extent", extent)
    local = outputs(cli(tmp_path, "classify-grid", "--input-raster", warped, *arguments,
                        "--output", tmp_path / "local.gpkg"))
    tiles_run = cli(tmp_path, "classify-grid", "--input-raster", template, *arguments,
                    "--output", tmp_path / "tiles.gpkg", XDG_CACHE_HOME=str(tmp_path))
    tiles = outputs(tiles_run)
    tiles_log = tiles_run.stderr
    # 982 x 701 m of EPSG:26986 is some 1330 x 950 m in EPSG:3857: 611 m tiles at zoom 16
    assert "reading tiles of zoom 16 (2.389 map units per pixel) for --cell-size 2.38" in \
        tiles_log and "at most 12 tiles of 256 px" in tiles_log, tiles_log
    ours, theirs = classes(tiles["OUTPUT"]), classes(local["OUTPUT"])
    assert len(ours) == len(theirs) > 20
    agree = sum(a[2] == b[2] for a, b in zip(ours, theirs))
    assert agree >= 0.9 * len(ours), (agree, len(ours))
    assert any((tmp_path / "scene_classifier" / "tiles").rglob("*")), "tiles are cached"


def test_a_failing_server_is_named_and_earlier_outputs_stay(served, tmp_path):
    folder, server = served
    earlier = tmp_path / "grid.gpkg"
    earlier.write_bytes(b"an earlier result")
    server.status = 500
    try:
        result = cli(tmp_path, "classify-grid", "--input-raster",
                     f"{server.url}/massachusetts.tif", *GRID, "--output", earlier)
    finally:
        server.status = 200
    assert result.returncode == 1
    assert f"{server.url}/massachusetts.tif" in result.stderr and "500" in result.stderr
    assert "Traceback" not in result.stderr
    assert earlier.read_bytes() == b"an earlier result"


def broken_rasters(folder) -> dict[str, str]:
    """A GeoTIFF cut in half, a VRT whose source is gone, and a VRT that refers to itself."""
    whole = folder / "whole.tif"
    gdal.Translate(str(whole), str(MASSACHUSETTS_TIF), creationOptions=["TILED=NO"])
    data = whole.read_bytes()
    (folder / "cut.tif").write_bytes(data[:len(data) // 2])
    gdal.BuildVRT(str(folder / "gone.vrt"), [str(whole)])
    vrt = (folder / "gone.vrt").read_text()
    whole.unlink()
    (folder / "loop.vrt").write_text(vrt.replace(">whole.tif<", ">loop.vrt<"))
    return {"cut.tif": "TIFFReadEncodedStrip", "gone.vrt": "No such file",
            "loop.vrt": "Recursion"}


def test_rasters_gdal_cannot_read_whole_are_errors(tmp_path):
    for name, reason in broken_rasters(tmp_path).items():
        result = cli(tmp_path, "classify-grid", "--input-raster", tmp_path / name, *GRID,
                     "--output", tmp_path / f"{name}.gpkg")
        assert result.returncode == 1, (name, result.stdout[-500:])
        assert f"Cannot read {tmp_path / name}" in result.stderr and reason in result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / f"{name}.gpkg").exists()


def test_network_settings_leave_local_rasters_as_they_were(tmp_path):
    """The settings for web reads are process-wide (QGIS shares its GDAL): a local raster's
    side files (.aux.xml with its attribute table) are still found after them."""
    from core.sources.web import configure_network

    path = str(tmp_path / "classes.tif")
    dataset = gdal.GetDriverByName("GTiff").Create(path, 4, 4, 1)
    table = gdal.RasterAttributeTable()
    table.CreateColumn("Class", gdal.GFT_String, gdal.GFU_Name)
    table.SetRowCount(1)
    table.SetValueAsString(0, 0, "water")
    dataset.GetRasterBand(1).SetDefaultRAT(table)
    dataset = None
    configure_network()
    assert gdal.Open(path).GetRasterBand(1).GetDefaultRAT().GetValueAsString(0, 0) == "water"


def test_cancel_while_tiles_wait_on_a_slow_server_stops_at_once(served, tmp_path):
    """Ctrl+C while every tile takes 40 s to come (GDAL waits up to a minute, and retries):
    the run stops within a few seconds, says so, and writes nothing."""
    import signal
    import time

    folder, server = served
    template = f"{server.url}/tiles/{{z}}/{{x}}/{{y}}.png"
    left, top = 229018.27, 894870.83
    environment = dict(cli_environment(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    server.delay_s = 40
    try:
        run = subprocess.Popen(
            [sys.executable, "-m", "scene_classifier", "classify-grid", "--input-raster",
             template, "--model", str(MODEL), "--grid-size", "64", "--cell-size", "2.4",
             "--device", "cpu", "--extent",
             f"{left + 100},{left + 1082},{top - 801},{top - 100} [EPSG:26986]",
             "--output", str(tmp_path / "grid.gpkg")],
            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment,
            cwd=tmp_path)
        try:
            for line in run.stderr:
                if "reading tiles of zoom" in line:  # said before any tile is fetched
                    break
            time.sleep(1.5)  # the reads are waiting on the server now
            asked = time.monotonic()
            run.send_signal(signal.SIGINT)
            stdout, stderr = run.communicate(timeout=30)
            waited = time.monotonic() - asked
        finally:
            run.kill()
    finally:
        server.delay_s = 0
    assert run.returncode == 1 and "Cancelled: nothing was written." in stderr, stderr
    assert "Traceback" not in stderr and not stdout
    assert waited < 2, waited  # not the 40 s a tile takes, nor GDAL's 60 s timeout
    assert not (tmp_path / "grid.gpkg").exists()


# Every kind of web source, one table: each exports chips and evaluates in place, and each
# fails cleanly when its server stops mid-run.
WEB_SOURCES = ("cog", "stac", "xyz", "wms")
ZOOM16 = 2 * HALF / 256 / 2 ** 16
LEFT, TOP = 229018.27, 894870.83
EXTENT = f"{LEFT + 100},{LEFT + 1082},{TOP - 801},{TOP - 100} [EPSG:26986]"


@pytest.fixture(scope="module")
def web(served, tmp_path_factory):
    """name -> (what --input-raster is given, --cell-size), with a server that can fail: the
    loopback server, and QGIS Server's WMS behind it (its /upstream/); and the features to
    read: the grid classified over the local file, its classes the truth."""
    from core.sources.services import wms_name

    folder, server = served
    with QgisServer(tmp_path_factory.mktemp("wms"), MASSACHUSETTS_TIF) as wms, \
            Loopback(folder, upstream=wms.url) as front:
        photo = gdal.Open(str(MASSACHUSETTS_TIF))
        x0, res, _, y0, _, res_y = photo.GetGeoTransform()
        bbox = (x0, y0 + photo.RasterYSize * res_y, x0 + photo.RasterXSize * res, y0)
        sources = {"cog": (f"{server.url}/massachusetts.tif", 2, server),
                   "stac": (f"{server.url}/item.json", 2, server),
                   "xyz": (f"{server.url}/tiles/{{z}}/{{x}}/{{y}}.png", ZOOM16, server),
                   "wms": (wms_name(f"{front.url}/upstream/", "photo", "", "EPSG:26986",
                                    "image/png", bbox), 2, front)}
        features_folder = tmp_path_factory.mktemp("features")
        grid = outputs(cli(features_folder, "classify-grid", "--input-raster",
                           MASSACHUSETTS_TIF, *GRID, "--extent", EXTENT,
                           "--output", features_folder / "truth.gpkg"))["OUTPUT"]
        yield sources, grid


@pytest.mark.parametrize("name", WEB_SOURCES)
def test_export_chips_and_evaluate_in_place_over_a_web_source(web, name, tmp_path):
    sources, truth = web
    raster, cell, _ = sources[name]
    cells = len(features(truth))
    exported = outputs(cli(tmp_path, "export-chips", "--input-raster", raster,
                           "--input-features", truth, "--class-field", "ClassLabel",
                           "--cell-size", cell, "--output-folder", tmp_path / "chips",
                           XDG_CACHE_HOME=str(tmp_path / "cache")))
    assert int(exported["CHIP_COUNT"]) == cells > 20
    evaluated = outputs(cli(tmp_path, "evaluate", "--model", MODEL, "--input-raster", raster,
                            "--input-features", truth, "--truth-field", "ClassLabel",
                            "--cell-size", cell, "--device", "cpu",
                            "--output-report", tmp_path / "report.html",
                            XDG_CACHE_HOME=str(tmp_path / "cache")))
    # the truth is the local file's answers: over the same pixels (COG, STAC, WMS) nearly
    # all agree; over web-mercator tiles, resampled to another grid, most do
    assert float(evaluated["OVERALL_ACCURACY"]) >= (0.6 if name == "xyz" else 0.9), evaluated


@pytest.mark.parametrize("name", WEB_SOURCES)
def test_a_server_that_stops_mid_run_is_named_and_earlier_outputs_stay(web, name, tmp_path):
    sources, _ = web
    raster, cell, server = sources[name]
    earlier = tmp_path / "grid.gpkg"
    earlier.write_bytes(b"an earlier result")
    # a few answers (the item, the file's header, tiles), then 500s; a WMS read at 2 m needs
    # a single map image over this extent: at 0.5 m, several
    if name == "wms":
        cell = 0.5
    server.fail_after = server.requests + 3
    try:
        result = cli(tmp_path, "classify-grid", "--input-raster", raster, "--model", MODEL,
                     "--grid-size", 64, "--cell-size", cell, "--extent", EXTENT,
                     "--device", "cpu", "--output", earlier,
                     XDG_CACHE_HOME=str(tmp_path / "cache"))
    finally:
        server.fail_after = None
    assert result.returncode == 1, result.stdout[-2000:]
    error = result.stderr.splitlines()[-1]  # the message, in one line
    assert error.startswith("Error: Cannot "), result.stderr
    assert "the server answered HTTP 500" in error or "HTTP response code: 500" in error, error
    assert "<html" not in error.lower() and "Traceback" not in result.stderr, result.stderr
    assert earlier.read_bytes() == b"an earlier result"


def test_the_notebook_api_classifies_over_web_sources(served, web):
    """FeatureClassifier.classify takes the same texts as --input-raster: a STAC item (its
    asset chosen in the options), XYZ tiles and a WMS, as for the local file."""
    import struct

    from core.api import FeatureClassifier
    from core.inference.classifier import ClassifyOptions

    folder, server = served
    sources, _ = web
    model = FeatureClassifier.from_model(str(MODEL), device="cpu")
    points = [struct.pack("<BIdd", 1, 1, LEFT + x, TOP - y)
              for x in (300, 500, 700) for y in (300, 500)]
    local = list(model.classify(str(MASSACHUSETTS_TIF), points,
                                ClassifyOptions(device="cpu", cell_size=2)))
    stac = list(model.classify(f"{server.url}/item.json", points,
                               ClassifyOptions(device="cpu", cell_size=2, stac_asset="visual")))
    wms = list(model.classify(sources["wms"][0], points,
                              ClassifyOptions(device="cpu", cell_size=2)))
    tiles = list(model.classify(sources["xyz"][0], points, ClassifyOptions(
        device="cpu", cell_size=ZOOM16, geometry_crs="EPSG:26986")))
    assert [name for name, _ in stac] == [name for name, _ in local]
    assert sum(a[0] == b[0] for a, b in zip(wms, local)) >= 5
    assert all(name is not None for name, _ in tiles)
