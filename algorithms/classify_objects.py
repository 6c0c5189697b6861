"""sceneclassifier:classifyobjects — label every feature of a vector layer from the raster."""

from ..core import interface
from .base import SceneClassifierAlgorithm
from .classify_shared import (
    feature_classifier,
    feature_count,
    feature_source,
    features_with_wkb,
    output_opener,
    raster_layer,
    result_fields,
    write_predictions,
    write_summary_table,
)


class ClassifyObjects(SceneClassifierAlgorithm):
    TOOL = interface.CLASSIFY

    def process(self, parameters, context, feedback, core_feedback):
        layer = raster_layer(self, parameters, context)
        source = feature_source(self, parameters, context)
        classifier = feature_classifier(self, parameters, context, core_feedback, layer)
        fields = result_fields(self, parameters, context, source.fields())
        summary, destination, _, _ = write_predictions(
            classifier, lambda with_geometry: features_with_wkb(source, layer, context,
                                                               with_geometry),
            output_opener(self, parameters, context, fields, source.wkbType(),
                          source.sourceCrs(), classifier),
            feedback, feature_count(source))
        return {"OUTPUT": destination,
                "OUTPUT_SUMMARY": write_summary_table(self, parameters, context, summary)}
