"""Read image files as band-first numpy arrays, and make training chips of them.

JPEG, PNG and BMP are read as 8-bit RGB with Pillow; TIFF through GDAL, keeping every band
and the original data type (Pillow is the fallback where GDAL is not installed).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..errors import tr
from ..runtime.distributed import local_processes

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
TIFF_EXTENSIONS = (".tif", ".tiff")


def parallel_decoders() -> int:
    """How many images to decode at once (threads or worker processes): one per core, at
    most 8; the processes torchrun started on this machine share its cores."""
    return max(1, min(8, (os.cpu_count() or 1) // local_processes()))


def is_image_file(path: str) -> bool:
    """True for the file extensions the plugin reads as training chips."""
    return path.lower().endswith(IMAGE_EXTENSIONS)


MAX_CHIP_SIZE = 4096  # the largest chip side a model may have (its ImageWidth), in pixels
# The largest image read as one chip, by the size its header declares (checked before any
# pixel is read): twice the largest chip side each way. A small, sparse TIFF can declare
# 30,000 x 30,000 pixels and would otherwise take gigabytes to decode.
MAX_IMAGE_SIDE = 2 * MAX_CHIP_SIZE


def _check_declared_size(width: int, height: int) -> None:
    if width * height > MAX_IMAGE_SIDE * MAX_IMAGE_SIDE:
        raise ValueError(tr("its header declares {} x {} pixels, more than the {} x {} "
                            "a chip is read from (not read)").format(
                             width, height, MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))


def read_image(path: str) -> np.ndarray:
    """Read an image file as an array (bands, height, width).

    Raises OSError or ValueError when the file cannot be decoded, or declares more than
    MAX_IMAGE_SIDE x MAX_IMAGE_SIDE pixels.
    """
    if path.lower().endswith(TIFF_EXTENSIONS):
        return _read_tiff(path)
    return _read_with_pillow(path, force_rgb=True)


def _read_with_pillow(path: str, force_rgb: bool) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        _check_declared_size(*image.size)
        image.load()
        if force_rgb and image.mode != "RGB":
            image = image.convert("RGB")
        array = np.asarray(image)
    if array.ndim == 2:
        array = array[np.newaxis]
    else:
        array = array.transpose(2, 0, 1)
    return np.ascontiguousarray(array)


def _read_tiff(path: str) -> np.ndarray:
    try:
        from osgeo import gdal
    except ImportError:
        return _read_with_pillow(path, force_rgb=False)
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        dataset = gdal.Open(path)
        if dataset is not None:
            _check_declared_size(dataset.RasterXSize, dataset.RasterYSize)
        array = None if dataset is None else dataset.ReadAsArray()
        message = gdal.GetLastErrorMsg()
    finally:
        gdal.PopErrorHandler()
    if array is None:
        raise OSError(message or "GDAL cannot read the file")
    if array.ndim == 2:
        array = array[np.newaxis]
    return np.ascontiguousarray(array)


class ChipMismatch(ValueError):
    """A chip unlike the others: another band count or data type (``found`` says which)."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def training_chip(path: str, chip_size: int, band_count: int, dtype: DTypeLike,
                  source_type: np.dtype | None = None,
                  resize_to: int | None = None) -> np.ndarray:
    """One training chip: decoded, checked to have ``band_count`` bands and, when given,
    pixels of ``source_type`` (else ChipMismatch: 16-bit values would be wrapped to 8 bits,
    or 8-bit ones be compared with 16-bit), brought to ``chip_size`` (fit_chip), converted
    to ``dtype``."""
    chip = read_image(path)
    if chip.shape[0] != band_count:
        raise ChipMismatch(f"{chip.shape[0]} bands")
    if source_type is not None and chip.dtype != source_type:
        raise ChipMismatch(f"{chip.dtype.name} pixels")
    return fit_chip(chip, chip_size, resize_to).astype(dtype, copy=False)


def fit_chip(chip: np.ndarray, size: int, resize_to: int | None = None) -> np.ndarray:
    """(bands, H, W) brought to (bands, size, size) as the model was trained: resized to
    ``size``, or, where the model has arcgis.learn's ``resize_to`` (larger than ``size``),
    resized to ``resize_to`` and then cropped to ``size`` around the centre."""
    if not resize_to or resize_to == size:
        return resize_chip(chip, size)
    start = (resize_to - size) // 2
    return resize_chip(chip, resize_to)[:, start:start + size, start:start + size]


def resize_chip(chip: np.ndarray, size: int) -> np.ndarray:
    """Resize (bands, H, W) to (bands, size, size) with bilinear resampling, antialiased when
    shrinking (as torchvision's antialias=True, within one grey level); needs no PyTorch."""
    from PIL import Image

    if chip.shape[1:] == (size, size):
        return chip
    resized = np.empty((chip.shape[0], size, size), np.float32)
    for index, band in enumerate(chip.astype(np.float32, copy=False)):
        resized[index] = np.asarray(Image.fromarray(band, "F").resize((size, size),
                                                                     Image.BILINEAR))
    if chip.dtype == np.uint8:
        return np.clip(np.rint(resized), 0, 255).astype(np.uint8)
    return resized.astype(chip.dtype if chip.dtype.kind == "f" else np.float32, copy=False)
