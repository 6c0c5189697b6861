"""sceneclassifier:classifygrid — a land-use map: classify a grid of square cells."""

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingOutputNumber,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core import interface
from .base import SceneClassifierAlgorithm
from .class_style import write_class_raster
from .classify_shared import (
    feature_classifier,
    output_opener,
    raster_layer,
    result_fields,
    write_predictions,
    write_summary_table,
)


class ClassifyGrid(SceneClassifierAlgorithm):
    TOOL = interface.CLASSIFY_GRID

    def add_outputs(self) -> None:
        self.addOutput(QgsProcessingOutputNumber("CELL_COUNT", self.tr("Number of cells")))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.inference.classifier import plan_grid
        from ..core.workflows.class_map import check_class_values

        layer = raster_layer(self, parameters, context)
        classifier = feature_classifier(self, parameters, context, core_feedback, layer)
        class_map = self.parameterAsOutputLayer(parameters, "OUTPUT_RASTER", context)
        if class_map:
            check_class_values(classifier.package.definition["Classes"])
        grid = plan_grid(classifier, self.parameterAsDouble(parameters, "GRID_SIZE", context),
                         self.parameterAsInt(parameters, "MAX_CELLS", context))
        fields = QgsFields()
        for name in ("cell_id", "row", "col"):
            fields.append(QgsField(name, QVariant.Int))
        fields = result_fields(self, parameters, context, fields)

        def features(classifying: bool):
            for number, cell in enumerate(grid.cells(), start=1):
                if classifying:
                    yield None, cell.wkb()
                    continue
                feature = QgsFeature(fields)
                feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(*cell.extent)))
                feature.setAttributes([number, cell.row, cell.column])
                yield feature, None

        summary, destination, codes, confidences = write_predictions(
            classifier, features,
            output_opener(self, parameters, context, fields, QgsWkbTypes.Polygon, layer.crs(),
                          classifier),
            feedback, grid.rows * grid.columns)
        if class_map:
            write_class_raster(context, class_map, codes, confidences, (grid.rows, grid.columns),
                               grid.transform, layer.crs().toWkt(), classifier)
        return {"OUTPUT": destination, "CELL_COUNT": grid.rows * grid.columns,
                "OUTPUT_RASTER": class_map or None,
                "OUTPUT_SUMMARY": write_summary_table(self, parameters, context, summary)}
