"""Rebuild the .model3 graphical models used by the tests (run with QGIS's Python).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/models/build_models.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
)

HERE = Path(__file__).resolve().parent
Source = QgsProcessingModelChildParameterSource


def child(algorithm: str, child_id: str, **static) -> QgsProcessingModelChildAlgorithm:
    step = QgsProcessingModelChildAlgorithm(f"sceneclassifier:{algorithm}")
    step.setChildId(child_id)
    step.setDescription(child_id)
    for name, value in static.items():
        step.addParameterSources(name, [Source.fromStaticValue(value)])
    return step


def expose(step: QgsProcessingModelChildAlgorithm, outputs: dict[str, str],
           descriptions: dict[str, str] | None = None) -> None:
    """Make the step's outputs (model output name -> child output name) outputs of the model."""
    exposed = {}
    for name, child_output in outputs.items():
        output = QgsProcessingModelOutput(name, (descriptions or {}).get(name, name))
        output.setChildId(step.childId())
        output.setChildOutputName(child_output)
        exposed[name] = output
    step.setModelOutputs(exposed)


def find_then_train() -> QgsProcessingModelAlgorithm:
    """findlearningrate's LEARNING_RATE feeds trainclassifier's LEARNING_RATE."""
    model = QgsProcessingModelAlgorithm("Find rate then train", "Scene Classifier tests")
    chips = QgsProcessingParameterFile("chips", "Chips folder",
                                       behavior=QgsProcessingParameterFile.Folder)
    model.addModelParameter(chips, QgsProcessingModelParameter("chips"))
    common = dict(BACKBONE=0, PRETRAINED=False, CHIP_SIZE=24, BATCH_SIZE=16, DEVICE=1)
    find = child("findlearningrate", "find", **common)
    find.addParameterSources("INPUT_FOLDER", [Source.fromModelParameter("chips")])
    model.addChildAlgorithm(find)
    train = child("trainclassifier", "train", EPOCHS=2, MODEL_NAME="chained", **common)
    train.addParameterSources("INPUT_FOLDER", [Source.fromModelParameter("chips")])
    train.addParameterSources("LEARNING_RATE", [Source.fromChildOutput("find", "LEARNING_RATE")])
    expose(train, {"models": "OUTPUT_FOLDER"}, {"models": "Model folder"})
    model.addChildAlgorithm(train)
    model.updateDestinationParameters()
    return model


def train_then_grid() -> QgsProcessingModelAlgorithm:
    """trainclassifier's MODEL_DEFINITION feeds classifygrid's MODEL: a land-use map."""
    model = QgsProcessingModelAlgorithm("Train then map a grid", "Scene Classifier tests")
    chips = QgsProcessingParameterFile("chips", "Chips folder",
                                       behavior=QgsProcessingParameterFile.Folder)
    model.addModelParameter(chips, QgsProcessingModelParameter("chips"))
    raster = QgsProcessingParameterRasterLayer("raster", "Raster to map")
    model.addModelParameter(raster, QgsProcessingModelParameter("raster"))
    train = child("trainclassifier", "train", BACKBONE=0, PRETRAINED=False, CHIP_SIZE=24,
                  BATCH_SIZE=16, EPOCHS=2, LEARNING_RATE=0.002, DEVICE=1, MODEL_NAME="mapper")
    train.addParameterSources("INPUT_FOLDER", [Source.fromModelParameter("chips")])
    model.addChildAlgorithm(train)
    grid = child("classifygrid", "grid", GRID_SIZE=100, DEVICE=1)
    grid.addParameterSources("INPUT_RASTER", [Source.fromModelParameter("raster")])
    grid.addParameterSources("MODEL", [Source.fromChildOutput("train", "MODEL_DEFINITION")])
    expose(grid, {"map": "OUTPUT", "summary": "OUTPUT_SUMMARY"})
    model.addChildAlgorithm(grid)
    model.updateDestinationParameters()
    return model


def export_train_evaluate() -> QgsProcessingModelAlgorithm:
    """Chips exported from labelled polygons train a model, which is evaluated on them."""
    model = QgsProcessingModelAlgorithm("Export, train, evaluate", "Scene Classifier tests")
    raster = QgsProcessingParameterRasterLayer("raster", "Raster")
    model.addModelParameter(raster, QgsProcessingModelParameter("raster"))
    polygons = QgsProcessingParameterVectorLayer("polygons", "Labelled polygons")
    model.addModelParameter(polygons, QgsProcessingModelParameter("polygons"))
    field = QgsProcessingParameterField("class_field", "Class field",
                                        parentLayerParameterName="polygons")
    model.addModelParameter(field, QgsProcessingModelParameter("class_field"))
    export = child("exporttrainingchips", "export", CHIP_SIZE=32, CROP_MODE=1, PADDING=4)
    export.addParameterSources("INPUT_RASTER", [Source.fromModelParameter("raster")])
    export.addParameterSources("INPUT_FEATURES", [Source.fromModelParameter("polygons")])
    export.addParameterSources("CLASS_FIELD", [Source.fromModelParameter("class_field")])
    model.addChildAlgorithm(export)
    train = child("trainclassifier", "train", BACKBONE=0, PRETRAINED=False, CHIP_SIZE=32,
                  BATCH_SIZE=4, EPOCHS=2, LEARNING_RATE=0.001, DEVICE=1, VAL_SPLIT_PCT=30,
                  MODEL_NAME="exported")
    train.addParameterSources("INPUT_FOLDER", [Source.fromChildOutput("export", "OUTPUT_FOLDER")])
    model.addChildAlgorithm(train)
    evaluate = child("evaluateclassifier", "evaluate", DEVICE=1)
    evaluate.addParameterSources("MODEL", [Source.fromChildOutput("train", "MODEL_DEFINITION")])
    evaluate.addParameterSources("INPUT_FOLDER",
                                 [Source.fromChildOutput("export", "OUTPUT_FOLDER")])
    expose(evaluate, {"report": "OUTPUT_REPORT", "confusion": "OUTPUT_CONFUSION"})
    model.addChildAlgorithm(evaluate)
    model.updateDestinationParameters()
    return model


def main() -> None:
    app = QgsApplication([], False)
    app.initQgis()
    with tempfile.TemporaryDirectory() as plugins:
        (Path(plugins) / "scene_classifier").symlink_to(HERE.parents[1])
        sys.path.insert(0, plugins)
        import scene_classifier

        scene_classifier.classFactory(None).initProcessing()
        find_then_train().toFile(str(HERE / "find_then_train.model3"))
        train_then_grid().toFile(str(HERE / "train_then_grid.model3"))
        export_train_evaluate().toFile(str(HERE / "export_train_evaluate.model3"))


if __name__ == "__main__":
    main()
