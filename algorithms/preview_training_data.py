"""sceneclassifier:previewtrainingdata — look at the chips before training."""

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from .base import SceneClassifierAlgorithm, add_input_folder_parameter


class PreviewTrainingData(SceneClassifierAlgorithm):
    NAME = "previewtrainingdata"
    DISPLAY_NAME = "Preview training data"
    NEEDS = None
    HELP = (
        "Shows random chips of a training folder (ImageNet layout: <folder>/<class>/*.jpg or "
        "<folder>/images/<class>/*) with their class labels, and the number of chips per "
        "class, as an HTML page. Check the labels and the balance of the classes before "
        "training.<br><br>Needs no PyTorch."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_input_folder_parameter(self)
        self.add_parameter(
            QgsProcessingParameterNumber("ROWS", self.tr("Rows of chips"),
                                         QgsProcessingParameterNumber.Integer, 4, False, 1, 8),
            "The page shows a grid of random chips, this many rows and as many columns.")
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Preview"),
                                                  "HTML files (*.html)"),
            "HTML page with the chip grid and the class counts.")
        self.addOutput(QgsProcessingOutputNumber("CLASS_COUNT", self.tr("Number of classes")))
        self.addOutput(QgsProcessingOutputNumber("IMAGE_COUNT", self.tr("Number of chips")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows import preview_training_data

        report = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        summary = preview_training_data(
            self.parameterAsFile(parameters, "INPUT_FOLDER", context),
            self.parameterAsInt(parameters, "ROWS", context), report, feedback=core_feedback)
        return {"OUTPUT_REPORT": report, "CLASS_COUNT": len(summary["classes"]),
                "IMAGE_COUNT": sum(summary["class_counts"].values())}
