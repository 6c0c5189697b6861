"""Classify change between two dates: one model, a raster before and a raster after, and
features (or a grid over where both rasters lie). Every feature is classified at both dates
from chips cut at one ground cell size, whatever the two rasters' resolution, CRS and extent,
and written with both answers, whether it changed and "from → to"; with a change matrix (CSV:
from rows, to columns, counts and areas) and a summary of each class at both dates.

A change is counted only where both dates are at least the minimum confidence; a pair below
it is marked uncertain, and a feature without a class at a date (outside that raster, nodata
under it) is marked not compared: neither is guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, setting, tr
from ..inference.classifier import (
    LEFT_OUT,
    ClassifyOptions,
    RasterClassifier,
    Results,
    classify_all,
)
from ..runtime import distributed
from ..runtime.feedback import Feedback
from ..runtime.outputs import staged_file
from ..sources.geometry import MAX_CELLS, Extent, intersection, length_in, transform_extent
from ..sources.raster import RasterSource
from .classify import ClassifySettings, geometries, open_classifier, plan_grid
from .io import Feature, FeatureSink, FeatureSource, Legend
from .schemas import CHANGE_FIELDS, CHANGE_SUMMARY_FIELDS, GRID_FIELDS, check_new_fields

CHANGED, UNCHANGED, UNCERTAIN = "changed", "unchanged", "uncertain"  # outcomes compared
ARROW = " → "
NOT_CLASSIFIED = "Not classified"  # the change matrix's row and column without a class
UNCERTAIN_COLUMN = "Uncertain"  # the change matrix's column of pairs not counted


@dataclass
class ChangeSettings(ClassifySettings):
    """The model, the raster before (``raster``) and after (``raster_after``), how chips are
    cut (ClassifySettings: the cell size and extent in the before raster's CRS; the after
    raster is read at the same ground cell size); without features, a grid of ``grid_size``
    cells (at most ``max_cells``) where both rasters lie; a change is counted where both
    dates reach ``min_change_confidence``; ``matrix``: where to write the change matrix CSV
    (None: not asked)."""

    raster_after: str = ""
    grid_size: float = 0.0
    max_cells: int = MAX_CELLS
    min_change_confidence: float = 0.0
    matrix: str | None = None


@dataclass
class ChangeResult:
    """How many features changed, stayed, were uncertain or not compared; how many grid cells
    were laid (0 with features); how the model shows its classes."""

    changed: int
    unchanged: int
    uncertain: int
    not_compared: int
    cell_count: int
    legend: Legend


@dataclass
class Pair:
    """One feature's answers at both dates (class index or a negative code, confidence), its
    area and the outcome."""

    before: int
    after: int
    confidence_before: float
    confidence_after: float
    area: float
    outcome: str


def classify_change(settings: ChangeSettings, source: FeatureSource | None,
                    output: FeatureSink, summary_output: FeatureSink | None = None,
                    feedback: Feedback | None = None) -> ChangeResult:
    """Classify ``source``'s features (or a grid over where both rasters lie, in the before
    raster's CRS) at both dates and write them to ``output`` with CHANGE_FIELDS; the change
    matrix to ``settings.matrix`` and the class summary to ``summary_output`` when asked."""
    feedback = feedback or Feedback()
    if not 0 <= settings.min_change_confidence <= 1:
        raise DataError(tr("{} must be from 0 (off) to 1, got {}.").format(
                            setting('min_change_confidence'), settings.min_change_confidence))
    existing = [field.name for field in (source.fields if source else GRID_FIELDS)]
    check_new_fields(existing, [(field.name, f"The result field '{field.name}'",
                                 f"Rename that field of {setting('features')} first.")
                                for field in CHANGE_FIELDS])
    crs = source.crs_wkt if source else None
    before = open_classifier(settings, feedback.part(0.0, 0.5, "before: "), crs)
    if before.package.multi_label:
        raise DataError(tr("{} gives several labels a chip; a change is counted from "
                           "one class to another: use a model of one class a chip, or "
                           "Classify objects on each date.").format(before.package.path))
    after = _after_classifier(settings, before, crs, feedback.part(0.5, 1.0, "after: "))
    overlap = _overlap(before, after)
    grid = None if source else plan_grid(before, settings.grid_size, settings.max_cells, overlap)
    results = [classify_all(classifier, *geometries(source, grid))
               for classifier in (before, after)]
    pairs = _pairs(*results, settings.min_change_confidence)
    counts = {outcome: sum(pair.outcome == outcome for pair in pairs if pair)
              for outcome in (CHANGED, UNCHANGED, UNCERTAIN)}
    written = sum(1 for pair in pairs if pair)  # (None: outside the processing extent)
    not_compared = written - sum(counts.values())
    definition = before.package.definition
    legend = Legend("After", definition["Classes"], definition["ModelName"])
    result = ChangeResult(counts[CHANGED], counts[UNCHANGED], counts[UNCERTAIN], not_compared,
                          grid.cell_count if grid else 0, legend)
    if not distributed.is_main():
        return result
    _log(result, results, settings.min_change_confidence, feedback)
    features = grid.features() if grid else source.features(geometry=False)
    classes, values = before.classes, before.class_values
    feedback.report(1.0, tr("writing {} features").format(written), force=True)
    with output.open((list(GRID_FIELDS) if grid else []) + list(CHANGE_FIELDS), legend,
                     before.source.crs_wkt or None if grid else None) as write:
        for feature, pair in zip(features, pairs):
            if pair:
                write(feature, _values(pair, classes, values))
    if settings.matrix:
        write_change_matrix(settings.matrix, pairs, classes)
    _write_summary(summary_output, pairs, classes, values)
    return result


def _after_classifier(settings: ChangeSettings, before: RasterClassifier, crs: str | None,
                      feedback: Feedback) -> RasterClassifier:
    """The model (loaded once) on the after raster: chips of the before raster's ground cell
    size and the processing extent, both carried into the after raster's CRS; features in
    ``crs`` (None: a grid in the before raster's CRS)."""
    if not settings.raster_after:
        raise DataError(tr("Give {}: the raster of the later date.").format(
                            setting('raster_after')))
    before_crs = before.source.crs_wkt
    after_crs = RasterSource(settings.raster_after, before.settings.bands,
                             stac_asset=settings.stac_asset).crs_wkt
    options = ClassifyOptions(**{name: getattr(settings, name)
                                 for name in ClassifyOptions.__dataclass_fields__})
    left, bottom, right, top = before.source.readable
    options.cell_size = length_in(settings.cell_size or before.source.resolution[0],
                                  ((left + right) / 2, (bottom + top) / 2), before_crs,
                                  after_crs)
    if settings.extent and before_crs and after_crs:
        options.extent = transform_extent(settings.extent, before_crs, after_crs)
    options.geometry_crs = crs or before_crs or None
    after = RasterClassifier(before.package, settings.raster_after, options, feedback)
    feedback.log(tr("After: {}, read at {:g} map units per pixel (the cell size of the "
                    "raster before, on the ground).").format(
                     settings.raster_after, options.cell_size))
    return after


def _overlap(before: RasterClassifier, after: RasterClassifier) -> Extent:
    """Where both rasters can be read, in the before raster's CRS; refused where they do not
    overlap (no feature could be compared)."""
    readable = after.source.readable
    if before.source.crs_wkt and after.source.crs_wkt:
        readable = transform_extent(readable, after.source.crs_wkt, before.source.crs_wkt)
    overlap = intersection(before.source.readable, readable)
    if overlap is None:
        raise DataError(tr("{} and {} do not overlap (inside the processing extent): no "
                           "feature can be compared. Give two rasters of the same "
                           "place.").format(setting('raster'), setting('raster_after')))
    return overlap


def _pairs(before: Results, after: Results, lowest: float) -> list[Pair | None]:
    """Each feature's Pair, or None where it lies outside the processing extent (not
    written)."""
    pairs: list[Pair | None] = []
    for index, (code_before, code_after) in enumerate(zip(before.codes, after.codes)):
        if code_before == LEFT_OUT:
            pairs.append(None)
            continue
        confidences = (before.confidences[index], after.confidences[index])
        if code_before < 0:
            outcome = f"not compared: {before.status(index).value} (before)"
        elif code_after < 0:
            outcome = f"not compared: {after.status(index).value} (after)"
        elif min(confidences) < lowest:
            outcome = UNCERTAIN
        else:
            outcome = UNCHANGED if code_before == code_after else CHANGED
        area = before.areas[index] if code_before >= 0 else after.areas[index]
        pairs.append(Pair(code_before, code_after, *confidences, area, outcome))
    return pairs


def _values(pair: Pair, classes: list[str], values: list[int]) -> list:
    """CHANGE_FIELDS' values for ``pair``."""
    def answer(code: int, confidence: float) -> list:
        return [classes[code], values[code], confidence] if code >= 0 else [None] * 3

    moved = pair.before >= 0 and pair.after >= 0 and pair.before != pair.after
    flag = {CHANGED: 1, UNCHANGED: 0}.get(pair.outcome)
    return (answer(pair.before, pair.confidence_before)
            + answer(pair.after, pair.confidence_after)
            + [flag, f"{classes[pair.before]}{ARROW}{classes[pair.after]}" if moved else None,
               pair.outcome])


def change_matrix(pairs: list[Pair | None], class_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts and areas: rows the class before (then not classified), columns the class
    after (then not classified, then uncertain: the pairs below the minimum confidence,
    by their class before). Every written feature is in one cell."""
    shape = (class_count + 1, class_count + 2)
    counts, areas = np.zeros(shape, np.int64), np.zeros(shape)
    for pair in pairs:
        if pair is None:
            continue
        row = pair.before if pair.before >= 0 else class_count
        column = class_count + 1 if pair.outcome == UNCERTAIN else \
            pair.after if pair.after >= 0 else class_count
        counts[row, column] += 1
        areas[row, column] += pair.area
    return counts, areas


def write_change_matrix(path: str, pairs: list[Pair | None], classes: list[str]) -> None:
    """The change matrix as CSV (a .csvt beside it gives the column types): a row per class
    before and measure (count, then area in square units of the raster CRS), a column per
    class after, with totals."""
    counts, areas = change_matrix(pairs, len(classes))
    rows = classes + [NOT_CLASSIFIED]
    header = ["from", "measure"] + rows + [UNCERTAIN_COLUMN, "Total"]
    with staged_file(path, "the change matrix") as staged:
        with open(staged, "w", newline="", encoding="utf-8") as file:
            table = csv.writer(file)
            table.writerow(header)
            for measure, matrix in (("count", counts), ("area", areas)):
                for name, line in zip(rows + ["Total"], list(matrix) + [matrix.sum(axis=0)]):
                    table.writerow([name, measure] + [_number(v) for v in line]
                                   + [_number(line.sum())])
        with open(staged + "t", "w", encoding="utf-8") as file:  # GDAL's and QGIS's types
            file.write(",".join(['"String"'] * 2 + ['"Real"'] * (len(header) - 2)))


def _number(value: float) -> str:
    return f"{value:.10g}"


def _write_summary(output: FeatureSink | None, pairs: list[Pair | None], classes: list[str],
                   values: list[int]) -> None:
    """Each class's count and area at both dates and the change of its area
    (CHANGE_SUMMARY_FIELDS), when asked for."""
    if output is None:
        return
    counts, areas = np.zeros((len(classes), 2), np.int64), np.zeros((len(classes), 2))
    for pair in filter(None, pairs):
        for date, code in enumerate((pair.before, pair.after)):
            if code >= 0:
                counts[code, date] += 1
                areas[code, date] += pair.area
    with output.open(list(CHANGE_SUMMARY_FIELDS)) as write:
        for index, (name, value) in enumerate(zip(classes, values)):
            (before, after), (area_before, area_after) = counts[index], areas[index]
            write(Feature(index + 1, []), [value, name, int(before), int(after),
                                           float(area_before), float(area_after),
                                           float(area_after - area_before)])


def _log(result: ChangeResult, results: list[Results], lowest: float,
         feedback: Feedback) -> None:
    """The outcome in the log; features not compared, with the reason, as a warning."""
    compared = result.changed + result.unchanged + result.uncertain
    if lowest:
        feedback.log(tr("Compared {} features: {} changed, {} unchanged, {} uncertain (below "
                        "{} {:g} at a date: not counted).").format(
                         compared, result.changed, result.unchanged, result.uncertain,
                         setting('min_change_confidence'), lowest))
    else:
        feedback.log(tr("Compared {} features: {} changed, {} unchanged.").format(
                         compared, result.changed, result.unchanged))
    for date, found in zip(("before", "after"), results):
        unclassified = found.summary.unclassified_text()
        if unclassified:
            feedback.warning(tr("{}: {} They are written as not compared.").format(
                                 date.capitalize(), unclassified))
