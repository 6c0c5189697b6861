"""sceneclassifier:previewtrainingdata — look at the chips before training."""

from qgis.core import QgsProcessingOutputNumber

from ..core import interface
from .base import SceneClassifierAlgorithm


class PreviewTrainingData(SceneClassifierAlgorithm):
    TOOL = interface.PREVIEW

    def add_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputNumber("CLASS_COUNT", self.tr("Number of classes")))
        self.addOutput(QgsProcessingOutputNumber("IMAGE_COUNT", self.tr("Number of chips")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.preview import preview_training_data

        report = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        summary = preview_training_data(
            self.parameterAsFile(parameters, "INPUT_FOLDER", context),
            self.parameterAsInt(parameters, "ROWS", context), report, feedback=core_feedback)
        return {"OUTPUT_REPORT": report, "CLASS_COUNT": len(summary["classes"]),
                "IMAGE_COUNT": sum(summary["class_counts"].values())}
