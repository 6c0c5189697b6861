"""A second date for change tests: the bundled aerial photo with three blocks of 2 x 2 grid
cells (the tiny model's 128 m cells: 32 px chips at 4 m) replaced by RSSCN7 river-and-lake
chips, another class's texture at the scale of a chip; the rest of the photo unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from osgeo import gdal
from PIL import Image

from conftest import MASSACHUSETTS_TIF, SAMPLE_RSSCN7

CELL_SIZE, CELL = 4, 128  # the tiny model's 32 px chips at 4 m: grid cells of 128 m
EDITED = {(row + down, column + across) for row, column in ((0, 0), (4, 6), (5, 1))
          for down in (0, 1) for across in (0, 1)}  # (row, col) of the edited grid cells


def edited_photo(path: Path) -> Path:
    """Write the photo with each EDITED cell replaced by a river-and-lake chip to ``path``."""
    photo = gdal.Open(str(MASSACHUSETTS_TIF))
    pixels, size = photo.ReadAsArray(), photo.GetGeoTransform()[1]
    chips = sorted((SAMPLE_RSSCN7 / "dRiverLake").iterdir())
    for chip, (row, column) in zip(chips, sorted(EDITED)):
        top, bottom, left, right = (round(n * CELL / size)
                                    for n in (row, row + 1, column, column + 1))
        texture = Image.open(chip).convert("RGB").resize((right - left, bottom - top))
        pixels[:, top:bottom, left:right] = np.asarray(texture).transpose(2, 0, 1)
    copy = gdal.GetDriverByName("GTiff").CreateCopy(str(path), photo)
    copy.WriteRaster(0, 0, photo.RasterXSize, photo.RasterYSize, pixels.tobytes())
    copy = None
    return path
