"""sceneclassifier:classifygrid — a land-use map: classify a grid of square cells."""

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.features import MAX_CELLS
from .base import SceneClassifierAlgorithm
from .class_style import write_class_raster
from .classify_shared import (
    add_classify_parameters,
    add_output_parameters,
    add_raster_and_model_parameters,
    feature_classifier,
    output_opener,
    raster_layer,
    result_fields,
    write_predictions,
    write_summary_table,
)


class ClassifyGrid(SceneClassifierAlgorithm):
    NAME = "classifygrid"
    DISPLAY_NAME = "Classify raster grid"
    GROUP_ID = "classification"
    NEEDS = "engine"
    HELP = (
        "Maps a whole image in one step: lays a grid (fishnet) of square cells over the raster "
        "and classifies every cell with a trained scene classifier, like 'Classify objects' "
        "on a grid of polygons.<br><br>"
        "Grid size: the side of a cell in the raster's CRS units; 0 makes cells exactly one "
        "chip (the model's chip size x the cell size). The grid starts at the top-left corner "
        "of the processing extent (default: the raster) and keeps the cells whose centre lies "
        "inside it.<br><br>"
        "Output: the cells (raster CRS) with their row, column, class label, class value and "
        "confidence; the optional summary table gives each class's count and share of the "
        "area; the optional class map is a GeoTIFF with one pixel per cell (band 1 the class "
        "value in the model's colours, 0 = no result; band 2 the confidence in %)."
        "<br><br>Needs PyTorch (with torchvision) or onnxruntime in QGIS's Python."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        add_raster_and_model_parameters(self)
        self.add_parameter(
            QgsProcessingParameterDistance("GRID_SIZE", self.tr("Grid size (0 = one chip)"),
                                           0.0, "INPUT_RASTER", minValue=0.0),
            "Side of a grid cell, in the raster's map units (shown beside the value). 0: the "
            "model's chip size times the cell size, so that each cell is one chip.")
        add_classify_parameters(
            self, "The area to cover with the grid, in any CRS; empty = the whole raster.")
        add_output_parameters(
            self, "Classified grid", QgsProcessing.TypeVectorPolygon,
            "The grid cells in the raster's CRS with cell_id, row, col, class label, class "
            "value and confidence.")
        self.add_parameter(
            QgsProcessingParameterRasterDestination(
                "OUTPUT_RASTER", self.tr("Class map (GeoTIFF, one pixel per cell)"),
                optional=True, createByDefault=False),
            "A raster land-use map: band 1 the class value (Byte, the model's colours, class "
            "names in its attribute table and legend, 0 = no result), band 2 the confidence "
            "in percent.")
        self.add_parameter(
            QgsProcessingParameterNumber("MAX_CELLS", self.tr("Most grid cells"),
                                         QgsProcessingParameterNumber.Integer, MAX_CELLS,
                                         False, 1),
            f"A grid with more cells is refused before any work (default {MAX_CELLS:,}, about "
            "a day on a CPU): a grid size in the wrong unit would otherwise start billions.",
            advanced=True)
        self.addOutput(QgsProcessingOutputNumber("CELL_COUNT", self.tr("Number of cells")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.features import check_cell_count, grid_cells, grid_shape

        layer = raster_layer(self, parameters, context)
        classifier = feature_classifier(self, parameters, context, core_feedback, layer)
        grid_size = self.parameterAsDouble(parameters, "GRID_SIZE", context)
        if grid_size <= 0:
            cell = classifier.settings.cell_size or classifier.source.resolution[0]
            grid_size = classifier.settings.chip_size * cell
        extent = classifier.source.readable
        rows, columns = grid_shape(extent, grid_size)
        check_cell_count(rows, columns, self.parameterAsInt(parameters, "MAX_CELLS", context))
        core_feedback.log(f"Grid: {rows} rows x {columns} columns of {grid_size:g} x {grid_size:g} "
                 "raster CRS units.")
        fields = QgsFields()
        for name in ("cell_id", "row", "col"):
            fields.append(QgsField(name, QVariant.Int))
        fields = result_fields(self, parameters, context, fields)

        def features(classifying: bool):
            for number, cell in enumerate(grid_cells(extent, grid_size), start=1):
                if classifying:
                    yield None, cell.wkb()
                    continue
                feature = QgsFeature(fields)
                feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(*cell.extent)))
                feature.setAttributes([number, cell.row, cell.column])
                yield feature, None

        class_map = self.parameterAsOutputLayer(parameters, "OUTPUT_RASTER", context)
        classes = classifier.package.definition["Classes"]
        if class_map and max(int(entry["Value"]) for entry in classes) > 255:
            raise QgsProcessingException(
                "OUTPUT_RASTER stores class values 1 to 255 in bytes; this model has values up "
                "to {}. Leave OUTPUT_RASTER empty.".format(
                    max(int(entry["Value"]) for entry in classes)))
        summary, destination, codes, confidences = write_predictions(
            classifier, features,
            output_opener(self, parameters, context, fields, QgsWkbTypes.Polygon, layer.crs(),
                          classifier),
            feedback, rows * columns)
        if class_map:
            write_class_raster(context, class_map, codes, confidences, (rows, columns),
                               (extent[0], grid_size, 0.0, extent[3], 0.0, -grid_size),
                               layer.crs().toWkt(), classifier)
        return {"OUTPUT": destination, "CELL_COUNT": rows * columns,
                "OUTPUT_RASTER": class_map or None,
                "OUTPUT_SUMMARY": write_summary_table(self, parameters, context, summary)}
