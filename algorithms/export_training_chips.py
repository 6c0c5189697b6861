"""sceneclassifier:exporttrainingchips — chips of labelled features, ready for training."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interface import ids, tools
from .adapters import LayerSource, extent_in, raster_layer, raster_source
from .base import SceneClassifierAlgorithm

if TYPE_CHECKING:
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from ..core.runtime.feedback import Feedback
    from .base import Parameters


class ExportTrainingChips(SceneClassifierAlgorithm):
    """The Processing algorithm of interface.tools.EXPORT_CHIPS."""

    TOOL = tools.EXPORT_CHIPS

    def process(self, parameters: Parameters, context: QgsProcessingContext,
                feedback: QgsProcessingFeedback, core_feedback: Feedback) -> dict:
        """Cut training chips around the labelled features; the folder and count."""
        from ..core.workflows.export import ExportJob, export_training_chips

        layer = raster_layer(self, parameters, context)
        source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, layer)
        job = self.settings(
            ExportJob, parameters, context, raster=raster_source(layer),
            extent=extent_in(self, parameters, context, layer),
            output_folder=self.parameterAsString(parameters, ids.OUTPUT_FOLDER, context))
        summary = export_training_chips(job, source, core_feedback)
        return {ids.OUTPUT_FOLDER: summary.folder, ids.CHIP_COUNT: summary.chip_count}
