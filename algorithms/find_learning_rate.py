"""sceneclassifier:findlearningrate — sweep the learning rate and suggest one."""

from qgis.core import QgsProcessingOutputNumber

from ..core import interface
from .base import SceneClassifierAlgorithm, train_settings


class FindLearningRate(SceneClassifierAlgorithm):
    TOOL = interface.FIND_LEARNING_RATE

    def add_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputNumber("LEARNING_RATE",
                                                 self.tr("Suggested learning rate")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.train import find_learning_rate

        report = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        rate = find_learning_rate(train_settings(self, parameters, context), report, core_feedback)
        return {"LEARNING_RATE": rate, "OUTPUT_REPORT": report}
