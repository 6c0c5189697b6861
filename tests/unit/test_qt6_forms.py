"""QGIS 4 runs on Qt 6: the plugin's sources use only forms both Qt 5 and Qt 6 accept. Each
row: a pattern of a Qt5-only form, an example of it, and the form that works in both."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

ENUM_TYPES = ("ExitStatus|ProcessChannelMode|ResizeMode|StandardButton|CursorShape|"
              "MoveOperation|Type|Flag|Flags|Behavior|SourceType")
QT_CLASSES = ("Qt|QHeaderView|QDialogButtonBox|QProcess|QTextCursor|QMessageBox|QSizePolicy|"
              "QAbstractItemView|QFrame|QIODevice|QEvent|QPalette|QFont|QLineEdit|QFileDialog|"
              "QDialog|QAction|QProgressBar|QPlainTextEdit|QTableWidget|QLabel")
QT5_ONLY = [
    (r"\bexec_\(", "loop.exec_()", "loop.exec()"),
    (r"^\s*(from|import)\s+PyQt5\b", "from PyQt5.QtCore import QTimer",
     "from qgis.PyQt.QtCore import QTimer"),
    (r"\bQVariant\.(?!Type\b)[A-Z]\w*", "QgsField('n', QVariant.String)",
     "QgsField('n', field_types.STRING)"),
    (rf"\b({QT_CLASSES})\.(?!({ENUM_TYPES})\b)[A-Z][a-z]\w*\b(?!\s*[.(])",
     "QApplication.setOverrideCursor(Qt.WaitCursor)",
     "QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)"),
    (r"\bQgs\w+\.(Flag|Type)[A-Z]\w*\b", "[QgsProcessing.TypeVectorPolygon]",
     "[QgsProcessing.SourceType.TypeVectorPolygon]"),
    (r"\bQgsWkbTypes\.(?!Type\b)[A-Z]\w*\b(?!\s*[.(])", "QgsWkbTypes.Polygon",
     "QgsWkbTypes.Type.Polygon"),
    (r"\bQgsFeatureSink\.FastInsert\b", "sink.addFeature(f, QgsFeatureSink.FastInsert)",
     "sink.addFeature(f, QgsFeatureSink.Flag.FastInsert)"),
    (r"\bQgsProcessingParameter(File|Number)\.(Folder|File|Integer|Double)\b",
     "QgsProcessingParameterFile.Folder", "QgsProcessingParameterFile.Behavior.Folder"),
]
SOURCES = ["__init__.py", "plugin.py", "provider.py", "__main__.py", "algorithms", "gui",
           "interface", "cli", "core", "tools", "tests/qgis/desktop"]


@pytest.mark.parametrize("pattern, qt5, both", QT5_ONLY)
def test_each_pattern_finds_its_qt5_form_and_not_the_form_for_both(pattern, qt5, both):
    assert re.search(pattern, qt5, re.MULTILINE)
    assert not re.search(pattern, both, re.MULTILINE)


def test_the_sources_use_no_qt5_only_form():
    files = [path for source in SOURCES for path in (
        [ROOT / source] if source.endswith(".py") else sorted((ROOT / source).rglob("*.py")))]
    assert len(files) > 50
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()} (use: {both})"
             for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for pattern, _, both in QT5_ONLY if re.search(pattern, line)]
    assert not found, "\n".join(found)
