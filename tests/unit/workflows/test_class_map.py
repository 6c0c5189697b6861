"""The class map keeps class values as the model gives them: a class with Value 0 (normal in
Esri's exports) is a class on the map, never its NoData, and values beyond a byte widen the
type instead of wrapping."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF
from core.workflows.class_map import class_map_layout, write_class_map


def classes(values: list[int]) -> list[dict]:
    return [{"Value": value, "Name": f"class {value}", "Color": [10 * i, 80, 160]}
            for i, value in enumerate(values)]


@pytest.mark.parametrize("values, dtype, nodata", [
    ([1, 2, 3], "Byte", 0),  # as before: 0 is free
    ([0, 1, 2], "Byte", 255),  # Esri's numbering from 0
    (list(range(256)), "UInt16", 65535),  # every byte taken
    ([0] + list(range(101, 255)) + [255], "UInt16", 65535),  # no byte outside 1-100 free
    ([0, 300, 65535], "UInt16", 101),  # 0 and 65535 taken: the lowest free, no percentage
    ([-5, 0, 70000], "Int32", 2**31 - 1),
])
def test_nodata_is_a_value_no_class_uses(values, dtype, nodata):
    layout = class_map_layout(values)
    assert (layout.gdal_type, layout.nodata) == (dtype, nodata)
    assert nodata not in values


def test_a_class_with_value_0_is_on_the_map(tmp_path):
    path = str(tmp_path / "map.tif")
    lines: list[str] = []
    write_class_map(path, [0, 1, -1, 2, 0, 1], [0.9, 0.8, 0.0, 0.7, 0.6, 0.5], (2, 3),
                    (0, 1, 0, 2, 0, -1), "", classes([0, 1, 2]), lines.append)
    dataset = gdal.Open(path)
    band = dataset.GetRasterBand(1)
    assert band.GetNoDataValue() == 255
    assert band.ReadAsArray().tolist() == [[0, 1, 255], [2, 0, 1]]
    assert dataset.GetRasterBand(2).ReadAsArray().tolist() == [[90, 80, 255], [70, 60, 50]]
    table = band.GetDefaultRAT()
    assert [table.GetValueAsInt(row, 0) for row in range(3)] == [0, 1, 2]
    assert band.GetRasterColorTable().GetColorEntry(0)[:3] == (0, 80, 160)
    assert len(lines) == 1 and "NoData (no result) 255, a value no class uses" in lines[0]


def test_values_beyond_a_byte_widen_the_map(tmp_path):
    path = str(tmp_path / "map.tif")
    write_class_map(path, [0, 1], [1.0, 1.0], (1, 2), (0, 1, 0, 1, 0, -1), "",
                    classes([1000, 2000]))
    dataset = gdal.Open(path)  # keep: the band needs it
    band = dataset.GetRasterBand(1)
    assert gdal.GetDataTypeName(band.DataType) == "UInt16"
    assert band.ReadAsArray().tolist() == [[1000, 2000]]


def test_a_grid_of_a_model_numbering_its_classes_from_0(trained, tmp_path):
    """End to end on the command line: the map's pixels are the cells' class values,
    class 0 included, and no classified cell reads as NoData."""
    from osgeo import ogr

    from conftest import run_cli

    package = shutil.copytree(trained[1].folder, tmp_path / "zero")
    emd = next(package.glob("*.emd"))
    definition = json.loads(emd.read_text())
    for index, entry in enumerate(definition["Classes"]):
        entry["Value"] = index  # 0 .. 6
    emd.write_text(json.dumps(definition))
    done = run_cli(tmp_path, "classify-grid", "--input-raster", MASSACHUSETTS_TIF,
                   "--model", emd, "--grid-size", 100, "--device", "cpu",
                   "--output", tmp_path / "grid.gpkg", "--output-raster", tmp_path / "map.tif")
    assert done.returncode == 0, done.stderr
    assert "a value no class uses" in done.stderr
    dataset = gdal.Open(str(tmp_path / "map.tif"))  # keep: the band needs it
    band = dataset.GetRasterBand(1)
    pixels = band.ReadAsArray()
    cells = ogr.Open(str(tmp_path / "grid.gpkg"))  # keep: the layer needs it
    for cell in cells.GetLayer():
        assert pixels[cell.GetField("row"), cell.GetField("col")] == cell.GetField("ClassValue")
    assert band.GetNoDataValue() == 255 and not (pixels == 255).any()
    assert np.isin(pixels, range(7)).all()
