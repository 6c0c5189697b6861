"""The plugin's own dialog under Qt 6 (QGIS 4's Qt), where the Qt5-only forms fail: PyQt6
from the package registry stands in for QGIS 4's qgis.PyQt (a shim re-exporting PyQt6),
and the Dependencies dialog is built, filled and driven there."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from conftest import ROOT

SCRIPT = textwrap.dedent("""
    import sys
    sys.path[:0] = [{shim!r}, {plugins!r}]
    from PyQt6.QtWidgets import QApplication
    app = QApplication([])
    from qgis.PyQt.QtCore import QT_VERSION_STR
    from scene_classifier.gui.dependencies_dialog import DependenciesDialog
    dialog = DependenciesDialog({packages!r})
    dialog.show()
    dialog.ask_engines()  # the wait cursor, and the answers of PyTorch and onnxruntime
    dialog._busy(True)
    dialog._say("Collecting onnxruntime")
    dialog._busy(False)
    print("Qt", QT_VERSION_STR, dialog.table.rowCount(), dialog.table.item(0, 0).text(),
          dialog.log.toPlainText().splitlines()[-1], dialog.close_buttons.isVisible())
""")


def test_the_dependencies_dialog_runs_under_qt6(tmp_path):
    shim = tmp_path / "shim"
    (shim / "qgis" / "PyQt").mkdir(parents=True)
    (shim / "qgis" / "__init__.py").write_text("")
    (shim / "qgis" / "PyQt" / "__init__.py").write_text("")
    for module in ("QtCore", "QtGui", "QtWidgets"):
        (shim / "qgis" / "PyQt" / f"{module}.py").write_text(f"from PyQt6.{module} import *\n")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    script = SCRIPT.format(shim=str(shim), plugins=str(plugins),
                           packages=str(tmp_path / "packages"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("Qt 6."), done.stdout
    assert done.stdout.strip().endswith("6 torch Collecting onnxruntime True"), done.stdout
