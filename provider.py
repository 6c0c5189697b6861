"""The Processing provider ``sceneclassifier``."""

from __future__ import annotations

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.check_dependencies import CheckDependencies
from .algorithms.classify_change import ClassifyChange
from .algorithms.classify_grid import ClassifyGrid
from .algorithms.classify_objects import ClassifyObjects
from .algorithms.evaluate_classifier import EvaluateClassifier
from .algorithms.export_training_chips import ExportTrainingChips
from .algorithms.find_learning_rate import FindLearningRate
from .algorithms.preview_training_data import PreviewTrainingData
from .algorithms.suggest_labels import SuggestLabels
from .algorithms.train_classifier import TrainClassifier

ICON = os.path.join(os.path.dirname(__file__), "resources", "icon.svg")


class SceneClassifierProvider(QgsProcessingProvider):
    """The provider of the Scene Classifier algorithms."""

    def id(self) -> str:
        """The provider id: sceneclassifier."""
        return "sceneclassifier"

    def name(self) -> str:
        """The name shown in the Processing toolbox."""
        return "Scene Classifier"

    def longName(self) -> str:  # noqa: N802 (QGIS's name)
        """The name with the plugin's version."""
        from .core import __version__

        return f"Scene Classifier {__version__}"

    def icon(self) -> QIcon:
        """The plugin's icon."""
        return QIcon(ICON)

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS's name)
        """The path of the plugin's SVG icon."""
        return ICON

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS's name)
        """Add one instance of each algorithm."""
        for algorithm in (TrainClassifier(), FindLearningRate(), PreviewTrainingData(),
                          ClassifyObjects(), ClassifyGrid(), ExportTrainingChips(),
                          EvaluateClassifier(), SuggestLabels(), ClassifyChange(),
                          CheckDependencies()):
            self.addAlgorithm(algorithm)
