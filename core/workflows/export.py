"""Training chips cut from a labelled layer, in the ImageNet layout the trainer reads.

    OUTPUT/images/<class>/<feature id>.tif|png|jpg   one chip per usable feature
    OUTPUT/chips.csv                                 file, class, folder, feature id, bounds

Chips come from the same chip path as classification (core.chips), so a model evaluated on
exported chips and on the features in place sees the same pixels. Everything is written to a
staging folder and moved into place at the end: a cancelled or failed export leaves nothing.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..data.imagery import parallel_decoders
from ..data.labeled_tiles import (
    DEFINITION_FILE,
    IMAGENET,
    LABELED_TILES,
    MAP_FILE,
    STATS_FILE,
    write_label,
    write_metadata,
)
from ..errors import DataError, OutputError, setting, tr
from ..packages.class_colors import class_colors
from ..runtime.feedback import Feedback
from ..runtime.outputs import gdal_checked, staging_folder, stale_staging
from ..sources.feature_chips import FeatureChip, FeatureChips, Status
from ..sources.geometry import GeometryReader
from ..sources.raster import FIXED, ChipOptions, ChipSettings, RasterSource
from .io import FeatureSource, class_field

if TYPE_CHECKING:
    from _csv import _writer as CsvWriter

FORMATS = {"tif": "GeoTIFF, all bands, original data type", "png": "8-bit RGB PNG",
           "jpg": "8-bit RGB JPEG"}
NULL_CLASS = "with a NULL class"
EXPORT_BATCH = 8  # chips cut per reading job; a chunk of 16 jobs is held until written
CSV_COLUMNS = ("file", "class", "folder", "feature_id", "min_x", "min_y", "max_x", "max_y")
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                  *(f"lpt{i}" for i in range(1, 10))}
JPEG_QUALITY = 95
PARTIAL_PREFIX, OLD_PREFIX = ".export-partial-", ".export-old-"  # staging folders (hidden)
MAX_FEATURES = 1_000_000  # features exported by default at most (exporttrainingchips' MAX_FEATURES)


@dataclass
class ExportSettings(ChipOptions):
    """How chips are cut (there is no model: the crop mode is FIXED or BOUNDING_BOX, never
    None) and written."""

    crop_mode: str = FIXED
    chip_size: int = 224
    format: str = "tif"
    max_features: int = MAX_FEATURES  # more are refused (before any work, when counted)
    metadata_format: str = IMAGENET  # or LABELED_TILES, ArcGIS Pro's layout


@dataclass
class ExportSummary:
    """What was written, per class folder, and what was skipped and why."""

    folder: str
    counts: Counter = field(default_factory=Counter)  # chips per class folder
    skipped: Counter = field(default_factory=Counter)  # features per reason
    folders: dict[str, str] = field(default_factory=dict)  # class value -> folder name
    values: dict[str, tuple[int, str]] = field(default_factory=dict)  # Labeled Tiles:
    # class (as text) -> (its value, its name)
    tiles: list[str] = field(default_factory=list)  # Labeled Tiles: the images written

    @property
    def chip_count(self) -> int:
        """The chips written, all classes together."""
        return sum(self.counts.values())

    def text(self) -> str:
        """The summary as lines for the log."""
        lines = [f"Wrote {self.chip_count} chips to {self.folder}: " + ", ".join(
            f"{name} {count}" for name, count in sorted(self.counts.items()))]
        renamed = {v: f for v, f in self.folders.items() if v != f}
        if renamed:
            lines.append("Class values renamed as folders: " + ", ".join(
                f"{value!r} → {folder}" for value, folder in renamed.items()))
        if self.skipped:
            lines.append(f"Skipped {sum(self.skipped.values())} features: " + ", ".join(
                f"{count} {reason}" for reason, count in self.skipped.items()))
        return "\n".join(lines)


def class_folder_name(value: object) -> str:
    """A class value as a folder name that is safe on every system ("Hydro/Eau" → "Hydro_Eau").

    Whole numbers stored as reals ("3.0") become "3".
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    name = re.sub(r"[^\w .\-]+", "_", str(value), flags=re.UNICODE).strip(" .")
    if not name:
        name = "class"
    if name.lower() in RESERVED_NAMES:
        name += "_"
    return name[:100]


def check_export_target(output_folder: str, overwrite: bool) -> None:
    """Refuse an output folder that holds anything but an earlier export, or an earlier
    export unless ``overwrite`` (then only its images/ and chips.csv are replaced)."""
    folder = os.path.abspath(output_folder)
    if os.path.isfile(folder):
        raise OutputError(tr("Output folder {} is a file, not a folder. Choose a "
                             "folder.").format(folder))
    if not os.path.isdir(folder):
        return
    entries = sorted(name for name in os.listdir(folder)
                     if not name.startswith((PARTIAL_PREFIX, OLD_PREFIX)))
    if not entries:
        return
    if not _is_export(folder):
        shown = ", ".join(entries[:5]) + (" …" if len(entries) > 5 else "")
        raise OutputError(tr("Output folder {} is not empty ({}) and holds no earlier "
                             "export; nothing was changed. Choose an empty or new "
                             "folder.").format(folder, shown))
    if not overwrite:
        raise OutputError(tr("Output folder {} holds an earlier export. Choose another "
                             "folder, or set {} to replace its images/ and chips.csv "
                             "once the new chips are written.").format(
                              folder, setting('overwrite')))


def _is_export(folder: str) -> bool:
    """An earlier export: chips.csv with our columns (and images/ when it has chips)."""
    try:
        with open(os.path.join(folder, "chips.csv"), newline="", encoding="utf-8") as table:
            header = next(csv.reader(table), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    images = os.path.join(folder, "images")
    return tuple(header or ()) == CSV_COLUMNS and (os.path.isdir(images) or
                                                    not os.path.lexists(images))


@dataclass
class ExportJob(ExportSettings):
    """An export as the tools run it: the raster, the class field of the features, where
    the chips go and whether an earlier export there may be replaced."""

    raster: str = ""
    class_field: str = ""
    output_folder: str = ""
    overwrite: bool = False


def export_training_chips(job: ExportJob, source: FeatureSource,
                          feedback: Feedback | None = None) -> ExportSummary:
    """Export training chips of ``source``'s features, labelled by ``job.class_field``;
    the summary is logged."""
    feedback = feedback or Feedback()
    index = class_field(source, job.class_field, "class_field")
    job.geometry_crs = source.crs_wkt
    features = ((feature.id, feature.attributes[index], feature.wkb)
                for feature in source.features())
    summary = export_chips(job.raster, features, job.output_folder, job, feedback,
                           source.count(), job.overwrite)
    feedback.log(summary.text())
    return summary


def export_chips(raster: str, features: Iterable[tuple[object, object, bytes | None]],
                 output_folder: str, settings: ExportSettings | None = None,
                 feedback: Feedback | None = None, total: int | None = None,
                 overwrite: bool = False) -> ExportSummary:
    """Write one chip per usable (feature id, class value, WKB) and chips.csv.

    The output folder must be new or empty, or hold an earlier export and ``overwrite``
    be set (check_export_target)."""
    settings = settings or ExportSettings()
    feedback = feedback or Feedback()
    _clear_interrupted(os.path.abspath(output_folder), feedback)  # before judging the folder
    check_export_target(output_folder, overwrite)
    if total is not None:
        check_feature_count(total, settings.max_features)
    if settings.format not in FORMATS:
        raise DataError(tr("Unknown chip format '{}'; use one of {}.").format(
                            settings.format, ', '.join(FORMATS)))
    if settings.chip_size < 8:
        raise DataError(tr("Chip size must be at least 8 pixels, got {}.").format(
                            settings.chip_size))
    if settings.metadata_format not in (IMAGENET, LABELED_TILES):
        raise DataError(tr("Unknown metadata format '{}'; use {} or {}.").format(
                            settings.metadata_format, IMAGENET, LABELED_TILES))
    source = _raster_for(raster, settings)
    source.log_tile_plan(settings.cell_size, feedback.log)
    chip_settings = ChipSettings(settings.chip_size, source.bands, settings.crop_mode,
                                 settings.padding, bool(settings.blacken), settings.cell_size)
    stream = FeatureChips(source, chip_settings,
                          GeometryReader(settings.geometry_crs, source.crs_wkt or None),
                          settings.extent, EXPORT_BATCH, parallel_decoders(), source.dtype,
                          feedback)
    output_folder = os.path.abspath(output_folder)
    os.makedirs(output_folder, exist_ok=True)
    staging = staging_folder(output_folder, PARTIAL_PREFIX)
    summary = ExportSummary(output_folder)

    def labelled() -> Iterator[tuple[tuple[object, object], bytes | None]]:
        for number, (feature_id, value, wkb) in enumerate(features, start=1):
            if number > settings.max_features:  # a source that could not count them
                check_feature_count(number, settings.max_features, counted=False)
            if value is None:
                summary.skipped[NULL_CLASS] += 1
            else:
                yield (feature_id, value), wkb

    def progress(done: int) -> None:
        feedback.report(done / total if total else 0.0,
                        tr("exporting chips {}").format(done) + (f"/{total}" if total else ""))

    try:
        with open(os.path.join(staging, "chips.csv"), "w", newline="",
                  encoding="utf-8") as table:
            rows = csv.writer(table)
            rows.writerow(CSV_COLUMNS)
            for feature in stream.run(labelled(), list, progress):
                if feature.status is Status.CHIPPED:
                    _write_feature(feature, source, settings, staging, rows, summary)
                else:
                    summary.skipped[feature.status.value] += 1
        if settings.metadata_format == LABELED_TILES:
            write_metadata(staging, _export_entries(summary), summary.tiles,
                           settings.chip_size, len(source.bands))
        _move_into_place(staging, output_folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def check_feature_count(count: int, limit: int, counted: bool = True) -> None:
    """Refuse an export of more than ``limit`` features, naming the count (or, where the
    source could not count them, that there are more) and the fix."""
    if count > limit:
        how_many = f"{count:,}" if counted else tr("more than {:,}").format(limit)
        raise DataError(tr("The layer has {} features; {} allows {:,}: one chip file "
                           "each would fill the disk. Export a part (a 'Processing "
                           "extent' or a selection), or raise {}.").format(
                            how_many, setting('max_features', True), limit,
                            setting('max_features')))


def _raster_for(raster: str, settings: ExportSettings) -> RasterSource:
    """All bands for TIFF; the first three, 8-bit, for PNG and JPEG."""
    probe = RasterSource(raster, (0,), stac_asset=settings.stac_asset)
    probe.check_cell_size(settings.cell_size)
    if settings.format == "tif":
        return RasterSource(raster, range(probe.band_count), settings.extent,
                            settings.stac_asset)
    if probe.dtype != np.uint8 or probe.band_count < 3:
        raise DataError(
            tr("{} chips are 8-bit RGB, but {} has {} band(s) of {}. Export TIFF chips, "
               "which keep every band and the data type.").format(
                settings.format.upper(), raster, probe.band_count, probe.dtype.name))
    return RasterSource(raster, (0, 1, 2), settings.extent, settings.stac_asset)


def _write_feature(feature: FeatureChip, source: RasterSource, settings: ExportSettings,
                   staging: str, rows: CsvWriter, summary: ExportSummary) -> None:
    """Write one feature's chip, georeferenced, and its row of chips.csv (and, for Labeled
    Tiles, its label file)."""
    feature_id, value = feature.key
    folder = summary.folders.setdefault(str(value), _unique_folder(value, summary.folders))
    if settings.metadata_format == LABELED_TILES:
        tile = f"{len(summary.tiles):09d}.{settings.format}"
        relative = os.path.join("images", tile)
        os.makedirs(os.path.join(staging, "labels"), exist_ok=True)
        write_label(os.path.join(staging, "labels", f"{len(summary.tiles):09d}.xml"), tile,
                    _tile_value(value, summary), settings.chip_size, len(source.bands))
        summary.tiles.append(tile)
    else:
        relative = os.path.join("images", folder, f"{class_folder_name(feature_id)}."
                                f"{settings.format}")
    path = os.path.join(staging, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    window = feature.window
    transform = source.window_transform(window)
    # a bounding box resampled to the chip size: the pixels grow, the bounds stay
    transform = (transform[0], transform[1] * window.columns / settings.chip_size, 0.0,
                 transform[3], 0.0, transform[5] * window.rows / settings.chip_size)
    _write_chip(path, feature.result, settings.format, transform, source.crs_wkt)
    right = transform[0] + transform[1] * settings.chip_size
    bottom = transform[3] + transform[5] * settings.chip_size
    rows.writerow([relative.replace(os.sep, "/"), value, folder, feature_id,
                   transform[0], bottom, right, transform[3]])
    summary.counts[folder] += 1


def _tile_value(value: object, summary: ExportSummary) -> int:
    """A class's value in a Labeled Tiles export: a whole-number class as it is, others
    numbered from 1 in the order they come (after the whole numbers already taken)."""
    key = str(value)
    if key not in summary.values:
        whole = not isinstance(value, bool) and (
            isinstance(value, int) or isinstance(value, float) and value.is_integer())
        taken = {number for number, _ in summary.values.values()}
        number = int(value) if whole else next(n for n in range(1, len(taken) + 2)
                                               if n not in taken)
        summary.values[key] = (number, str(int(value)) if whole else key)
    return summary.values[key][0]


def _export_entries(summary: ExportSummary) -> list[dict]:
    """The Labeled Tiles export's classes: Value, Name and Color, by value."""
    names = [name for _, name in summary.values.values()]
    colors = dict(zip(names, class_colors(names)))
    return [{"Value": number, "Name": name, "Color": list(colors[name])}
            for number, name in sorted(summary.values.values())]


def _unique_folder(value: object, taken: dict[str, str]) -> str:
    name = class_folder_name(value)
    used = {folder.lower() for folder in taken.values()}
    candidate, number = name, 2
    while candidate.lower() in used:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


def _write_chip(path: str, pixels: np.ndarray, kind: str, transform: tuple[float, ...],
                crs_wkt: str) -> None:
    if kind == "tif":
        from osgeo import gdal, gdal_array

        bands, rows, columns = pixels.shape
        data_type = gdal_array.NumericTypeCodeToGDALTypeCode(pixels.dtype)
        with gdal_checked("a training chip", path):  # a full disk is raised, not skipped
            dataset = gdal.GetDriverByName("GTiff").Create(path, columns, rows, bands,
                                                           data_type)
            dataset.SetGeoTransform(transform)
            if crs_wkt:
                dataset.SetProjection(crs_wkt)
            for index, band in enumerate(pixels, start=1):
                dataset.GetRasterBand(index).WriteArray(band)
            dataset = None  # closed: every block is on disk
        return
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0)), "RGB")
    options = {"quality": JPEG_QUALITY} if kind == "jpg" else {}
    image.save(path, **options)


EXPORT_ENTRIES = ("images", "chips.csv", "labels", DEFINITION_FILE, STATS_FILE, MAP_FILE)


def _clear_interrupted(output_folder: str, feedback: Feedback) -> None:
    """Remove the staging folders an export that was killed or crashed left in
    ``output_folder`` (never a live export's); where one died while swapping the earlier
    export's files for its own, the earlier files it had set aside come back first."""
    old_ones = stale_staging(output_folder, OLD_PREFIX)
    for old in old_ones:
        for name in EXPORT_ENTRIES:
            if os.path.lexists(os.path.join(old, name)) and \
                    not os.path.lexists(os.path.join(output_folder, name)):
                os.replace(os.path.join(old, name), os.path.join(output_folder, name))
    removed = old_ones + stale_staging(output_folder, PARTIAL_PREFIX)
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    if removed:
        feedback.log(tr("Removed {} partial folder(s) that an earlier export, stopped "
                        "before it finished, left in {}.").format(len(removed), output_folder))


def _move_into_place(staging: str, output_folder: str) -> None:
    """Replace an earlier export's images/, chips.csv and Labeled Tiles files with the
    staged ones."""
    old = staging_folder(output_folder, OLD_PREFIX)
    for name in EXPORT_ENTRIES:
        if os.path.lexists(os.path.join(output_folder, name)):
            os.replace(os.path.join(output_folder, name), os.path.join(old, name))
    os.makedirs(os.path.join(staging, "images"), exist_ok=True)
    for name in EXPORT_ENTRIES:
        if os.path.lexists(os.path.join(staging, name)):
            os.replace(os.path.join(staging, name), os.path.join(output_folder, name))
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
