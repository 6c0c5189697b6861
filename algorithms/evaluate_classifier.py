"""sceneclassifier:evaluateclassifier — a model's accuracy against ground truth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgis.core import QgsProcessing

from ..interface import ids, tools
from .adapters import LayerSink, LayerSource, extent_in, raster_layer, raster_source
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class EvaluateClassifier(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.EVALUATE."""

    TOOL = tools.EVALUATE

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Evaluate the model against ground truth; the report, matrix and measures."""
        from ..core.workflows.evaluate import EvaluateSettings, evaluate

        layer = source = errors = None
        if self.given(parameters, ids.INPUT_FEATURES):  # way 2: features in place
            if self.given(parameters, ids.INPUT_RASTER):
                layer = raster_layer(self, parameters, context)
            source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, layer)
        settings = self.settings(
            EvaluateSettings, parameters, context, raster=raster_source(layer) if layer else "",
            extent=extent_in(self, parameters, context, layer) if layer else None,
            report_path=self.file_output(parameters, ids.OUTPUT_REPORT, context),
            confusion_path=self.file_output(parameters, ids.OUTPUT_CONFUSION, context))
        if self.given(parameters, ids.OUTPUT_ERRORS):
            errors = LayerSink(self, parameters, context, ids.OUTPUT_ERRORS,
                               source.source.wkbType() if source else 0,
                               source.source.sourceCrs() if source else None,
                               source.source.fields() if source else None,
                               lambda legend: self.tr("{}: misclassified features").format(
                                   legend.title))
        result = evaluate(settings, source, errors, core_feedback)
        evaluation = result.evaluation
        return {ids.OUTPUT_REPORT: result.report_path,
                ids.OUTPUT_CONFUSION: result.confusion_path,
                ids.OUTPUT_ERRORS: errors.destination if errors else None,
                ids.OVERALL_ACCURACY: evaluation.overall_accuracy, ids.KAPPA: evaluation.kappa,
                ids.MACRO_F1: evaluation.macro_f1}

    def file_output(self, parameters: Parameters, name: str,
                    context: QgsProcessingContext) -> str | None:
        """A report path; None (core's default, named after the model and the time in
        ~/SceneClassifier/evaluations) where left empty or at a temporary file."""
        if parameters.get(name) in (None, "", QgsProcessing.TEMPORARY_OUTPUT):
            return None
        return self.parameterAsFileOutput(parameters, name, context)
