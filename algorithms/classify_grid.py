"""sceneclassifier:classifygrid — a land-use map: classify a grid of square cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgis.core import QgsWkbTypes

from ..interface import ids, tools
from .adapters import LayerSink, extent_in, raster_layer, raster_source, summary_sink
from .base import SceneClassifierAlgorithm
from .class_style import (
    attach_class_map_style,
    attach_heatmap_style,
    save_class_map_style,
    save_heatmap_style,
)

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class ClassifyGrid(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.CLASSIFY_GRID."""

    TOOL = tools.CLASSIFY_GRID

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Classify the raster on a grid of cells; the cells, class map and summary."""
        from ..core.workflows.classify import GridSettings, classify_grid

        layer = raster_layer(self, parameters, context)
        class_map = self.parameterAsOutputLayer(parameters, ids.OUTPUT_RASTER, context) or None
        heatmap = self.parameterAsOutputLayer(parameters, ids.OUTPUT_HEATMAP, context) or None
        settings = self.settings(GridSettings, parameters, context, raster=raster_source(layer),
                                 extent=extent_in(self, parameters, context, layer),
                                 class_map=class_map, heatmap=heatmap)
        output = LayerSink(self, parameters, context, ids.OUTPUT, QgsWkbTypes.Type.Polygon,
                           layer.crs(), layer_name=lambda legend: f"{legend.title}: "
                                                                  f"{self.displayName()}")
        summary = summary_sink(self, parameters, context)
        result = classify_grid(settings, output, summary, core_feedback, save_class_map_style,
                               save_heatmap_style)
        attach_class_map_style(context, class_map, result.legend.classes,
                               self.tr("{}: class map").format(result.legend.title))
        attach_heatmap_style(context, heatmap, self.tr("{}: heatmaps").format(result.legend.title))
        return {ids.OUTPUT: output.destination, ids.CELL_COUNT: result.cell_count,
                ids.OUTPUT_RASTER: class_map, ids.OUTPUT_SUMMARY: summary.destination,
                ids.OUTPUT_HEATMAP: heatmap}
