"""One function per command: the parsed values (by parameter id, enums as core takes them)
become core's settings, one use case of core.workflows runs on OGR files
(cli.vector_files), and the results come back by output id. Under torchrun only the main
process writes (the use cases see to it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core.runtime.feedback import Feedback
from ..interface import ids, tools
from ..interface.parameters import Tool
from ..interface.settings import settings_from

if TYPE_CHECKING:
    from ..core.sources.geometry import Extent
    from ..interface.settings import Settings
    from .vector_files import FileSink, VectorFile

Values = dict[str, object]


def settings(tool: Tool, kind: type[Settings], values: Values, **given: object) -> Settings:
    """Core's settings ``kind`` from the parsed values (interface.settings)."""
    return settings_from(tool, kind, values.get, **given)


def train(values: Values, feedback: Feedback) -> dict:
    """``train``: a model package from labelled chips; its paths, accuracy and rate."""
    from ..core.workflows.train import TrainSettings, train_classifier

    outcome = train_classifier(settings(tools.TRAIN, TrainSettings, values), feedback)
    return {ids.MODEL_DEFINITION: outcome.paths.definition,
            ids.MODEL_PACKAGE: outcome.paths.dlpk, ids.ACCURACY: outcome.accuracy,
            ids.LEARNING_RATE: outcome.learning_rate, ids.OUTPUT_FOLDER: outcome.paths.folder,
            ids.OUTPUT_REPORT: outcome.paths.report}


def find_lr(values: Values, feedback: Feedback) -> dict:
    """``find-lr``: the suggested learning rate and its report."""
    from ..core.workflows.train import TrainSettings, find_learning_rate

    chosen = settings(tools.FIND_LEARNING_RATE, TrainSettings, values)
    rate = find_learning_rate(chosen, chosen.report_path, feedback)
    return {ids.LEARNING_RATE: rate, ids.OUTPUT_REPORT: chosen.report_path}


def preview(values: Values, feedback: Feedback) -> dict:
    """``preview``: the training data's report, with its class and image counts."""
    from ..core.workflows.preview import preview_training_data

    summary = preview_training_data(values[ids.INPUT_FOLDER], values[ids.ROWS],
                                    values[ids.OUTPUT_REPORT], feedback=feedback)
    return {ids.OUTPUT_REPORT: values[ids.OUTPUT_REPORT],
            ids.CLASS_COUNT: len(summary["classes"]),
            ids.IMAGE_COUNT: summary["chips_found"]}


def classify(values: Values, feedback: Feedback) -> dict:
    """``classify``: the input features with their classes, and the class summary."""
    from ..core.workflows.classify import ClassifySettings, classify_features
    from .vector_files import FileSink, VectorFile

    source = VectorFile(values[ids.INPUT_FEATURES])
    chosen = settings(tools.CLASSIFY, ClassifySettings, values, extent=_extent(values))
    classify_features(chosen, source,
                      FileSink(values[ids.OUTPUT], source.geometry_type, source.crs_wkt,
                               source.field_definitions, "output"),
                      _summary_sink(values), feedback)
    return {ids.OUTPUT: values[ids.OUTPUT], ids.OUTPUT_SUMMARY: values[ids.OUTPUT_SUMMARY],
            ids.OUTPUT_HEATMAP: values[ids.OUTPUT_HEATMAP]}


def classify_grid(values: Values, feedback: Feedback) -> dict:
    """``classify-grid``: grid cells with their classes, the class map and the summary."""
    from osgeo import ogr

    from ..core.workflows.classify import GridSettings
    from ..core.workflows.classify import classify_grid as classify_cells
    from .vector_files import FileSink

    chosen = settings(tools.CLASSIFY_GRID, GridSettings, values, extent=_extent(values))
    result = classify_cells(chosen, FileSink(values[ids.OUTPUT], ogr.wkbPolygon),
                            _summary_sink(values), feedback)
    return {ids.OUTPUT: values[ids.OUTPUT], ids.CELL_COUNT: result.cell_count,
            ids.OUTPUT_RASTER: values[ids.OUTPUT_RASTER],
            ids.OUTPUT_SUMMARY: values[ids.OUTPUT_SUMMARY],
            ids.OUTPUT_HEATMAP: values[ids.OUTPUT_HEATMAP]}


def export_chips(values: Values, feedback: Feedback) -> dict:
    """``export-chips``: training chips cut around labelled features; the folder and count."""
    from ..core.workflows.export import ExportJob, export_training_chips
    from .vector_files import VectorFile

    summary = export_training_chips(
        settings(tools.EXPORT_CHIPS, ExportJob, values, extent=_extent(values)),
        VectorFile(values[ids.INPUT_FEATURES]), feedback)
    return {ids.OUTPUT_FOLDER: summary.folder, ids.CHIP_COUNT: summary.chip_count}


def evaluate(values: Values, feedback: Feedback) -> dict:
    """``evaluate``: the model against ground truth; the report, matrix and measures."""
    from ..core.workflows.evaluate import EvaluateSettings
    from ..core.workflows.evaluate import evaluate as evaluate_model
    from .vector_files import FileSink, VectorFile

    chosen = settings(tools.EVALUATE, EvaluateSettings, values,
                      extent=_extent(values) if values[ids.INPUT_RASTER] else None)
    source = VectorFile(values[ids.INPUT_FEATURES]) if values[ids.INPUT_FEATURES] else None
    errors = None
    if values[ids.OUTPUT_ERRORS]:
        errors = FileSink(values[ids.OUTPUT_ERRORS], source.geometry_type if source else 0,
                          source.crs_wkt if source else None,
                          source.field_definitions if source else [], "errors_output")
    result = evaluate_model(chosen, source, errors, feedback)
    evaluation = result.evaluation
    return {ids.OUTPUT_REPORT: result.report_path, ids.OUTPUT_CONFUSION: result.confusion_path,
            ids.OUTPUT_ERRORS: values[ids.OUTPUT_ERRORS] if source else None,
            ids.OVERALL_ACCURACY: evaluation.overall_accuracy, ids.KAPPA: evaluation.kappa,
            ids.MACRO_F1: evaluation.macro_f1}


def suggest_labels(values: Values, feedback: Feedback) -> dict:
    """``suggest-labels``: the candidates (or a grid's cells) the model is least sure of."""
    from ..core.workflows.suggest import SuggestSettings
    from ..core.workflows.suggest import suggest_labels as suggest

    chosen = settings(tools.SUGGEST_LABELS, SuggestSettings, values, extent=_extent(values))
    result = suggest(chosen, *_features_or_grid(values), feedback)
    return {ids.OUTPUT: values[ids.OUTPUT], ids.SUGGESTED_COUNT: result.suggested}


def classify_change(values: Values, feedback: Feedback) -> dict:
    """``classify-change``: the features (or a grid's cells) classified at two dates and
    compared; the change matrix and summary."""
    from ..core.workflows.change import ChangeSettings
    from ..core.workflows.change import classify_change as compare

    chosen = settings(tools.CLASSIFY_CHANGE, ChangeSettings, values, extent=_extent(values))
    result = compare(chosen, *_features_or_grid(values), _summary_sink(values), feedback)
    return {ids.OUTPUT: values[ids.OUTPUT], ids.OUTPUT_MATRIX: values[ids.OUTPUT_MATRIX],
            ids.OUTPUT_SUMMARY: values[ids.OUTPUT_SUMMARY], ids.CHANGED_COUNT: result.changed,
            ids.UNCERTAIN_COUNT: result.uncertain, ids.CELL_COUNT: result.cell_count}


def check_dependencies(values: Values, feedback: Feedback) -> dict:
    """``check-dependencies``: what is installed, in a report and as outputs."""
    from ..core.workflows.check_dependencies import check_and_report

    return {ids.OUTPUT_REPORT: values[ids.OUTPUT_REPORT],
            **check_and_report(values[ids.OUTPUT_REPORT], feedback, values[ids.INSTALL],
                               values[ids.WHEELS] or None)}


COMMANDS: dict[str, Callable[[Values, Feedback], dict]] = {
    tools.TRAIN.command: train, tools.FIND_LEARNING_RATE.command: find_lr,
    tools.PREVIEW.command: preview, tools.CLASSIFY.command: classify,
    tools.CLASSIFY_GRID.command: classify_grid, tools.EXPORT_CHIPS.command: export_chips,
    tools.EVALUATE.command: evaluate, tools.SUGGEST_LABELS.command: suggest_labels,
    tools.CLASSIFY_CHANGE.command: classify_change,
    tools.CHECK_DEPENDENCIES.command: check_dependencies}


# --- what the commands share ---------------------------------------------------------------
def _summary_sink(values: Values) -> FileSink | None:
    """OUTPUT_SUMMARY, a table, when asked for."""
    from osgeo import ogr

    from .vector_files import FileSink

    path = values[ids.OUTPUT_SUMMARY]
    return FileSink(path, ogr.wkbNone, what="summary_output") if path else None


def _features_or_grid(values: Values) -> tuple[VectorFile | None, FileSink]:
    """INPUT_FEATURES (None where not given: a grid's cells are written) and OUTPUT, which
    keeps the features' geometry type, CRS and fields, or holds the cells' polygons."""
    from osgeo import ogr

    from .vector_files import FileSink, VectorFile

    if not values[ids.INPUT_FEATURES]:
        return None, FileSink(values[ids.OUTPUT], ogr.wkbPolygon)
    source = VectorFile(values[ids.INPUT_FEATURES])
    return source, FileSink(values[ids.OUTPUT], source.geometry_type, source.crs_wkt,
                            source.field_definitions, "output")


def _extent(values: Values) -> Extent | None:
    """EXTENT in the raster's CRS (min x, min y, max x, max y), or None."""
    if not values.get(ids.EXTENT):
        return None
    *extent, crs = values[ids.EXTENT]
    raster = values[ids.INPUT_RASTER]
    if crs:
        from ..core.sources.geometry import transform_extent
        from ..core.sources.raster import RasterSource

        asset = values.get(ids.STAC_ASSET) or ""
        raster_crs = RasterSource(raster, (0,), stac_asset=asset).crs_wkt
        if raster_crs:
            extent = transform_extent(tuple(extent), crs, raster_crs)
    return tuple(extent)
