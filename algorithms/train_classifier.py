"""sceneclassifier:trainclassifier — train a scene classifier and save a model package."""

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core.outputs import default_models_folder
from .base import (
    SceneClassifierAlgorithm,
    add_device_parameters,
    add_model_parameters,
    add_training_data_parameters,
    train_settings,
)


class TrainClassifier(SceneClassifierAlgorithm):
    NAME = "trainclassifier"
    DISPLAY_NAME = "Train scene classifier"
    HELP = (
        "Trains a deep-learning classifier on a folder of labelled image chips in ImageNet "
        "layout (<folder>/<class>/*.jpg, or <folder>/images/<class>/*) with transfer learning "
        "from a torchvision backbone, and saves a model package.<br><br>"
        "Steps: the chips are read once (unreadable files are skipped and listed), split per "
        "class into training and validation, the learning rate is found automatically when "
        "'Learning rate' is 0, then the network is trained with a one-cycle schedule and "
        "overhead-imagery augmentation (flips, 90° rotations, mild zoom, brightness, and "
        "colour for RGB chips). The "
        "epoch with the lowest validation loss is kept. After every epoch a checkpoint is "
        "saved, so a cancelled or killed run can continue with 'Resume'.<br><br>"
        "Output: <output folder>/<model name>/ with <model name>.emd (Esri-compatible model "
        "definition), <model name>.pth (weights), <model name>.dlpk (the package in one file) "
        "and an HTML report (chips, learning-rate curve, epoch table, confusion matrix, per-class "
        "precision/recall/F1, validation results). Use the .emd or .dlpk to classify features."
        "<br><br>Needs PyTorch and torchvision in QGIS's Python."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_training_data_parameters(self)
        add_model_parameters(self)
        self.add_parameter(
            QgsProcessingParameterNumber("EPOCHS", self.tr("Epochs"),
                                         QgsProcessingParameterNumber.Integer, 20, False, 1,
                                         10000),
            "Passes over the training chips. Early stopping may end sooner.")
        self.add_parameter(
            QgsProcessingParameterNumber("LEARNING_RATE", self.tr("Learning rate (0 = find it)"),
                                         QgsProcessingParameterNumber.Double, 0.0, False, 0.0,
                                         10.0),
            "Peak learning rate of the one-cycle schedule. 0 runs the learning-rate finder "
            "first; connect 'Find learning rate' here in a model.")
        self.add_parameter(
            QgsProcessingParameterBoolean("EARLY_STOPPING", self.tr("Stop early"), True),
            "Stop when the validation loss has not improved for 5 epochs (counted after the "
            "first quarter of the epochs, while the rate still rises).", advanced=True)
        self.add_parameter(
            QgsProcessingParameterBoolean("RESUME", self.tr("Resume an interrupted run"), False),
            "Continue from the last finished epoch of an earlier run of this model that was "
            "cancelled or killed (its checkpoint is in <output folder>/<model name>.partial/). "
            "Give the same inputs and settings as that run. Without a checkpoint, training "
            "starts at epoch 1.")
        add_device_parameters(self)
        self.add_parameter(
            QgsProcessingParameterString("MODEL_NAME", self.tr("Model name"), "model"),
            "Name of the package folder and its files.")
        self.add_parameter(
            QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Output folder"),
                                                    defaultValue=default_models_folder(),
                                                    optional=True),
            "The package is written to <output folder>/<model name>/ once training has "
            f"finished. Default: {default_models_folder()} (kept after QGIS closes; made if "
            "missing). It must lie outside the training data. An existing folder of that name "
            "is never replaced, unless it is an earlier model package and 'Replace an existing "
            "model package' is checked.")
        self.add_parameter(
            QgsProcessingParameterBoolean("OVERWRITE",
                                          self.tr("Replace an existing model package"), False),
            "Replace an earlier package of the same name in the output folder (only once the "
            "new one is complete; a folder that is not a model package is never replaced). "
            "Off: such a run stops before training.", advanced=True)
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_REPORT",
                                                  self.tr("Extra copy of the training report"),
                                                  "HTML files (*.html)", optional=True,
                                                  createByDefault=False),
            "The HTML report is always saved inside the model package; give a file here for an "
            "extra copy elsewhere (optional).")
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
        from ..core.workflows import train_classifier

        settings = train_settings(
            self, parameters, context,
            epochs=self.parameterAsInt(parameters, "EPOCHS", context),
            learning_rate=self.parameterAsDouble(parameters, "LEARNING_RATE", context),
            early_stopping=self.parameterAsBoolean(parameters, "EARLY_STOPPING", context),
            model_name=self.parameterAsString(parameters, "MODEL_NAME", context),
            output_folder=self._output_folder(parameters, context),
            report_path=self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context) or None,
            resume=self.parameterAsBoolean(parameters, "RESUME", context),
            overwrite=self.parameterAsBoolean(parameters, "OVERWRITE", context),
        )
        outcome = train_classifier(settings, core_feedback)
        return {
            "MODEL_DEFINITION": outcome.paths.definition,
            "MODEL_PACKAGE": outcome.paths.dlpk,
            "ACCURACY": outcome.accuracy,
            "LEARNING_RATE": outcome.learning_rate,
            "OUTPUT_FOLDER": outcome.paths.folder,
            "OUTPUT_REPORT": outcome.paths.report,
        }
