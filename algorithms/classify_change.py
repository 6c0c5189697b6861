"""sceneclassifier:classifychange — what changed between two dates, feature by feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgis.core import QgsWkbTypes

from ..interface import ids, tools
from .adapters import LayerSink, LayerSource, extent_in, raster_layer, raster_source, summary_sink
from .base import SceneClassifierAlgorithm
from .class_style import change_renderer

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from ..core.workflows.io import Legend
    from .base import Parameters


class ClassifyChange(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.CLASSIFY_CHANGE."""

    TOOL = tools.CLASSIFY_CHANGE

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Classify the features (or a grid's cells) at both dates; the change layer, matrix
        and summary."""
        from ..core.workflows.change import ChangeSettings, classify_change

        before = raster_layer(self, parameters, context)
        after = raster_layer(self, parameters, context, ids.INPUT_RASTER_AFTER)
        source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, before) \
            if self.given(parameters, ids.INPUT_FEATURES) else None
        matrix = self.parameterAsFileOutput(parameters, ids.OUTPUT_MATRIX, context) \
            if self.given(parameters, ids.OUTPUT_MATRIX) else None
        settings = self.settings(ChangeSettings, parameters, context,
                                 raster=raster_source(before),
                                 raster_after=raster_source(after, ids.INPUT_RASTER_AFTER),
                                 extent=extent_in(self, parameters, context, before),
                                 matrix=matrix)
        style = {"layer_name": self._layer_name,
                 "renderer": lambda legend: change_renderer(legend.classes)}
        if source is None:
            output = LayerSink(self, parameters, context, ids.OUTPUT, QgsWkbTypes.Type.Polygon,
                               before.crs(), **style)
        else:
            output = LayerSink(self, parameters, context, ids.OUTPUT, source.source.wkbType(),
                               source.source.sourceCrs(), source.source.fields(), **style)
        summary = summary_sink(self, parameters, context)
        result = classify_change(settings, source, output, summary, core_feedback)
        return {ids.OUTPUT: output.destination, ids.OUTPUT_MATRIX: matrix,
                ids.OUTPUT_SUMMARY: summary.destination, ids.CHANGED_COUNT: result.changed,
                ids.UNCERTAIN_COUNT: result.uncertain, ids.CELL_COUNT: result.cell_count}

    def _layer_name(self, legend: Legend) -> str:
        return self.tr("{}: change").format(legend.title)


