"""The class map of a grid as a GeoTIFF: one pixel per grid cell, band 1 the class value
(Byte, 0 = no result, with the model's colours as a colour table and the class names in a
raster attribute table), band 2 the confidence in percent (0 = no result)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import DataError, OutputError, setting
from ..runtime.outputs import check_raster_written, gdal_checked

NO_RESULT = 0
MAX_VALUE = 255


def check_class_values(classes: list[dict]) -> None:
    """Refuse, before any work, a model whose class values do not fit a byte."""
    highest = max(int(entry["Value"]) for entry in classes)
    if highest > MAX_VALUE:
        raise DataError(f"The class map ({setting('class_map')}) stores class values 1 to "
                        f"{MAX_VALUE} in bytes; this model has values up to {highest}. Leave "
                        f"{setting('class_map')} "
                        "empty.")


def write_class_map(path: str, class_indexes: Sequence[int], confidences: Sequence[float],
                    shape: tuple[int, int], transform: Sequence[float], crs_wkt: str,
                    classes: list[dict]) -> None:
    """Write ``path``; ``class_indexes`` (negative: no result) and ``confidences`` (0 to 1)
    hold one value per cell, row by row from the top left; ``classes`` are the model's
    Classes entries (Value 1 to 255, Name, Color)."""
    rows, columns = shape
    indexes = np.asarray(class_indexes, dtype=np.int64).reshape(rows, columns)
    values = np.asarray([int(entry["Value"]) for entry in classes], dtype=np.uint8)
    found = indexes >= 0
    band_values = np.where(found, values[np.clip(indexes, 0, None)], NO_RESULT).astype(np.uint8)
    percent = np.where(found, np.clip(np.rint(np.asarray(confidences).reshape(rows, columns)
                                              * 100), 1, 100), NO_RESULT).astype(np.uint8)
    what = f"the class map ({setting('class_map')})"
    with gdal_checked(what, path):  # a full disk is raised
        _write(path, band_values, percent, transform, crs_wkt, classes)
    check_raster_written(path, what)


def _write(path: str, band_values: np.ndarray, percent: np.ndarray, transform: Sequence[float],
           crs_wkt: str, classes: list[dict]) -> None:
    from osgeo import gdal

    rows, columns = band_values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(path, columns, rows, 2, gdal.GDT_Byte,
                                                   ["COMPRESS=DEFLATE", "TILED=YES"])
    if dataset is None:
        raise OutputError(f"GDAL cannot create the class map {path}.")
    dataset.SetGeoTransform(list(transform))
    dataset.SetProjection(crs_wkt)
    for number, (pixels, description) in enumerate(((band_values, "class"),
                                                    (percent, "confidence (%)")), start=1):
        band = dataset.GetRasterBand(number)
        band.WriteArray(pixels)
        band.SetNoDataValue(NO_RESULT)
        band.SetDescription(description)
    band = dataset.GetRasterBand(1)
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
