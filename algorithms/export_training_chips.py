"""sceneclassifier:exporttrainingchips — chips of labelled features, ready for training."""

from qgis.core import QgsProcessingOutputNumber

from ..core import interface
from .base import SceneClassifierAlgorithm
from .chip_parameters import chip_option_values
from .classify_shared import (
    attribute_value,
    class_field_index,
    feature_count,
    feature_source,
    features_with_wkb,
    raster_layer,
)


class ExportTrainingChips(SceneClassifierAlgorithm):
    TOOL = interface.EXPORT_CHIPS

    def add_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputNumber("CHIP_COUNT", self.tr("Chips written")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.export import ExportSettings, export_chips

        layer = raster_layer(self, parameters, context)
        source = feature_source(self, parameters, context)
        index = class_field_index(self, parameters, context, source, "CLASS_FIELD")
        settings = ExportSettings(**chip_option_values(self, parameters, context, layer))
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        features = ((feature.id(), attribute_value(feature.attribute(index)), wkb)
                    for feature, wkb in features_with_wkb(source, layer, context))
        summary = export_chips(layer.source(), features, folder, settings, core_feedback,
                               feature_count(source),
                               self.parameterAsBoolean(parameters, "OVERWRITE", context))
        feedback.pushInfo(summary.text())
        return {"OUTPUT_FOLDER": summary.folder, "CHIP_COUNT": summary.chip_count}

