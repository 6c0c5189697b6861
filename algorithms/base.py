"""What every Scene Classifier algorithm shares: naming, help, parameters, feedback bridge."""

from __future__ import annotations

import os
import re

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..core import interface
from ..core.errors import SceneClassifierError
from ..core.interface import Parameter, Tool
from ..core.runtime.feedback import Feedback

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")


class SceneClassifierAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set TOOL (core.interface: name, help, parameters), add their
    outputs in add_outputs() and implement process()."""

    TOOL: Tool
    GROUPS = {"training": "Training", "classification": "Classification", "setup": "Setup"}

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("SceneClassifier", text)

    def name(self) -> str:
        return self.TOOL.name

    def displayName(self) -> str:  # noqa: N802 (QGIS's name)
        return self.tr(self.TOOL.display_name)

    def group(self) -> str:
        return self.tr(self.GROUPS[self.TOOL.group])

    def groupId(self) -> str:  # noqa: N802 (QGIS's name)
        return self.TOOL.group

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS's name)
        """The help panel; it opens with the install command while PyTorch is missing."""
        from ..core.runtime.dependencies import (
            installed,
            missing_engine_note,
            missing_torch_note,
            torch_installed,
        )

        text = self.tr(self.TOOL.help)
        note = None
        if self.TOOL.needs == "torch" and not torch_installed():
            note = missing_torch_note()
        elif self.TOOL.needs == "engine" and not (torch_installed() or installed("onnxruntime")):
            note = missing_engine_note()
        if note:
            text = note.replace("\n", "<br>") + "<br><br>" + text
        return as_html(text)

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802 (QGIS's name)
        return type(self)()

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        """The tool's parameters (core.interface), then its outputs."""
        for spec in self.TOOL.parameters:
            parameter = qgis_parameter(spec, self.tr)
            if spec.help:
                parameter.setHelp(as_html(self.tr(spec.help)))
            if spec.advanced:
                parameter.setFlags(parameter.flags()
                                   | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(parameter)
        self.add_outputs()

    def add_outputs(self) -> None:
        """Add the outputs that are not parameters (numbers, files written by the tool)."""

    def value(self, parameters, name: str, context):
        """A value parameter as core takes it: numbers, text, booleans, files and folders
        as they are, enums as their Choice's value."""
        kind = self.TOOL.parameter(name).kind
        if kind == interface.ENUM:
            return self.choice(parameters, name, context)
        reader = {interface.INTEGER: self.parameterAsInt, interface.NUMBER: self.parameterAsDouble,
                  interface.DISTANCE: self.parameterAsDouble,
                  interface.BOOLEAN: self.parameterAsBoolean,
                  interface.STRING: self.parameterAsString, interface.FILE: self.parameterAsFile,
                  interface.FOLDER: self.parameterAsFile}[kind]
        return reader(parameters, name, context)

    def choice(self, parameters, name: str, context):
        """An enum parameter's value as core names it (its Choice's value)."""
        return self.TOOL.parameter(name).choices[
            self.parameterAsEnum(parameters, name, context)].value

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
        from ..core.runtime.outputs import describe_os_error

        try:
            if self.TOOL.needs == "torch":
                from ..core.runtime.dependencies import require_torch

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
        from ..core.runtime.outputs import check_output_paths

        temporary = QgsProcessingUtils.tempFolder()
        outputs, inputs = [], []
        for definition in self.parameterDefinitions():
            if parameters.get(definition.name()) in (None, ""):
                continue
            label = f"'{definition.description()}' ({definition.name()})"
            if definition.isDestination():
                path = self._output_path(definition, parameters, context)
                if path and os.path.isabs(path) and not path.startswith(temporary):
                    outputs.append((label, path, _output_kind(definition)))
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


def _output_kind(definition) -> str:
    """core.outputs' FOLDER, TABLE (a sink without geometry) or FILE."""
    from ..core.runtime.outputs import FILE, FOLDER, TABLE

    if definition.type() == "folderDestination":
        return FOLDER
    if definition.type() == "sink" and definition.dataType() == QgsProcessing.TypeVector:
        return TABLE
    return FILE


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


def train_settings(alg: SceneClassifierAlgorithm, parameters, context, **extra):
    """Read the training parameters into core's TrainSettings."""
    from ..core.workflows.train import train_settings as settings

    return settings(alg.TOOL, lambda name: alg.value(parameters, name, context), **extra)


FEATURE_TYPES = {interface.POLYGONS_OR_POINTS: [QgsProcessing.TypeVectorPolygon,
                                                QgsProcessing.TypeVectorPoint],
                 interface.ANY_GEOMETRY: [QgsProcessing.TypeVector]}
SINK_TYPES = {interface.ANY_GEOMETRY: QgsProcessing.TypeVectorAnyGeometry,
              interface.POLYGONS: QgsProcessing.TypeVectorPolygon,
              interface.NO_GEOMETRY: QgsProcessing.TypeVector}


def qgis_parameter(spec: Parameter, tr) -> QgsProcessingParameterDefinition:
    """The Processing parameter of a core.interface Parameter."""
    label, default, optional = tr(spec.label), spec.default_value(), spec.optional
    kind = spec.kind
    if kind in (interface.FOLDER, interface.FILE):
        behavior = QgsProcessingParameterFile.Folder if kind == interface.FOLDER else \
            QgsProcessingParameterFile.File
        return QgsProcessingParameterFile(spec.name, label, behavior=behavior,
                                          optional=optional, fileFilter=spec.file_filter)
    if kind == interface.RASTER:
        return QgsProcessingParameterRasterLayer(spec.name, label, optional=optional)
    if kind == interface.FEATURES:
        return QgsProcessingParameterFeatureSource(spec.name, label, FEATURE_TYPES[spec.geometry],
                                                   optional=optional)
    if kind == interface.FIELD:
        return QgsProcessingParameterField(spec.name, label, parentLayerParameterName=spec.parent,
                                           optional=optional)
    if kind == interface.STRING:
        return QgsProcessingParameterString(spec.name, label, default, optional=optional)
    if kind in (interface.INTEGER, interface.NUMBER):
        number = QgsProcessingParameterNumber.Integer if kind == interface.INTEGER else \
            QgsProcessingParameterNumber.Double
        parameter = QgsProcessingParameterNumber(spec.name, label, number, default, optional)
        if spec.minimum is not None:
            parameter.setMinimum(spec.minimum)
        if spec.maximum is not None:
            parameter.setMaximum(spec.maximum)
        return parameter
    if kind == interface.BOOLEAN:
        return QgsProcessingParameterBoolean(spec.name, label, default)
    if kind == interface.ENUM:
        return QgsProcessingParameterEnum(spec.name, label,
                                          options=[tr(choice.label) for choice in spec.choices],
                                          defaultValue=spec.default_index())
    if kind == interface.DISTANCE:
        return QgsProcessingParameterDistance(spec.name, label, default, spec.parent,
                                              minValue=spec.minimum)
    if kind == interface.EXTENT:
        return QgsProcessingParameterExtent(spec.name, label, optional=optional)
    if kind == interface.FOLDER_OUT:
        return QgsProcessingParameterFolderDestination(spec.name, label, defaultValue=default,
                                                       optional=optional)
    if kind == interface.FILE_OUT:
        return QgsProcessingParameterFileDestination(spec.name, label, spec.file_filter,
                                                     optional=optional,
                                                     createByDefault=spec.create_by_default)
    if kind == interface.FEATURES_OUT:
        return QgsProcessingParameterFeatureSink(spec.name, label, SINK_TYPES[spec.geometry],
                                                 optional=optional,
                                                 createByDefault=spec.create_by_default)
    if kind == interface.RASTER_OUT:
        return QgsProcessingParameterRasterDestination(spec.name, label, optional=optional,
                                                       createByDefault=spec.create_by_default)
    raise ValueError(f"Unknown parameter kind {kind!r} of {spec.name}.")
