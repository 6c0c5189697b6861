"""The QGIS plugin: registers the Processing provider (toolbox, modeler, qgis_process)."""

from qgis.core import QgsApplication

from .provider import SceneClassifierProvider


class SceneClassifierPlugin:
    """Adds the Scene Classifier provider; it has no other GUI."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        self.provider = SceneClassifierProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        self.initProcessing()

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
