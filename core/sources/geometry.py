"""Feature geometries as the chip reader needs them: envelope, centre, area, polygon.

Geometries arrive as WKB (from QGIS, OGR, shapely …) in the raster's CRS, or in another CRS
that OGR transforms. Also the fishnet of square cells that "Classify raster grid" labels.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import DataError, label, setting, tr

if TYPE_CHECKING:
    from osgeo.ogr import Geometry
    from osgeo.osr import SpatialReference

Extent = tuple[float, float, float, float]  # (min x, min y, max x, max y)


@dataclass(frozen=True)
class Footprint:
    """What a chip needs of a feature, in the raster's CRS."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float
    centre_x: float
    centre_y: float
    area: float
    is_point: bool
    polygon_wkb: bytes | None = None  # only for polygons: to blacken around the feature
    in_extent: bool = True  # False when the geometry misses the processing extent
    on_raster: bool = True  # False when it misses the raster (inside that extent)

    def intersects(self, extent: Extent) -> bool:
        """True when the envelope touches ``extent``."""
        return (self.min_x <= extent[2] and self.max_x >= extent[0]
                and self.min_y <= extent[3] and self.max_y >= extent[1])


class GeometryReader:
    """Turns WKB into footprints, transforming from ``crs`` to ``target_crs`` when they differ.

    CRSs are anything OGR understands (WKT, "EPSG:4326", PROJ strings). One reader per thread.
    """

    def __init__(self, crs: str | None = None, target_crs: str | None = None) -> None:
        from osgeo import gdal, ogr, osr

        self._ogr, self._gdal = ogr, gdal
        self._transform = None
        if crs and target_crs:
            source, target = _spatial_reference(crs, osr), _spatial_reference(target_crs, osr)
            if not source.IsSame(target):
                self._transform = osr.CoordinateTransformation(source, target)

    def footprint(self, wkb: bytes | None, extent: Extent | None = None,
                  raster: Extent | None = None) -> Footprint | None:
        """The footprint, or None for NULL, empty or unreadable geometries.

        ``in_extent`` and ``on_raster`` say whether the geometry intersects ``extent`` and
        ``raster`` (exact tests; True when not given).
        """
        ogr = self._ogr
        if not wkb:
            return None
        if self._transform is None and _is_plain_point(wkb):
            return _point_footprint(bytes(wkb), extent, raster)
        self._gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            geometry = ogr.CreateGeometryFromWkb(bytes(wkb))
        except RuntimeError:  # raised when GDAL exceptions are enabled
            return None
        finally:
            self._gdal.PopErrorHandler()
        if geometry is None or geometry.IsEmpty():
            return None
        if self._transform is not None and geometry.Transform(self._transform) != 0:
            return None
        min_x, max_x, min_y, max_y = geometry.GetEnvelope()
        if not all(math.isfinite(v) for v in (min_x, max_x, min_y, max_y)):
            return None
        in_extent = extent is None or geometry.Intersects(extent_polygon(extent, ogr))
        on_raster = raster is None or geometry.Intersects(extent_polygon(raster, ogr))
        dimension = geometry.GetDimension()
        centre = geometry.Centroid()
        if centre is None or centre.IsEmpty():
            centre_xy = ((min_x + max_x) / 2, (min_y + max_y) / 2)
        else:
            centre_xy = (centre.GetX(), centre.GetY())
        is_polygon = dimension == 2
        return Footprint(
            min_x, min_y, max_x, max_y, *centre_xy,
            area=geometry.GetArea() if is_polygon else 0.0,
            is_point=dimension == 0,
            polygon_wkb=bytes(geometry.ExportToWkb()) if is_polygon else None,
            in_extent=in_extent, on_raster=on_raster)


def _is_plain_point(wkb: bytes) -> bool:
    """A 2D point in WKB: byte order, type 1, x, y (21 bytes)."""
    if len(wkb) != 21 or wkb[0] not in (0, 1):
        return False
    return struct.unpack("<I" if wkb[0] == 1 else ">I", bytes(wkb[1:5]))[0] == 1


def _point_footprint(wkb: bytes, extent: Extent | None,
                     raster: Extent | None) -> Footprint | None:
    """A plain point's footprint without OGR (parsing it with OGR costs more than reading
    its chip)."""
    x, y = struct.unpack("<dd" if wkb[0] == 1 else ">dd", wkb[5:])
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return Footprint(x, y, x, y, x, y, 0.0, True, None, _contains(extent, x, y),
                     _contains(raster, x, y))


def _contains(extent: Extent | None, x: float, y: float) -> bool:
    return extent is None or (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3])


def _spatial_reference(definition: str, osr: ModuleType) -> SpatialReference:
    reference = osr.SpatialReference()
    try:
        status = reference.SetFromUserInput(definition)
    except RuntimeError:
        status = 1
    if status != 0:
        raise DataError(tr("Unknown coordinate reference system: {!r}.").format(definition[:80]))
    reference.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return reference


def length_in(length: float, at: tuple[float, float], crs: str, target_crs: str) -> float:
    """``length`` (``crs`` units) at the point ``at`` as the length it spans in
    ``target_crs`` units: the mean of a step across and a step down, transformed (the same
    number where the CRSs are the same or one is unknown)."""
    from osgeo import osr

    if not crs or not target_crs:
        return length
    source, target = _spatial_reference(crs, osr), _spatial_reference(target_crs, osr)
    if source.IsSame(target):
        return length
    transform = osr.CoordinateTransformation(source, target)
    x, y = at
    origin = transform.TransformPoint(x, y)[:2]
    steps = [transform.TransformPoint(x + dx, y + dy)[:2] for dx, dy in ((length, 0), (0, length))]
    return sum(math.dist(origin, step) for step in steps) / 2


def intersection(a: Extent, b: Extent) -> Extent | None:
    """Where two extents (one CRS) overlap; None where they do not (or only touch)."""
    extent = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return extent if extent[0] < extent[2] and extent[1] < extent[3] else None


def extent_polygon(extent: Extent, ogr: ModuleType | None = None) -> Geometry:
    """An OGR polygon of a rectangle."""
    if ogr is None:
        from osgeo import ogr
    min_x, min_y, max_x, max_y = extent
    return ogr.CreateGeometryFromWkt(
        f"POLYGON(({min_x} {min_y},{max_x} {min_y},{max_x} {max_y},{min_x} {max_y},"
        f"{min_x} {min_y}))")


@dataclass(frozen=True)
class GridCell:
    """One fishnet cell: its row and column (from the top left) and its square."""

    row: int
    column: int
    extent: Extent

    def wkb(self) -> bytes:
        """The cell's square as WKB."""
        return bytes(extent_polygon(self.extent).ExportToWkb())


def grid_shape(extent: Extent, cell_size: float) -> tuple[int, int]:
    """(rows, columns) of the fishnet: cells whose centre falls inside ``extent``."""
    if not cell_size > 0:
        raise DataError(tr("Grid size must be positive, got {}.").format(cell_size))
    width, height = extent[2] - extent[0], extent[3] - extent[1]
    return max(1, math.floor(height / cell_size + 0.5)), max(1, math.floor(width / cell_size + 0.5))


MAX_CELLS = 10_000_000  # grid cells classified by default at most (classifygrid's MAX_CELLS)


def check_cell_count(rows: int, columns: int, limit: int = MAX_CELLS) -> None:
    """Refuse, before any work, a grid of more than ``limit`` cells."""
    if rows * columns > limit:
        raise DataError(tr("The grid would have {:,} x {:,} = {:,} cells, more than "
                           "'{}' ({}, {:,}). Choose a larger '{}' ({}, in the raster's "
                           "map units) or a smaller {}, or raise {}.").format(
                            rows, columns, rows * columns, label('max_cells'),
                            setting('max_cells'), limit, label('grid_size'), setting('grid_size'),
                            setting('extent', True), setting('max_cells')))


def grid_cells(extent: Extent, cell_size: float) -> Iterator[GridCell]:
    """Square cells from the extent's top-left corner, row by row (a raster-friendly order).

    A cell is kept when its centre lies inside the extent, so edge cells may reach past it.
    """
    rows, columns = grid_shape(extent, cell_size)
    left, top = extent[0], extent[3]
    for row in range(rows):
        y_max = top - row * cell_size
        for column in range(columns):
            x_min = left + column * cell_size
            yield GridCell(row, column, (x_min, y_max - cell_size, x_min + cell_size, y_max))


def transform_extent(extent: Extent, crs: str, target_crs: str) -> Extent:
    """``extent`` in ``crs`` as the extent that covers it in ``target_crs`` (its edges
    densified, as QGIS does)."""
    from osgeo import osr

    source, target = _spatial_reference(crs, osr), _spatial_reference(target_crs, osr)
    if source.IsSame(target):
        return extent
    transform = osr.CoordinateTransformation(source, target)
    return tuple(transform.TransformBounds(*extent, 21))
