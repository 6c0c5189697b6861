"""The heatmaps of classified chips as one georeferenced raster: each chip's heatmap (where its
class came from, core.inference.explain) lies on the chip's footprint, on the grid of chip
pixels at the cell size (anchored at the raster's origin, as the chips are read), so the map
shows which part of each feature decided its class. Where chips overlap the hotter value
wins; where there is no chip the raster is NoData.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DataError, setting, tr
from ..runtime.outputs import check_raster_written, gdal_checked

if TYPE_CHECKING:
    from osgeo import gdal

    from ..sources.raster import RasterSource, Window
    from .predictor import Predictor

NODATA = -1.0
MAX_PIXELS = 1 << 31  # a heatmap raster larger than this (8 GiB of float32) is refused


class HeatmapRaster:
    """``add(chip, class_index, window)`` for each classified chip, ``flush()``
    at the end: heatmaps are computed in the predictor's batches and written into ``path``
    (a GeoTIFF, Float32, 0 to 1) over the readable part of ``source`` at ``scale`` (raster
    pixels per chip pixel)."""

    def __init__(self, path: str, source: RasterSource, scale: tuple[float, float],
                 predictor: Predictor) -> None:
        from osgeo import gdal

        self.path, self.source, self.scale, self.predictor = path, source, scale, predictor
        left, top, right, bottom = source.readable_pixels
        self.column0, self.row0 = math.floor(left / scale[0]), math.floor(top / scale[1])
        self.columns = max(1, math.ceil(right / scale[0]) - self.column0)
        self.rows = max(1, math.ceil(bottom / scale[1]) - self.row0)
        if self.columns * self.rows > MAX_PIXELS:
            raise DataError(tr("{} would have {:,} x {:,} pixels at this cell size: "
                               "choose a processing extent or a coarser {}.").format(
                                setting('heatmap'), self.columns, self.rows, setting('cell_size')))
        transform = source.transform
        what = f"the heatmaps ({setting('heatmap')})"
        with gdal_checked(what, path):
            self.dataset: gdal.Dataset = gdal.GetDriverByName("GTiff").Create(
                path, self.columns, self.rows, 1, gdal.GDT_Float32,
                ["COMPRESS=DEFLATE", "TILED=YES", "SPARSE_OK=TRUE", "BIGTIFF=IF_SAFER"])
            self.dataset.SetGeoTransform([
                transform[0] + self.column0 * scale[0] * transform[1], scale[0] * transform[1],
                0.0, transform[3] + self.row0 * scale[1] * transform[5], 0.0,
                scale[1] * transform[5]])
            self.dataset.SetProjection(source.crs_wkt)
            band = self.dataset.GetRasterBand(1)
            band.SetNoDataValue(NODATA)
            band.SetDescription("where the class came from (0 to 1)")
        self.what = what
        self._chips: list[np.ndarray] = []
        self._classes: list[int] = []
        self._windows: list[Window] = []

    def add(self, chip: np.ndarray, class_index: int, window: Window) -> None:
        """Queue one classified chip (its class and where it was read); a full batch is
        computed and written."""
        self._chips.append(chip)
        self._classes.append(int(class_index))
        self._windows.append(window)
        if len(self._chips) >= self.predictor.batch_size:
            self._write_batch()

    def flush(self) -> None:
        """Write what is queued, close the raster and check it was written whole."""
        if self._chips:
            self._write_batch()
        with gdal_checked(self.what, self.path):
            self.dataset.FlushCache()
            self.dataset = None
        check_raster_written(self.path, self.what)

    def _write_batch(self) -> None:
        maps = self.predictor.heatmaps(np.stack(self._chips), self._classes)
        with gdal_checked(self.what, self.path):
            for heat, window in zip(maps, self._windows):
                self._paste(heat, window)
        self._chips, self._classes, self._windows = [], [], []

    def _paste(self, heat: np.ndarray, window: Window) -> None:
        """``heat`` on the window's footprint (resized to its pixels), the hotter value where
        something is there already; clipped to the raster."""
        columns = max(1, round(window.width / self.scale[0]))
        rows = max(1, round(window.height / self.scale[1]))
        column = round(window.x / self.scale[0]) - self.column0
        row = round(window.y / self.scale[1]) - self.row0
        resized = heat[np.arange(rows) * heat.shape[0] // rows][
            :, np.arange(columns) * heat.shape[1] // columns]
        c0, r0 = max(0, column), max(0, row)
        c1, r1 = min(self.columns, column + columns), min(self.rows, row + rows)
        if c1 <= c0 or r1 <= r0:
            return
        part = resized[r0 - row:r1 - row, c0 - column:c1 - column]
        band = self.dataset.GetRasterBand(1)
        there = band.ReadAsArray(c0, r0, c1 - c0, r1 - r0)
        band.WriteArray(np.maximum(there, part).astype(np.float32), c0, r0)
