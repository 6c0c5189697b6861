"""Classify features from the raster under them, on the one feature path (core.feature_chips):
chips cut in raster order by reading threads, classified a batch at a time, one Prediction
per input geometry in the input's order, in bounded memory.
"""

from __future__ import annotations

import math
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DataError, setting, tr
from ..packages.read import ModelPackage, load_package
from ..runtime import distributed
from ..runtime.feedback import Feedback
from ..sources.feature_chips import FeatureChip, FeatureChips, Status
from ..sources.geometry import (
    GeometryReader,
)
from ..sources.raster import BOUNDING_BOX, FIXED, ChipOptions, ChipSettings, RasterSource
from .engines import TORCH, choose_engine
from .predictor import Predictor, best_class

if TYPE_CHECKING:
    from ..sources.raster import Window
    from .heatmap_raster import HeatmapRaster


@dataclass
class ClassifyOptions(ChipOptions):
    """The chip options and how the model runs."""

    batch_size: int = 64
    device: str = "auto"
    tta: bool = False  # average the 8 flips/rotations
    engine: str = "auto"  # core.engines: auto, torch or onnxruntime
    workers: int | None = None  # chip-reading threads; 0 = read between batches; None = auto
    min_confidence: float = 0.0  # below it a feature is UNKNOWN_LABEL; 0 = off
    score_threshold: float = 0.0  # a multi-label model's labels: at least this; 0 = its own


@dataclass
class Prediction:
    """The result for one input geometry."""

    status: Status  # CHIPPED: classified
    class_index: int | None = None
    confidence: float | None = None
    area: float = 0.0
    chip: np.ndarray | None = None  # the chip read, when asked for (evaluation reports)
    probabilities: np.ndarray | None = None  # every class's (calibrated) probability
    centre: tuple[float, float] | None = None  # the footprint's centre, raster CRS
    window: Window | None = None  # where on the raster the chip was read


@dataclass
class ClassSummary:
    """Counts and areas per class, and how many features were not classified and why."""

    classes: list[str]
    values: list[int]
    counts: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    unknown: bool = False  # a minimum confidence was set: the Unknown row is listed

    def add(self, prediction: Prediction) -> None:
        """Count one prediction."""
        self.count(prediction.status, prediction.class_index, prediction.area)

    def count(self, status: Status, class_index: int | None, area: float) -> None:
        """Count one feature: its outcome, and its class (or UNKNOWN) and area when it has
        one."""
        self.statuses[status] += 1
        if class_index is not None:
            self.counts[class_index] += 1
            self.areas[class_index] += area

    def count_labels(self, status: Status, labels: Iterable[int], area: float) -> None:
        """Count one feature of a multi-label model: its outcome, and each label it has."""
        self.statuses[status] += 1
        for label in labels:
            self.counts[int(label)] += 1
            self.areas[int(label)] += area

    def rows(self) -> list[dict]:
        """One row per class, and one for Unknown (no class value) where a minimum confidence
        was set: value, label, count, area and their shares of the classified."""
        total_count, total_area = sum(self.counts.values()), sum(self.areas.values())
        named = list(enumerate(zip(self.classes, self.values)))
        if self.unknown:
            named.append((UNKNOWN, (UNKNOWN_LABEL, None)))
        return [{"class_value": value, "class_label": name, "count": self.counts[index],
                 "area": self.areas[index],
                 "area_share": self.areas[index] / total_area if total_area else None,
                 "count_share": self.counts[index] / total_count if total_count else None}
                for index, (name, value) in named]

    def unclassified(self) -> dict[Status, int]:
        """Features written with empty results, by reason."""
        return {status: count for status, count in self.statuses.items()
                if status not in (Status.CHIPPED, Status.OUTSIDE_EXTENT)}

    def left_out_text(self) -> str:
        """A line for features outside the processing extent (not written), or ''."""
        left_out = self.statuses[Status.OUTSIDE_EXTENT]
        return f"{left_out} features {Status.OUTSIDE_EXTENT.value} were left out." \
            if left_out else ""

    def unclassified_text(self) -> str:
        """A warning line, or '' when every feature in the extent was classified."""
        reasons = self.unclassified()
        if not reasons:
            return ""
        parts = ", ".join(f"{count} {status.value}" for status, count in reasons.items())
        return f"{sum(reasons.values())} features were written with NULL results: {parts}."

    def text(self) -> str:
        """The summary as lines for the log."""
        lines = [f"{row['class_label']}: {row['count']} features"
                 + (f", {row['area_share']:.1%} of the area" if row["area_share"] is not None
                    else "") for row in self.rows() if row["count"]]
        return "\n".join(lines)


class RasterClassifier:
    """A model and a raster, checked against each other: classify geometries (WKB, in the
    raster's CRS unless ``options.geometry_crs`` says otherwise) from the pixels under them."""

    def __init__(self, model: str | ModelPackage, raster: str,
                 options: ClassifyOptions | None = None, feedback: Feedback | None = None) -> None:
        self.options = options = options or ClassifyOptions()
        self.feedback = feedback or Feedback()
        if not 0 <= options.min_confidence <= 1:
            raise DataError(tr("{} must be from 0 (off) to 1, got {}.").format(
                                setting('min_confidence'), options.min_confidence))
        engine = choose_engine(options.engine)
        self.package = load_package(model, torch_weights=engine == TORCH) \
            if isinstance(model, str) else model
        for note in self.package.notes:
            self.feedback.log(note)
        if not 0 <= options.score_threshold <= 1:
            raise DataError(tr("{} must be from 0 (the model's own thresholds) to 1, "
                               "got {}.").format(
                                setting('score_threshold'), options.score_threshold))
        if self.package.multi_label and options.min_confidence:
            raise DataError(tr("{} gives each label its own score: leave {} at 0 and "
                               "set {} instead.").format(
                                self.package.path, setting('min_confidence'),
                                setting('score_threshold')))
        if options.min_confidence and UNKNOWN_LABEL in self.package.classes:
            raise DataError(tr("{} has a class named '{}', the label {} gives features "
                               "below it: leave {} at 0 with this model.").format(
                                self.package.path, UNKNOWN_LABEL, setting('min_confidence'),
                                setting('min_confidence')))
        definition = self.package.definition
        if options.crop_mode is None:
            crop_mode = FIXED if definition.get("CropSizeFixed", 1) else BOUNDING_BOX
        else:
            crop_mode = options.crop_mode
        blacken = bool(definition.get("BlackenAroundFeature", 0)) if options.blacken is None \
            else options.blacken
        self.settings = ChipSettings(self.package.chip_size, tuple(definition["ExtractBands"]),
                                     crop_mode, options.padding, blacken, options.cell_size,
                                     self.package.resize_to)
        self.source = RasterSource(raster, self.settings.bands, options.extent,
                                   options.stac_asset)
        self.source.check_cell_size(options.cell_size)
        self.source.log_tile_plan(options.cell_size, self.feedback.log)
        warn_about_cell_size(definition, options.cell_size or self.source.resolution[0],
                             self.feedback, self.source.crs_wkt or "")
        _check_data_type(definition.get("DataType"), self.source)
        self.predictor = Predictor(self.package, options.device, options.batch_size,
                                   options.tta, self.feedback, engine)
        workers = options.workers if options.workers is not None else default_workers(
            self.predictor.device_type)
        self.chips = FeatureChips(
            self.source, self.settings,
            GeometryReader(options.geometry_crs, self.source.crs_wkt or None), options.extent,
            self.predictor.batch_size, workers,
            np.uint8 if self.source.dtype == np.uint8 else np.float32, self.feedback)

    @property
    def classes(self) -> list[str]:
        """The model's class names, in the network's output order."""
        return self.package.classes

    @property
    def thresholds(self) -> np.ndarray:
        """A multi-label model's threshold per label: the score threshold asked for, else
        the model's own."""
        if self.options.score_threshold:
            return np.full(len(self.classes), self.options.score_threshold)
        return np.asarray(self.package.thresholds)

    @property
    def class_values(self) -> list[int]:
        """The model's class values, in the order of ``classes``."""
        return [int(entry["Value"]) for entry in self.package.definition["Classes"]]

    def describe(self) -> str:
        """The model as it will run, for the log: classes, chips, bands, crop and engine."""
        settings = self.settings
        return (f"Model: {len(self.classes)} classes, {settings.chip_size} px chips of bands "
                f"{[b + 1 for b in settings.bands]}, {settings.crop_mode.replace('_', ' ')} "
                f"crop; engine: {self.predictor.engine.describe()}.")

    def summary(self) -> ClassSummary:
        """An empty ClassSummary for this model's classes."""
        return ClassSummary(self.classes, self.class_values)

    def classify(self, geometries: Iterable[bytes | None], total: int | None = None,
                 keep_chips: bool = False) -> Iterator[Prediction]:
        """One Prediction per geometry (WKB or None), in the order given; with
        ``keep_chips``, classified predictions carry their chip."""
        def work(chips: np.ndarray) -> list:
            rows = self.predictor.probabilities(chips)
            return list(zip(rows, chips if keep_chips else [None] * len(rows)))

        for feature in self.chips.run(((None, wkb) for wkb in geometries), work,
                                      lambda done: self._report(done, total)):
            yield _prediction(feature)

    def _report(self, done: int, total: int | None) -> None:
        if total:
            self.feedback.report(done / total, tr("classifying features {}/{}").format(done, total))
        else:
            self.feedback.report(0.0, tr("classified {} features").format(done))


NO_RESULT, LEFT_OUT, UNKNOWN = -1, -2, -3  # class codes of features without a class
UNKNOWN_LABEL = "Unknown"  # the label of a feature below the minimum confidence


@dataclass
class Results:
    """The outcome of classifying features, one entry per feature in input order: the
    class index (NO_RESULT: none; LEFT_OUT: outside the processing extent, not to be
    written; UNKNOWN: below the minimum confidence), the confidence (0 without a class),
    the Status (its position in Status) and the area; and the class summary."""

    summary: ClassSummary
    codes: array
    confidences: array
    statuses: array
    areas: array
    scores: np.ndarray | None = None  # a multi-label model's: (features, labels), NaN: none

    def status(self, index: int) -> Status:
        """The Status of feature ``index``."""
        return list(Status)[self.statuses[index]]


def classify_all(classifier: RasterClassifier, geometries: Iterable[bytes | None],
                 total: int | None = None, heatmap: HeatmapRaster | None = None) -> Results:
    """Classify every geometry, keeping only the results (21 bytes a feature); with
    ``heatmap``, each classified chip's heatmap is added to it.

    Under torchrun (core.distributed) each process classifies its contiguous share of the
    ``total`` geometries and every process ends with all results in input order, the same
    as one process would have."""
    statuses = list(Status)
    share = distributed.shard(total) if distributed.world_size() > 1 and total else None
    if share is not None:
        geometries = (wkb for index, wkb in enumerate(geometries) if index in share)
    codes, confidences, kinds, areas = array("i"), array("d"), array("b"), array("d")
    scores = array("f") if classifier.package.multi_label else None
    lowest, labels = classifier.options.min_confidence, len(classifier.classes)
    for prediction in classifier.classify(geometries, len(share) if share else total,
                                          keep_chips=heatmap is not None):
        if scores is not None:
            scores.extend(prediction.probabilities if prediction.class_index is not None
                          else [math.nan] * labels)
        if heatmap is not None and prediction.class_index is not None:
            heatmap.add(prediction.chip, prediction.class_index, prediction.window)
        if prediction.status is Status.OUTSIDE_EXTENT:
            codes.append(LEFT_OUT)
        elif prediction.class_index is None:
            codes.append(NO_RESULT)
        else:
            codes.append(UNKNOWN if (prediction.confidence or 0.0) < lowest else
                         prediction.class_index)
        confidences.append(prediction.confidence or 0.0)
        kinds.append(statuses.index(prediction.status))
        areas.append(prediction.area)
    if heatmap is not None:
        heatmap.flush()
    if share is not None:
        parts = distributed.all_gather((codes, confidences, kinds, areas, scores))
        codes, confidences, kinds, areas = (sum((part[i] for part in parts[1:]), parts[0][i])
                                            for i in range(4))
        scores = None if scores is None else sum((part[4] for part in parts[1:]), parts[0][4])
    summary = classifier.summary()
    summary.unknown = lowest > 0
    table = None if scores is None else np.frombuffer(scores, np.float32).reshape(-1, labels)
    present = None if table is None else table >= classifier.thresholds
    for index, (code, kind, area) in enumerate(zip(codes, kinds, areas)):
        if present is not None and code >= 0:  # each label present counts
            summary.count_labels(statuses[kind], np.flatnonzero(present[index]), area)
            continue
        summary.count(statuses[kind], code if code >= 0 or code == UNKNOWN else None, area)
    return Results(summary, codes, confidences, kinds, areas, table)


def _prediction(feature: FeatureChip) -> Prediction:
    """A feature's outcome as a Prediction: the best class of its probabilities."""
    area = 0.0 if feature.status in (Status.NO_GEOMETRY, Status.OUTSIDE_EXTENT) else \
        feature.footprint.area
    if feature.status is not Status.CHIPPED:
        return Prediction(feature.status, area=area)
    row, chip = feature.result
    best = best_class(row)
    if best is None:
        return Prediction(Status.NOT_FINITE, area=area)
    footprint = feature.footprint
    return Prediction(Status.CHIPPED, *best, area, chip, row,
                      (footprint.centre_x, footprint.centre_y), feature.window)


CELL_SIZE_TOLERANCE = 2.0  # how far off the training cell size results are still trusted


def warn_about_cell_size(definition: dict, cell_size: float, feedback: Feedback,
                         raster_crs_wkt: str = "") -> None:
    """Log a warning when the raster is read at a cell size more than 2 x away from the
    one the model was trained at (when its package records it: numbers in map units, or
    Esri's {x, y, spatialReference} objects, read in the raster's units)."""
    notes: list[str] = []
    low, high = (trained_cell_size(definition.get(key), raster_crs_wkt, notes.append)
                 for key in ("MinCellSize", "MaxCellSize"))
    for note in dict.fromkeys(notes):  # once, though both sizes give it
        feedback.log(note)
    if low is None or high is None or low <= 0:
        return
    if low / CELL_SIZE_TOLERANCE <= cell_size <= high * CELL_SIZE_TOLERANCE:
        return
    trained = f"{low:g}" if low == high else f"{low:g} to {high:g}"
    feedback.log(tr("Warning: the model was trained on chips of {} map units per pixel, "
                    "but the raster is read at {:g}: more than {:g} x away, results are "
                    "usually poor. Set {} to {:g}.").format(
                     trained, cell_size, CELL_SIZE_TOLERANCE, setting('cell_size'),
                     (low * high) ** 0.5))


def trained_cell_size(value: object, raster_crs_wkt: str,
                      note: Callable[[str], None]) -> float | None:
    """A training cell size of a package in the raster's map units: a number as it is; an
    Esri object {x, y, spatialReference} as the mean of x and y, converted from the units of
    its spatial reference (wkid) where both it and the raster's CRS are projected. None where
    there is none, or where the units cannot be compared (said to ``note``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, dict) or not isinstance(value.get("x"), (int, float)):
        return None
    y = value.get("y")
    size = (value["x"] + y) / 2 if isinstance(y, (int, float)) else float(value["x"])
    reference = value.get("spatialReference") or {}
    code = reference.get("latestWkid") or reference.get("wkid")
    if not code or not raster_crs_wkt:
        return size
    from osgeo import osr

    model, raster = osr.SpatialReference(), osr.SpatialReference()
    if raster.ImportFromWkt(raster_crs_wkt) != 0 or (
            model.ImportFromEPSG(int(code)) != 0
            and model.SetFromUserInput(f"ESRI:{int(code)}") != 0):
        return size
    if model.IsProjected() and raster.IsProjected():
        return size * model.GetLinearUnits() / raster.GetLinearUnits()
    if model.IsGeographic() and raster.IsGeographic():
        return size
    note(f"The model's training cell size is given in the units of its spatial reference "
         f"(wkid {code}), which cannot be compared with the raster's; the cell-size check is "
         "skipped.")
    return None


def default_workers(device_type: str) -> int:
    """Reading threads. On the CPU one: the model already uses every core, a second reader
    only slows its threads down, and one hides the waits of slow disks and network rasters
    (docs/benchmarks.md). On a GPU half the cores (1 to 8) read ahead while it computes."""
    if device_type == "cpu":
        return 1
    return max(1, min(8, (os.cpu_count() or 2) // 2))


def _check_data_type(model_type: str | None, source: RasterSource) -> None:
    if model_type and model_type != source.dtype.name:
        raise DataError(
            tr("The model was trained on {} imagery but {} holds {} pixels; their "
               "values are not comparable. Classify a raster of the model's type (e.g. "
               "gdal_translate -ot {} -scale), or train a model on chips of this raster "
               "(Export training chips).").format(
                model_type, source.path, source.dtype.name, _gdal_type(model_type)))


def _gdal_type(numpy_type: str) -> str:
    return {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32",
            "int32": "Int32", "float32": "Float32", "float64": "Float64"}.get(numpy_type,
                                                                             numpy_type)
