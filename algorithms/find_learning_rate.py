"""sceneclassifier:findlearningrate — sweep the learning rate and suggest one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class FindLearningRate(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.FIND_LEARNING_RATE."""

    TOOL = tools.FIND_LEARNING_RATE

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Sweep the learning rate; the suggested rate and its report."""
        from ..core.workflows.train import TrainSettings, find_learning_rate

        report = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        settings = self.settings(TrainSettings, parameters, context, report_path=report)
        rate = find_learning_rate(settings, report, core_feedback)
        return {ids.LEARNING_RATE: rate, ids.OUTPUT_REPORT: report}
