"""The QGIS plugin: registers the Processing provider (toolbox, modeler, qgis_process) and,
in the desktop, Plugins ▸ Scene Classifier ▸ Dependencies…."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgis.core import QgsApplication

from .core.runtime.dependencies import packages_folder
from .provider import ICON, SceneClassifierProvider

if TYPE_CHECKING:
    from qgis.gui import QgisInterface

    from .gui.dependencies_dialog import DependenciesDialog

MENU = "Scene Classifier"


class SceneClassifierPlugin:
    """Adds the Scene Classifier provider and the Dependencies dialog."""

    def __init__(self, iface: QgisInterface | None) -> None:
        self.iface = iface
        self.provider = None
        self.action = None

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the provider (QGIS calls this under qgis_process too)."""
        self.provider = SceneClassifierProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the provider and add the Dependencies… menu entry (the desktop only)."""
        from qgis.PyQt.QtGui import QIcon
        from qgis.PyQt.QtWidgets import QAction

        self.initProcessing()
        self.action = QAction(QIcon(ICON), "Dependencies…", self.iface.mainWindow())
        self.action.triggered.connect(self.show_dependencies)
        self.iface.addPluginToMenu(MENU, self.action)
        self._say_what_is_missing()

    def _say_what_is_missing(self) -> None:
        """Without PyTorch and onnxruntime no model runs: say so once, with the way out."""
        from .core.runtime.dependencies import installed, torch_installed

        if not (torch_installed() or installed("onnxruntime")):
            self.iface.messageBar().pushWarning(
                MENU, "Neither PyTorch nor onnxruntime is installed: open Plugins ▸ Scene "
                      "Classifier ▸ Dependencies… to install them.")

    def show_dependencies(self) -> DependenciesDialog:
        """Open the Dependencies dialog; returns it (for tests and screenshots)."""
        from .gui.dependencies_dialog import DependenciesDialog

        dialog = DependenciesDialog(packages_folder(QgsApplication.qgisSettingsDirPath()),
                                    self.iface.mainWindow())
        dialog.show()
        return dialog

    def unload(self) -> None:
        """Remove the menu entry and the provider."""
        if self.action is not None:
            self.iface.removePluginMenu(MENU, self.action)
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
