"""The dependency check as a tool: the report written and the answers returned."""

from __future__ import annotations

from ..errors import DependencyError, setting, tr
from ..reports.report import write_dependency_report
from ..runtime import installer
from ..runtime.dependencies import check, pip_command
from ..runtime.feedback import Feedback


def check_and_report(path: str, feedback: Feedback, install: str | None = None,
                     wheels: str | None = None) -> dict[str, bool]:
    """First install ``install`` (core.runtime.dependencies' TORCH or ONNXRUNTIME; from the
    folder or .zip ``wheels`` offline, else from the index) where given; then check the
    packages and the GPU (asking the engines), write the HTML report with the install
    commands for what is missing to ``path``, log a line per package; returns whether
    PyTorch (with torchvision), onnxruntime and a CUDA engine are there (TORCH,
    ONNXRUNTIME, CUDA)."""
    if install:
        feedback.report(0.0, tr("installing {}").format(install), force=True)
        installer.install(install, feedback, wheels)
    elif wheels:
        raise DependencyError(tr("{} is given but {} is nothing: choose what to install "
                                 "from it.").format(setting('wheels'), setting('install')))
    feedback.report(0.1, tr("asking PyTorch and onnxruntime about the GPU"), force=True)
    report = check(ask_engines=True)
    torch_there = report.has("torch") and report.has("torchvision")
    commands = ([] if torch_there else [pip_command()]) + (
        [] if report.has("onnxruntime") else [pip_command("onnxruntime")])
    write_dependency_report(path, report, commands)
    for package in report.packages:
        feedback.log(tr("{}: {}").format(package.name, package.version or tr("not installed")))
    feedback.log(tr("GPU: {}").format(report.gpu or tr("none found")))
    return {"TORCH": torch_there, "ONNXRUNTIME": report.has("onnxruntime"),
            "CUDA": bool(report.torch_cuda or report.onnxruntime_cuda)}
