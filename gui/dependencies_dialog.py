"""Plugins ▸ Scene Classifier ▸ Dependencies…: what is installed, what each missing piece
enables, and an Install button that runs QGIS's own pip into the plugin's folder."""

from __future__ import annotations

import tempfile

from qgis.PyQt.QtCore import QProcess
from qgis.PyQt.QtGui import QTextCursor
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import DependencyError
from ..core.runtime.dependencies import (
    ONNXRUNTIME,
    TORCH,
    DependencyReport,
    check,
    install_arguments,
    says,
)
from ..core.runtime.installer import SCRATCH_PREFIX, pip_source, settle


class DependenciesDialog(QDialog):
    """The dependency table, the GPU, and installing PyTorch or onnxruntime with a log."""

    def __init__(self, packages_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scene Classifier dependencies"))
        self.packages_folder = packages_folder
        self.process: QProcess | None = None
        self.report: DependencyReport | None = None
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Package"), self.tr("Installed"),
                                              self.tr("Version"), self.tr("What it enables")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.gpu = QLabel()
        self.ask = QPushButton(self.tr("Check whether PyTorch and onnxruntime use the GPU"))
        self.gpu_build = QCheckBox(self.tr("Install the CUDA (NVIDIA GPU) builds"))
        self.buttons = {what: QPushButton(label) for what, label in (
            (TORCH, self.tr("Install PyTorch (training and classifying)")),
            (ONNXRUNTIME, self.tr("Install onnxruntime (classifying only, about 85 MB)")))}
        self.wheels = QLineEdit()
        self.wheels.setPlaceholderText(self.tr("Offline: a folder or .zip of wheels to install "
                                               "from, with no network (empty: from the package "
                                               "index)"))
        self.browse = QPushButton(self.tr("Folder of wheels…"))
        self.scratch: tempfile.TemporaryDirectory | None = None  # an unpacked .zip of wheels
        self.cancel = QPushButton(self.tr("Cancel the installation"))
        self.progress = QProgressBar()
        self.status = QLabel()  # what pip does now: a busy bar draws no text of its own
        self.log = QPlainTextEdit(readOnly=True)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.was_missing: set[str] = set()  # packages missing when the dialog opened
        self.note = QLabel(self.tr("Packages are installed into {} (QGIS's own Python packages "
                                   "are never changed); restart QGIS to use them.").format(
                                       packages_folder))
        self.note.setWordWrap(True)
        self._lay_out()
        self.refresh()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        self.ask.clicked.connect(self.ask_engines)
        for widget in (self.table, self.gpu, self.ask, self.gpu_build):
            layout.addWidget(widget)
        offline = QHBoxLayout()
        offline.addWidget(self.wheels)
        offline.addWidget(self.browse)
        self.browse.clicked.connect(self._choose_wheels)
        layout.addLayout(offline)
        row = QHBoxLayout()
        for what, button in self.buttons.items():
            button.clicked.connect(lambda _checked, what=what: self.install(what))
            row.addWidget(button)
        self.cancel.clicked.connect(self.stop)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        for widget in (self.progress, self.status, self.log, self.note, self.close_buttons):
            layout.addWidget(widget)
        self.close_buttons.rejected.connect(self.close)
        self.status.setWordWrap(True)
        self.progress.setVisible(False)
        self.cancel.setEnabled(False)
        self.resize(900, 700)

    def refresh(self) -> None:
        """Show what is installed now."""
        report = check()
        self.table.setRowCount(len(report.packages))
        if self.report is None:
            self.was_missing = {p.name for p in report.packages if not p.installed}
        for row, package in enumerate(report.packages):
            there = self.tr("no") if not package.installed else \
                self.tr("yes: restart QGIS") if package.name in self.was_missing else \
                self.tr("yes")
            for column, text in enumerate((package.name, there, package.version,
                                           package.purpose)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.report = report
        choice = report.choice(TORCH)
        self.gpu.setText(self.tr("PyTorch: {}").format(choice.reason))
        self.gpu_build.setChecked(choice.uses_gpu)
        self.gpu_build.setEnabled(choice.uses_gpu)
        self.ask.setVisible(bool(report.gpu))

    def ask_engines(self) -> None:
        """Ask PyTorch and onnxruntime, in a separate Python, whether they see the GPU."""
        from qgis.PyQt.QtCore import Qt
        from qgis.PyQt.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = check(ask_engines=True)
        finally:
            QApplication.restoreOverrideCursor()
        self.gpu.setText(self.tr("NVIDIA GPU: {}. PyTorch uses it: {}; onnxruntime uses it: "
                                 "{}.").format(report.gpu, says(report.torch_cuda),
                                               says(report.onnxruntime_cuda)))

    def install(self, what: str) -> None:
        """Run pip for ``what`` in a separate process; its output goes to the log."""
        want_gpu = self.gpu_build.isChecked()
        choice = self.report.choice(what, want_gpu)
        self.scratch = tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX)
        try:
            extra = pip_source(choice, self.wheels.text().strip(), self.scratch.name)
        except (DependencyError, OSError) as error:
            self._drop_scratch()
            self._say(str(error))
            self.status.setText(str(error))
            return
        arguments = install_arguments(choice, self.packages_folder, extra)
        self._say(choice.reason)
        self._say("$ " + " ".join(arguments))
        self.status.setText(self.tr("Starting pip: {} build…").format(choice.build))
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._show_output)
        self.process.finished.connect(self._finished)
        self._busy(True)
        self.process.start(arguments[0], arguments[1:])

    def stop(self) -> None:
        """Stop the running pip, if any."""
        if self.process is not None:
            self._say(self.tr("Cancelled: pip was stopped."))
            self.process.kill()

    def _show_output(self) -> None:
        text = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace")
        self._say(text.rstrip())
        last = text.strip().splitlines()[-1:] if text.strip() else []
        if last:
            self.status.setText(last[0].strip()[:160])

    def _say(self, text: str) -> None:
        """Add ``text`` to the log and show its last line (the log follows new output even
        where long lines wrap)."""
        self.log.appendPlainText(text)
        self.log.moveCursor(QTextCursor.MoveOperation.End)
        self.log.ensureCursorVisible()
        bar = self.log.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _choose_wheels(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of wheels (.whl files)"))
        if folder:
            self.wheels.setText(folder)

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._busy(False)
        self.process = None
        self._drop_scratch()
        if code == 0:
            removed = settle(self.packages_folder)  # the table then finds what was installed
            if removed:
                self._say(self.tr("Removed the copies of {} that QGIS already has in the same "
                                  "version.").format(", ".join(removed)))
        self.refresh()
        done = self.tr("Installed: restart QGIS to use it.")
        self.status.setText(done if code == 0 else
                            self.tr("pip stopped with exit code {}; see the log.").format(code))
        self._say(done if code == 0 else
                  self.tr("pip stopped with exit code {}; see the lines above.").format(code))

    def _drop_scratch(self) -> None:
        """Remove the wheels unpacked for the last install, if any."""
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0 if busy else 1)  # 0, 0: a busy bar
        self.cancel.setEnabled(busy)
        for button in self.buttons.values():
            button.setEnabled(not busy)
