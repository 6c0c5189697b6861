"""Lazy checks for the optional heavy dependencies (torch, torchvision)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import sysconfig

from .errors import DependencyError


def python_executable() -> str:
    """The Python interpreter running this code (inside QGIS sys.executable may be QGIS)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    for folder in (os.path.dirname(exe), os.path.join(sys.exec_prefix, "bin"), sys.exec_prefix):
        for name in ("python3", "python3.exe", "python", "python.exe"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
    return shutil.which("python3") or exe or "python3"


def externally_managed() -> bool:
    """True where this Python's packages belong to the system (PEP 668: Debian, Ubuntu,
    Fedora, Homebrew): pip refuses a plain install there."""
    marker = os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")
    return sys.prefix == sys.base_prefix and os.path.isfile(marker)


def pip_command(packages: str = "torch torchvision onnx") -> str:
    """The exact command that installs ``packages`` for this Python: into the user's own
    site-packages where the system owns Python's, with numpy held at the version QGIS's GDAL
    bindings were built against."""
    flags = " --user --break-system-packages" if externally_managed() else ""
    try:
        import numpy

        pin = f' "numpy=={numpy.__version__}"'
    except ImportError:
        pin = ""
    return f'"{python_executable()}" -m pip install{flags} {packages}{pin}'


def installed(module: str) -> bool:
    """True when ``module`` can be imported; only looks for it (cheap, imports nothing)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def torch_installed() -> bool:
    """True when torch and torchvision can be imported; only looks for them (cheap)."""
    return installed("torch") and installed("torchvision")


def missing_engine_note() -> str:
    """What a classification dialog says first while neither PyTorch nor onnxruntime is
    there."""
    return ("Neither onnxruntime nor PyTorch is installed for the Python that runs QGIS: this "
            "tool needs one of them. The smaller is onnxruntime; install it with Plugins ▸ "
            f"Scene Classifier ▸ Dependencies…, or with\n{pip_command('onnxruntime')}\nthen "
            "restart QGIS.")


def missing_torch_note() -> str:
    """What a training or classification dialog says first while PyTorch is missing."""
    return ("PyTorch is not installed for the Python that runs QGIS: this tool cannot run "
            "until it is. Install it with Plugins ▸ Scene Classifier ▸ Dependencies…, or with"
            f"\n{pip_command()}\nthen restart QGIS.")


def require_torch() -> None:
    """Raise DependencyError with the install command when torch/torchvision are missing."""
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError as error:
        raise DependencyError(
            f"Scene Classifier needs PyTorch and torchvision, which are not installed for the "
            f"Python that runs QGIS ({error}). Install them with Plugins ▸ Scene Classifier ▸ "
            f"Dependencies… in the QGIS desktop, or with:\n  {pip_command()}\n"
            "then restart QGIS. See the plugin's README for Windows and macOS."
        ) from error


def require_report_libraries() -> None:
    """Raise DependencyError with the install command when Jinja2 or matplotlib (which QGIS
    usually ships) are missing: reports and figures need them."""
    try:
        import jinja2  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise DependencyError(
            f"Scene Classifier's reports need Jinja2 and matplotlib, which are not installed "
            f"for the Python that runs QGIS ({error}). Install them with:\n  "
            f"{pip_command('jinja2 matplotlib')}\nthen restart QGIS."
        ) from error
