"""What the classify algorithms share: their parameters, the model + raster check, the result
fields, streaming features through core's classifier into the sink, and the summary table."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCsException,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.engines import ENGINES
from .base import (
    DEVICES,
    SceneClassifierAlgorithm,
    add_batch_size_parameter,
    add_device_parameter,
)
from .chip_parameters import add_chip_parameters, chip_option_values
from .class_style import class_map_sink
from .staged_sinks import staged_sink, write_csv_types

RESULT_FIELDS = (("CLASS_LABEL_FIELD", "ClassLabel", QVariant.String, "Class label field",
                  "Text field for the class name."),
                 ("CLASS_VALUE_FIELD", "ClassValue", QVariant.Int, "Class value field",
                  "Integer field for the class value (the model's Classes Value)."),
                 ("CONFIDENCE_FIELD", "Confidence", QVariant.Double, "Confidence field",
                  "Real field for the model's probability of that class (0 to 1)."))


def add_raster_parameter(alg: SceneClassifierAlgorithm, optional: bool = False) -> None:
    """INPUT_RASTER."""
    alg.add_parameter(
        QgsProcessingParameterRasterLayer("INPUT_RASTER", alg.tr("Input raster"),
                                          optional=optional),
        "The imagery: a raster file GDAL reads (GeoTIFF, VRT …), north-up; to classify, with "
        "the bands and data type the model was trained on.")


def add_model_parameter(alg: SceneClassifierAlgorithm) -> None:
    """MODEL: a .emd or .dlpk."""
    alg.add_parameter(
        QgsProcessingParameterFile("MODEL", alg.tr("Model definition (.emd or .dlpk)"),
                                   fileFilter="Model packages (*.emd *.dlpk)"),
        "A package saved by 'Train scene classifier'. Packages are data: nothing in them is "
        "executed.")


def add_raster_and_model_parameters(alg: SceneClassifierAlgorithm) -> None:
    """INPUT_RASTER and MODEL."""
    add_raster_parameter(alg)
    add_model_parameter(alg)


def add_batch_and_device_parameters(alg: SceneClassifierAlgorithm) -> None:
    """BATCH_SIZE, DEVICE and ENGINE."""
    add_batch_size_parameter(alg, "Chips classified at once. Lower it if the GPU runs out of "
                             "memory.", advanced=True)
    add_device_parameter(alg)
    alg.add_parameter(
        QgsProcessingParameterEnum("ENGINE", alg.tr("Engine"), options=list(ENGINES),
                                   defaultValue=0),
        "What runs the network: auto uses PyTorch when it is installed, else onnxruntime on "
        "the ONNX copy every model package carries (onnxruntime is about 15 MB; PyTorch "
        "0.2 to 2 GB). The log names the engine, processor and precision that ran.",
        advanced=True)


def engine_value(alg: SceneClassifierAlgorithm, parameters, context) -> str:
    """ENGINE as core.engines names it."""
    return ENGINES[alg.parameterAsEnum(parameters, "ENGINE", context)]


def add_classify_parameters(alg: SceneClassifierAlgorithm, extent_help: str) -> None:
    """The chip parameters, BLACKEN_AROUND_FEATURE, the result field names, BATCH_SIZE,
    DEVICE and TEST_TIME_AUGMENTATION."""
    add_chip_parameters(alg, extent_help, blacken=True)
    for name, default, _, label, help_text in RESULT_FIELDS:
        alg.add_parameter(QgsProcessingParameterString(name, alg.tr(label), default), help_text,
                          advanced=True)
    add_batch_and_device_parameters(alg)
    alg.add_parameter(
        QgsProcessingParameterBoolean("TEST_TIME_AUGMENTATION", alg.tr("Test-time augmentation"),
                                      False),
        "Average the predictions of the 8 flips and rotations of each chip: a little more "
        "accurate, 8 times slower.", advanced=True)


def add_output_parameters(alg: SceneClassifierAlgorithm, output_label: str,
                          geometry_type: int, output_help: str) -> None:
    """OUTPUT and the optional OUTPUT_SUMMARY table."""
    alg.add_parameter(QgsProcessingParameterFeatureSink("OUTPUT", alg.tr(output_label),
                                                        geometry_type), output_help)
    alg.add_parameter(
        QgsProcessingParameterFeatureSink("OUTPUT_SUMMARY", alg.tr("Class summary"),
                                          QgsProcessing.TypeVector, optional=True,
                                          createByDefault=False),
        "A table with one row per class: count, area (square units of the raster CRS) and "
        "share of the classified area and count.")


def raster_layer(alg: SceneClassifierAlgorithm, parameters, context):
    """INPUT_RASTER, checked to be a file GDAL reads."""
    layer = alg.parameterAsRasterLayer(parameters, "INPUT_RASTER", context)
    if layer is None:
        raise QgsProcessingException(alg.invalidRasterError(parameters, "INPUT_RASTER"))
    if layer.providerType() != "gdal":
        raise QgsProcessingException(
            f"INPUT_RASTER '{layer.name()}' comes from the {layer.providerType()} provider; "
            "use a raster file (GeoTIFF, VRT …). Save web or virtual rasters to a file first.")
    return layer


def feature_classifier(alg: SceneClassifierAlgorithm, parameters, context, core_feedback,
                       layer):
    """Core's RasterClassifier: the model loaded and checked against the raster."""
    from ..core.classify import ClassifyOptions, RasterClassifier

    options = ClassifyOptions(
        **chip_option_values(alg, parameters, context, layer),
        batch_size=alg.parameterAsInt(parameters, "BATCH_SIZE", context),
        device=DEVICES[alg.parameterAsEnum(parameters, "DEVICE", context)],
        tta=alg.parameterAsBoolean(parameters, "TEST_TIME_AUGMENTATION", context),
        engine=engine_value(alg, parameters, context))
    model = alg.parameterAsFile(parameters, "MODEL", context)
    classifier = RasterClassifier(model, layer.source(), options, core_feedback)
    settings = classifier.settings
    core_feedback.log(
        f"Model: {len(classifier.classes)} classes, {settings.chip_size} px chips of bands "
        f"{[b + 1 for b in settings.bands]}, {settings.crop_mode.replace('_', ' ')} crop; "
        f"engine: {classifier.predictor.engine.describe()}.")
    return classifier


def feature_source(alg: SceneClassifierAlgorithm, parameters, context, name="INPUT_FEATURES"):
    """A feature source parameter, or a clean error naming it."""
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    return source


def features_with_wkb(source, layer, context, with_geometry: bool = True):
    """(feature, WKB in the raster's CRS, or None without ``with_geometry``) for every
    feature; invalid polygons included (they still have a centre and a bounding box)."""
    from qgis.core import QgsFeatureRequest, QgsProcessingFeatureSource

    to_wkb = geometries_in(source.sourceCrs(), layer, context)
    request = QgsFeatureRequest()
    flags = QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks
    return ((feature, to_wkb(feature.geometry()) if with_geometry else None)
            for feature in source.getFeatures(request, flags))


CLASS_FIELD_TYPES = (QVariant.String, QVariant.Int, QVariant.LongLong, QVariant.UInt,
                     QVariant.ULongLong)


def class_field_index(alg: SceneClassifierAlgorithm, parameters, context, source,
                      name: str) -> int:
    """The index of a text or integer field that holds classes, or a clean error."""
    field_name = alg.parameterAsString(parameters, name, context)
    index = source.fields().lookupField(field_name)
    if index < 0:
        raise QgsProcessingException(f"{name} '{field_name}' is not a field of INPUT_FEATURES.")
    field = source.fields().at(index)
    if field.type() not in CLASS_FIELD_TYPES:
        raise QgsProcessingException(f"{name} '{field_name}' is a {field.typeName()} field; "
                                     "choose a text or integer field.")
    return index


def attribute_value(attribute):
    """An attribute with QGIS's NULL as None."""
    return None if attribute is None or attribute == NULL else attribute


def feature_count(source) -> int | None:
    return source.featureCount() if source.featureCount() > 0 else None


def result_fields(alg: SceneClassifierAlgorithm, parameters, context,
                  existing: QgsFields) -> QgsFields:
    """The input fields plus the three result fields; clashes are refused by name."""
    names = []
    for name, _, _, label, _ in RESULT_FIELDS:
        field_name = alg.parameterAsString(parameters, name, context).strip()
        if not field_name:
            raise QgsProcessingException(f"{label} ({name}) is empty; give a field name.")
        names.append((field_name, f"{label} '{field_name}' ({name})",
                      f"Choose another name for {name}."))
    refuse_clashes(existing, names)
    fields = QgsFields(existing)
    for (field_name, _, _), (_, _, kind, _, _) in zip(names, RESULT_FIELDS):
        fields.append(QgsField(field_name, kind))
    return fields


def refuse_clashes(existing: QgsFields, new: list[tuple[str, str, str]]) -> None:
    """The one policy for field names an output adds: a name that an input field (or an
    earlier new field) already has, in any case, is refused. ``new`` holds (name, what it
    is, how to fix it)."""
    taken = {field.name().lower(): field.name() for field in existing}
    for name, what, fix in new:
        if name.lower() in taken:
            raise QgsProcessingException(f"{what} clashes with the field "
                                         f"'{taken[name.lower()]}'. {fix}")
        taken[name.lower()] = name


def geometries_in(crs, layer, context):
    """A function turning a QgsGeometry in ``crs`` into WKB in the raster's CRS (or None)."""
    from qgis.core import QgsCoordinateTransform

    transform = None
    if crs.isValid() and layer.crs().isValid() and crs != layer.crs():
        transform = QgsCoordinateTransform(crs, layer.crs(), context.transformContext())

    def to_wkb(geometry: QgsGeometry) -> bytes | None:
        if geometry is None or geometry.isNull() or geometry.isEmpty():
            return None
        if transform is not None:
            geometry = QgsGeometry(geometry)
            try:
                geometry.transform(transform)
            except QgsCsException:
                return None
        return bytes(geometry.asWkb())

    return to_wkb


def write_predictions(classifier, features: Callable[[bool], Iterable[tuple[QgsFeature, object]]],
                      open_output: Callable[[], AbstractContextManager], feedback,
                      total: int | None = None):
    """Classify every feature, then write each with its class label, value and confidence.

    ``features(True)`` yields (feature or None, WKB in the raster CRS) to classify,
    ``features(False)`` (feature, anything) to write: the same features in the same order. The
    output is opened with ``open_output()`` (a staged_sink) only once every feature is
    classified, so a cancelled or failed run leaves no partial output; meanwhile only the
    results are kept (12 bytes a feature). Features outside the processing extent are not
    written. Returns (class summary, OUTPUT destination id, class index per feature (-1: no
    result, -2: left out), confidence per feature).
    """
    from ..core.feature_chips import Status

    summary = classifier.summary()
    codes, confidences = array("i"), array("d")  # class index, -1: no result, -2: left out
    for prediction in classifier.classify((wkb for _, wkb in features(True)), total):
        summary.add(prediction)
        if prediction.status is Status.OUTSIDE_EXTENT:
            codes.append(-2)
        else:
            codes.append(-1 if prediction.class_index is None else prediction.class_index)
        confidences.append(prediction.confidence or 0.0)
    report_summary(summary, feedback)
    feedback.setProgressText(f"writing {len(codes) - codes.count(-2)} features")
    classes, values = classifier.classes, classifier.class_values
    with open_output() as (sink, destination):
        for (feature, _), code, confidence in zip(features(False), codes, confidences):
            if code == -2:
                continue
            results = [None, None, None] if code < 0 else [classes[code], values[code],
                                                            confidence]
            feature.setAttributes(feature.attributes() + results)
            if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
                raise QgsProcessingException(f"Could not write feature {feature.id()} to "
                                             "OUTPUT.")
    return summary, destination, codes, confidences


def output_opener(alg: SceneClassifierAlgorithm, parameters, context, fields, wkb_type, crs,
                  classifier):
    """A function that opens the OUTPUT sink (class_style.class_map_sink: staged, then
    styled by class in the model's colours). The sink is created at the end; where it may
    be written was checked before any work (base.SceneClassifierAlgorithm._check_outputs)."""
    label_field = alg.parameterAsString(parameters, "CLASS_LABEL_FIELD", context).strip()
    definition = classifier.package.definition
    classes = definition["Classes"]

    return lambda: class_map_sink(alg, parameters, context, "OUTPUT", fields, wkb_type, crs,
                                  label_field, classes,
                                  f"{definition['ModelName']}: {alg.displayName()}")


def report_summary(summary, feedback) -> None:
    """The class counts in the log; features left out or left empty, with the reason."""
    from ..core.feature_chips import Status

    feedback.pushInfo(summary.text())
    left_out = summary.statuses[Status.OUTSIDE_EXTENT]
    if left_out:
        feedback.pushInfo(f"{left_out} features {Status.OUTSIDE_EXTENT.value} were left out.")
    warning = summary.unclassified_text()
    if warning:
        feedback.pushWarning(warning)


def write_summary_table(alg: SceneClassifierAlgorithm, parameters, context, summary):
    """OUTPUT_SUMMARY, when asked for: returns its destination id or None."""
    fields = QgsFields()
    for name, kind in (("class_value", QVariant.Int), ("class_label", QVariant.String),
                       ("count", QVariant.Int), ("area", QVariant.Double),
                       ("area_share", QVariant.Double), ("count_share", QVariant.Double)):
        fields.append(QgsField(name, kind))
    with staged_sink(alg, parameters, context, "OUTPUT_SUMMARY", fields,
                     QgsWkbTypes.NoGeometry, QgsCoordinateReferenceSystem(),
                     lambda path: write_csv_types(path, fields)) as (sink, destination):
        for row in summary.rows() if sink is not None else ():
            feature = QgsFeature(fields)
            feature.setAttributes([row[field.name()] for field in fields])
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
    return destination
