"""sceneclassifier:findlearningrate — sweep the learning rate and suggest one."""

from qgis.core import QgsProcessingOutputNumber, QgsProcessingParameterFileDestination

from .base import (
    SceneClassifierAlgorithm,
    add_device_parameters,
    add_model_parameters,
    add_training_data_parameters,
    train_settings,
)


class FindLearningRate(SceneClassifierAlgorithm):
    NAME = "findlearningrate"
    DISPLAY_NAME = "Find learning rate"
    HELP = (
        "Finds a good learning rate for 'Train scene classifier' with the same chips and "
        "backbone: trains briefly while raising the rate exponentially from 1e-7 to 10, and "
        "suggests a tenth of the rate at which the (smoothed) loss is lowest.<br><br>"
        "Output: the suggested learning rate, to type into the trainer or to connect to its "
        "'Learning rate' in a model, and an HTML report with the loss curve and the "
        "suggestion marked."
        "<br><br>The trainer does the same by itself when its learning rate is 0."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_training_data_parameters(self)
        add_model_parameters(self)
        add_device_parameters(self)
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Learning rate plot"),
                                                  "HTML files (*.html)"),
            "HTML page with the loss against the learning rate and the suggested rate.")
        self.addOutput(QgsProcessingOutputNumber("LEARNING_RATE",
                                                 self.tr("Suggested learning rate")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows import find_learning_rate

        report = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        rate = find_learning_rate(train_settings(self, parameters, context), report, core_feedback)
        return {"LEARNING_RATE": rate, "OUTPUT_REPORT": report}
