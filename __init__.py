"""Scene Classifier: deep-learning scene and object classification for QGIS Processing.

In a notebook, with the folder that holds this plugin on sys.path, the arcgis.learn names:
    from scene_classifier import prepare_data, FeatureClassifier, ClassifyOptions
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qgis.gui import QgisInterface

    from .plugin import SceneClassifierPlugin

NOTEBOOK_API = ("prepare_data", "FeatureClassifier", "ClassifyOptions")


def _keep_triton_out_of_qgis() -> None:
    """Make ``import triton`` fail inside QGIS, before torch is first imported.

    torchvision imports torch._dynamo, which imports triton when it is installed (it comes
    with Linux builds of torch). Triton's native library runs LLVM's static initialisers,
    which collide with the LLVM that Mesa's OpenGL driver has already loaded into the QGIS
    desktop: QGIS dies with signal 11 (Intel, AMD and virtual machines with Mesa). The plugin
    never compiles kernels (no torch.compile; its CUDA graphs need no compiler), so it
    needs no triton; torch checks for it with ``import triton`` and
    ``importlib.util.find_spec``, and a None entry in sys.modules answers both with "not
    installed". Notebooks and the command line, which import this package without QGIS,
    keep triton. When torch (and so perhaps triton) is already loaded, by another plugin,
    it is too late and nothing is changed.
    """
    if "torch" not in sys.modules and "qgis.core" in sys.modules:
        sys.modules.setdefault("triton", None)


_keep_triton_out_of_qgis()


def classFactory(iface: QgisInterface | None) -> SceneClassifierPlugin:  # noqa: N802 (QGIS's name)
    """QGIS entry point; ``iface`` is None under qgis_process. The packages the Dependencies
    dialog installed into the profile go on sys.path, after QGIS's own."""
    from qgis.core import QgsApplication

    from .core.runtime.dependencies import packages_folder, use_packages_folder
    from .plugin import SceneClassifierPlugin, install_translation

    use_packages_folder(packages_folder(QgsApplication.qgisSettingsDirPath()))
    install_translation()
    return SceneClassifierPlugin(iface)


def __getattr__(name: str) -> object:
    """The notebook API (core.api), imported only when asked for; what the Dependencies
    dialog or the messages' by-hand command installed (the default QGIS profile's plugin
    folder) is found there too, after the notebook's own packages."""
    if name in NOTEBOOK_API:
        from .core.runtime.dependencies import plugin_packages_folder, use_packages_folder

        use_packages_folder(plugin_packages_folder())
        from .core import api

        return getattr(api, name)
    raise AttributeError(f"module 'scene_classifier' has no attribute '{name}'")
