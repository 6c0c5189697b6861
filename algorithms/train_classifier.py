"""sceneclassifier:trainclassifier — train a scene classifier and save a model package."""

from qgis.core import QgsProcessingOutputFile, QgsProcessingOutputNumber

from ..core import interface
from ..core.runtime.outputs import default_models_folder
from .base import SceneClassifierAlgorithm, train_settings


class TrainClassifier(SceneClassifierAlgorithm):
    TOOL = interface.TRAIN

    def add_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputFile("MODEL_DEFINITION",
                                               self.tr("Model definition (.emd)")))
        self.addOutput(QgsProcessingOutputFile("MODEL_PACKAGE", self.tr("Model package (.dlpk)")))
        self.addOutput(QgsProcessingOutputNumber("ACCURACY",
                                                 self.tr("Best validation accuracy")))
        self.addOutput(QgsProcessingOutputNumber("LEARNING_RATE", self.tr("Learning rate used")))

    def _output_folder(self, parameters, context) -> str:
        """OUTPUT_FOLDER, or the models folder in the user's home when none is given (an
        explicit temporary folder, such as a model's intermediate output, stays one)."""
        if parameters.get("OUTPUT_FOLDER") in (None, ""):
            return default_models_folder()
        return self.parameterAsString(parameters, "OUTPUT_FOLDER", context)

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.train import train_classifier

        settings = train_settings(
            self, parameters, context, output_folder=self._output_folder(parameters, context),
            report_path=self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context) or None)
        outcome = train_classifier(settings, core_feedback)
        return {
            "MODEL_DEFINITION": outcome.paths.definition,
            "MODEL_PACKAGE": outcome.paths.dlpk,
            "ACCURACY": outcome.accuracy,
            "LEARNING_RATE": outcome.learning_rate,
            "OUTPUT_FOLDER": outcome.paths.folder,
            "OUTPUT_REPORT": outcome.paths.report,
        }
