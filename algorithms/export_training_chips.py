"""sceneclassifier:exporttrainingchips — chips of labelled features, ready for training."""

from ..interface import ids, tools
from .adapters import LayerSource, extent_in, raster_layer, raster_source
from .base import SceneClassifierAlgorithm


class ExportTrainingChips(SceneClassifierAlgorithm):
    TOOL = tools.EXPORT_CHIPS

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.export import ExportJob, export_training_chips

        layer = raster_layer(self, parameters, context)
        source = LayerSource(self, parameters, context, ids.INPUT_FEATURES, layer)
        job = self.settings(
            ExportJob, parameters, context, raster=raster_source(layer),
            extent=extent_in(self, parameters, context, layer),
            output_folder=self.parameterAsString(parameters, ids.OUTPUT_FOLDER, context))
        summary = export_training_chips(job, source, core_feedback)
        return {ids.OUTPUT_FOLDER: summary.folder, ids.CHIP_COUNT: summary.chip_count}
