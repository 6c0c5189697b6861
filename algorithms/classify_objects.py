"""sceneclassifier:classifyobjects — label every feature of a vector layer from the raster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interface import ids, tools
from .adapters import LayerSink, LayerSource, extent_in, raster_layer, raster_source, summary_sink
from .base import SceneClassifierAlgorithm
from .class_style import attach_heatmap_style, save_heatmap_style

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class ClassifyObjects(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.CLASSIFY."""

    TOOL = tools.CLASSIFY

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Classify each input feature from the raster; the features and summary."""
        from ..core.workflows.classify import ClassifySettings, classify_features

        layer = raster_layer(self, parameters, context)
        source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, layer)
        heatmap = self.parameterAsOutputLayer(parameters, ids.OUTPUT_HEATMAP, context) or None
        settings = self.settings(ClassifySettings, parameters, context, raster=raster_source(layer),
                                 extent=extent_in(self, parameters, context, layer),
                                 heatmap=heatmap)
        output = LayerSink(self, parameters, context, ids.OUTPUT, source.source.wkbType(),
                           source.source.sourceCrs(), source.source.fields(),
                           lambda legend: f"{legend.title}: {self.displayName()}")
        summary = summary_sink(self, parameters, context)
        result = classify_features(settings, source, output, summary, core_feedback,
                                   save_heatmap_style)
        attach_heatmap_style(context, heatmap, self.tr("{}: heatmaps").format(result.legend.title))
        return {ids.OUTPUT: output.destination, ids.OUTPUT_SUMMARY: summary.destination,
                ids.OUTPUT_HEATMAP: heatmap}
