"""One function per command: parameter values in (by Processing name, enums as core takes
them), one core call, the outputs back by the Processing output names. Vectors are read and
written with OGR (core.vector_files); under torchrun only the main process writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..core import interface
from ..core.inference.classifier import LEFT_OUT, ClassifyOptions, RasterClassifier, classify_all
from ..core.interface import CHIP_OPTIONS, ENGINE_OPTIONS, Tool, values_for
from ..core.runtime import distributed
from ..core.runtime.feedback import Feedback
from .vector_files import INTEGER, REAL, TEXT

Values = dict[str, object]
ERROR_FIELDS = (("truth", TEXT), ("predicted", TEXT), ("confidence", REAL))
SUMMARY_FIELDS = (("class_value", INTEGER), ("class_label", TEXT), ("count", INTEGER),
                  ("area", REAL), ("area_share", REAL), ("count_share", REAL))


def train(values: Values, feedback: Feedback) -> dict:
    from ..core.workflows.train import train_classifier, train_settings

    settings = train_settings(interface.TRAIN, values.get, output_folder=values["OUTPUT_FOLDER"],
                              report_path=values["OUTPUT_REPORT"])
    outcome = train_classifier(settings, feedback)
    return {"MODEL_DEFINITION": outcome.paths.definition, "MODEL_PACKAGE": outcome.paths.dlpk,
            "ACCURACY": outcome.accuracy, "LEARNING_RATE": outcome.learning_rate,
            "OUTPUT_FOLDER": outcome.paths.folder, "OUTPUT_REPORT": outcome.paths.report}


def find_lr(values: Values, feedback: Feedback) -> dict:
    from ..core.workflows.train import find_learning_rate, train_settings

    rate = find_learning_rate(train_settings(interface.FIND_LEARNING_RATE, values.get),
                              values["OUTPUT_REPORT"], feedback)
    return {"LEARNING_RATE": rate, "OUTPUT_REPORT": values["OUTPUT_REPORT"]}


def preview(values: Values, feedback: Feedback) -> dict:
    from ..core.workflows.preview import preview_training_data

    summary = preview_training_data(values["INPUT_FOLDER"], values["ROWS"],
                                    values["OUTPUT_REPORT"], feedback=feedback)
    return {"OUTPUT_REPORT": values["OUTPUT_REPORT"], "CLASS_COUNT": len(summary["classes"]),
            "IMAGE_COUNT": sum(summary["class_counts"].values())}


def classify(values: Values, feedback: Feedback) -> dict:
    from .vector_files import VectorFile, write_vector

    vectors = VectorFile(values["INPUT_FEATURES"])
    classifier = _classifier(interface.CLASSIFY, values, feedback, vectors.crs_wkt)
    new_fields = _result_fields(values, vectors.field_names)
    results = classify_all(classifier, (wkb for _, _, wkb in vectors.features()),
                           vectors.count())
    if not distributed.is_main():
        return {}
    _log_summary(results.summary, feedback)
    found = _found(classifier, results)
    rows = ((attributes + found(index), wkb)
            for index, (_, attributes, wkb) in enumerate(vectors.features())
            if results.codes[index] != LEFT_OUT)
    write_vector(values["OUTPUT"], vectors.geometry_type, vectors.crs_wkt,
                 vectors.field_definitions, new_fields, rows)
    return {"OUTPUT": values["OUTPUT"],
            "OUTPUT_SUMMARY": _summary_table(values["OUTPUT_SUMMARY"], results.summary)}


def classify_grid(values: Values, feedback: Feedback) -> dict:
    from osgeo import ogr

    from ..core.inference.classifier import plan_grid
    from ..core.runtime.outputs import staged_file
    from ..core.workflows.class_map import check_class_values, write_class_map
    from .vector_files import Field, write_vector

    classifier = _classifier(interface.CLASSIFY_GRID, values, feedback)
    class_map = values["OUTPUT_RASTER"]
    if class_map:
        check_class_values(classifier.package.definition["Classes"])
    grid = plan_grid(classifier, values["GRID_SIZE"], values["MAX_CELLS"])
    new_fields = _result_fields(values, ["cell_id", "row", "col"])
    results = classify_all(classifier, (cell.wkb() for cell in grid.cells()),
                           grid.rows * grid.columns)
    if not distributed.is_main():
        return {}
    _log_summary(results.summary, feedback)
    found = _found(classifier, results)
    rows = (([number, cell.row, cell.column] + found(number - 1), cell.wkb())
            for number, cell in enumerate(grid.cells(), start=1))
    crs = classifier.source.crs_wkt or None
    write_vector(values["OUTPUT"], ogr.wkbPolygon, crs, [],
                 [Field(name, INTEGER) for name in ("cell_id", "row", "col")] + new_fields,
                 rows)
    if class_map:
        with staged_file(os.path.abspath(class_map), "OUTPUT_RASTER") as staged:
            write_class_map(staged, results.codes, results.confidences,
                            (grid.rows, grid.columns), grid.transform, crs or "",
                            classifier.package.definition["Classes"])
    return {"OUTPUT": values["OUTPUT"], "CELL_COUNT": grid.rows * grid.columns,
            "OUTPUT_RASTER": class_map,
            "OUTPUT_SUMMARY": _summary_table(values["OUTPUT_SUMMARY"], results.summary)}


def export_chips(values: Values, feedback: Feedback) -> dict:
    from ..core.workflows.export import ExportSettings
    from ..core.workflows.export import export_chips as export
    from .vector_files import VectorFile

    vectors = VectorFile(values["INPUT_FEATURES"])
    index = vectors.class_field(values["CLASS_FIELD"], "--class-field")
    raster = values["INPUT_RASTER"]
    settings = ExportSettings(**values_for(interface.EXPORT_CHIPS, CHIP_OPTIONS, values.get),
                              extent=_extent(values, raster), geometry_crs=vectors.crs_wkt)
    features = ((fid, attributes[index], wkb) for fid, attributes, wkb in vectors.features())
    summary = export(raster, features, values["OUTPUT_FOLDER"], settings, feedback,
                     vectors.count(), values["OVERWRITE"])
    feedback.log(summary.text())
    return {"OUTPUT_FOLDER": summary.folder, "CHIP_COUNT": summary.chip_count}


def evaluate(values: Values, feedback: Feedback) -> dict:
    from ..core.runtime.outputs import evaluation_paths
    from ..core.workflows.evaluate import check_ground_truth, evaluate_features, evaluate_folder

    model = values["MODEL"]
    check_ground_truth(bool(values["INPUT_FOLDER"]), bool(values["INPUT_FEATURES"]),
                       bool(values["INPUT_RASTER"]), bool(values["TRUTH_FIELD"]))
    report, confusion = (values[name] or default for name, default in
                         zip(("OUTPUT_REPORT", "OUTPUT_CONFUSION"), evaluation_paths(model)))
    options = ClassifyOptions(**values_for(interface.EVALUATE, CHIP_OPTIONS | ENGINE_OPTIONS,
                                           values.get))
    vectors = None
    if values["INPUT_FOLDER"]:
        evaluation = evaluate_folder(model, values["INPUT_FOLDER"], options.batch_size,
                                     options.device, feedback, options.engine)
    else:
        from .vector_files import VectorFile

        vectors = VectorFile(values["INPUT_FEATURES"])
        if values["OUTPUT_ERRORS"]:
            from ..core.workflows.fields import check_new_fields

            check_new_fields(vectors.field_names, [
                (name, f"--output-errors's field '{name}'", "Rename that field of the input "
                 "features, or leave out --output-errors.") for name, _ in ERROR_FIELDS])
        index = vectors.class_field(values["TRUTH_FIELD"], "--truth-field")
        raster = values["INPUT_RASTER"]
        options.extent, options.geometry_crs = _extent(values, raster), vectors.crs_wkt
        evaluation = evaluate_features(
            model, raster, ((fid, attributes[index], wkb)
                            for fid, attributes, wkb in vectors.features()),
            options, feedback, vectors.count())
    feedback.log(evaluation.text())
    evaluation.save(report, confusion, model)
    feedback.log(f"Report: {report}\nConfusion matrix: {confusion}")
    return {"OUTPUT_REPORT": report, "OUTPUT_CONFUSION": confusion,
            "OUTPUT_ERRORS": _write_errors(values["OUTPUT_ERRORS"], vectors, evaluation,
                                           feedback),
            "OVERALL_ACCURACY": evaluation.overall_accuracy, "KAPPA": evaluation.kappa,
            "MACRO_F1": evaluation.macro_f1}


def check_dependencies(values: Values, feedback: Feedback) -> dict:
    from ..core.workflows.check_dependencies import check_and_report

    return {"OUTPUT_REPORT": values["OUTPUT_REPORT"],
            **check_and_report(values["OUTPUT_REPORT"], feedback)}


COMMANDS: dict[str, Callable[[Values, Feedback], dict]] = {
    interface.TRAIN.command: train, interface.FIND_LEARNING_RATE.command: find_lr,
    interface.PREVIEW.command: preview, interface.CLASSIFY.command: classify,
    interface.CLASSIFY_GRID.command: classify_grid,
    interface.EXPORT_CHIPS.command: export_chips, interface.EVALUATE.command: evaluate,
    interface.CHECK_DEPENDENCIES.command: check_dependencies}


# --- what the commands share -------------------------------------------------------------------
def _extent(values: Values, raster: str):
    """EXTENT in the raster's CRS (min x, min y, max x, max y), or None."""
    if not values.get("EXTENT"):
        return None
    *extent, crs = values["EXTENT"]
    if crs:
        from osgeo import gdal

        from ..core.sources.geometry import transform_extent

        raster_crs = gdal.OpenEx(raster).GetProjection()
        if raster_crs:
            extent = transform_extent(tuple(extent), crs, raster_crs)
    return tuple(extent)


def _classifier(tool: Tool, values: Values, feedback: Feedback,
                geometry_crs: str | None = None) -> RasterClassifier:
    """The model loaded and checked against the raster, as the log describes it."""
    raster = values["INPUT_RASTER"]
    options = ClassifyOptions(**values_for(tool, CHIP_OPTIONS | ENGINE_OPTIONS, values.get),
                              extent=_extent(values, raster), geometry_crs=geometry_crs)
    classifier = RasterClassifier(values["MODEL"], raster, options, feedback)
    feedback.log(classifier.describe())
    return classifier


def _result_fields(values: Values, existing: list[str]) -> list:
    """The class label, value and confidence fields, named as asked, none clashing."""
    from ..core.workflows.fields import result_field_names
    from .vector_files import Field

    kinds = {"CLASS_LABEL_FIELD": TEXT, "CLASS_VALUE_FIELD": INTEGER, "CONFIDENCE_FIELD": REAL}
    names = result_field_names(values.get, existing, lambda spec: spec.option)
    return [Field(name, kinds[spec.name]) for spec, name in zip(interface.RESULT_FIELDS, names)]


def _found(classifier: RasterClassifier, results) -> Callable[[int], list]:
    """The result fields' values of feature ``index``: label, value, confidence (or NULLs)."""
    classes, class_values = classifier.classes, classifier.class_values

    def found(index: int) -> list:
        code = results.codes[index]
        if code < 0:
            return [None, None, None]
        return [classes[code], class_values[code], results.confidences[index]]

    return found


def _log_summary(summary, feedback: Feedback) -> None:
    for line in (summary.text(), summary.left_out_text()):
        if line:
            feedback.log(line)
    if summary.unclassified_text():
        feedback.log("Warning: " + summary.unclassified_text())


def _summary_table(path: str | None, summary) -> str | None:
    """OUTPUT_SUMMARY, when asked for: one row per class."""
    if not path:
        return None
    from osgeo import ogr

    from .vector_files import Field, write_vector

    fields = [Field(name, kind) for name, kind in SUMMARY_FIELDS]
    write_vector(path, ogr.wkbNone, None, [], fields,
                 (([row[name] for name, _ in SUMMARY_FIELDS], None) for row in summary.rows()),
                 "OUTPUT_SUMMARY")
    return path


def _write_errors(path: str | None, vectors, evaluation, feedback: Feedback) -> str | None:
    """OUTPUT_ERRORS: the misclassified features with truth, prediction and confidence."""
    if not path:
        return None
    if vectors is None:
        feedback.log("Warning: --output-errors needs --input-features; none written for a "
                     "folder of chips.")
        return None
    from .vector_files import Field, write_vector

    mistakes = {mistake.source: mistake for mistake in evaluation.mistakes}
    rows = ((attributes + [mistakes[fid].truth, mistakes[fid].predicted,
                           mistakes[fid].confidence], wkb)
            for fid, attributes, wkb in vectors.features() if fid in mistakes)
    write_vector(path, vectors.geometry_type, vectors.crs_wkt, vectors.field_definitions,
                 [Field(name, kind) for name, kind in ERROR_FIELDS], rows, "OUTPUT_ERRORS")
    return path
