"""sceneclassifier:findlearningrate — sweep the learning rate and suggest one."""

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm


class FindLearningRate(SceneClassifierAlgorithm):
    TOOL = tools.FIND_LEARNING_RATE

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.train import TrainSettings, find_learning_rate

        report = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        settings = self.settings(TrainSettings, parameters, context, report_path=report)
        rate = find_learning_rate(settings, report, core_feedback)
        return {ids.LEARNING_RATE: rate, ids.OUTPUT_REPORT: report}
