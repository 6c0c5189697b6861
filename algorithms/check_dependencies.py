"""sceneclassifier:checkdependencies — what is installed for the plugin, and the GPU."""

from qgis.core import (
    QgsProcessingOutputBoolean,
    QgsProcessingParameterFileDestination,
)

from .base import SceneClassifierAlgorithm


class CheckDependencies(SceneClassifierAlgorithm):
    NAME = "checkdependencies"
    DISPLAY_NAME = "Check dependencies"
    GROUP_ID = "setup"
    NEEDS = None
    HELP = (
        "Shows which of the packages the plugin uses are installed for the Python that runs "
        "QGIS (PyTorch and torchvision for training, onnxruntime for classifying without "
        "PyTorch, Jinja2 and matplotlib for reports), the NVIDIA GPU and its driver, and "
        "whether PyTorch and onnxruntime can use it. The report ends with the install "
        "commands for what is missing. In the desktop, Plugins ▸ Scene Classifier ▸ "
        "Dependencies… shows the same and installs with one click.<br><br>"
        "Outputs true/false for PyTorch, onnxruntime and CUDA, to branch on in a model."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.add_parameter(
            QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Report"),
                                                  "HTML files (*.html)"),
            "The packages, their versions and what each enables; the GPU; the commands to "
            "install what is missing.")
        for name, label in (("TORCH", "PyTorch and torchvision installed"),
                            ("ONNXRUNTIME", "onnxruntime installed"),
                            ("CUDA", "An engine can use a CUDA GPU")):
            self.addOutput(QgsProcessingOutputBoolean(name, self.tr(label)))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.dependencies import check
        from ..core.deps import pip_command
        from ..core.report import write_dependency_report

        core_feedback.report(0.1, "asking PyTorch and onnxruntime about the GPU", force=True)
        report = check(ask_engines=True)
        torch_there = report.has("torch") and report.has("torchvision")
        commands = ([] if torch_there else [pip_command()]) + (
            [] if report.has("onnxruntime") else [pip_command("onnxruntime")])
        path = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        write_dependency_report(path, report, commands)
        for package in report.packages:
            feedback.pushInfo(f"{package.name}: {package.version or 'not installed'}")
        feedback.pushInfo(f"GPU: {report.gpu or 'none found'}")
        return {"OUTPUT_REPORT": path, "TORCH": torch_there,
                "ONNXRUNTIME": report.has("onnxruntime"),
                "CUDA": bool(report.torch_cuda or report.onnxruntime_cuda)}
