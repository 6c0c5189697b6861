"""Suggest features to label: where the model is least sure, spread out. Every candidate
feature (or grid cell) is classified and scored by its uncertainty (the margin between its
two most probable classes, or the entropy of its probabilities); the most uncertain are
taken in turn, skipping any nearer than a minimum distance to one already taken (no two
almost the same chip), and written in that order with an empty class field for the analyst
to fill, so that Export training chips and a further training round can use them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, setting, tr
from ..inference.classifier import Status
from ..runtime.feedback import Feedback
from ..sources.geometry import MAX_CELLS
from .classify import ClassifySettings, Grid, geometries, open_classifier, plan_grid
from .io import Feature, FeatureSink, FeatureSource, Legend
from .schemas import GRID_FIELDS, INTEGER, REAL, TEXT, Field, check_new_fields

MARGIN, ENTROPY = "margin", "entropy"
MEASURES = (MARGIN, ENTROPY)


@dataclass
class SuggestSettings(ClassifySettings):
    """How candidates are classified (ClassifySettings; without features, a grid of
    ``grid_size`` cells, at most ``max_cells``), scored (``measure``) and chosen: ``count``
    of them, no two nearer than ``min_distance`` raster CRS units (0: one chip's side);
    ``class_field``: the empty field the analyst fills."""

    grid_size: float = 0.0
    max_cells: int = MAX_CELLS
    count: int = 50
    measure: str = MARGIN
    min_distance: float = 0.0
    class_field: str = "label"


@dataclass
class SuggestResult:
    """How many features were suggested, of how many classified, and how the model shows
    its classes (the front end styles the output with it)."""

    suggested: int
    candidates: int
    legend: Legend


@dataclass(frozen=True)
class Candidate:
    """A classified feature: its position in the input, uncertainty, centre and answer."""

    index: int
    uncertainty: float
    centre: tuple[float, float]
    label: str
    confidence: float


def uncertainty(probabilities: np.ndarray, measure: str) -> float:
    """0 (sure) to 1 (no idea): one minus the margin between the two most probable classes,
    or the entropy of the probabilities divided by its largest possible value."""
    p = np.sort(np.asarray(probabilities, np.float64))[::-1]
    if measure == MARGIN:
        return float(1 - (p[0] - p[1]))
    if measure == ENTROPY:
        return float(-(p * np.log(np.maximum(p, 1e-12))).sum() / math.log(len(p)))
    raise DataError(tr("{} must be {}, got '{}'.").format(
                        setting('measure'), ' or '.join(MEASURES), measure))


def spread_out(candidates: list[Candidate], count: int, spacing: float) -> list[Candidate]:
    """The ``count`` most uncertain candidates (ties: input order), taken in turn, each at
    least ``spacing`` from every one taken before (a hash of cells of that side finds the
    near ones)."""
    taken: list[Candidate] = []
    cells: dict[tuple[int, int], list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: (-c.uncertainty, c.index)):
        if len(taken) == count:
            break
        x, y = candidate.centre
        key = (math.floor(x / spacing), math.floor(y / spacing)) if spacing > 0 else (0, 0)
        near = [other for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for other in cells.get((key[0] + dx, key[1] + dy), [])] if spacing > 0 else []
        if any(math.dist(candidate.centre, other.centre) < spacing for other in near):
            continue
        taken.append(candidate)
        cells.setdefault(key, []).append(candidate)
    return taken


def suggest_labels(settings: SuggestSettings, source: FeatureSource | None,
                   output: FeatureSink, feedback: Feedback | None = None) -> SuggestResult:
    """Classify the candidates (``source``'s features, or a grid over the raster), choose the
    ones to label (spread_out) and write them to ``output`` in that order, with their rank,
    uncertainty, predicted class and confidence and the empty class field."""
    feedback = feedback or Feedback()
    if settings.count < 1:
        raise DataError(tr("{} must be at least 1, got {}.").format(
                            setting('count'), settings.count))
    uncertainty(np.array([0.5, 0.5]), settings.measure)  # an unknown measure, before any work
    classifier = open_classifier(settings, feedback, source.crs_wkt if source else None)
    if classifier.package.multi_label:
        raise DataError(tr("{} gives several labels a chip; the uncertainty here is "
                           "measured between one chip's classes: use a model of one "
                           "class a chip.").format(classifier.package.path))
    existing = [field.name for field in (source.fields if source else GRID_FIELDS)]
    fields = _fields(settings, existing)
    grid = None if source else plan_grid(classifier, settings.grid_size, settings.max_cells)
    classes = classifier.classes
    candidates = [
        Candidate(index, uncertainty(prediction.probabilities, settings.measure),
                  prediction.centre, classes[prediction.class_index], prediction.confidence)
        for index, prediction in enumerate(classifier.classify(*geometries(source, grid)))
        if prediction.status is Status.CHIPPED]
    spacing = settings.min_distance or classifier.settings.chip_size * (
        settings.cell_size or classifier.source.resolution[0])
    chosen = spread_out(candidates, settings.count, spacing)
    feedback.log(tr("{} of {} classified features suggested (most uncertain by {}, at "
                    "least {:g} map units apart).").format(
                     len(chosen), len(candidates), settings.measure, spacing))
    rank = {candidate.index: number for number, candidate in enumerate(chosen, start=1)}
    features = _features(source, grid, rank)
    definition = classifier.package.definition  # shown by the model's class, as classified
    legend = Legend(settings.label_field, definition["Classes"], definition["ModelName"])
    with output.open((list(GRID_FIELDS) if grid else []) + fields, legend,
                     classifier.source.crs_wkt or None if grid else None) as write:
        for candidate in chosen:
            write(features[candidate.index],
                  [rank[candidate.index], round(candidate.uncertainty, 6), candidate.label,
                   candidate.confidence, None])
    return SuggestResult(len(chosen), len(candidates), legend)


def _fields(settings: SuggestSettings, existing: list[str]) -> list[Field]:
    """rank, uncertainty, the predicted label and confidence, and the class field to fill;
    refused when one clashes with an input field."""
    fields = [Field("rank", INTEGER), Field("uncertainty", REAL),
              Field(settings.label_field, TEXT), Field(settings.confidence_field, REAL),
              Field(settings.class_field.strip(), TEXT)]
    if not fields[-1].name:
        raise DataError(tr("{} is empty; give a field name.").format(setting('class_field')))
    check_new_fields(existing, [
        (field.name, f"The output field '{field.name}'",
         f"Rename that field of {setting('features')}, or choose another name for "
         f"{setting('class_field')}.") for field in fields])
    return fields


def _features(source: FeatureSource | None, grid: Grid | None, rank: dict[int, int]
              ) -> dict[int, Feature]:
    """The chosen features by their position in the input (grid cells with their number,
    row and column)."""
    found = source.features(geometry=False) if source is not None else grid.features()
    return {index: feature for index, feature in enumerate(found) if index in rank}
