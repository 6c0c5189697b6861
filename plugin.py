"""The QGIS plugin: registers the Processing provider (toolbox, modeler, qgis_process) and,
in the desktop, Plugins ▸ Scene Classifier ▸ Dependencies…."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication

from .core.errors import CONTEXT as CORE_CONTEXT
from .core.errors import translate_with
from .core.runtime.dependencies import packages_folder
from .provider import ICON, SceneClassifierProvider

if TYPE_CHECKING:
    from qgis.gui import QgisInterface

    from .gui.dependencies_dialog import DependenciesDialog

MENU = "Scene Classifier"
I18N = os.path.join(os.path.dirname(__file__), "i18n")
_translator = None  # kept: Qt uses an installed translator only while it lives


def install_translation() -> str | None:
    """Install the plugin's translation for QGIS's locale (i18n/scene_classifier_<language>.qm,
    compiled from its .ts by make setup or make package), for the QGIS side and for core's
    messages (core.errors.tr); returns the file, or None where there is none for that language
    (the texts stay English)."""
    global _translator
    from qgis.PyQt.QtCore import QTranslator

    language = (QgsApplication.locale() or "")[:2]
    path = os.path.join(I18N, f"scene_classifier_{language}.qm")
    if _translator is not None or not language or not os.path.isfile(path):
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    _translator = translator
    translate_with(lambda text: QCoreApplication.translate(CORE_CONTEXT, text))
    return path


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
        self.action = QAction(QIcon(ICON),
                              QCoreApplication.translate("SceneClassifierPlugin", "Dependencies…"),
                              self.iface.mainWindow())
        self.action.triggered.connect(self.show_dependencies)
        self.iface.addPluginToMenu(MENU, self.action)
        self._say_what_is_missing()

    def _say_what_is_missing(self) -> None:
        """Without PyTorch and onnxruntime no model runs: say so once, with the way out."""
        from .core.runtime.dependencies import installed, torch_installed

        if not (torch_installed() or installed("onnxruntime")):
            self.iface.messageBar().pushWarning(
                MENU, QCoreApplication.translate(
                    "SceneClassifierPlugin", "Neither PyTorch nor onnxruntime is installed: open "
                    "Plugins ▸ Scene Classifier ▸ Dependencies… to install them."))

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
