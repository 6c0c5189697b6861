"""sceneclassifier:previewtrainingdata — look at the chips before training."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class PreviewTrainingData(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.PREVIEW."""

    TOOL = tools.PREVIEW

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Write the training data report; its class and image counts."""
        from ..core.workflows.preview import preview_training_data

        report = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        summary = preview_training_data(
            self.parameterAsFile(parameters, ids.INPUT_FOLDER, context),
            self.parameterAsInt(parameters, ids.ROWS, context), report, feedback=core_feedback)
        return {ids.OUTPUT_REPORT: report, ids.CLASS_COUNT: len(summary["classes"]),
                ids.IMAGE_COUNT: summary["chips_found"]}
