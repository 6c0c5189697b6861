"""sceneclassifier:checkdependencies — what is installed for the plugin, and the GPU."""

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm


class CheckDependencies(SceneClassifierAlgorithm):
    TOOL = tools.CHECK_DEPENDENCIES

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.check_dependencies import check_and_report

        path = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        return {ids.OUTPUT_REPORT: path, **check_and_report(path, core_feedback)}
