"""What the plugin needs besides QGIS: whether it is there, and how to install it.

Looked up without importing anything heavy into QGIS: whether a package can be imported
(importlib's finder), versions from the packages' metadata, the GPU from ``nvidia-smi``, and
whether PyTorch and onnxruntime see it from a short run of QGIS's own Python in a separate
process. The messages for a missing package give the exact install command. Installing runs
that Python's pip into a folder the plugin owns inside the QGIS profile (never QGIS's own
site-packages), with numpy held at the version QGIS's GDAL bindings were built against.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from ..errors import DependencyError, tr
from .builds import Choice, Gpu, choose_onnxruntime, choose_torch, parse_nvidia_smi
from .outputs import within


def python_executable() -> str:
    """The Python interpreter running this code. Inside QGIS sys.executable may be QGIS
    itself, or whatever ``python3`` comes first on PATH (a pyenv or conda shim: another
    Python), so it is taken only where it lies in this Python's own installation; else the
    interpreter of that installation (sys.exec_prefix) is found by name."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python") and _in_this_python(exe):
        return exe
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for folder in (os.path.join(sys.exec_prefix, "bin"), sys.exec_prefix,
                   os.path.join(sys.base_exec_prefix, "bin"), sys.base_exec_prefix):
        for name in (version, "python3", "python3.exe", "python", "python.exe"):
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
    return exe or shutil.which("python3") or "python3"


def _in_this_python(path: str) -> bool:
    """Whether ``path`` is a file of this Python's installation or its virtual environment
    (a shim elsewhere on PATH only forwards to some Python)."""
    return any(within(path, root) for root in {sys.prefix, sys.exec_prefix,
                                                sys.base_exec_prefix})


def qgis_profile_folder() -> str:
    """QGIS's default profile folder on this platform (where QGIS keeps it unless told
    otherwise): for the command line and notebooks, which run outside QGIS."""
    system = platform.system()
    if system == "Windows":
        base = os.environ.get("APPDATA") or os.path.join(os.path.expanduser("~"), "AppData",
                                                          "Roaming")
    elif system == "Darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"),
                                                               ".local", "share")
    return os.path.join(base, "QGIS", "QGIS3", "profiles", "default")


def plugin_packages_folder() -> str:
    """The folder the plugin's packages go into: the one QGIS's profile gave
    (use_packages_folder, at the plugin's start), else the default profile's."""
    return _packages_folder or packages_folder(qgis_profile_folder())


def pip_command(packages: str = "torch torchvision onnx") -> str:
    """The exact command that installs ``packages`` by hand into the folder the Dependencies
    dialog installs into (``--target``: the same on every platform, and never the system's
    own packages), with numpy held at the version QGIS's GDAL bindings were built against."""
    try:
        import numpy

        pin = f' "numpy=={numpy.__version__}"'
    except ImportError:
        pin = ""
    return (f'"{python_executable()}" -m pip install --target "{plugin_packages_folder()}" '
            f'{packages}{pin}')


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
            tr("Scene Classifier needs PyTorch and torchvision, which are not installed "
               "for the Python that runs QGIS ({}). Install them with Plugins ▸ Scene "
               "Classifier ▸ Dependencies… in the QGIS desktop, or with:\n  {}\nthen "
               "restart QGIS. See the plugin's README for Windows and macOS.").format(
                error, pip_command())
        ) from error


def require_report_libraries() -> None:
    """Raise DependencyError with the install command when Jinja2 or matplotlib (which QGIS
    usually ships) are missing: reports and figures need them."""
    try:
        import jinja2  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise DependencyError(
            tr("Scene Classifier's reports need Jinja2 and matplotlib, which are not "
               "installed for the Python that runs QGIS ({}). Install them with:\n  "
               "{}\nthen restart QGIS.").format(error, pip_command('jinja2 matplotlib'))
        ) from error

TORCH, ONNXRUNTIME = "torch", "onnxruntime"  # what the installer installs
PACKAGES_FOLDER = "scene_classifier_packages"  # inside the QGIS profile's python folder
_packages_folder: str | None = None  # the QGIS profile's, once the plugin has started


@dataclass
class Dependency:
    """One package: whether it can be imported, its version, and what it enables."""

    name: str
    purpose: str
    installed: bool
    version: str = ""


@dataclass
class DependencyReport:
    """What is there: the packages, the NVIDIA GPU, and whether the engines see it."""

    packages: list[Dependency]
    nvidia: Gpu | None = None  # the GPU as nvidia-smi reports it, None without one
    torch_cuda: bool | None = None  # None: PyTorch not installed or not asked
    onnxruntime_cuda: bool | None = None
    python: str = field(default_factory=python_executable)

    @property
    def gpu(self) -> str:
        """The NVIDIA GPU as "name, driver version", "" without one."""
        return f"{self.nvidia.name}, {self.nvidia.driver}" if self.nvidia else ""

    def has(self, name: str) -> bool:
        """True when the package ``name`` is installed."""
        return any(p.name == name and p.installed for p in self.packages)

    def choice(self, what: str, want_gpu: bool = True) -> Choice:
        """The build of ``what`` (TORCH: PyTorch with torchvision and onnx; ONNXRUNTIME)
        the installer takes here (core.runtime.builds)."""
        if what == TORCH:
            return choose_torch(platform.system(), platform.machine(), self.nvidia, want_gpu)
        if what == ONNXRUNTIME:
            return choose_onnxruntime(platform.system(), self.nvidia, want_gpu)
        raise ValueError(tr("Unknown dependency set '{}': {} or {}.").format(
                             what, TORCH, ONNXRUNTIME))


def says(seen: bool | None) -> str:
    """An engine's answer to "do you use the GPU?" in words (None: it is not installed)."""
    return "not installed" if seen is None else "yes" if seen else "no"


PURPOSES = {
    "torch": "training, and classifying with PyTorch",
    "torchvision": "the backbones (with PyTorch)",
    "onnxruntime": "classifying without PyTorch, from a package's ONNX copy (about 85 MB)",
    "timm": "more backbones: any timm model (TIMM_BACKBONE)",
    "jinja2": "the HTML reports",
    "matplotlib": "the pictures in reports and notebooks",
}


def _version(name: str) -> str:
    for distribution in (name, f"{name}-gpu"):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return ""


NVIDIA_QUERY = ("name", "driver_version", "compute_cap")


def nvidia_gpu() -> Gpu | None:
    """The first NVIDIA GPU as ``nvidia-smi`` reports it (name, driver, compute capability;
    drivers older than 510 report no compute capability), or None (no driver, no GPU)."""
    if not shutil.which("nvidia-smi"):
        return None
    for fields in (NVIDIA_QUERY, NVIDIA_QUERY[:2]):
        try:
            done = subprocess.run(["nvidia-smi", f"--query-gpu={','.join(fields)}",
                                   "--format=csv,noheader"], capture_output=True, text=True,
                                  timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode == 0:
            return parse_nvidia_smi(done.stdout)
    return None


def check(ask_engines: bool = False) -> DependencyReport:
    """The report; with ``ask_engines``, also whether PyTorch and onnxruntime see a GPU
    (asked in a separate process of QGIS's Python, which takes a few seconds)."""
    packages = [Dependency(name, purpose, installed(name), _version(name))
                for name, purpose in PURPOSES.items()]
    report = DependencyReport(packages, nvidia_gpu())
    if ask_engines:
        report.torch_cuda, report.onnxruntime_cuda = _engines_see_cuda(report)
    return report


ENGINE_PROBE = """
import json
found = {}
try:
    import torch
    found["torch"] = torch.cuda.is_available()
except Exception:
    found["torch"] = None
try:
    import onnxruntime
    found["onnxruntime"] = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
except Exception:
    found["onnxruntime"] = None
print(json.dumps(found))
"""


def _engines_see_cuda(report: DependencyReport) -> tuple[bool | None, bool | None]:
    try:
        done = subprocess.run([report.python, "-c", ENGINE_PROBE], capture_output=True,
                              text=True, timeout=180, env=dict(os.environ,
                                                               PYTHONPATH=os.pathsep.join(
                                                                   p for p in sys.path if p)))
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None, None
    return found.get("torch"), found.get("onnxruntime")


def packages_folder(profile_folder: str) -> str:
    """The folder the plugin installs into, inside the QGIS profile ``profile_folder``."""
    return os.path.join(profile_folder, "python", PACKAGES_FOLDER)


def use_packages_folder(folder: str) -> None:
    """Install into ``folder`` from now on, and put it on sys.path after everything else:
    what QGIS itself has (numpy above all) always wins."""
    global _packages_folder
    _packages_folder = folder
    if os.path.isdir(folder) and folder not in sys.path:
        sys.path.append(folder)


def install_arguments(choice: Choice, folder: str, extra: list[str] | None = None,
                      ) -> list[str]:
    """The pip command (a list) that installs a ``choice`` of core.runtime.builds (PyTorch,
    torchvision and onnx, or onnxruntime, in the build for this computer) into ``folder``,
    with numpy held at this Python's version (a constraints file written into ``folder``)."""
    os.makedirs(folder, exist_ok=True)
    constraints = os.path.join(folder, "constraints.txt")
    try:
        import numpy

        pin = f"numpy=={numpy.__version__}\n"
    except ImportError:
        pin = ""
    with open(constraints, "w", encoding="utf-8") as file:
        file.write(pin)
    # --no-warn-conflicts: pip checks the target folder's packages against those of QGIS's
    # own Python and prints a resolver ERROR about packages unrelated to this install
    arguments = [python_executable(), "-m", "pip", "install", "--target", folder,
                 "--upgrade", "--no-warn-script-location", "--no-warn-conflicts",
                 "-c", constraints, *choice.packages]
    if choice.index:
        arguments += ["--extra-index-url", choice.index]
    return arguments + list(extra or [])


def remove_shadowed_copies(folder: str) -> list[str]:
    """Remove from ``folder`` the packages that pip copied in although this Python already
    has the same version elsewhere on sys.path, ahead of the folder (numpy above all: the
    constraint holds it at QGIS's version, so the copy is never imported); returns their
    names. Files are those the package's RECORD lists inside ``folder``."""
    root = os.path.realpath(folder)
    others = [path for path in sys.path if path and os.path.realpath(path) != root]
    elsewhere = {(d.metadata["Name"] or "").lower(): d.version
                 for d in importlib.metadata.distributions(path=others)}
    removed = []
    for distribution in importlib.metadata.distributions(path=[folder]):
        name = (distribution.metadata["Name"] or "").lower()
        if not name or elsewhere.get(name) != distribution.version:
            continue
        paths = [os.path.realpath(str(file.locate())) for file in distribution.files or ()]
        for path in paths:
            if within(path, root) and path != root and os.path.isfile(path):
                os.remove(path)
        for path in sorted({os.path.dirname(p) for p in paths}, key=len, reverse=True):
            while within(path, root) and path != root and os.path.isdir(path) and \
                    not os.listdir(path):
                os.rmdir(path)
                path = os.path.dirname(path)
        removed.append(name)
    return removed

