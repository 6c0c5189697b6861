"""sceneclassifier:evaluateclassifier — a model's accuracy against ground truth."""

import os

from qgis.core import (
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingOutputNumber,
)
from qgis.PyQt.QtCore import QVariant

from ..core import interface
from .base import SceneClassifierAlgorithm
from .chip_parameters import chip_option_values
from .class_style import class_map_sink
from .classify_shared import (
    attribute_value,
    class_field_index,
    engine_option_values,
    feature_count,
    feature_source,
    features_with_wkb,
    raster_layer,
    refuse_clashes,
)

ERROR_FIELDS = (("truth", QVariant.String), ("predicted", QVariant.String),
                ("confidence", QVariant.Double))


class EvaluateClassifier(SceneClassifierAlgorithm):
    TOOL = interface.EVALUATE

    def add_outputs(self) -> None:
        for name, label in (("OVERALL_ACCURACY", "Overall accuracy"), ("KAPPA", "Cohen's kappa"),
                            ("MACRO_F1", "Macro F1")):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.inference.classifier import ClassifyOptions
        from ..core.workflows.evaluate import check_ground_truth, evaluate_features, evaluate_folder

        model = self.parameterAsFile(parameters, "MODEL", context)
        report, confusion = self._report_paths(parameters, context, model)
        folder = self.parameterAsFile(parameters, "INPUT_FOLDER", context)
        on_features = parameters.get("INPUT_FEATURES") not in (None, "")
        check_ground_truth(bool(folder), on_features,
                           parameters.get("INPUT_RASTER") not in (None, ""),
                           bool(self.parameterAsString(parameters, "TRUTH_FIELD", context)))
        batch_size = self.parameterAsInt(parameters, "BATCH_SIZE", context)
        device = self.choice(parameters, "DEVICE", context)
        source = None
        if folder:
            evaluation = evaluate_folder(model, folder, batch_size, device, core_feedback,
                                         self.choice(parameters, "ENGINE", context))
        else:
            layer = raster_layer(self, parameters, context)
            source = feature_source(self, parameters, context)
            if parameters.get("OUTPUT_ERRORS") not in (None, ""):
                refuse_clashes(source.fields(), [
                    (name, f"OUTPUT_ERRORS's field '{name}'", "Rename that field of "
                     "INPUT_FEATURES, or leave OUTPUT_ERRORS empty.")
                    for name, _ in ERROR_FIELDS])
            index = class_field_index(self, parameters, context, source, "TRUTH_FIELD")
            options = ClassifyOptions(**chip_option_values(self, parameters, context, layer),
                                      **engine_option_values(self, parameters, context))
            features = ((feature.id(), attribute_value(feature.attribute(index)), wkb)
                        for feature, wkb in features_with_wkb(source, layer, context))
            evaluation = evaluate_features(model, layer.source(), features, options, core_feedback,
                                           feature_count(source))
        feedback.pushInfo(evaluation.text())
        evaluation.save(report, confusion, model)
        feedback.pushInfo(f"Report: {report}\nConfusion matrix: {confusion}")
        return {
            "OUTPUT_REPORT": report, "OUTPUT_CONFUSION": confusion,
            "OUTPUT_ERRORS": self._write_errors(parameters, context, feedback, source,
                                                evaluation, model),
            "OVERALL_ACCURACY": evaluation.overall_accuracy, "KAPPA": evaluation.kappa,
            "MACRO_F1": evaluation.macro_f1,
        }

    def _report_paths(self, parameters, context, model: str) -> tuple[str, str]:
        """OUTPUT_REPORT and OUTPUT_CONFUSION; where left at a temporary file, a file in
        ~/SceneClassifier/evaluations named after the model and the time (logged)."""
        from ..core.runtime.outputs import evaluation_paths

        defaults = evaluation_paths(model)
        paths = []
        for name, default in zip(("OUTPUT_REPORT", "OUTPUT_CONFUSION"), defaults):
            if parameters.get(name) in (None, "", QgsProcessing.TEMPORARY_OUTPUT):
                os.makedirs(os.path.dirname(default), exist_ok=True)
                paths.append(default)
            else:
                paths.append(self.parameterAsFileOutput(parameters, name, context))
        return paths[0], paths[1]

    def _write_errors(self, parameters, context, feedback, source, evaluation, model: str):
        """OUTPUT_ERRORS: the misclassified features, when asked for and possible."""
        if parameters.get("OUTPUT_ERRORS") in (None, ""):
            return None
        if source is None:
            feedback.pushWarning("OUTPUT_ERRORS needs INPUT_FEATURES; none written for a "
                                 "folder of chips.")
            return None
        fields = QgsFields(source.fields())
        for name, kind in ERROR_FIELDS:
            fields.append(QgsField(name, kind))
        mistakes = {m.source: m for m in evaluation.mistakes}
        request = QgsFeatureRequest().setFilterFids(list(mistakes))
        name = f"{os.path.splitext(os.path.basename(model))[0]}: misclassified features"
        with class_map_sink(self, parameters, context, "OUTPUT_ERRORS", fields,
                            source.wkbType(), source.sourceCrs(), "predicted",
                            evaluation.class_entries, name) as (sink, destination):
            for feature in source.getFeatures(request):
                mistake = mistakes[feature.id()]
                feature.setAttributes(feature.attributes() + [mistake.truth, mistake.predicted,
                                                              mistake.confidence])
                sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return destination
