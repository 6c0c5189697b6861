"""sceneclassifier:classifyobjects — label every feature of a vector layer from the raster."""

from qgis.core import QgsProcessing, QgsProcessingParameterFeatureSource

from .base import SceneClassifierAlgorithm
from .classify_shared import (
    add_classify_parameters,
    add_output_parameters,
    add_raster_and_model_parameters,
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
    NAME = "classifyobjects"
    DISPLAY_NAME = "Classify objects"
    GROUP_ID = "classification"
    NEEDS = "engine"
    HELP = (
        "Classifies each feature of a vector layer (polygons, points or lines) from the raster "
        "under it with a trained scene classifier, like ArcGIS Pro's 'Classify Objects Using "
        "Deep Learning'.<br><br>"
        "For each feature a chip is cut from the raster at the chosen cell size: the model's "
        "chip size around the feature's centre, or the feature's bounding box (plus padding) "
        "resampled to the chip size. The model's bands are read; pixels outside the raster or "
        "nodata become 0. Features in another CRS than the raster are transformed on the fly."
        "<br><br>"
        "Output: every input field plus the class label, class value and confidence (0–1). "
        "Features with a NULL or empty geometry, entirely outside the raster, or with only "
        "nodata under them get NULL results and are counted in a warning. With a processing "
        "extent, only features intersecting it are classified and written.<br><br>"
        "A grid of polygons (Vector ▸ Research Tools ▸ Create Grid, or 'Classify raster grid') "
        "turns this into a land-use map; the optional summary table gives each class's count "
        "and share of the area.<br><br>Needs PyTorch (with torchvision) or onnxruntime in "
        "QGIS's Python."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_raster_and_model_parameters(self)
        self.add_parameter(
            QgsProcessingParameterFeatureSource("INPUT_FEATURES", self.tr("Input features"),
                                                [QgsProcessing.TypeVector]),
            "Polygons, points or lines to classify, in any CRS.")
        add_classify_parameters(
            self, "Only features intersecting this extent are classified and written, and only "
            "the raster inside it is read. Any CRS; empty = everything.")
        add_output_parameters(
            self, "Classified features", QgsProcessing.TypeVectorAnyGeometry,
            "The input features (in their CRS) with every input field plus the class label, "
            "class value and confidence.")

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
