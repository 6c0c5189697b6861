"""sceneclassifier:exporttrainingchips — chips of labelled features, ready for training."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFolderDestination,
)

from .base import SceneClassifierAlgorithm, add_chip_size_parameter
from .chip_parameters import add_chip_parameters, chip_option_values
from .classify_shared import (
    add_raster_parameter,
    attribute_value,
    class_field_index,
    feature_count,
    feature_source,
    features_with_wkb,
    raster_layer,
)

FORMATS = (("tif", "TIFF (all bands, original data type, georeferenced)"),
           ("png", "PNG (8-bit RGB)"), ("jpg", "JPEG (8-bit RGB)"))


class ExportTrainingChips(SceneClassifierAlgorithm):
    NAME = "exporttrainingchips"
    DISPLAY_NAME = "Export training chips"
    HELP = (
        "Cuts one image chip per labelled feature (polygons or points) from a raster, in the "
        "ImageNet layout 'Train scene classifier' reads, like ArcGIS's 'Export Training Data "
        "For Deep Learning' (Imagenet metadata format).<br><br>"
        "Chips: the chip size in pixels at the cell size around the feature's centre, or the "
        "feature's bounding box plus padding resampled to the chip size; pixels outside the "
        "raster or nodata are 0. The same chip cutting is used to classify and evaluate, so a "
        "model sees the same pixels in all three.<br><br>"
        "Output: <output folder>/images/<class>/<feature id>.tif|png|jpg and "
        "<output folder>/chips.csv (file, class, folder, feature id, chip bounds in the raster "
        "CRS). Class values become safe folder names (the mapping is in chips.csv and the "
        "log). Features with a NULL class, a NULL or empty geometry, outside the raster or "
        "the processing extent are skipped and counted in the log. The output folder must "
        "be new or empty; one that holds an earlier export is refused unless 'Replace an "
        "earlier export' is checked, and then its chips are replaced once all new ones are "
        "written.<br><br>"
        "Needs no PyTorch."
    )
    NEEDS = None

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_raster_parameter(self)
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                "INPUT_FEATURES", self.tr("Labelled features"),
                [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]),
            "Polygons or points with a class field, in any CRS.")
        self.add_parameter(
            QgsProcessingParameterField("CLASS_FIELD", self.tr("Class field"),
                                        parentLayerParameterName="INPUT_FEATURES"),
            "Text or integer field holding each feature's class; it names the chip folders.")
        add_chip_size_parameter(self, "Width and height of the chips. Train at this size for "
                                "the same pixels in training and classification.")
        add_chip_parameters(
            self, "Only features intersecting this extent are exported, and only the raster "
            "inside it is read. Any CRS; empty = everything.", from_model=False)
        self.add_parameter(
            QgsProcessingParameterEnum("FORMAT", self.tr("Chip format"),
                                       options=[label for _, label in FORMATS], defaultValue=0),
            "TIFF keeps every band, the data type and the georeferencing; PNG and JPEG are "
            "8-bit RGB (the first three bands of an 8-bit raster).")
        self.add_parameter(
            QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Output folder")),
            "Receives images/<class>/ and chips.csv; give it to 'Train scene classifier'. "
            "New or empty, or an earlier export with 'Replace an earlier export'.")
        self.add_parameter(
            QgsProcessingParameterBoolean("OVERWRITE", self.tr("Replace an earlier export"),
                                          False),
            "Replace the images/ and chips.csv of an earlier export in the output folder, once "
            "all new chips are written. A folder holding anything else is never changed.",
            advanced=True)
        self.addOutput(QgsProcessingOutputNumber("CHIP_COUNT", self.tr("Chips written")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.export import ExportSettings, export_chips

        layer = raster_layer(self, parameters, context)
        source = feature_source(self, parameters, context)
        index = class_field_index(self, parameters, context, source, "CLASS_FIELD")
        settings = ExportSettings(
            chip_size=self.parameterAsInt(parameters, "CHIP_SIZE", context),
            **chip_option_values(self, parameters, context, layer),
            format=FORMATS[self.parameterAsEnum(parameters, "FORMAT", context)][0])
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        features = ((feature.id(), attribute_value(feature.attribute(index)), wkb)
                    for feature, wkb in features_with_wkb(source, layer, context))
        summary = export_chips(layer.source(), features, folder, settings, core_feedback,
                               feature_count(source),
                               self.parameterAsBoolean(parameters, "OVERWRITE", context))
        feedback.pushInfo(summary.text())
        return {"OUTPUT_FOLDER": summary.folder, "CHIP_COUNT": summary.chip_count}

