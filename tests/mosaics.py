"""Multi-label chips whose labels are known, built from the bundled RSSCN7 sample: each chip
is two scene chips side by side (the left half of one, the right half of another), labelled
with both classes (one class where both halves are of it), written as a folder with a
labels.csv (core.data.multi_label)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

from conftest import SAMPLE_RSSCN7

SIDE = 64  # pixels of a mosaic chip


def mosaic_folder(folder: Path, count: int, seed: int = 0, classes: int = 4,
                  delimiter: str = ";", chips_used: slice = slice(None)) -> Path:
    """``count`` mosaics of the first ``classes`` RSSCN7 classes into ``folder`` (images/
    and labels.csv); about one in four has one class only. Every source chip is used once
    (at most 30 mosaics per class), so no chip is seen in training and in validation; of
    each class's chips (sorted by name) only those in ``chips_used``, so that two folders
    with disjoint slices share none."""
    names = sorted(p.name for p in SAMPLE_RSSCN7.iterdir() if p.is_dir())[:classes]
    rng = np.random.default_rng(seed)
    chips = {name: list(rng.permutation(sorted((SAMPLE_RSSCN7 / name).iterdir())[chips_used]))
             for name in names}
    (folder / "images").mkdir(parents=True)
    with open(folder / "labels.csv", "w", newline="", encoding="utf-8") as file:
        table = csv.writer(file)
        table.writerow(["image", "labels"])
        for number in range(count):
            left = max(names, key=lambda name: (len(chips[name]), rng.random()))
            others = [name for name in names if name != left and chips[name]]
            right = left if rng.random() < 0.25 or not others else \
                others[int(rng.integers(len(others)))]
            halves = [np.asarray(Image.open(chips[name].pop()).convert("RGB").resize(
                (SIDE, SIDE)))[:, part * SIDE // 2:(part + 1) * SIDE // 2]
                for part, name in enumerate((left, right))]
            image = f"images/{number:04d}.png"
            Image.fromarray(np.concatenate(halves, axis=1)).save(folder / image)
            table.writerow([image, delimiter.join(dict.fromkeys((left, right)))])
    return folder


def mosaic_raster(folder: Path, path: Path, columns: int = 4) -> tuple[Path, list[str]]:
    """The mosaics of ``folder`` side by side in a GeoTIFF (EPSG:26986, 1 m pixels, one
    mosaic a 64 m cell, row by row from the top left) and each cell's labels, in that order."""
    from osgeo import gdal, osr

    rows = (folder / "labels.csv").read_text().splitlines()[1:]
    lines = -(-len(rows) // columns)
    pixels = np.zeros((3, lines * SIDE, columns * SIDE), np.uint8)
    labels = []
    for number, row in enumerate(rows):
        image, names = row.split(",")
        top, left = number // columns * SIDE, number % columns * SIDE
        pixels[:, top:top + SIDE, left:left + SIDE] = np.asarray(
            Image.open(folder / image).convert("RGB")).transpose(2, 0, 1)
        labels.append(names)
    raster = gdal.GetDriverByName("GTiff").Create(str(path), columns * SIDE, lines * SIDE, 3,
                                                  gdal.GDT_Byte)
    raster.SetGeoTransform((229000.0, 1.0, 0.0, 894000.0, 0.0, -1.0))
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(26986)
    raster.SetProjection(crs.ExportToWkt())
    raster.WriteRaster(0, 0, columns * SIDE, lines * SIDE, pixels.tobytes())
    raster = None
    return path, labels
