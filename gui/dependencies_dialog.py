"""Plugins ▸ Scene Classifier ▸ Dependencies…: what is installed, what each missing piece
enables, and an Install button that runs QGIS's own pip into the plugin's folder."""

from __future__ import annotations

from qgis.PyQt.QtCore import QProcess
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.runtime.dependencies import DependencyReport, check, install_arguments, says


class DependenciesDialog(QDialog):
    """The dependency table, the GPU, and installing PyTorch or onnxruntime with a log."""

    def __init__(self, packages_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scene Classifier dependencies")
        self.packages_folder = packages_folder
        self.process: QProcess | None = None
        self.report: DependencyReport | None = None
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Package", "Installed", "Version",
                                              "What it enables"])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.gpu = QLabel()
        self.ask = QPushButton("Check whether PyTorch and onnxruntime use the GPU")
        self.gpu_build = QCheckBox("Install the CUDA (NVIDIA GPU) builds")
        self.buttons = {what: QPushButton(label) for what, label in (
            ("torch", "Install PyTorch (training and classifying)"),
            ("onnxruntime", "Install onnxruntime (classifying only, about 15 MB)"))}
        self.cancel = QPushButton("Cancel the installation")
        self.progress = QProgressBar()
        self.log = QPlainTextEdit(readOnly=True)
        self.note = QLabel(f"Packages are installed into {packages_folder} (QGIS's own "
                           "Python packages are never changed); restart QGIS to use them.")
        self.note.setWordWrap(True)
        self._lay_out()
        self.refresh()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        self.ask.clicked.connect(self.ask_engines)
        for widget in (self.table, self.gpu, self.ask, self.gpu_build):
            layout.addWidget(widget)
        row = QHBoxLayout()
        for what, button in self.buttons.items():
            button.clicked.connect(lambda _checked, what=what: self.install(what))
            row.addWidget(button)
        self.cancel.clicked.connect(self.stop)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        for widget in (self.progress, self.log, self.note):
            layout.addWidget(widget)
        self.progress.setVisible(False)
        self.cancel.setEnabled(False)
        self.resize(900, 620)

    def refresh(self) -> None:
        """Show what is installed now."""
        report = check()
        self.table.setRowCount(len(report.packages))
        for row, package in enumerate(report.packages):
            for column, text in enumerate((package.name, "yes" if package.installed else "no",
                                           package.version, package.purpose)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.report = report
        choice = report.torch_choice()
        self.gpu.setText(f"PyTorch: {choice.reason}")
        self.gpu_build.setChecked(choice.uses_gpu)
        self.gpu_build.setEnabled(choice.uses_gpu)
        self.ask.setVisible(bool(report.gpu))

    def ask_engines(self) -> None:
        """Ask PyTorch and onnxruntime, in a separate Python, whether they see the GPU."""
        from qgis.PyQt.QtCore import Qt
        from qgis.PyQt.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            report = check(ask_engines=True)
        finally:
            QApplication.restoreOverrideCursor()
        self.gpu.setText(f"NVIDIA GPU: {report.gpu}. PyTorch uses it: "
                         f"{says(report.torch_cuda)}; onnxruntime uses it: "
                         f"{says(report.onnxruntime_cuda)}.")

    def install(self, what: str) -> None:
        """Run pip for ``what`` in a separate process; its output goes to the log."""
        want_gpu = self.gpu_build.isChecked()
        choice = self.report.torch_choice(want_gpu) if what == "torch" else \
            self.report.onnxruntime_choice(want_gpu)
        arguments = install_arguments(choice, self.packages_folder)
        self.log.appendPlainText(choice.reason)
        self.log.appendPlainText("$ " + " ".join(arguments))
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._show_output)
        self.process.finished.connect(self._finished)
        self._busy(True)
        self.process.start(arguments[0], arguments[1:])

    def stop(self) -> None:
        """Stop the running pip, if any."""
        if self.process is not None:
            self.log.appendPlainText("Cancelled: pip was stopped.")
            self.process.kill()

    def _show_output(self) -> None:
        text = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace")
        self.log.appendPlainText(text.rstrip())
        last = text.strip().splitlines()[-1:] if text.strip() else []
        if last:
            self.progress.setFormat(last[0][:90])

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._busy(False)
        self.log.appendPlainText("Installed: restart QGIS to use it." if code == 0 else
                                 f"pip stopped with exit code {code}; see the lines above.")
        self.process = None
        self.refresh()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0 if busy else 1)  # 0, 0: a busy bar
        self.cancel.setEnabled(busy)
        for button in self.buttons.values():
            button.setEnabled(not busy)
