"""Headless qgis_process runs of classifyobjects and classifygrid, and a modeler chain."""

from __future__ import annotations

import csv
import json
import subprocess

import numpy as np
import pytest
from osgeo import gdal, ogr

from conftest import (
    MASSACHUSETTS_BUILDINGS,
    MASSACHUSETTS_TIF,
    ROOT,
    stored_style,
    write_points,
    write_raster,
)

RESULT_FIELDS = ["ClassLabel", "ClassValue", "Confidence"]


@pytest.fixture(scope="module")
def model(trained):
    return trained[1].definition


def read_layer(path) -> tuple[list[str], list[dict]]:
    """Field names and the features' attributes (with 'fid' and 'wkt') of a vector file."""
    source = ogr.Open(str(path))
    layer = source.GetLayer(0)
    definition = layer.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    rows = []
    for feature in layer:
        row = {name: feature.GetField(name) for name in names}
        geometry = feature.GetGeometryRef()
        row.update(fid=feature.GetFID(), wkt=geometry.ExportToWkt() if geometry else None)
        rows.append(row)
    return names, rows


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_provider_lists_the_classify_algorithms(qgis_process):
    listing = qgis_process.call("list").stdout
    assert "sceneclassifier:classifyobjects" in listing
    assert "sceneclassifier:classifygrid" in listing


def test_classify_objects_writes_every_field_and_a_summary(qgis_process, model, tmp_path):
    output, summary = tmp_path / "buildings.gpkg", tmp_path / "summary.csv"
    done, result = qgis_process.run(
        "classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=MASSACHUSETTS_BUILDINGS,
        MODEL=model, CROP_MODE=1, PADDING=8, DEVICE=1, OUTPUT=output, OUTPUT_SUMMARY=summary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bounding box crop" in "\n".join(result["log"]["info"])  # CROP_MODE=1, as export
    names, rows = read_layer(output)
    assert names == ["class"] + RESULT_FIELDS  # the input's own field is kept
    assert len(rows) == 405
    classes = {row["Name"]: row["Value"] for row in json.loads(open(model).read())["Classes"]}
    classified = [row for row in rows if row["ClassLabel"] is not None]
    assert len(classified) >= 400  # a few footprints at the tile's edge may miss it
    for row in classified:
        assert classes[row["ClassLabel"]] == row["ClassValue"] and 0 < row["Confidence"] <= 1
    table = read_csv(summary)
    assert [row["class_label"] for row in table] == list(classes)
    assert sum(int(row["count"]) for row in table) == len(classified)
    assert sum(float(row["area_share"]) for row in table) == pytest.approx(1.0)


def test_classify_objects_in_another_crs_with_missing_and_outside_features(qgis_process, model,
                                                                         tmp_path):
    projected = tmp_path / "projected.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", "-limit", "30", str(projected),
                    str(MASSACHUSETTS_BUILDINGS)], check=True)
    geographic = tmp_path / "wgs84.geojson"
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", str(geographic),
                    str(projected)], check=True)
    collection = json.loads(geographic.read_text())
    collection["features"] += [
        {"type": "Feature", "properties": {"class": 98}, "geometry": None},
        {"type": "Feature", "properties": {"class": 99},
         "geometry": {"type": "Point", "coordinates": [-71.0, 42.0]}},  # far from the tile
    ]
    geographic.write_text(json.dumps(collection))
    runs = {}
    for name, features in (("projected", projected), ("geographic", geographic)):
        done, result = qgis_process.run("classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF,
                                        INPUT_FEATURES=features, MODEL=model, DEVICE=1,
                                        OUTPUT=tmp_path / f"{name}_out.gpkg")
        assert done.returncode == 0, done.stdout + done.stderr
        runs[name] = (read_layer(tmp_path / f"{name}_out.gpkg")[1], result)
    projected_rows, _ = runs["projected"]
    geographic_rows, result = runs["geographic"]
    assert len(geographic_rows) == 32
    assert [r["ClassLabel"] for r in geographic_rows[:30]] == [
        r["ClassLabel"] for r in projected_rows]
    assert [r["ClassLabel"] for r in geographic_rows[30:]] == [None, None]
    warning = "2 features were written with NULL results: "
    assert any(line.startswith(warning) for line in result["log"]["warning"])
    log = " ".join(result["log"]["warning"])
    assert "1 with a NULL or empty geometry" in log and "1 entirely outside the raster" in log


def test_classify_objects_extent_keeps_the_features_it_touches(qgis_process, model, tmp_path):
    output = tmp_path / "part.gpkg"
    done, result = qgis_process.run(
        "classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=MASSACHUSETTS_BUILDINGS,
        MODEL=model, DEVICE=1, EXTENT=north_west_quarter_in_wgs84(), OUTPUT=output)
    assert done.returncode == 0, done.stdout + done.stderr
    _, rows = read_layer(output)
    assert 0 < len(rows) < 405
    assert all(row["ClassLabel"] is not None for row in rows)
    left_out = f"{405 - len(rows)} features outside the processing extent were left out."
    assert left_out in result["log"]["info"]


def north_west_quarter_in_wgs84() -> str:
    """The raster's north-west quarter as a qgis_process extent in EPSG:4326."""
    from osgeo import gdal, osr

    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    x0, res, _, y0, _, res_y = dataset.GetGeoTransform()
    x1, y1 = x0 + dataset.RasterXSize * res / 2, y0 + dataset.RasterYSize * res_y / 2
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromWkt(dataset.GetProjection())
    target.ImportFromEPSG(4326)
    target.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lon0, lat0, lon1, lat1 = osr.CoordinateTransformation(source, target).TransformBounds(
        x0, y1, x1, y0, 21)
    return f"{lon0},{lon1},{lat0},{lat1} [EPSG:4326]"


def test_classify_grid_maps_the_raster(qgis_process, model, tmp_path):
    output, summary = tmp_path / "grid.gpkg", tmp_path / "grid.csv"
    class_map = tmp_path / "grid.tif"
    done, result = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                                    GRID_SIZE=100, DEVICE=1, OUTPUT=output,
                                    OUTPUT_SUMMARY=summary, OUTPUT_RASTER=class_map)
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["CELL_COUNT"] == 108
    names, rows = read_layer(output)
    assert names == ["cell_id", "row", "col"] + RESULT_FIELDS
    assert [row["cell_id"] for row in rows] == list(range(1, 109))
    assert all(row["ClassLabel"] is not None for row in rows)
    assert ogr.CreateGeometryFromWkt(rows[0]["wkt"]).GetArea() == pytest.approx(10_000)
    assert sum(int(row["count"]) for row in read_csv(summary)) == 108
    table = ogr.Open(str(summary))  # numbers read as numbers
    columns = table.GetLayer().GetLayerDefn()
    assert [columns.GetFieldDefn(i).GetTypeName() for i in range(columns.GetFieldCount())] == [
        "Integer", "String", "Integer", "Real", "Real", "Real"]
    assert "Grid: 9 rows x 12 columns of 100 x 100 raster CRS units." in result["log"]["info"]
    # the class map: one pixel per cell, class values in the model's colours, confidence %
    raster = gdal.Open(str(class_map))
    assert (raster.RasterXSize, raster.RasterYSize, raster.RasterCount) == (12, 9, 2)
    assert raster.GetGeoTransform()[1] == 100 and raster.GetGeoTransform()[5] == -100
    values, percent = raster.ReadAsArray()
    assert [int(values[row["row"], row["col"]]) for row in rows] == [
        row["ClassValue"] for row in rows]
    assert [int(percent[row["row"], row["col"]]) for row in rows] == [
        round(100 * row["Confidence"]) for row in rows]
    band = raster.GetRasterBand(1)
    classes = json.loads(open(model).read())["Classes"]
    assert band.GetNoDataValue() == 0 and band.DataType == gdal.GDT_Byte
    assert [band.GetColorTable().GetColorEntry(c["Value"])[:3] for c in classes] == [
        tuple(c["Color"]) for c in classes]
    table = band.GetDefaultRAT()
    assert [table.GetValueAsString(i, 1) for i in range(table.GetRowCount())] == [
        c["Name"] for c in classes]
    style = (tmp_path / "grid.qml").read_text()
    assert 'type="paletted"' in style and all(f'label="{c["Name"]}"' in style for c in classes)
    raster = None
    # the GeoPackage carries its map style: categories by ClassLabel in the model's colours
    name, default, qml = stored_style(output)
    assert name == "Scene Classifier classes" and default == 1
    assert 'type="categorizedSymbol"' in qml and 'attr="ClassLabel"' in qml
    for entry in json.loads(open(model).read())["Classes"]:
        red, green, blue = entry["Color"]
        assert f'label="{entry["Name"]}"' in qml and f"{red},{green},{blue},255" in qml


def test_a_minimum_confidence_writes_unknown_below_it(qgis_process, model, tmp_path):
    """MIN_CONFIDENCE at the median confidence of a plain run: the cells below it are
    'Unknown' with a NULL class value (their confidence kept), counted in the summary, grey in
    the map's style and NoData in the class map; the others keep their class."""
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                               GRID_SIZE=100, DEVICE=1, OUTPUT=tmp_path / "plain.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    _, plain = read_layer(tmp_path / "plain.gpkg")
    median = round(float(np.median([row["Confidence"] for row in plain])), 2)
    output, summary, class_map = tmp_path / "grid.gpkg", tmp_path / "grid.csv", \
        tmp_path / "grid.tif"
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                               GRID_SIZE=100, DEVICE=1, MIN_CONFIDENCE=median, OUTPUT=output,
                               OUTPUT_SUMMARY=summary, OUTPUT_RASTER=class_map)
    assert done.returncode == 0, done.stdout + done.stderr
    _, rows = read_layer(output)
    unknown = [row for row in rows if row["Confidence"] < median]
    assert 20 < len(unknown) < len(rows) - 20
    for row, before in zip(rows, plain):
        if row["Confidence"] < median:
            assert (row["ClassLabel"], row["ClassValue"]) == ("Unknown", None)
        else:
            assert (row["ClassLabel"], row["ClassValue"]) == (before["ClassLabel"],
                                                              before["ClassValue"])
        assert row["Confidence"] == pytest.approx(before["Confidence"])
    with open(summary, newline="", encoding="utf-8") as table:
        counted = {row["class_label"]: row for row in csv.DictReader(table)}
    assert counted["Unknown"]["class_value"] == "" and \
        int(counted["Unknown"]["count"]) == len(unknown)
    assert sum(int(row["count"]) for row in counted.values()) == len(rows)
    values = gdal.Open(str(class_map)).ReadAsArray()[0]
    assert all(values[row["row"], row["col"]] == 0 for row in unknown)  # NoData
    _, _, qml = stored_style(output)
    assert 'label="Unknown"' in qml and "150,150,150,255" in qml


def test_heatmaps_are_a_styled_raster_over_the_chips(qgis_process, model, tmp_path):
    heatmap = tmp_path / "heat.tif"
    done, result = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                                    GRID_SIZE=100, CELL_SIZE=2, DEVICE=1,
                                    OUTPUT=tmp_path / "grid.gpkg", OUTPUT_HEATMAP=heatmap)
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["OUTPUT_HEATMAP"] == str(heatmap)
    raster = gdal.Open(str(heatmap))
    values = raster.ReadAsArray()
    inside = values[values != raster.GetRasterBand(1).GetNoDataValue()]
    assert raster.GetGeoTransform()[1] == 2 and inside.size and inside.max() <= 1
    style = (tmp_path / "heat.qml").read_text()
    assert 'type="singlebandpseudocolor"' in style


def test_default_grid_is_one_chip_per_cell(qgis_process, model, tmp_path):
    done, result = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                                    CELL_SIZE=4, DEVICE=1, OUTPUT=tmp_path / "grid.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    chip = json.loads(open(model).read())["ImageWidth"]
    rows, columns = round(901 / (4 * chip)), round(1182 / (4 * chip))
    assert result["results"]["CELL_COUNT"] == rows * columns


@pytest.mark.parametrize("parameters, message", [
    ({"MODEL": "missing.emd"}, "Model file not found"),
    ({"MODEL": str(MASSACHUSETTS_BUILDINGS)}, "must be one of Model packages (*.emd *.dlpk)"),
    ({"CELL_SIZE": -2}, "CELL_SIZE) must be at least 0; got -2"),
    ({"CELL_SIZE": "nan"}, "CELL_SIZE) must be a finite number; got nan"),
    ({"BATCH_SIZE": "2.5"}, "BATCH_SIZE) must be a whole number; got 2.5"),
    ({"EXTENT": "0,1,0,1 [EPSG:4326]"}, "does not overlap the raster"),
    ({"CLASS_LABEL_FIELD": "CLASS"}, "'CLASS' (CLASS_LABEL_FIELD) clashes with the "
                                     "field 'class'"),
    ({"CONFIDENCE_FIELD": "ClassLabel"}, "'ClassLabel' (CONFIDENCE_FIELD) clashes"),
])
def test_bad_input_fails_cleanly_before_any_work(qgis_process, model, tmp_path, parameters,
                                                 message):
    output = tmp_path / "out.gpkg"
    arguments = dict(INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=MASSACHUSETTS_BUILDINGS,
                     MODEL=model, DEVICE=1, OUTPUT=output)
    done, _ = qgis_process.run("classifyobjects", **{**arguments, **parameters})
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "classifying features" not in done.stdout
    assert not output.exists()


@pytest.mark.parametrize("pixels, message", [
    (np.zeros((1, 64, 64), np.uint8), "reads bands 1, 2, 3 but"),
    (np.zeros((3, 64, 64), np.uint16), "trained on uint8 imagery"),
])
def test_rasters_the_model_cannot_take_fail_cleanly(qgis_process, model, tmp_path, pixels,
                                                    message):
    raster = write_raster(tmp_path / "raster.tif", pixels)
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=raster, MODEL=model, DEVICE=1,
                               OUTPUT=tmp_path / "grid.gpkg")
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_modeler_chain_train_then_map_a_grid(qgis_process, rsscn7_small, tmp_path):
    """tests/models/train_then_grid.model3: the trainer's MODEL_DEFINITION feeds classifygrid."""
    model = ROOT / "tests" / "models" / "train_then_grid.model3"
    done = qgis_process.call(
        "run", str(model), "--json", "--", f"chips={rsscn7_small}", f"raster={MASSACHUSETTS_TIF}",
        f"grid:map={tmp_path / 'map.gpkg'}",
        f"grid:summary={tmp_path / 'summary.csv'}")
    assert done.returncode == 0, done.stdout + done.stderr
    _, rows = read_layer(tmp_path / "map.gpkg")
    assert len(rows) == 108 and all(row["ClassLabel"] for row in rows)
    log = "\n".join(json.loads(done.stdout[done.stdout.index("{"):])["log"]["info"])
    assert "Kept epoch" in log and "Grid: 9 rows x 12 columns" in log
    assert sum(int(row["count"]) for row in read_csv(tmp_path / "summary.csv")) == 108


def test_a_grid_of_too_many_cells_is_refused_before_any_work(qgis_process, model, tmp_path):
    """A grid size in the wrong unit (degrees for metres) would start billions of cells."""
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model,
                               GRID_SIZE=0.001, DEVICE=1, OUTPUT=tmp_path / "grid.gpkg")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output
    assert "The grid would have 900,138 x 1,180,869 = 1,062,945,059,922 cells, more than " \
           "'Most grid cells' (MAX_CELLS, 10,000,000)" in output, output
    assert not list(tmp_path.iterdir())


def test_a_shapefile_output_that_would_cut_an_input_field_to_a_results_name_is_refused(
        qgis_process, model, tmp_path):
    """QGIS's writer cuts 'ClassLabel_before' to 'ClassLabel' in a .dbf: refused, naming the
    parameter, before anything is written."""
    points = write_points(tmp_path / "points.gpkg", "ClassLabel_before")
    done, _ = qgis_process.run("classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF,
                               INPUT_FEATURES=points, MODEL=model, DEVICE=1,
                               OUTPUT=tmp_path / "out.shp")
    assert done.returncode != 0
    assert "The input field 'ClassLabel_before' is cut to 'ClassLabel' in a shapefile, the " \
           "name of Class label field (CLASS_LABEL_FIELD)" in done.stdout + done.stderr
    assert not list(tmp_path.glob("out.*"))


def test_relative_outputs_are_styled_like_absolute_ones(qgis_process, tmp_path):
    """As ``make demo`` gives them: outputs relative to the working folder get their style
    (in the GeoPackage) and the summary its .csvt, and are reported as absolute paths."""
    from conftest import QGIS_PROCESS, TINY_PACKAGE

    (tmp_path / "out").mkdir()
    done = subprocess.run(
        [QGIS_PROCESS, "run", "sceneclassifier:classifygrid", "--json", "--",
         f"INPUT_RASTER={MASSACHUSETTS_TIF}", f"MODEL={TINY_PACKAGE / TINY_PACKAGE.name}.emd",
         "GRID_SIZE=200", "CELL_SIZE=2", "DEVICE=1", "OUTPUT=out/grid.gpkg",
         "OUTPUT_SUMMARY=out/summary.csv"], capture_output=True, text=True, timeout=600,
        env=qgis_process.env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads(done.stdout[done.stdout.index("{"):])["results"]
    assert results["OUTPUT"] == str(tmp_path / "out" / "grid.gpkg")
    assert stored_style(tmp_path / "out" / "grid.gpkg") is not None
    assert (tmp_path / "out" / "summary.csvt").is_file()
