"""sceneclassifier:checkdependencies — what is installed for the plugin, and the GPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class CheckDependencies(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.CHECK_DEPENDENCIES."""

    TOOL = tools.CHECK_DEPENDENCIES

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Check what is installed and write the dependency report."""
        from ..core.workflows.check_dependencies import check_and_report

        path = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        return {ids.OUTPUT_REPORT: path, **check_and_report(
            path, core_feedback, self.value(parameters, ids.INSTALL, context),
            self.value(parameters, ids.WHEELS, context) or None)}
