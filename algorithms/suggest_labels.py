"""sceneclassifier:suggestlabels — the features to label next: where the model is least sure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgis.core import QgsWkbTypes

from ..interface import ids, tools
from .adapters import LayerSink, LayerSource, extent_in, raster_layer, raster_source
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class SuggestLabels(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.SUGGEST_LABELS."""

    TOOL = tools.SUGGEST_LABELS

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Score the candidates (or a grid's cells); the most uncertain, spread out."""
        from ..core.workflows.suggest import SuggestSettings, suggest_labels

        layer = raster_layer(self, parameters, context)
        source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, layer) \
            if self.given(parameters, ids.INPUT_FEATURES) else None
        settings = self.settings(SuggestSettings, parameters, context,
                                 raster=raster_source(layer),
                                 extent=extent_in(self, parameters, context, layer))
        if source is None:
            output = LayerSink(self, parameters, context, ids.OUTPUT, QgsWkbTypes.Type.Polygon,
                               layer.crs(), layer_name=self._layer_name)
        else:
            output = LayerSink(self, parameters, context, ids.OUTPUT,
                               source.source.wkbType(), source.source.sourceCrs(),
                               source.source.fields(), self._layer_name)
        result = suggest_labels(settings, source, output, core_feedback)
        return {ids.OUTPUT: output.destination, ids.SUGGESTED_COUNT: result.suggested}

    def _layer_name(self, legend: object) -> str:
        return f"{legend.title}: {self.displayName()}"
