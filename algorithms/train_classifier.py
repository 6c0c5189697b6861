"""sceneclassifier:trainclassifier — train a scene classifier and save a model package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.runtime.outputs import default_models_folder
from ..interface import ids, tools
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class TrainClassifier(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.TRAIN."""

    TOOL = tools.TRAIN

    def _output_folder(self, parameters: Parameters, context: QgsProcessingContext) -> str:
        """OUTPUT_FOLDER, or the models folder in the user's home when none is given (an
        explicit temporary folder, such as a model's intermediate output, stays one)."""
        if parameters.get(ids.OUTPUT_FOLDER) in (None, ""):
            return default_models_folder()
        return self.parameterAsString(parameters, ids.OUTPUT_FOLDER, context)

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Train a model and save its package; its paths, accuracy and rate."""
        from ..core.workflows.train import TrainSettings, train_classifier

        settings = self.settings(
            TrainSettings, parameters, context,
            output_folder=self._output_folder(parameters, context),
            report_path=self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context))
        outcome = train_classifier(settings, core_feedback)
        return {ids.MODEL_DEFINITION: outcome.paths.definition,
                ids.MODEL_PACKAGE: outcome.paths.dlpk, ids.ACCURACY: outcome.accuracy,
                ids.LEARNING_RATE: outcome.learning_rate,
                ids.OUTPUT_FOLDER: outcome.paths.folder, ids.OUTPUT_REPORT: outcome.paths.report}
