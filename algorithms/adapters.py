"""QGIS's layers and sinks as core's FeatureSource and FeatureSink (core.workflows.io), so
that the algorithms hand them to the use cases unchanged.

A source's features carry their QgsFeature: a sink that keeps the input's fields writes that
feature with the results added (its geometry in the input's CRS); other sinks build new
features from the WKB core gives. Sinks are staged (staged_sinks) and, for classified
layers, styled by class (class_style).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRenderer,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.runtime.outputs import field_name_limit
from ..core.workflows.io import Feature, Legend
from ..core.workflows.schemas import INTEGER, REAL, TEXT, Field
from ..interface import ids
from . import field_types
from .class_style import class_renderer, styled_sink
from .network import layer_credentials
from .staged_sinks import CheckedSink, staged_sink, write_csv_types

if TYPE_CHECKING:
    from ..core.sources.geometry import Extent
    from ..core.workflows.io import Writer
    from .base import Parameters

STAC_ITEM = "scene_classifier/stac_item"  # a layer's custom property: the STAC item it reads
FIELD_TYPES = {TEXT: field_types.STRING, INTEGER: field_types.INT, REAL: field_types.DOUBLE}
# Input fields core can read classes from (by type number); others keep QGIS's type name
KINDS = {field_types.code(kind): name for kind, name in (
    (field_types.STRING, TEXT), (field_types.INT, INTEGER), (field_types.LONG_LONG, INTEGER),
    (field_types.UINT, INTEGER), (field_types.ULONG_LONG, INTEGER))}


def raster_layer(alg: QgsProcessingAlgorithm, parameters: Parameters, context: QgsProcessingContext,
                 name: str = ids.INPUT_RASTER) -> QgsRasterLayer:
    """INPUT_RASTER, checked to be a raster core reads through GDAL: a file or GDAL name
    (e.g. a COG over HTTP), or an XYZ, WMS or WMTS layer, whose QGIS authentication
    configuration (if any) is used for the rest of the run (``alg.run_scope``)."""
    layer = alg.parameterAsRasterLayer(parameters, name, context) or \
        _stac_layer(alg, parameters, context, name)
    if layer is None:
        raise QgsProcessingException(alg.invalidRasterError(parameters, name))
    raster_source(layer, name)
    alg.run_scope.enter_context(layer_credentials(layer, name))
    return layer


def raster_source(layer: QgsRasterLayer, name: str = ids.INPUT_RASTER) -> str:
    """A raster layer as the text core opens with GDAL: a GDAL layer's source as it is; an
    XYZ layer's as it is (core.sources.web translates it); a WMS or WMTS layer's as GDAL's
    ``WMS:`` or ``WMTS:`` name. Other providers are refused."""
    from ..core.sources.services import wms_name, wmts_name

    if layer.customProperty(STAC_ITEM):
        return str(layer.customProperty(STAC_ITEM))
    if layer.providerType() == "gdal":
        return layer.source()
    if layer.providerType() != "wms":
        raise QgsProcessingException(QCoreApplication.translate(
            "SceneClassifierAlgorithm",
            "{} '{}' comes from the {} provider; Scene Classifier reads raster files, GDAL "
            "names such as a Cloud-Optimized GeoTIFF's https:// URL or a STAC item, and XYZ, "
            "WMS and WMTS layers. Save this layer to a GeoTIFF first (Raster ▸ Conversion ▸ "
            "Translate).").format(name, layer.name(), layer.providerType()))
    fields = QgsProviderRegistry.instance().decodeUri("wms", layer.source())
    if fields.get("type") == "xyz":
        return layer.source()
    url = str(fields.get("url") or "")
    if fields.get("tileMatrixSet"):
        return wmts_name(url, _joined(fields.get("layers")), str(fields["tileMatrixSet"]),
                         _joined(fields.get("styles")))
    extent = layer.extent()
    return wms_name(url, _joined(fields.get("layers")), _joined(fields.get("styles")),
                    layer.crs().authid() or str(fields.get("crs") or ""),
                    str(fields.get("format") or ""),
                    (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()))


def _stac_value(alg: QgsProcessingAlgorithm, parameters: Parameters,
                context: QgsProcessingContext, name: str) -> tuple[str, str] | None:
    """(item, asset) where raster parameter ``name`` is given a STAC item as text (QGIS
    cannot open one as a layer), else None."""
    from ..core.sources.web import is_stac_item

    value = parameters.get(name)
    if not isinstance(value, str) or not is_stac_item(value.strip()):
        return None
    asset = alg.parameterAsString(parameters, ids.STAC_ASSET, context) \
        if ids.STAC_ASSET in parameters else ""
    return value.strip(), asset.strip()


def _stac_layer(alg: QgsProcessingAlgorithm, parameters: Parameters,
                context: QgsProcessingContext, name: str) -> QgsRasterLayer | None:
    """A STAC item given to ``name``: its asset as a GDAL layer that remembers the item (the
    text core reads, and messages name); None where ``name`` is not given one."""
    from ..core.sources.web import gdal_name

    given = _stac_value(alg, parameters, context, name)
    if given is None:
        return None
    layer = QgsRasterLayer(gdal_name(given[0], asset=given[1]), given[0], "gdal")
    if not layer.isValid():
        return None
    layer.setCustomProperty(STAC_ITEM, given[0])
    return layer


def stac_items_as_assets(alg: QgsProcessingAlgorithm, parameters: Parameters,
                         context: QgsProcessingContext) -> Parameters:
    """``parameters`` with each raster parameter given a STAC item given its asset's layer
    instead, for QGIS's own checks (which open only files and layers, not URLs)."""
    checked = dict(parameters)
    for definition in alg.parameterDefinitions():
        if definition.type() == "raster":
            layer = _stac_layer(alg, parameters, context, definition.name())
            if layer is not None:
                checked[definition.name()] = layer
    return checked


def _joined(value: object) -> str:
    """A WMS URI field QGIS gives as a list where it repeats (layers, styles), comma-joined."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return "" if value is None else str(value)


def extent_in(alg: QgsProcessingAlgorithm, parameters: Parameters, context: QgsProcessingContext,
              layer: QgsRasterLayer) -> Extent | None:
    """EXTENT in the raster's CRS as (min x, min y, max x, max y), or None when not given."""
    if parameters.get(ids.EXTENT) in (None, ""):
        return None
    rectangle = alg.parameterAsExtent(parameters, ids.EXTENT, context, layer.crs())
    if rectangle.isNull():
        return None
    return rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum()


def attribute_value(attribute: object) -> object:
    """An attribute with QGIS's NULL as None."""
    return None if attribute is None or attribute == NULL else attribute


class LayerSource:
    """A feature source parameter as core's FeatureSource; with ``raster_layer``, its
    geometries are given in the raster's CRS (transformed by QGIS, with the project's
    transformation settings), so ``crs_wkt`` is None."""

    def __init__(self, alg: QgsProcessingAlgorithm, parameters: Parameters,
                 context: QgsProcessingContext, name: str,
                 raster_layer: QgsRasterLayer | None = None) -> None:
        self.source = alg.parameterAsSource(parameters, name, context)
        if self.source is None:
            raise QgsProcessingException(alg.invalidSourceError(parameters, name))
        self.crs_wkt = None if raster_layer is not None else self.source.sourceCrs().toWkt()
        self.fields = [Field(field.name(),
                             KINDS.get(field_types.type_code(field), field.typeName()))
                       for field in self.source.fields()]
        self._to_wkb = _geometries_in(self.source.sourceCrs(), raster_layer, context)

    def count(self) -> int | None:
        """The number of features; None where QGIS does not know it, or it is 0."""
        return self.source.featureCount() if self.source.featureCount() > 0 else None

    def features(self, geometry: bool = True) -> Iterator[Feature]:
        """Every feature; invalid polygons included (they still have a centre and a bounding
        box)."""
        flags = QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
        for feature in self.source.getFeatures(QgsFeatureRequest(), flags):
            yield Feature(feature.id(), [attribute_value(value) for value in
                                         feature.attributes()],
                          self._to_wkb(feature.geometry()) if geometry else None, feature)


def _geometries_in(crs: QgsCoordinateReferenceSystem, raster_layer: QgsRasterLayer | None,
                   context: QgsProcessingContext) -> Callable[[QgsGeometry], bytes | None]:
    """A function turning a QgsGeometry in ``crs`` into WKB in the raster's CRS (or None)."""
    transform = None
    if raster_layer is not None and crs.isValid() and raster_layer.crs().isValid() and \
            crs != raster_layer.crs():
        transform = QgsCoordinateTransform(crs, raster_layer.crs(), context.transformContext())

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


class LayerSink:
    """A feature sink parameter as core's FeatureSink. ``kept`` are the input's fields that
    every written feature keeps (written from its QgsFeature); ``layer_name(legend)`` names
    a classified layer, which is drawn with ``renderer(legend)`` (default: by class label,
    class_renderer). After writing, ``destination`` is what the algorithm returns for the
    output (None when it was not asked for)."""

    def __init__(self, alg: QgsProcessingAlgorithm, parameters: Parameters,
                 context: QgsProcessingContext, name: str, wkb_type: QgsWkbTypes.Type,
                 crs: QgsCoordinateReferenceSystem,
                 kept: QgsFields | None = None,
                 layer_name: Callable[[Legend], str] | None = None,
                 renderer: Callable[[Legend], QgsFeatureRenderer] | None = None) -> None:
        self.alg, self.parameters, self.context, self.name = alg, parameters, context, name
        self.wkb_type, self.crs, self.kept, self.layer_name = wkb_type, crs, kept, layer_name
        self.renderer = renderer or (lambda legend: class_renderer(legend.label_field,
                                                                   legend.classes))
        self.destination: str | None = None
        path = alg.parameterAsOutputLayer(parameters, name, context) if self.asked() else ""
        self.field_name_limit = field_name_limit(path.split("|")[0]) if path else None

    def asked(self) -> bool:
        """True when the output was asked for (given a destination)."""
        return self.parameters.get(self.name) not in (None, "")

    @contextmanager
    def open(self, fields: list[Field], legend: Legend | None = None,
             crs_wkt: str | None = None,  # (the CRS was given: the layer's or the raster's)
             ) -> Iterator[Writer]:
        """``with sink.open(fields) as write:`` as core.workflows.io.FeatureSink says."""
        columns = QgsFields(self.kept) if self.kept is not None else QgsFields()
        for field in fields:
            columns.append(QgsField(field.name, FIELD_TYPES[field.kind]))
        if legend is not None and self.layer_name is not None:
            opened = styled_sink(self.alg, self.parameters, self.context, self.name, columns,
                                 self.wkb_type, self.crs, lambda: self.renderer(legend),
                                 self.layer_name(legend))
        else:
            opened = staged_sink(self.alg, self.parameters, self.context, self.name, columns,
                                 self.wkb_type, self.crs,
                                 lambda path: write_csv_types(path, columns))
        with opened as (sink, destination):
            yield _writer(sink, columns)
        self.destination = destination


def summary_sink(alg: QgsProcessingAlgorithm, parameters: Parameters,
                 context: QgsProcessingContext) -> LayerSink:
    """OUTPUT_SUMMARY: a table, written where asked (its destination stays None if not)."""
    return LayerSink(alg, parameters, context, ids.OUTPUT_SUMMARY, QgsWkbTypes.Type.NoGeometry,
                     QgsCoordinateReferenceSystem())


def _writer(sink: CheckedSink | None, columns: QgsFields) -> Callable[[Feature, list], None]:
    def write(feature: Feature, values: list) -> None:
        if sink is None:  # an optional output that was not asked for
            return
        written = feature.native if isinstance(feature.native, QgsFeature) else None
        if written is not None:
            written.setAttributes(written.attributes() + values)
        else:
            written = QgsFeature(columns)
            if feature.wkb:
                geometry = QgsGeometry()
                geometry.fromWkb(feature.wkb)
                written.setGeometry(geometry)
            written.setAttributes(list(feature.attributes) + values)
        sink.addFeature(written, QgsFeatureSink.Flag.FastInsert)

    return write
