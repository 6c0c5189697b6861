"""Chips cut from a raster around features, at a chosen cell size (GDAL).

One code path for classify, export and evaluate: a feature's footprint → a window on the
raster (a fixed number of pixels at CELL_SIZE around its centre, or its bounding box plus
padding) → a band-first array of the model's bands. Pixels outside the raster, outside the
processing extent or equal to nodata become 0; optionally pixels outside the polygon too.
GDAL averages when reading coarser than the raster and interpolates bilinearly when finer.

Chips of neighbouring features on the same row (a fishnet) are read as one strip and cut
from memory, so a grid costs one GDAL read per strip rather than one per cell (at native or
whole-number coarser resolutions, where this gives exactly the same pixels).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..data.imagery import fit_chip
from ..errors import DataError, setting, tr
from ..runtime.inputs import not_a_file
from .credentials import redact
from .geometry import Extent, Footprint, intersection
from .services import WEB_MERCATOR_HALF, is_tile_service, renders_any_scale, zoom_levels
from .web import configure_network, gdal_name, is_remote, tile_cache_folder

if TYPE_CHECKING:
    from osgeo import gdal

FIXED = "fixed"
BOUNDING_BOX = "bounding_box"
CROP_MODES = (FIXED, BOUNDING_BOX)
MAX_BOX_FACTOR = 4  # a bounding box is read at most 4 x the chip size, then resized
MAX_STRIP_COLUMNS = 8192
ORDER_ROWS = 256  # raster-friendly order: bands of 256 raster rows, left to right
SNAP = 1e-6  # pixel positions closer than this to a whole pixel are taken as whole
HTTP_STATUS = re.compile(r"HTTP (?:status |response |error )?code(?: on \S+?)?:? ?(\d{3})\b")


@dataclass
class ChipOptions:
    """The user's choices of how chips are cut around features, shared by classify, evaluate
    and export. None means "as the model definition says" (classify and evaluate)."""

    cell_size: float = 0.0  # raster CRS units; 0 = the raster's resolution
    extent: Extent | None = None  # raster CRS; only features intersecting it are used
    crop_mode: str | None = None  # FIXED, BOUNDING_BOX or None
    padding: int = 0  # pixels at the cell size, around the bounding box
    blacken: bool | None = None  # set pixels outside the polygon to 0
    geometry_crs: str | None = None  # CRS of the geometries when it is not the raster's
    stac_asset: str = ""  # the asset read from a STAC item; "" = its visual (RGB) one


@dataclass(frozen=True)
class ChipSettings:
    """How chips are cut: the model's size and bands, and the user's choices."""

    chip_size: int
    bands: tuple[int, ...]  # 0-based band indexes (the model's ExtractBands)
    crop_mode: str = FIXED
    padding: int = 0  # pixels at the cell size, around the bounding box
    blacken: bool = False  # set pixels outside the polygon to 0
    cell_size: float = 0.0  # raster CRS units; 0 = the raster's own resolution
    resize_to: int | None = None  # the model's resize_to: chips resized to it, then cropped

    def __post_init__(self) -> None:
        if self.crop_mode not in CROP_MODES:
            raise DataError(tr("Unknown crop mode '{}'; use {}.").format(
                                self.crop_mode, ' or '.join(CROP_MODES)))
        if not self.cell_size >= 0 or not math.isfinite(self.cell_size):
            raise DataError(tr("Cell size must be 0 (the raster's resolution) or "
                               "positive, got {}.").format(self.cell_size))
        if self.padding < 0:
            raise DataError(tr("Padding must be 0 or more pixels, got {}.").format(self.padding))


@dataclass(frozen=True)
class Window:
    """A rectangle on the raster in (fractional) pixels, read into columns x rows pixels."""

    x: float
    y: float
    width: float
    height: float
    columns: int
    rows: int

    @property
    def scale(self) -> tuple[float, float]:
        """Raster pixels per chip pixel, across and down."""
        return self.width / self.columns, self.height / self.rows

    def order_key(self) -> tuple[int, float]:
        """Sort key for reading: by bands of ORDER_ROWS raster rows, then left to right."""
        return int(self.y // ORDER_ROWS), self.x


class RasterSource:
    """A raster that chips are cut from: its grid, bands, data type, nodata and CRS.

    ``extent`` (raster CRS) limits what is read: pixels outside it count as outside the raster;
    ``stac_asset`` chooses the asset of a STAC item.
    """

    def __init__(self, path: str, bands: Sequence[int], extent: Extent | None = None,
                 stac_asset: str = "") -> None:
        self.path = path  # as the user gave it (messages name it)
        # what GDAL opens (web sources; a STAC item's asset)
        self.gdal_path = gdal_name(path, tile_cache_folder(), stac_asset)
        dataset = _open(self.gdal_path, path)
        self.tile_levels = zoom_levels(dataset) if is_tile_service(dataset) else []
        self.map_service = renders_any_scale(self.gdal_path)  # a WMS: any cell size
        self.tile_size = dataset.GetRasterBand(1).GetBlockSize()[0]
        self.width, self.height = dataset.RasterXSize, dataset.RasterYSize
        self.band_count = dataset.RasterCount
        transform = dataset.GetGeoTransform(can_return_null=True)
        if transform is None:
            raise DataError(tr("{} has no georeferencing; chips cannot be placed on it.").format(
                                path))
        if transform[2] or transform[4] or transform[1] <= 0 or transform[5] >= 0:
            raise DataError(tr("{} is rotated or not north-up; warp it to a north-up "
                               "raster first (Raster ▸ Projections ▸ Warp).").format(path))
        self.transform = transform
        self.crs_wkt = dataset.GetProjection() or ""
        missing = [b + 1 for b in bands if not 0 <= b < self.band_count]
        if not bands or missing:
            raise DataError(
                tr("The model reads bands {} but {} has {} band(s). Use a raster with "
                   "the bands the model was trained on.").format(
                    ', '.join(str(b + 1) for b in bands), path, self.band_count))
        self.bands = tuple(int(b) for b in bands)
        self.dtype = _numpy_type(dataset.GetRasterBand(self.bands[0] + 1).DataType, path)
        self.nodata = [dataset.GetRasterBand(b + 1).GetNoDataValue() for b in self.bands]
        self.extent: Extent = (transform[0], transform[3] + self.height * transform[5],
                               transform[0] + self.width * transform[1], transform[3])
        self.readable = self.extent if extent is None else intersection(self.extent, extent)
        if self.readable is None:
            raise DataError(
                tr("The processing extent {} does not overlap the raster {} (both in "
                   "the raster's CRS). Choose an extent over the raster, or leave it "
                   "empty.").format(_format_extent(extent), _format_extent(self.extent)))
        x0, y1 = self.to_pixel(self.readable[0], self.readable[1])
        x1, y0 = self.to_pixel(self.readable[2], self.readable[3])
        self.readable_pixels = (max(0.0, x0), max(0.0, y0), min(float(self.width), x1),
                                min(float(self.height), y1))

    @property
    def resolution(self) -> tuple[float, float]:
        """The pixel size (x, y) in CRS units, both positive (the raster is north-up)."""
        return self.transform[1], -self.transform[5]

    def log_tile_plan(self, cell_size: float, log: Callable[[str], None]) -> None:
        """For a tile service, say (``log``) what reading at ``cell_size`` will fetch, before
        any tile is: the zoom level (the coarsest at least as fine as the cell size, as GDAL
        picks it) and at most how many tiles cover the readable extent."""
        if not self.tile_levels or not cell_size:
            return
        finer = [level for level in self.tile_levels if level <= cell_size * (1 + 1e-6)]
        level = max(finer) if finer else self.tile_levels[0]
        tile = self.tile_size * level  # map units
        left, bottom, right, top = self.readable
        count = (math.ceil((right - left) / tile) + 1) * (math.ceil((top - bottom) / tile) + 1)
        zoom = math.log2(2 * WEB_MERCATOR_HALF / 256 / level)  # XYZ's numbering
        named = f"zoom {round(zoom)}" if abs(zoom - round(zoom)) < 0.01 else "the level"
        what = "map images" if self.map_service else "tiles"
        log(f"{self.path}: reading {what} of {named} ({level:.4g} map units per pixel) for "
            f"{setting('cell_size')} {cell_size:g}; at most {count:,} {what} of "
            f"{self.tile_size} px cover the extent read (fewer where features are sparse; "
            f"cached in {tile_cache_folder()}).")

    def check_cell_size(self, cell_size: float) -> None:
        """A tile service (XYZ, WMS, WMTS) has no native pixel: refuse to read it without a
        cell size, suggesting its zoom levels' cell sizes."""
        if not self.tile_levels or cell_size:
            return
        if self.map_service:
            raise DataError(tr("{} is a map service (WMS): it has no native pixel size "
                               "and renders any. Give {} in map units per pixel: the "
                               "resolution the model was trained at.").format(
                                self.path, setting('cell_size')))
        levels = ", ".join(f"{size:.4g}" for size in self.tile_levels[:6])
        raise DataError(tr("{} is a tile service: it has no native pixel size. Give {} "
                           "in map units per pixel (its finest zoom levels: {}).").format(
                            self.path, setting('cell_size'), levels))

    def to_pixel(self, x: float, y: float) -> tuple[float, float]:
        """A point in the raster's CRS as (column, row), fractional, in raster pixels."""
        return (x - self.transform[0]) / self.transform[1], (y - self.transform[3]) / \
            self.transform[5]

    def scale(self, cell_size: float) -> tuple[float, float]:
        """Raster pixels per chip pixel, across and down, at ``cell_size`` (0 = native)."""
        if not cell_size:
            return 1.0, 1.0
        res_x, res_y = self.resolution
        return _tidy(cell_size / res_x), _tidy(cell_size / res_y)

    def window(self, footprint: Footprint, settings: ChipSettings) -> Window | None:
        """The window a feature's chip is read from, or None when it misses the raster.

        Windows fall on whole pixels of the raster as resampled to the cell size (anchored at
        the raster's origin), so a feature gets the same pixels from any copy of the raster.
        """
        if not footprint.intersects(self.readable):
            return None
        scale_x, scale_y = self.scale(settings.cell_size)
        size = settings.chip_size
        degenerate = footprint.max_x <= footprint.min_x or footprint.max_y <= footprint.min_y
        if settings.crop_mode == FIXED or footprint.is_point or degenerate:
            centre_x, centre_y = self.to_pixel(footprint.centre_x, footprint.centre_y)
            column = round(centre_x / scale_x - size / 2)
            row = round(centre_y / scale_y - size / 2)
            return Window(column * scale_x, row * scale_y, size * scale_x, size * scale_y,
                          size, size)
        left, top = self.to_pixel(footprint.min_x, footprint.max_y)
        right, bottom = self.to_pixel(footprint.max_x, footprint.min_y)
        column = math.floor(left / scale_x + SNAP) - settings.padding
        row = math.floor(top / scale_y + SNAP) - settings.padding
        columns = max(1, math.ceil(right / scale_x - SNAP) + settings.padding - column)
        rows = max(1, math.ceil(bottom / scale_y - SNAP) + settings.padding - row)
        shrink = max(1.0, max(columns, rows) / (MAX_BOX_FACTOR * size))
        return Window(column * scale_x, row * scale_y, columns * scale_x, rows * scale_y,
                      max(1, round(columns / shrink)), max(1, round(rows / shrink)))

    def window_transform(self, window: Window) -> tuple[float, ...]:
        """The geotransform of the chip read from ``window`` (before any resizing)."""
        scale_x, scale_y = window.scale
        t = self.transform
        return (t[0] + window.x * t[1], scale_x * t[1], 0.0, t[3] + window.y * t[5], 0.0,
                scale_y * t[5])


def _open(name: str, shown: str) -> gdal.Dataset:
    """The GDAL dataset ``name``; errors name the raster as the user gave it (``shown``)."""
    from osgeo import gdal

    if is_remote(name):
        configure_network()
    special = not_a_file(name)
    if special and special != "a folder":  # GDAL reads some folders (e.g. a GRID coverage)
        raise DataError(tr("Cannot open raster {}: it is {}, not a file.").format(shown, special))
    with GdalMessages() as messages:
        try:
            dataset = gdal.Open(name)
        except RuntimeError:
            dataset = None
    if dataset is None:
        reason = messages.reason(name, shown) if is_remote(name) else ""
        raise DataError(tr("Cannot open raster {}: {}.").format(
                            shown, reason or 'GDAL does not read it'))
    return dataset


class GdalMessages:
    """GDAL's messages while the ``with`` block runs, kept rather than printed: what the
    message of a failure is made of (``reason``)."""

    KEPT = 20

    def __enter__(self) -> GdalMessages:
        from osgeo import gdal

        self.messages: list[str] = []
        gdal.ErrorReset()
        gdal.PushErrorHandler(self._keep)
        return self

    def __exit__(self, *_) -> None:
        from osgeo import gdal

        gdal.PopErrorHandler()

    def _keep(self, _level: int, _number: int, message: str) -> None:
        self.messages = (self.messages + [message])[-self.KEPT:]

    def reason(self, name: str, shown: str) -> str:
        """Why GDAL failed, in one line: its last message's first line, naming the raster as
        the user gave it (not the document GDAL opened), the URL it names, and the HTTP
        status any message gave (not the server's error page), without any password."""
        text = redact((self.messages[-1] if self.messages else "").replace(name, shown))
        lines = text.strip().splitlines()
        reason = lines[0].rstrip(". ") if lines else ""
        url = re.search(r"^URL: (https?://\S+)", text, re.MULTILINE)
        if url and url.group(1) not in reason:
            reason += f" ({url.group(1)})"
        statuses = [found.group(1) for message in self.messages
                    for found in HTTP_STATUS.finditer(message)]
        if statuses and statuses[-1] not in reason:
            reason += f": the server answered HTTP {statuses[-1]}"
        if statuses and statuses[-1] in ("401", "403"):
            reason += (". The server refused access: check the user name and password of "
                       "the layer's authentication configuration")
        return reason


def _numpy_type(gdal_type: int, path: str) -> np.dtype:
    from osgeo import gdal, gdal_array

    code = gdal_array.GDALTypeCodeToNumericTypeCode(gdal_type)
    if code is None or np.dtype(code).kind == "c":
        raise DataError(tr("{} holds {} pixels, which no model reads; convert it to an "
                           "integer or real type first.").format(
                            path, gdal.GetDataTypeName(gdal_type)))
    return np.dtype(code)


def _format_extent(extent: Extent) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in extent) + ")"


class ChipReader:
    """Reads chips with its own GDAL handle: make one per thread."""

    def __init__(self, source: RasterSource, settings: ChipSettings) -> None:
        from osgeo import gdal

        self.source = source
        self.settings = settings
        self.dataset = _open(source.gdal_path, source.path)
        self.band_list = [b + 1 for b in source.bands]
        self.average, self.bilinear = gdal.GRIORA_Average, gdal.GRIORA_Bilinear

    def read_window(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """(pixels (bands, rows, columns), valid (rows, columns)) of one window."""
        data = np.zeros((len(self.source.bands), window.rows, window.columns), self.source.dtype)
        return data, self._read(window, data)

    def _read(self, window: Window, data: np.ndarray) -> np.ndarray:
        """Read ``window`` into ``data``, which must be 0 wherever the window misses the
        readable area; returns the valid (inside and not nodata) pixels."""
        source = self.source
        valid = np.zeros((window.rows, window.columns), bool)
        scale_x, scale_y = window.scale
        left, top, right, bottom = source.readable_pixels
        c0 = max(0, math.ceil((left - window.x) / scale_x - 0.5))
        c1 = min(window.columns, math.floor((right - window.x) / scale_x + 0.5))
        r0 = max(0, math.ceil((top - window.y) / scale_y - 0.5))
        r1 = min(window.rows, math.floor((bottom - window.y) / scale_y + 0.5))
        if c1 <= c0 or r1 <= r0:
            return valid
        x0, x1 = max(left, window.x + c0 * scale_x), min(right, window.x + c1 * scale_x)
        y0, y1 = max(top, window.y + r0 * scale_y), min(bottom, window.y + r1 * scale_y)
        part = data[:, r0:r1, c0:c1]
        method = self.average if scale_x > 1 or scale_y > 1 else self.bilinear
        with GdalMessages() as messages:
            read = self.dataset.ReadAsArray(x0, y0, x1 - x0, y1 - y0, buf_obj=part,
                                            band_list=self.band_list, resample_alg=method)
        if read is None:  # a damaged file, a missing or looping VRT source, a failed request
            reason = messages.reason(source.gdal_path, source.path) or \
                "GDAL failed to read pixels"
            raise DataError(tr("Cannot read {}: {}. Check that the raster is whole and "
                               "every file it refers to is there (or, for a web source, "
                               "that the server answers).").format(source.path, reason))
        valid[r0:r1, c0:c1] = ~_clear_nodata(part, source.nodata)
        return valid

    def _inside(self, window: Window) -> bool:
        left, top, right, bottom = self.source.readable_pixels
        return (window.x >= left and window.y >= top and window.x + window.width <= right
                and window.y + window.height <= bottom)

    def read_chips(self, windows: Sequence[Window], footprints: Sequence[Footprint],
                   out: np.ndarray) -> np.ndarray:
        """Fill ``out[i]`` (bands, S, S) with chip i; returns whether each has valid pixels."""
        has_data = np.zeros(len(windows), bool)
        size = self.settings.chip_size
        for group in self._strips(windows):
            strip = windows[group[0]]
            if (len(group) == 1 and strip.columns == strip.rows == size
                    and out.dtype == self.source.dtype and not self.settings.blacken
                    and self.settings.resize_to in (None, size)):
                # the common case: straight into the batch, no copy
                if not self._inside(strip):
                    out[group[0]] = 0
                has_data[group[0]] = self._read(strip, out[group[0]]).any()
                continue
            if len(group) > 1:
                last = windows[group[-1]]
                width = last.x + last.width - strip.x
                strip = Window(strip.x, strip.y, width, strip.height,
                               round(width / strip.scale[0]), strip.rows)
            data, valid = self.read_window(strip)
            for index in group:
                window = windows[index]
                start = round((window.x - strip.x) / strip.scale[0])
                chip = data[:, :, start:start + window.columns]
                chip_valid = valid[:, start:start + window.columns]
                if self.settings.blacken and footprints[index].polygon_wkb:
                    inside = polygon_mask(footprints[index].polygon_wkb,
                                          self.source.window_transform(window),
                                          window.columns, window.rows)
                    chip = np.where(inside, chip, 0)
                    chip_valid = chip_valid & inside
                has_data[index] = chip_valid.any()
                out[index] = fit_chip(chip, size, self.settings.resize_to)
        return has_data

    def _strips(self, windows: Sequence[Window]) -> list[list[int]]:
        """Runs of windows side by side on one row, on whole-pixel offsets: read as one."""
        groups: list[list[int]] = []
        for index, window in enumerate(windows):
            if groups and self._extends(windows[groups[-1][0]], windows[groups[-1][-1]], window):
                groups[-1].append(index)
            else:
                groups.append([index])
        return groups

    @staticmethod
    def _extends(first: Window, previous: Window, window: Window) -> bool:
        """Whether ``window`` continues the strip: GDAL resamples a strip exactly as its parts
        only at whole-number scales, so a chip never depends on its neighbours."""
        scale_x, scale_y = first.scale
        offset = (window.x - first.x) / scale_x
        return (_whole(scale_x) and _whole(scale_y) and window.y == first.y
                and (window.width, window.height, window.columns, window.rows)
                == (first.width, first.height, first.columns, first.rows)
                and previous.x < window.x
                and window.x <= previous.x + previous.width
                and abs(offset - round(offset)) < SNAP
                and offset + window.columns <= MAX_STRIP_COLUMNS)


def _tidy(scale: float) -> float:
    """A scale within rounding error of a whole number is that number (e.g. 0.99999999999996
    when a raster's pixel height differs from its width in the 13th digit)."""
    return float(round(scale)) if abs(scale - round(scale)) < 1e-9 * max(1.0, scale) else scale


def _whole(value: float) -> bool:
    return abs(value - round(value)) < SNAP


def _clear_nodata(pixels: np.ndarray, nodata: Sequence[float | None]) -> np.ndarray:
    """Set nodata (and NaN) to 0 in place; returns where every band was nodata."""
    values = [np.nan if value is None else value for value in nodata]
    if all(math.isnan(v) for v in values) and pixels.dtype.kind != "f":
        return np.zeros(pixels.shape[1:], bool)
    missing = pixels == np.asarray(values, pixels.dtype if pixels.dtype.kind == "f"
                                   else np.float64)[:, None, None]
    if pixels.dtype.kind == "f":
        missing |= np.isnan(pixels)
    np.putmask(pixels, missing, 0)
    return missing.all(axis=0)


def polygon_mask(wkb: bytes, transform: Sequence[float], columns: int, rows: int) -> np.ndarray:
    """Pixels (rows, columns) whose centre lies inside the polygon (a curved one, e.g. a
    CURVEPOLYGON of circular arcs, as its straight-segment approximation: GDAL burns
    nothing for curves)."""
    from osgeo import gdal, ogr

    target = gdal.GetDriverByName("MEM").Create("", columns, rows, 1, gdal.GDT_Byte)
    target.SetGeoTransform(list(transform))
    features = ogr.GetDriverByName("Memory").CreateDataSource("")  # keep: the layer needs it
    layer = features.CreateLayer("feature")
    feature = ogr.Feature(layer.GetLayerDefn())
    geometry = ogr.CreateGeometryFromWkb(wkb)
    if geometry.HasCurveGeometry():
        geometry = geometry.GetLinearGeometry()
    feature.SetGeometry(geometry)
    layer.CreateFeature(feature)
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # "no spatial reference": none needed
    try:
        gdal.RasterizeLayer(target, [1], layer, burn_values=[1])
    finally:
        gdal.PopErrorHandler()
    return target.ReadAsArray().astype(bool)
