"""What the classify algorithms share: their parameters, the model + raster check, the result
fields, streaming features through core's classifier into the sink, and the summary table."""

from __future__ import annotations

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
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.errors import SceneClassifierError
from ..core.interface import RESULT_FIELDS
from .base import SceneClassifierAlgorithm
from .chip_parameters import chip_option_values
from .class_style import class_map_sink
from .staged_sinks import staged_sink, write_csv_types

RESULT_TYPES = {"CLASS_LABEL_FIELD": QVariant.String, "CLASS_VALUE_FIELD": QVariant.Int,
                "CONFIDENCE_FIELD": QVariant.Double}


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
    from ..core.inference.classifier import ClassifyOptions, RasterClassifier

    options = ClassifyOptions(**chip_option_values(alg, parameters, context, layer),
                              **engine_option_values(alg, parameters, context))
    model = alg.parameterAsFile(parameters, "MODEL", context)
    classifier = RasterClassifier(model, layer.source(), options, core_feedback)
    core_feedback.log(classifier.describe())
    return classifier


def engine_option_values(alg: SceneClassifierAlgorithm, parameters, context) -> dict:
    """BATCH_SIZE, DEVICE, ENGINE (and TEST_TIME_AUGMENTATION) as ClassifyOptions fields."""
    from ..core.interface import ENGINE_OPTIONS, values_for

    return values_for(alg.TOOL, ENGINE_OPTIONS, lambda name: alg.value(parameters, name, context))


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
    from ..core.workflows.fields import result_field_names

    try:
        names = result_field_names(
            lambda name: alg.parameterAsString(parameters, name, context),
            [field.name() for field in existing])
    except SceneClassifierError as error:
        raise QgsProcessingException(str(error)) from error
    fields = QgsFields(existing)
    for name, spec in zip(names, RESULT_FIELDS):
        fields.append(QgsField(name, RESULT_TYPES[spec.name]))
    return fields


def refuse_clashes(existing: QgsFields, new: list[tuple[str, str, str]]) -> None:
    """core.fields.check_new_fields for a QGIS layer's fields, as a Processing error."""
    from ..core.workflows.fields import check_new_fields

    try:
        check_new_fields([field.name() for field in existing], new)
    except SceneClassifierError as error:
        raise QgsProcessingException(str(error)) from error


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
    from ..core.inference.classifier import LEFT_OUT, classify_all

    results = classify_all(classifier, (wkb for _, wkb in features(True)), total)
    summary, codes, confidences = results.summary, results.codes, results.confidences
    report_summary(summary, feedback)
    feedback.setProgressText(f"writing {len(codes) - codes.count(LEFT_OUT)} features")
    classes, values = classifier.classes, classifier.class_values
    with open_output() as (sink, destination):
        for (feature, _), code, confidence in zip(features(False), codes, confidences):
            if code == LEFT_OUT:
                continue
            found = [None, None, None] if code < 0 else [classes[code], values[code],
                                                          confidence]
            feature.setAttributes(feature.attributes() + found)
            sink.addFeature(feature, QgsFeatureSink.FastInsert)  # raises on a refusal
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
    feedback.pushInfo(summary.text())
    if summary.left_out_text():
        feedback.pushInfo(summary.left_out_text())
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
