"""sceneclassifier:previewtrainingdata — look at the chips before training."""

from ..interface import ids, tools
from .base import SceneClassifierAlgorithm


class PreviewTrainingData(SceneClassifierAlgorithm):
    TOOL = tools.PREVIEW

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.preview import preview_training_data

        report = self.parameterAsFileOutput(parameters, ids.OUTPUT_REPORT, context)
        summary = preview_training_data(
            self.parameterAsFile(parameters, ids.INPUT_FOLDER, context),
            self.parameterAsInt(parameters, ids.ROWS, context), report, feedback=core_feedback)
        return {ids.OUTPUT_REPORT: report, ids.CLASS_COUNT: len(summary["classes"]),
                ids.IMAGE_COUNT: sum(summary["class_counts"].values())}
