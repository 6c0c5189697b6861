"""sceneclassifier:evaluateclassifier — a model's accuracy against ground truth."""

import io
import os

from qgis.core import (
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)
from qgis.PyQt.QtCore import QVariant

from .base import DEVICES, SceneClassifierAlgorithm
from .chip_parameters import add_chip_parameters, chip_option_values
from .class_style import class_map_sink
from .classify_shared import (
    add_batch_and_device_parameters,
    add_model_parameter,
    add_raster_parameter,
    attribute_value,
    class_field_index,
    engine_value,
    feature_count,
    feature_source,
    features_with_wkb,
    raster_layer,
    refuse_clashes,
)

ERROR_FIELDS = (("truth", QVariant.String), ("predicted", QVariant.String),
                ("confidence", QVariant.Double))


class EvaluateClassifier(SceneClassifierAlgorithm):
    NAME = "evaluateclassifier"
    DISPLAY_NAME = "Evaluate classifier"
    GROUP_ID = "classification"
    NEEDS = "engine"
    HELP = (
        "Measures a trained model against ground truth, with the accuracy measures remote "
        "sensing reports: overall accuracy, Cohen's kappa, per-class producer's accuracy "
        "(recall), user's accuracy (precision) and F1, macro F1 and the confusion matrix."
        "<br><br>"
        "Give the ground truth in one of two ways, not both:<br>"
        "1. 'Folder of labelled chips' alone: chips in ImageNet layout, e.g. from 'Export "
        "training chips'; or<br>"
        "2. 'Input raster', 'Labelled features' and 'Truth field' together: the features are "
        "classified in place from the raster, with the chip options of 'Classify objects'."
        "<br>Both give the same numbers for the same chips.<br><br>"
        "Truth values that are not classes of the model are reported, not counted. Output: "
        "an HTML report (confusion matrix, per-class table, misclassified chips), the "
        "confusion matrix as CSV (truth classes as rows, predicted as columns) and, for "
        "features, optionally the misclassified features with truth, prediction and "
        "confidence.<br><br>Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_model_parameter(self)
        self.add_parameter(
            QgsProcessingParameterFile("INPUT_FOLDER", self.tr("Folder of labelled chips"),
                                       behavior=QgsProcessingParameterFile.Folder,
                                       optional=True),
            "Way 1 (alone): chips in ImageNet layout, <folder>/<class>/* or "
            "<folder>/images/<class>/*.")
        add_raster_parameter(self, optional=True)
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                "INPUT_FEATURES", self.tr("Labelled features"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint], optional=True),
            "Way 2, with 'Input raster' and 'Truth field': features classified in place.")
        self.add_parameter(
            QgsProcessingParameterField("TRUTH_FIELD", self.tr("Truth field"),
                                        parentLayerParameterName="INPUT_FEATURES",
                                        optional=True),
            "Text or integer field holding each feature's true class.")
        add_chip_parameters(
            self, "Only features intersecting this extent are evaluated, and only the raster "
            "inside it is read. Any CRS; empty = everything.")
        add_batch_and_device_parameters(self)
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Evaluation report"),
                                                  "HTML files (*.html)", optional=True),
            "Measures, confusion matrix, per-class table and misclassified chips. Left empty "
            "or at 'Save to temporary file', it is saved in ~/SceneClassifier/evaluations/ as "
            "'<model> <date> <time>.html' (kept after QGIS closes; the path is in the log).")
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_CONFUSION",
                                                  self.tr("Confusion matrix (CSV)"),
                                                  "CSV files (*.csv)", optional=True),
            "Rows: true classes; columns: predicted classes. Left empty or at 'Save to "
            "temporary file', it is saved beside the report as '<model> <date> <time> "
            "confusion.csv'.")
        self.add_parameter(
            QgsProcessingParameterFeatureSink("OUTPUT_ERRORS", self.tr("Misclassified features"),
                                              QgsProcessing.TypeVectorAnyGeometry, optional=True,
                                              createByDefault=False),
            "With 'Labelled features' (way 2): the misclassified features with truth, "
            "predicted and confidence.")
        for name, label in (("OVERALL_ACCURACY", "Overall accuracy"), ("KAPPA", "Cohen's kappa"),
                            ("MACRO_F1", "Macro F1")):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.classify import ClassifyOptions
        from ..core.evaluate import evaluate_features, evaluate_folder
        from ..core.report import write_atomic

        model = self.parameterAsFile(parameters, "MODEL", context)
        report, confusion = self._report_paths(parameters, context, model)
        folder = self.parameterAsFile(parameters, "INPUT_FOLDER", context)
        on_features = parameters.get("INPUT_FEATURES") not in (None, "")
        if bool(folder) == on_features:
            raise QgsProcessingException(
                "Give either 'Folder of labelled chips' (INPUT_FOLDER) alone, or 'Input raster' "
                "(INPUT_RASTER), 'Labelled features' (INPUT_FEATURES) and 'Truth field' "
                "(TRUTH_FIELD) together: one of the two ways, not both and not neither.")
        batch_size = self.parameterAsInt(parameters, "BATCH_SIZE", context)
        device = DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)]
        source = None
        if folder:
            evaluation = evaluate_folder(model, folder, batch_size, device, core_feedback,
                                         engine_value(self, parameters, context))
        else:
            if parameters.get("INPUT_RASTER") in (None, ""):
                raise QgsProcessingException("'Labelled features' (INPUT_FEATURES) needs "
                                             "'Input raster' (INPUT_RASTER), the imagery to "
                                             "classify them from.")
            if not self.parameterAsString(parameters, "TRUTH_FIELD", context):
                raise QgsProcessingException("'Labelled features' (INPUT_FEATURES) needs 'Truth "
                                             "field' (TRUTH_FIELD), the field with their true "
                                             "class.")
            layer = raster_layer(self, parameters, context)
            source = feature_source(self, parameters, context)
            if parameters.get("OUTPUT_ERRORS") not in (None, ""):
                refuse_clashes(source.fields(), [
                    (name, f"OUTPUT_ERRORS's field '{name}'", "Rename that field of "
                     "INPUT_FEATURES, or leave OUTPUT_ERRORS empty.")
                    for name, _ in ERROR_FIELDS])
            index = class_field_index(self, parameters, context, source, "TRUTH_FIELD")
            options = ClassifyOptions(**chip_option_values(self, parameters, context, layer),
                                      batch_size=batch_size, device=device,
                                      engine=engine_value(self, parameters, context))
            features = ((feature.id(), attribute_value(feature.attribute(index)), wkb)
                        for feature, wkb in features_with_wkb(source, layer, context))
            evaluation = evaluate_features(model, layer.source(), features, options, core_feedback,
                                           feature_count(source))
        feedback.pushInfo(evaluation.text())
        evaluation.write_report(report, model)
        text = io.StringIO()
        evaluation.write_csv(text)
        write_atomic(confusion, text.getvalue())
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
        from ..core.outputs import evaluation_paths

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
