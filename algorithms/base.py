"""What every Scene Classifier algorithm shares: naming, help, parameters, feedback bridge."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from contextlib import ExitStack

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
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

from ..core.errors import SceneClassifierError
from ..core.runtime.downloads import fetching_with
from ..core.runtime.feedback import Feedback
from ..interface import parameters as kinds
from ..interface.parameters import Parameter, Tool
from ..interface.settings import Settings, namer, settings_from
from .adapters import stac_items_as_assets
from .network import qgis_fetch, qgis_proxy

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")
Parameters = dict[str, object]  # Processing's parameter values, by parameter id
RESULT_OUTPUTS = {kinds.NUMBER_RESULT: QgsProcessingOutputNumber,
                  kinds.FILE_RESULT: QgsProcessingOutputFile,
                  kinds.BOOLEAN_RESULT: QgsProcessingOutputBoolean}


class SceneClassifierAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set TOOL (kinds.tools: name, help, parameters, outputs)
    and implement process(): parameters in, one use case of core.workflows, outputs out."""

    TOOL: Tool
    run_scope: ExitStack  # what lasts for one run (a web layer's credentials), then ends
    GROUPS = {"training": "Training", "classification": "Classification", "setup": "Setup"}

    def tr(self, text: str) -> str:
        """``text`` in the user's language: this class's literals and the tools' texts
        (interface.tools), all in one context (tools/i18n_template.py)."""
        return QCoreApplication.translate("SceneClassifierAlgorithm", text)

    def name(self) -> str:
        """The algorithm id (without the provider's prefix)."""
        return self.TOOL.name

    def displayName(self) -> str:  # noqa: N802 (QGIS's name)
        """The tool's name as the toolbox shows it."""
        return self.tr(self.TOOL.display_name)

    def group(self) -> str:
        """The toolbox group's name."""
        return self.tr(self.GROUPS[self.TOOL.group])

    def groupId(self) -> str:  # noqa: N802 (QGIS's name)
        """The toolbox group's id: training, classification or setup."""
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
        """The plugin's icon."""
        return QIcon(ICON)

    def createInstance(self) -> SceneClassifierAlgorithm:  # noqa: N802 (QGIS's name)
        """A new instance of this algorithm's class."""
        return type(self)()

    def initAlgorithm(self, config: dict | None = None) -> None:  # noqa: N802 (QGIS's name)
        """The tool's parameters, then the results it returns (kinds.tools)."""
        for spec in self.TOOL.parameters:
            parameter = qgis_parameter(spec, self.tr)
            if spec.help:
                parameter.setHelp(as_html(self.tr(spec.help)))
            if spec.advanced:
                parameter.setFlags(parameter.flags()
                                   | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        for output in self.TOOL.outputs:
            self.addOutput(RESULT_OUTPUTS[output.kind](output.name, self.tr(output.label)))

    def value(self, parameters: Parameters, name: str, context: QgsProcessingContext) -> object:
        """A value parameter as core takes it: numbers, text, booleans, files and folders
        as they are, enums as their Choice's value."""
        kind = self.TOOL.parameter(name).kind
        if kind == kinds.ENUM:
            return self.TOOL.parameter(name).choices[
                self.parameterAsEnum(parameters, name, context)].value
        reader = {kinds.INTEGER: self.parameterAsInt, kinds.NUMBER: self.parameterAsDouble,
                  kinds.DISTANCE: self.parameterAsDouble,
                  kinds.BOOLEAN: self.parameterAsBoolean,
                  kinds.STRING: self.parameterAsString, kinds.FIELD: self.parameterAsString,
                  kinds.FILE: self.parameterAsFile, kinds.FOLDER: self.parameterAsFile}[kind]
        return reader(parameters, name, context)

    @staticmethod
    def given(parameters: Parameters, name: str) -> bool:
        """True when the parameter ``name`` has a value."""
        return parameters.get(name) not in (None, "")

    def settings(self, kind: type[Settings], parameters: Parameters, context: QgsProcessingContext,
                 **given: object) -> Settings:
        """Core's settings ``kind`` from this tool's parameters (interface.settings)."""
        return settings_from(self.TOOL, kind, lambda name: self.value(parameters, name,
                                                                      context), **given)

    def name_of(self, setting: str, how: str = "") -> str:
        """A core setting as this tool names it (core.errors.spell): its parameter id, its
        label, or both."""
        return namer(self.TOOL, lambda spec: spec.name, lambda spec: self.tr(spec.label))(
            setting, how)

    def checkParameterValues(self, parameters: Parameters,  # noqa: N802 (QGIS's name)
                             context: QgsProcessingContext) -> tuple[bool, str]:
        """QGIS's checks, saying what a refused number or file should have been."""
        for definition in self.parameterDefinitions():
            value = parameters.get(definition.name())
            label = f"{definition.description()} ({definition.name()})"
            if isinstance(definition, QgsProcessingParameterNumber):
                problem = _number_problem(definition, value)
                if problem:
                    allowed = self.tr("a finite number") if problem == NOT_FINITE else \
                        self.tr("a whole number")
                    return False, self.tr("{} must be {}; got {}.").format(label, allowed, value)
            if value is None or definition.checkValueIsAcceptable(value, context):
                continue
            if isinstance(definition, QgsProcessingParameterNumber):
                low, high = definition.minimum(), definition.maximum()
                allowed = self.tr("at least {}").format(f"{low:g}") if high > 1e300 else \
                    self.tr("from {} to {}").format(f"{low:g}", f"{high:g}")
                return False, self.tr("{} must be {}; got {}.").format(label, allowed, value)
            if isinstance(definition, QgsProcessingParameterFile) and definition.fileFilter():
                return False, self.tr("{} must be one of {}; got {}.").format(
                    label, definition.fileFilter(), value)
        try:
            parameters = stac_items_as_assets(self, parameters, context)
        except SceneClassifierError as error:
            return False, error.spelled(self.name_of)
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters: Parameters,  # noqa: N802 (QGIS's name)
                         context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        """Check dependencies, run, and turn core errors into clean Processing errors."""
        from ..core.runtime.outputs import describe_os_error

        try:
            if self.TOOL.needs == "torch":
                from ..core.runtime.dependencies import require_torch

                require_torch()
            self._check_outputs(parameters, context)
            # what core downloads goes through QGIS's network; run_scope ends with the run
            with qgis_proxy(), fetching_with(qgis_fetch(feedback)), \
                    ExitStack() as self.run_scope:
                return self.process(parameters, context, feedback,
                                    core_feedback(feedback, self.name_of))
        except SceneClassifierError as error:
            raise QgsProcessingException(error.spelled(self.name_of)) from error
        except OSError as error:  # the disk, permissions, a path: a message, not a traceback
            raise QgsProcessingException(describe_os_error(error)) from error

    def _check_outputs(self, parameters: Parameters, context: QgsProcessingContext) -> None:
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

    def _output_path(self, definition: QgsProcessingParameterDefinition, parameters: Parameters,
                     context: QgsProcessingContext) -> str:
        name = definition.name()
        if definition.type() in ("sink", "rasterDestination", "vectorDestination"):
            return self.parameterAsOutputLayer(parameters, name, context).split("|")[0]
        if definition.type() == "fileDestination":
            return self.parameterAsFileOutput(parameters, name, context)
        return self.parameterAsString(parameters, name, context)

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """The tool's work: parameters in, one use case of core.workflows, outputs out."""
        raise NotImplementedError


INPUT_TYPES = ("raster", "source", "vector", "file")  # parameters that read a file or folder


def _output_kind(definition: QgsProcessingParameterDefinition) -> str:
    """core.outputs' FOLDER, TABLE (a sink without geometry) or FILE."""
    from ..core.runtime.outputs import FILE, FOLDER, TABLE

    if definition.type() == "folderDestination":
        return FOLDER
    if definition.type() == "sink" and definition.dataType() == QgsProcessing.SourceType.TypeVector:
        return TABLE
    return FILE


def _input_path(value: object, context: QgsProcessingContext) -> str | None:
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


NOT_FINITE, NOT_WHOLE = "not finite", "not whole"


def _number_problem(definition: QgsProcessingParameterNumber, value: object) -> str:
    """What a number parameter's value fails that QGIS's own check lets through: NOT_FINITE
    (NaN), NOT_WHOLE (a fraction where a whole number is meant), or ''."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return ""  # unset, an expression or a model input: QGIS evaluates those
    try:
        number = float(value)
    except ValueError:
        return ""  # QGIS's own check says it is not a number
    if not math.isfinite(number):
        return NOT_FINITE
    whole = definition.dataType() == QgsProcessingParameterNumber.Type.Integer
    if whole and not number.is_integer():
        return NOT_WHOLE
    return ""


def as_html(text: str) -> str:
    """Help text as QGIS shows it (HTML): placeholders such as <folder>/<class> are escaped
    so they are shown, not eaten as tags; the line breaks (<br>) stay."""
    return re.sub(r"<(?!br>)([^<>]*)>", r"&lt;\1&gt;", text)


def core_feedback(feedback: QgsProcessingFeedback,
                  name_of: Callable[[str, str], str]) -> Feedback:
    """Bridge QgsProcessingFeedback to core's callables; the settings core's lines name
    are said as parameter ids (``name_of``)."""

    def progress(fraction: float, text: str) -> None:
        feedback.setProgress(100.0 * fraction)
        if text:
            feedback.setProgressText(text)

    return Feedback(progress=progress, log=feedback.pushInfo, is_cancelled=feedback.isCanceled,
                    warn=feedback.pushWarning, name_of=name_of)


FEATURE_TYPES = {kinds.POLYGONS_OR_POINTS: [QgsProcessing.SourceType.TypeVectorPolygon,
                                                QgsProcessing.SourceType.TypeVectorPoint],
                 kinds.ANY_GEOMETRY: [QgsProcessing.SourceType.TypeVector]}
SINK_TYPES = {kinds.ANY_GEOMETRY: QgsProcessing.SourceType.TypeVectorAnyGeometry,
              kinds.POLYGONS: QgsProcessing.SourceType.TypeVectorPolygon,
              kinds.NO_GEOMETRY: QgsProcessing.SourceType.TypeVector}


def qgis_parameter(spec: Parameter,
                   tr: Callable[[str], str]) -> QgsProcessingParameterDefinition:
    """The Processing parameter of an interface Parameter."""
    label, default, optional = tr(spec.label), spec.default_value(), spec.optional
    kind = spec.kind
    if kind in (kinds.FOLDER, kinds.FILE):
        behavior = QgsProcessingParameterFile.Behavior.Folder if kind == kinds.FOLDER else \
            QgsProcessingParameterFile.Behavior.File
        return QgsProcessingParameterFile(spec.name, label, behavior=behavior,
                                          optional=optional, fileFilter=spec.file_filter)
    if kind == kinds.RASTER:
        return QgsProcessingParameterRasterLayer(spec.name, label, optional=optional)
    if kind == kinds.FEATURES:
        return QgsProcessingParameterFeatureSource(spec.name, label, FEATURE_TYPES[spec.geometry],
                                                   optional=optional)
    if kind == kinds.FIELD:
        return QgsProcessingParameterField(spec.name, label, parentLayerParameterName=spec.parent,
                                           optional=optional)
    if kind == kinds.STRING:
        return QgsProcessingParameterString(spec.name, label, default, optional=optional)
    if kind in (kinds.INTEGER, kinds.NUMBER):
        number = QgsProcessingParameterNumber.Type.Integer if kind == kinds.INTEGER else \
            QgsProcessingParameterNumber.Type.Double
        parameter = QgsProcessingParameterNumber(spec.name, label, number, default, optional)
        if spec.minimum is not None:
            parameter.setMinimum(spec.minimum)
        if spec.maximum is not None:
            parameter.setMaximum(spec.maximum)
        if spec.decimals is not None:  # QGIS's number widget shows 6 decimals unless told
            parameter.setMetadata({"widget_wrapper": {"decimals": spec.decimals}})
        return parameter
    if kind == kinds.BOOLEAN:
        return QgsProcessingParameterBoolean(spec.name, label, default)
    if kind == kinds.ENUM:
        return QgsProcessingParameterEnum(spec.name, label,
                                          options=[tr(choice.label) for choice in spec.choices],
                                          defaultValue=spec.default_index())
    if kind == kinds.DISTANCE:
        return QgsProcessingParameterDistance(spec.name, label, default, spec.parent,
                                              minValue=spec.minimum)
    if kind == kinds.EXTENT:
        return QgsProcessingParameterExtent(spec.name, label, optional=optional)
    if kind == kinds.FOLDER_OUT:
        return QgsProcessingParameterFolderDestination(spec.name, label, defaultValue=default,
                                                       optional=optional)
    if kind == kinds.FILE_OUT:
        return QgsProcessingParameterFileDestination(spec.name, label, spec.file_filter,
                                                     optional=optional,
                                                     createByDefault=spec.create_by_default)
    if kind == kinds.FEATURES_OUT:
        return QgsProcessingParameterFeatureSink(spec.name, label, SINK_TYPES[spec.geometry],
                                                 optional=optional,
                                                 createByDefault=spec.create_by_default)
    if kind == kinds.RASTER_OUT:
        return QgsProcessingParameterRasterDestination(spec.name, label, optional=optional,
                                                       createByDefault=spec.create_by_default)
    raise ValueError(f"Unknown parameter kind {kind!r} of {spec.name}.")
