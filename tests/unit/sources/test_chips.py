"""Cutting chips: windows at a cell size, resampling, outside/nodata, strips, blackening."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import MASSACHUSETTS_TIF, write_raster
from core.errors import DataError
from core.sources.geometry import Footprint, GeometryReader, grid_cells, grid_shape
from core.sources.raster import BOUNDING_BOX, FIXED, ChipReader, ChipSettings, RasterSource, Window


def point(x: float, y: float) -> Footprint:
    return Footprint(x, y, x, y, x, y, 0.0, True)


def box(min_x, min_y, max_x, max_y) -> Footprint:
    from osgeo import ogr

    wkt = (f"POLYGON(({min_x} {min_y},{max_x} {min_y},{max_x} {max_y},{min_x} {max_y},"
           f"{min_x} {min_y}))")
    return GeometryReader().footprint(bytes(ogr.CreateGeometryFromWkt(wkt).ExportToWkb()))


@pytest.fixture
def columns_raster(tmp_path):
    """100 x 60 px Float32 raster at 1 m whose pixel value is its column number."""
    pixels = np.tile(np.arange(100, dtype=np.float32), (1, 60, 1))
    return write_raster(tmp_path / "columns.tif", pixels, origin=(1000.0, 2000.0))


def read(raster, footprint, **settings):
    settings = ChipSettings(**{"chip_size": 8, "bands": (0,), **settings})
    source = RasterSource(str(raster), settings.bands)
    window = source.window(footprint, settings)
    out = np.zeros((1, 1, settings.chip_size, settings.chip_size), np.float32)
    has_data = ChipReader(source, settings).read_chips([window], [footprint], out)
    return window, out[0, 0], bool(has_data[0])


def test_fixed_chip_at_native_resolution_is_the_raster_itself(columns_raster):
    window, chip, has_data = read(columns_raster, point(1040.0, 1970.0))
    assert window == Window(36, 26, 8, 8, 8, 8)
    assert has_data and np.array_equal(chip[0], np.arange(36, 44))


def test_cell_size_reads_coarser_by_averaging(columns_raster):
    window, chip, _ = read(columns_raster, point(1040.0, 1970.0), cell_size=2.0)
    assert (window.width, window.columns) == (16, 8)
    assert np.allclose(chip[0], np.arange(32, 48, 2) + 0.5)  # mean of columns 2k and 2k+1


def test_cell_size_reads_finer_by_interpolating(columns_raster):
    _, chip, _ = read(columns_raster, point(1040.0, 1970.0), cell_size=0.5)
    steps = np.diff(chip[0])
    assert np.allclose(steps[1:-1], 0.5)  # half a column per chip pixel


def test_a_models_resize_to_zooms_into_the_window_as_in_training(columns_raster):
    """resize_to 16 for 8 px chips: the 8 px window resized to 16 and its centre 8 px kept,
    so the chip covers the window's middle 4 columns at half a column per chip pixel."""
    from core.data.imagery import fit_chip

    window, chip, has_data = read(columns_raster, point(1040.0, 1970.0), resize_to=16)
    assert window == Window(36, 26, 8, 8, 8, 8)  # the same window is read
    assert has_data and np.allclose(np.diff(chip[0]), 0.5)
    assert chip[0, 0] == pytest.approx(38 - 0.25) and chip[0, -1] == pytest.approx(41.25)
    pixels = np.tile(np.arange(36, 44, dtype=np.float32), (1, 8, 1))
    assert np.allclose(chip, fit_chip(pixels, 8, 16)[0])


def test_pixels_outside_the_raster_are_zero(columns_raster):
    window, chip, has_data = read(columns_raster, point(1002.0, 1970.0))
    assert window.x == -2
    assert has_data
    assert np.array_equal(chip[:, :2], np.zeros((8, 2)))
    assert np.array_equal(chip[0, 2:], np.arange(0, 6))


def test_feature_outside_the_raster_has_no_window(columns_raster):
    settings = ChipSettings(8, (0,))
    source = RasterSource(str(columns_raster), (0,))
    assert source.window(point(900.0, 1970.0), settings) is None


def test_processing_extent_limits_what_is_read(columns_raster):
    settings = ChipSettings(8, (0,))
    source = RasterSource(str(columns_raster), (0,), extent=(1040.0, 1900.0, 1100.0, 2000.0))
    footprint = point(1040.0, 1970.0)
    window = source.window(footprint, settings)
    out = np.zeros((1, 1, 8, 8), np.float32)
    ChipReader(source, settings).read_chips([window], [footprint], out)
    assert np.array_equal(out[0, 0, 0], [0, 0, 0, 0, 40, 41, 42, 43])


def test_extent_that_misses_the_raster_is_refused(columns_raster):
    with pytest.raises(DataError, match="does not overlap the raster"):
        RasterSource(str(columns_raster), (0,), extent=(0.0, 0.0, 10.0, 10.0))


def test_nodata_is_zero_and_all_nodata_means_no_data(tmp_path):
    pixels = np.full((1, 20, 20), 7, np.uint8)
    pixels[0, :, :10] = 255
    raster = write_raster(tmp_path / "nodata.tif", pixels, origin=(0.0, 20.0), nodata=255)
    _, chip, has_data = read(raster, point(10.0, 10.0), chip_size=4)
    assert has_data and np.array_equal(chip[0], [0, 0, 7, 7])
    _, chip, has_data = read(raster, point(4.0, 10.0), chip_size=4)
    assert not has_data and not chip.any()


def test_bounding_box_mode_resamples_the_box_to_the_chip(columns_raster):
    footprint = box(1020.0, 1950.0, 1036.0, 1966.0)
    window, chip, _ = read(columns_raster, footprint, crop_mode=BOUNDING_BOX, padding=2)
    assert (window.x, window.width, window.columns) == (18, 20, 20)
    assert chip[0, 0] == pytest.approx(18 + 1.25, abs=0.3)  # 20 columns squeezed into 8
    assert chip[0, -1] == pytest.approx(37 - 1.25, abs=0.3)


def test_points_always_use_the_fixed_window(columns_raster):
    window, _, _ = read(columns_raster, point(1040.0, 1970.0), crop_mode=BOUNDING_BOX)
    assert window.columns == 8 and window.width == 8


def test_blacken_zeroes_pixels_outside_the_polygon(columns_raster):
    triangle = GeometryReader().footprint(_wkb("POLYGON((1036 1974,1044 1974,1036 1966,"
                                               "1036 1974))"))
    _, chip, _ = read(columns_raster, triangle, blacken=True, crop_mode=BOUNDING_BOX)
    inside = chip > 0
    assert inside[0, 0] and not inside[-1, -1]  # the triangle's corner and its far side
    assert inside.sum() == pytest.approx(32, abs=4)


def test_blacken_keeps_what_lies_inside_a_curved_polygon(columns_raster):
    """A CURVEPOLYGON (a circle of radius 4 m of two arcs) as its straight-segment twin:
    GDAL burns nothing for curves, which blackened the whole chip (and read as no data)."""
    circle = GeometryReader().footprint(_wkb(
        "CURVEPOLYGON(CIRCULARSTRING(1036 1970,1044 1970,1036 1970))"))
    window, chip, has_data = read(columns_raster, circle, blacken=True,
                                  crop_mode=BOUNDING_BOX)
    inside = chip > 0
    assert has_data and inside[4, 4] and not inside[0, 0] and not inside[-1, -1]
    assert inside.sum() == pytest.approx(np.pi * 4 * 4, abs=8)  # the circle's 50 px


@pytest.mark.parametrize("scale", [1, 2])
def test_grid_rows_are_read_as_strips_with_the_same_pixels(scale):
    source = RasterSource(str(MASSACHUSETTS_TIF), (0, 1, 2))
    settings = ChipSettings(32, (0, 1, 2), cell_size=scale * source.resolution[0])
    cells = list(grid_cells(source.readable, 32 * settings.cell_size))[:24]
    footprints = [GeometryReader().footprint(cell.wkb()) for cell in cells]
    windows = [source.window(f, settings) for f in footprints]
    reader = ChipReader(source, settings)
    assert len(reader._strips(windows)) < len(windows) / 4
    together = np.zeros((len(windows), 3, 32, 32), np.uint8)
    reader.read_chips(windows, footprints, together)
    for index, (window, footprint) in enumerate(zip(windows, footprints)):
        alone = np.zeros((1, 3, 32, 32), np.uint8)
        reader.read_chips([window], [footprint], alone)
        assert np.array_equal(alone[0], together[index])


def test_no_strips_at_fractional_scales():
    source = RasterSource(str(MASSACHUSETTS_TIF), (0,))
    settings = ChipSettings(32, (0,), cell_size=2.0)  # 2.0019 raster pixels per chip pixel
    cells = list(grid_cells(source.readable, 64.0))[:4]
    windows = [source.window(GeometryReader().footprint(c.wkb()), settings) for c in cells]
    assert len(ChipReader(source, settings)._strips(windows)) == 4


def test_grid_keeps_cells_whose_centre_is_inside():
    assert grid_shape((0.0, 0.0, 1182.0, 901.0), 100.0) == (9, 12)
    cells = list(grid_cells((0.0, 0.0, 240.0, 100.0), 100.0))
    assert [(c.row, c.column) for c in cells] == [(0, 0), (0, 1)]
    assert cells[1].extent == (100.0, 0.0, 200.0, 100.0)


def test_bad_settings_are_refused():
    with pytest.raises(DataError, match="Cell size must be 0"):
        ChipSettings(8, (0,), cell_size=-1.0)
    with pytest.raises(DataError, match="crop mode"):
        ChipSettings(8, (0,), crop_mode="circle")
    assert ChipSettings(8, (0,)).crop_mode == FIXED


def _wkb(wkt: str) -> bytes:
    from osgeo import ogr

    return bytes(ogr.CreateGeometryFromWkt(wkt).ExportToWkb())
