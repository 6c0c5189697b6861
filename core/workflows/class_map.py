"""The class map of a grid as a GeoTIFF: one pixel per grid cell, band 1 the class value (the
model's Classes Values as they are, with its colours as a colour table and the class names in
a raster attribute table), band 2 the confidence in percent (1 to 100).

NoData (no result, in both bands) is a value no class uses: 0 where free, as most models
number their classes from 1, else the type's largest, else a free value outside 1 to 100;
so a class with Value 0, as Esri's exports often have, is a class on the map, never NoData.
The data type is the smallest that holds every value and NoData: Byte, else UInt16, else
Int32 (logged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import OutputError, setting, tr
from ..runtime.outputs import check_raster_written, gdal_checked


@dataclass(frozen=True)
class Layout:
    """How class values are stored: numpy and GDAL type names and band 1's NoData."""

    dtype: str
    gdal_type: str
    nodata: int
    low: int
    high: int


LAYOUTS = (Layout("uint8", "Byte", 0, 0, 255), Layout("uint16", "UInt16", 0, 0, 65535),
           Layout("int32", "Int32", 0, -2**31, 2**31 - 1))


def class_map_layout(values: Sequence[int]) -> Layout:
    """The smallest layout whose type holds every class value and a NoData none uses and no
    confidence (1 to 100 %) can be: a GeoTIFF keeps one NoData for both bands."""
    used = set(values) | set(range(1, 101))
    for layout in LAYOUTS:
        if min(values) < layout.low or max(values) > layout.high:
            continue
        for nodata in (layout.nodata, layout.high, layout.low):
            if nodata not in used:
                return Layout(layout.dtype, layout.gdal_type, nodata, layout.low, layout.high)
        free = next((value for value in range(layout.low, min(layout.high, 2**16) + 1)
                     if value not in used), None)
        if free is not None:
            return Layout(layout.dtype, layout.gdal_type, free, layout.low, layout.high)
    raise OutputError(tr("The class values {}… leave no NoData value in a 32-bit class "
                         "map.").format(sorted(set(values))[:5]))


def write_class_map(path: str, class_indexes: Sequence[int], confidences: Sequence[float],
                    shape: tuple[int, int], transform: Sequence[float], crs_wkt: str,
                    classes: list[dict], log: Callable[[str], None] | None = None) -> None:
    """Write ``path``; ``class_indexes`` (negative: no result) and ``confidences`` (0 to 1)
    hold one value per cell, row by row from the top left; ``classes`` are the model's
    Classes entries (Value, Name, Color); ``log`` hears which type and NoData hold them
    where that is not Byte with NoData 0."""
    rows, columns = shape
    values = [int(entry["Value"]) for entry in classes]
    layout = class_map_layout(values)
    if log is not None and (layout.gdal_type != "Byte" or layout.nodata != 0):
        log(f"Class map: class values {min(values)} to {max(values)}, stored as "
            f"{layout.gdal_type} with NoData (no result) {layout.nodata}, a value no class "
            "uses.")
    indexes = np.asarray(class_indexes, dtype=np.int64).reshape(rows, columns)
    found = indexes >= 0
    table = np.asarray(values, dtype=np.int64)
    band_values = np.where(found, table[np.clip(indexes, 0, None)], layout.nodata)
    percent = np.where(found, np.clip(np.rint(np.asarray(confidences).reshape(rows, columns)
                                              * 100), 1, 100), layout.nodata)
    what = f"the class map ({setting('class_map')})"
    with gdal_checked(what, path):  # a full disk is raised
        _write(path, band_values.astype(layout.dtype), percent.astype(layout.dtype), layout,
               transform, crs_wkt, classes)
    check_raster_written(path, what)


def _write(path: str, band_values: np.ndarray, percent: np.ndarray, layout: Layout,
           transform: Sequence[float], crs_wkt: str, classes: list[dict]) -> None:
    from osgeo import gdal

    rows, columns = band_values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(
        path, columns, rows, 2, gdal.GetDataTypeByName(layout.gdal_type),
        ["COMPRESS=DEFLATE", "TILED=YES"])
    if dataset is None:
        raise OutputError(tr("GDAL cannot create the class map {}.").format(path))
    dataset.SetGeoTransform(list(transform))
    dataset.SetProjection(crs_wkt)
    for number, (pixels, description) in enumerate(((band_values, "class"),
                                                    (percent, "confidence (%)")), start=1):
        band = dataset.GetRasterBand(number)
        band.WriteArray(pixels)
        band.SetNoDataValue(layout.nodata)  # one for both bands (GeoTIFF keeps one)
        band.SetDescription(description)
    band = dataset.GetRasterBand(1)
    if layout.gdal_type in ("Byte", "UInt16"):  # what GeoTIFF keeps colour tables for
        colors = gdal.ColorTable()
        for entry in classes:
            colors.SetColorEntry(int(entry["Value"]), (*entry["Color"][:3], 255))
        band.SetRasterColorTable(colors)
        band.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)
    table = gdal.RasterAttributeTable()
    table.CreateColumn("Value", gdal.GFT_Integer, gdal.GFU_MinMax)
    table.CreateColumn("Class", gdal.GFT_String, gdal.GFU_Name)
    table.SetRowCount(len(classes))
    for row, entry in enumerate(classes):
        table.SetValueAsInt(row, 0, int(entry["Value"]))
        table.SetValueAsString(row, 1, entry["Name"])
    band.SetDefaultRAT(table)
    dataset.FlushCache()
    dataset = None
