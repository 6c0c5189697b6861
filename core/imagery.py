"""Read image files as band-first numpy arrays.

JPEG, PNG and BMP are read as 8-bit RGB with Pillow; TIFF through GDAL, keeping every band
and the original data type (Pillow is the fallback where GDAL is not installed).
"""

from __future__ import annotations

import os

import numpy as np

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
TIFF_EXTENSIONS = (".tif", ".tiff")


def parallel_decoders() -> int:
    """How many images to decode at once (threads or worker processes): one per core, at
    most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def is_image_file(path: str) -> bool:
    """True for the file extensions the plugin reads as training chips."""
    return path.lower().endswith(IMAGE_EXTENSIONS)


def read_image(path: str) -> np.ndarray:
    """Read an image file as an array (bands, height, width).

    Raises OSError or ValueError when the file cannot be decoded.
    """
    if path.lower().endswith(TIFF_EXTENSIONS):
        return _read_tiff(path)
    return _read_with_pillow(path, force_rgb=True)


def _read_with_pillow(path: str, force_rgb: bool) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
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
        array = None if dataset is None else dataset.ReadAsArray()
        message = gdal.GetLastErrorMsg()
    finally:
        gdal.PopErrorHandler()
    if array is None:
        raise OSError(message or "GDAL cannot read the file")
    if array.ndim == 2:
        array = array[np.newaxis]
    return np.ascontiguousarray(array)
