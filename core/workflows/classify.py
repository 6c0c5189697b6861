"""Classify objects and classify a raster grid, as the tools and the command line run them:
the model checked against the raster, every feature (or grid cell) classified from the pixels
under it, then written with its class label, value and confidence, with a class summary and,
for a grid, a class-map GeoTIFF.

Under torchrun (core.runtime.distributed) every process classifies its share of the features
and the main one writes the outputs, the same as one process would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, setting, tr
from ..inference.classifier import (
    LEFT_OUT,
    UNKNOWN,
    UNKNOWN_LABEL,
    ClassifyOptions,
    ClassSummary,
    RasterClassifier,
    Results,
    classify_all,
)
from ..inference.heatmap_raster import HeatmapRaster
from ..inference.predictor import labels_present
from ..runtime import distributed
from ..runtime.feedback import Feedback
from ..runtime.outputs import staged_file
from ..sources.geometry import MAX_CELLS, Extent, GridCell, check_cell_count, grid_cells, grid_shape
from .class_map import write_class_map
from .io import Feature, FeatureSink, FeatureSource, Legend, first_label
from .schemas import GRID_FIELDS, SUMMARY_FIELDS, Field, multi_label_fields, result_fields


@dataclass
class ClassifySettings(ClassifyOptions):
    """The model, the raster, how chips are cut and run (ClassifyOptions, with the extent in
    the raster's CRS) and the names of the result fields."""

    model: str = ""
    raster: str = ""
    label_field: str = "ClassLabel"
    value_field: str = "ClassValue"
    confidence_field: str = "Confidence"
    heatmap: str | None = None  # where to write the chips' heatmaps (a GeoTIFF); None: not

    def field_names(self) -> dict[str, str]:
        """The result fields' names, by setting (label_field, value_field, confidence_field)."""
        return {"label_field": self.label_field, "value_field": self.value_field,
                "confidence_field": self.confidence_field}


@dataclass
class GridSettings(ClassifySettings):
    """A grid of square cells of ``grid_size`` raster CRS units (0: one chip), at most
    ``max_cells``; ``class_map``: where to write the class-map GeoTIFF (None: not asked)."""

    grid_size: float = 0.0
    max_cells: int = MAX_CELLS
    class_map: str | None = None


@dataclass
class ClassifyResult:
    """The class summary, how many features were written, and how the model shows its
    classes (the front end styles its outputs with it)."""

    summary: ClassSummary
    written: int
    legend: Legend | None = None


@dataclass
class GridResult(ClassifyResult):
    """A ClassifyResult with the number of grid cells classified."""

    cell_count: int = 0


def open_classifier(settings: ClassifySettings, feedback: Feedback,
                    geometry_crs: str | None = None) -> RasterClassifier:
    """The model loaded and checked against the raster, as the log describes it."""
    options = ClassifyOptions(**{name: getattr(settings, name)
                                 for name in ClassifyOptions.__dataclass_fields__})
    options.geometry_crs = geometry_crs
    classifier = RasterClassifier(settings.model, settings.raster, options, feedback)
    feedback.log(classifier.describe())
    return classifier


def classify_features(settings: ClassifySettings, source: FeatureSource, output: FeatureSink,
                      summary_output: FeatureSink | None = None,
                      feedback: Feedback | None = None,
                      style_heatmap: Callable[[str], None] | None = None) -> ClassifyResult:
    """Classify every feature of ``source`` and write it to ``output`` with its results
    (features outside the processing extent are left out); the class summary to
    ``summary_output`` when given; the heatmaps to ``settings.heatmap`` when asked
    (``style_heatmap(path)`` may add to it before it is moved into place)."""
    feedback = feedback or Feedback()
    classifier = open_classifier(settings, feedback, source.crs_wkt)
    fields = _result_fields(settings, classifier, [field.name for field in source.fields],
                            output.field_name_limit)
    with heatmaps(settings, classifier, style_heatmap) as heatmap:
        results = classify_all(classifier, *geometries(source, None), heatmap)
    if not distributed.is_main():
        return ClassifyResult(results.summary, 0)
    legend = _legend(classifier, fields)
    written = _write_results(classifier, results, source.features(geometry=False), output,
                             fields, legend, feedback)
    write_summary(summary_output, results.summary)
    return ClassifyResult(results.summary, written, legend)


@dataclass(frozen=True)
class Grid:
    """The fishnet a raster grid is classified on (core.sources.geometry.grid_cells)."""

    extent: Extent
    size: float
    rows: int
    columns: int

    def cells(self) -> Iterator[GridCell]:
        """The grid's cells, row by row from the top left."""
        return grid_cells(self.extent, self.size)

    def features(self) -> Iterator[Feature]:
        """The cells as features (GRID_FIELDS: number from 1, row, column; and WKB)."""
        return (Feature(number, [number, cell.row, cell.column], cell.wkb())
                for number, cell in enumerate(self.cells(), start=1))

    @property
    def cell_count(self) -> int:
        """How many cells the grid has."""
        return self.rows * self.columns

    @property
    def transform(self) -> tuple[float, ...]:
        """The GDAL geotransform of a raster of one pixel per cell."""
        return (self.extent[0], self.size, 0.0, self.extent[3], 0.0, -self.size)


def geometries(source: FeatureSource | None,
               grid: Grid | None) -> tuple[Iterator[bytes | None], int]:
    """The WKB of ``source``'s features, or of the grid's cells, and how many there are."""
    if grid is not None:
        return (cell.wkb() for cell in grid.cells()), grid.cell_count
    return (feature.wkb for feature in source.features()), source.count()


def plan_grid(classifier: RasterClassifier, grid_size: float = 0.0,
              max_cells: int = MAX_CELLS, extent: Extent | None = None) -> Grid:
    """The grid over ``extent`` (raster CRS), by default the readable raster (inside the
    processing extent); ``grid_size`` 0 makes a cell one chip: the model's chip size times
    the cell size (or the raster's resolution). More than ``max_cells`` cells are refused
    before any work."""
    if grid_size <= 0:
        cell = classifier.settings.cell_size or classifier.source.resolution[0]
        grid_size = classifier.settings.chip_size * cell
    extent = extent or classifier.source.readable
    rows, columns = grid_shape(extent, grid_size)
    check_cell_count(rows, columns, max_cells)
    classifier.feedback.log(tr("Grid: {} rows x {} columns of {:g} x {:g} raster CRS "
                               "units.").format(rows, columns, grid_size, grid_size))
    return Grid(extent, grid_size, rows, columns)


def classify_grid(settings: GridSettings, output: FeatureSink,
                  summary_output: FeatureSink | None = None, feedback: Feedback | None = None,
                  style_class_map: Callable[[str, Legend], None] | None = None,
                  style_heatmap: Callable[[str], None] | None = None) -> GridResult:
    """Lay a grid over the raster, classify every cell and write the cells (raster CRS) to
    ``output``, the class summary to ``summary_output`` and, when asked, the class map to
    ``settings.class_map`` and the heatmaps to ``settings.heatmap`` (``style_class_map(path,
    legend)`` and ``style_heatmap(path)`` may add to them before they are moved into place,
    e.g. a QGIS style)."""
    feedback = feedback or Feedback()
    classifier = open_classifier(settings, feedback)
    classes = classifier.package.definition["Classes"]
    grid = plan_grid(classifier, settings.grid_size, settings.max_cells)
    fields = _result_fields(settings, classifier, [field.name for field in GRID_FIELDS],
                            output.field_name_limit)
    if settings.class_map and classifier.package.multi_label:
        raise DataError(tr("{} gives each cell several labels, which a class map of one "
                           "class a cell cannot hold: leave {} empty (the grid's fields "
                           "hold each label's score).").format(
                            classifier.package.path, setting('class_map')))
    cells = grid.cell_count
    with heatmaps(settings, classifier, style_heatmap) as heatmap:
        results = classify_all(classifier, *geometries(None, grid), heatmap)
    if not distributed.is_main():
        return GridResult(results.summary, 0, cell_count=cells)
    legend = _legend(classifier, fields)
    written = _write_results(classifier, results, grid.features(), output,
                             list(GRID_FIELDS) + fields, legend, feedback,
                             classifier.source.crs_wkt or None)
    if settings.class_map:
        with staged_file(settings.class_map, "the class map") as staged:
            write_class_map(staged, results.codes, results.confidences,
                            (grid.rows, grid.columns), grid.transform,
                            classifier.source.crs_wkt or "", classes, feedback.log)
            if style_class_map is not None:
                style_class_map(staged, legend)
    write_summary(summary_output, results.summary)
    return GridResult(results.summary, written, legend, cells)


UNKNOWN_COLOR = [150, 150, 150]  # grey: features below the minimum confidence


@contextmanager
def heatmaps(settings: ClassifySettings, classifier: RasterClassifier,
             style: Callable[[str], None] | None) -> Iterator[HeatmapRaster | None]:
    """The heatmap raster ``settings.heatmap`` asks for, staged for the block (None when not
    asked), styled and moved into place when the block ends without error."""
    if not settings.heatmap:
        yield None
        return
    if distributed.world_size() > 1:
        raise DataError(tr("{} is written by one process: classify without torchrun to "
                           "have it.").format(setting('heatmap')))
    if classifier.package.multi_label:
        raise DataError(tr("{} shows where one class came from; {} gives several labels "
                           "a chip: leave it empty.").format(
                            setting('heatmap'), classifier.package.path))
    classifier.feedback.log(tr("Heatmaps: each classified chip's is computed too "
                               "(Grad-CAM with PyTorch, occlusion with onnxruntime), "
                               "some 3 to 16 times the classification's work."))
    with staged_file(settings.heatmap, "the heatmaps") as staged:
        heatmap = HeatmapRaster(staged, classifier.source,
                                classifier.source.scale(classifier.settings.cell_size),
                                classifier.predictor)
        yield heatmap
        if style is not None:
            style(staged)


def _result_fields(settings: ClassifySettings, classifier: RasterClassifier,
                   existing: list[str], name_limit: int | None) -> list[Field]:
    """The fields a classification adds (schemas.result_fields), or a multi-label model's:
    the labels present and each label's score (schemas.multi_label_fields)."""
    if classifier.package.multi_label:
        return multi_label_fields(settings.field_names(), classifier.classes, existing,
                                  name_limit)
    return result_fields(settings.field_names(), existing, name_limit)


def _legend(classifier: RasterClassifier, fields: list[Field]) -> Legend:
    """The model's classes, and Unknown (no class value, grey) where a minimum confidence
    may give it; a multi-label model's features are drawn by their likeliest label (listed
    first)."""
    definition = classifier.package.definition
    if classifier.package.multi_label:
        return Legend(first_label(fields[0].name, classifier.package.label_delimiter),
                      definition["Classes"], definition["ModelName"])
    unknown = [{"Value": None, "Name": UNKNOWN_LABEL, "Color": UNKNOWN_COLOR}] \
        if classifier.options.min_confidence else []
    return Legend(fields[0].name, definition["Classes"] + unknown, definition["ModelName"])


def _write_results(classifier: RasterClassifier, results: Results,
                   features: Iterator[Feature], output: FeatureSink, fields: list[Field],
                   legend: Legend, feedback: Feedback, crs_wkt: str | None = None) -> int:
    """Log the summary, then write each feature in the processing extent with ``fields``
    added: its attributes of those (a grid cell's number, row and column) and its class
    label, value and confidence (NULLs without a class; below the minimum confidence,
    UNKNOWN_LABEL with a NULL value and the confidence); returns how many were written."""
    log_summary(results.summary, feedback)
    classes, values = classifier.classes, classifier.class_values
    count = len(results.codes) - results.codes.count(LEFT_OUT)
    feedback.report(1.0, tr("writing {} features").format(count), force=True)
    labels = None if results.scores is None else _label_texts(classifier, results.scores)
    with output.open(fields, legend, crs_wkt) as write:
        for index, (feature, code, confidence) in enumerate(
                zip(features, results.codes, results.confidences)):
            if code == LEFT_OUT:
                continue
            if labels is not None:
                found = [labels[index] if code >= 0 else None] + [
                    float(score) if code >= 0 else None for score in results.scores[index]]
            elif code == UNKNOWN:
                found = [UNKNOWN_LABEL, None, confidence]
            elif code < 0:
                found = [None, None, None]
            else:
                found = [classes[code], values[code], confidence]
            write(feature, found)
    return count


def _label_texts(classifier: RasterClassifier, scores: np.ndarray) -> list[str]:
    """Each feature's labels at or above their thresholds, likeliest first, joined by the
    model's delimiter ('' where none is)."""
    classes, delimiter = classifier.classes, classifier.package.label_delimiter
    thresholds = classifier.thresholds
    return [delimiter.join(classes[label] for label in labels_present(row, thresholds))
            for row in scores]


def log_summary(summary: ClassSummary, feedback: Feedback) -> None:
    """The class counts in the log; features left out or left empty, with the reason (a
    warning)."""
    for line in (summary.text(), summary.left_out_text()):
        if line:
            feedback.log(line)
    if summary.unclassified_text():
        feedback.warning(summary.unclassified_text())


def write_summary(output: FeatureSink | None, summary: ClassSummary) -> None:
    """The class summary table (SUMMARY_FIELDS), one row per class, when asked for."""
    if output is None:
        return
    with output.open(list(SUMMARY_FIELDS)) as write:
        for number, row in enumerate(summary.rows(), start=1):
            write(Feature(number, []), [row[field.name] for field in SUMMARY_FIELDS])
