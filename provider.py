"""The Processing provider ``sceneclassifier``."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.check_dependencies import CheckDependencies
from .algorithms.classify_grid import ClassifyGrid
from .algorithms.classify_objects import ClassifyObjects
from .algorithms.evaluate_classifier import EvaluateClassifier
from .algorithms.export_training_chips import ExportTrainingChips
from .algorithms.find_learning_rate import FindLearningRate
from .algorithms.preview_training_data import PreviewTrainingData
from .algorithms.train_classifier import TrainClassifier

ICON = os.path.join(os.path.dirname(__file__), "resources", "icon.svg")


class SceneClassifierProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "sceneclassifier"

    def name(self) -> str:
        return "Scene Classifier"

    def longName(self) -> str:  # noqa: N802 (QGIS's name)
        from .core import __version__

        return f"Scene Classifier {__version__}"

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS's name)
        return ICON

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS's name)
        for algorithm in (TrainClassifier(), FindLearningRate(), PreviewTrainingData(),
                          ClassifyObjects(), ClassifyGrid(), ExportTrainingChips(),
                          EvaluateClassifier(), CheckDependencies()):
            self.addAlgorithm(algorithm)
