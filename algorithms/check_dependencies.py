"""sceneclassifier:checkdependencies — what is installed for the plugin, and the GPU."""

from qgis.core import QgsProcessingOutputBoolean

from ..core import interface
from .base import SceneClassifierAlgorithm


class CheckDependencies(SceneClassifierAlgorithm):
    TOOL = interface.CHECK_DEPENDENCIES

    def add_outputs(self) -> None:
        for name, label in (("TORCH", "PyTorch and torchvision installed"),
                            ("ONNXRUNTIME", "onnxruntime installed"),
                            ("CUDA", "An engine can use a CUDA GPU")):
            self.addOutput(QgsProcessingOutputBoolean(name, self.tr(label)))

    def process(self, parameters, context, feedback, core_feedback):
        from ..core.workflows.check_dependencies import check_and_report

        path = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        return {"OUTPUT_REPORT": path, **check_and_report(path, core_feedback)}
