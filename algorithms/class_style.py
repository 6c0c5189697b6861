"""Classified layers as readable maps: categorised by class label in the model's colours,
a semi-transparent fill with an outline so the imagery shows through, named after the model.

The style is saved into a GeoPackage output as its default style (it comes back whenever the
file is opened, also after qgis_process), and a layer post-processor applies it to the layer
QGIS loads when the algorithm ends (toolbox, modeler and batch runs alike).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsColorRampShader,
    QgsCoordinateReferenceSystem,
    QgsExpression,
    QgsFeatureRenderer,
    QgsFields,
    QgsFillSymbol,
    QgsMapLayer,
    QgsPalettedRasterRenderer,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRenderContext,
    QgsRendererCategory,
    QgsRuleBasedRenderer,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

from ..core.runtime.outputs import write_error
from ..core.workflows.change import UNCERTAIN

if TYPE_CHECKING:
    from ..core.workflows.io import Legend
    from .base import Parameters
    from .staged_sinks import CheckedSink

FILL_OPACITY = 0.45
STYLE_NAME = "Scene Classifier classes"


def class_renderer(label_field: str, classes: list[dict]) -> QgsCategorizedSymbolRenderer:
    """Categories by ``label_field`` for the model's Classes entries (Name, Color)."""
    categories = []
    for entry in classes:
        red, green, blue = entry["Color"][:3]
        fill = QColor(red, green, blue, round(255 * FILL_OPACITY))
        symbol = QgsFillSymbol.createSimple({
            "color": f"{fill.red()},{fill.green()},{fill.blue()},{fill.alpha()}",
            "outline_color": f"{red},{green},{blue},255", "outline_width": "0.4"})
        categories.append(QgsRendererCategory(entry["Name"], symbol, entry["Name"]))
    return QgsCategorizedSymbolRenderer(label_field, categories)


def save_default_style(path: str, renderer: QgsFeatureRenderer) -> None:
    """Store ``renderer`` in a GeoPackage as its default style (other formats: nothing)."""
    if not path.lower().endswith(".gpkg"):
        return
    layer = QgsVectorLayer(path, os.path.splitext(os.path.basename(path))[0], "ogr")
    if not layer.isValid():
        return
    layer.setRenderer(renderer)
    error = layer.saveStyleToDatabase(STYLE_NAME, "Classes in the model's colours", True, "")
    if error:
        raise write_error("its style", path, error)


def change_renderer(classes: list[dict]) -> QgsRuleBasedRenderer:
    """A change layer (core.workflows.change) as a map of what changed: each change filled in
    the colour of its class after, unchanged features faint, uncertain pairs and features not
    compared as outlines only."""
    root = QgsRuleBasedRenderer.Rule(None)

    def add(expression: str, label: str, fill: str, outline: str, style: str = "solid") -> None:
        symbol = QgsFillSymbol.createSimple({"color": fill, "outline_color": outline,
                                             "outline_width": "0.4", "outline_style": style})
        root.appendChild(QgsRuleBasedRenderer.Rule(symbol, 0, 0, expression, label))

    for entry in classes:
        red, green, blue = entry["Color"][:3]
        add(f'"Changed" = 1 AND "After" = {QgsExpression.quotedValue(entry["Name"])}',
            QCoreApplication.translate("SceneClassifierAlgorithm", "changed to {}").format(
                entry["Name"]), f"{red},{green},{blue},190",
            f"{red},{green},{blue},255")
    add('"Changed" = 0', QCoreApplication.translate("SceneClassifierAlgorithm", "unchanged"),
        "200,200,200,40", "160,160,160,110")
    add(f'"Outcome" = {QgsExpression.quotedValue(UNCERTAIN)}', QCoreApplication.translate(
        "SceneClassifierAlgorithm", "uncertain (not counted)"), "0,0,0,0", "230,140,0,255",
        "dash")
    add("ELSE", QCoreApplication.translate("SceneClassifierAlgorithm", "not compared"),
        "0,0,0,0", "120,120,120,200", "dot")
    return QgsRuleBasedRenderer(root)


class LayerStyle(QgsProcessingLayerPostProcessorInterface):
    """Styles and names an output layer QGIS loads once the algorithm has finished
    (Processing loads layers without their default style): ``renderer(layer)`` gives the
    renderer, or None to leave the layer as it is."""

    instances: list[LayerStyle] = []  # QGIS holds no reference: keep them alive

    def __init__(self, renderer: Callable[[QgsMapLayer], object | None]) -> None:
        super().__init__()
        self.renderer = renderer

    def postProcessLayer(self, layer: QgsMapLayer,  # noqa: N802 (QGIS's name)
                         context: QgsProcessingContext, feedback: QgsProcessingFeedback) -> None:
        """Give the loaded layer its renderer."""
        renderer = self.renderer(layer)
        if renderer is not None:
            layer.setRenderer(renderer)
            layer.triggerRepaint()

    @classmethod
    def attach(cls, context: QgsProcessingContext, destination: str | None,
               renderer: Callable[[QgsMapLayer], object | None], layer_name: str) -> None:
        """Style and name ``destination`` when QGIS loads it on completion."""
        if not destination or not context.willLoadLayerOnCompletion(destination):
            return
        style = cls(renderer)
        cls.instances.append(style)
        details = context.layerToLoadOnCompletionDetails(destination)
        details.name = layer_name
        details.setPostProcessor(style)


def attach_class_map_style(context: QgsProcessingContext, destination: str | None,
                           classes: list[dict], layer_name: str) -> None:
    """A class map QGIS loads on completion: paletted in the model's colours, named."""
    LayerStyle.attach(context, destination, lambda layer: paletted_renderer(layer, classes),
                      layer_name)


def attach_heatmap_style(context: QgsProcessingContext, destination: str | None,
                         layer_name: str) -> None:
    """A heatmap raster QGIS loads on completion: in its colour ramp (heatmap_renderer),
    named."""
    LayerStyle.attach(context, destination, heatmap_renderer, layer_name)


@contextmanager
def styled_sink(alg: QgsProcessingAlgorithm, parameters: Parameters,
                context: QgsProcessingContext, name: str, fields: QgsFields,
                wkb_type: QgsWkbTypes.Type, crs: QgsCoordinateReferenceSystem,
                renderer: Callable[[], QgsFeatureRenderer], layer_name: str,
                ) -> Iterator[tuple[CheckedSink | None, str | None]]:
    """A staged_sink (``with ... as (sink, destination)``) whose layer is drawn with
    ``renderer()``: stored in the GeoPackage as its default style, and given to the layer QGIS
    loads on completion, named ``layer_name``, where it has the fields the renderer reads."""
    from .staged_sinks import staged_sink

    with staged_sink(alg, parameters, context, name, fields, wkb_type, crs,
                     lambda path: save_default_style(path, renderer())) as opened:
        yield opened
    needed = renderer().usedAttributes(QgsRenderContext())
    LayerStyle.attach(context, opened[1], lambda layer: renderer() if all(
        layer.fields().indexOf(field) >= 0 for field in needed) else None, layer_name)


def save_class_map_style(path: str, legend: Legend) -> None:
    """Beside a class map (core.workflows.class_map) its .qml, QGIS's default style: a
    paletted legend in the model's colours (``legend.classes``), named by class."""
    _save_raster_style(path, lambda layer: paletted_renderer(layer, legend.classes),
                       "the class map's style")


def save_heatmap_style(path: str) -> None:
    """Beside a heatmap raster (core.inference.heatmap_raster) its .qml, QGIS's default
    style (heatmap_renderer)."""
    _save_raster_style(path, heatmap_renderer, "the heatmaps' style")


def _save_raster_style(path: str, renderer: Callable[[QgsRasterLayer], object],
                       what: str) -> None:
    """Beside the raster ``path`` a .qml (QGIS's default style) with ``renderer(layer)``."""
    layer = QgsRasterLayer(path, os.path.splitext(os.path.basename(path))[0], "gdal")
    layer.setRenderer(renderer(layer))
    message, saved = layer.saveNamedStyle(os.path.splitext(path)[0] + ".qml")
    if not saved:
        raise write_error(what, path, message)


def heatmap_renderer(layer: QgsRasterLayer) -> QgsSingleBandPseudoColorRenderer:
    """0 to 1 in the Inferno colour ramp, half transparent over the imagery."""
    shader = QgsColorRampShader(0.0, 1.0, QgsStyle.defaultStyle().colorRamp("Inferno"))
    shader.classifyColorRamp(5)
    function = QgsRasterShader(0.0, 1.0)
    function.setRasterShaderFunction(shader)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, function)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(1.0)
    renderer.setOpacity(0.6)
    return renderer


def paletted_renderer(layer: QgsRasterLayer, classes: list[dict]) -> QgsPalettedRasterRenderer:
    """Band 1 of a class map in the model's colours, the legend naming the classes (Unknown,
    which has no value, is NoData there)."""
    return QgsPalettedRasterRenderer(layer.dataProvider(), 1, [
        QgsPalettedRasterRenderer.Class(int(entry["Value"]), QColor(*entry["Color"][:3]),
                                        entry["Name"]) for entry in classes
        if entry["Value"] is not None])
