"""The dependency check and the installer, offline against a folder of small wheels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from conftest import make_wheel
from core.runtime import dependencies
from core.runtime.builds import choose_onnxruntime, choose_torch, parse_nvidia_smi


def test_the_check_lists_every_package_with_what_it_enables():
    report = dependencies.check()
    names = [package.name for package in report.packages]
    assert names == ["torch", "torchvision", "onnxruntime", "timm", "jinja2", "matplotlib"]
    assert all(package.purpose for package in report.packages)
    assert report.has("torch") and report.packages[0].version.startswith("2.")
    assert report.torch_cuda is None  # not asked: nothing heavy is imported


def test_the_installer_fills_the_plugins_own_folder_and_holds_numpy(tmp_path):
    """pip from a local folder (no index): onnxruntime lands in the plugin's folder with the
    numpy QGIS has, although a newer numpy is offered."""
    wheels = tmp_path / "wheels"
    make_wheel(wheels, "onnxruntime", "99.0", requires=("numpy>=1.20",))
    make_wheel(wheels, "numpy", numpy.__version__)
    make_wheel(wheels, "numpy", "2.9.9")
    target = dependencies.packages_folder(str(tmp_path / "profile"))
    arguments = dependencies.install_arguments(choose_onnxruntime("Linux", None), target,
                                               extra=["--no-index", "--find-links", str(wheels)])
    assert arguments[:4] == [sys.executable, "-m", "pip", "install"]
    assert arguments[arguments.index("--target") + 1] == target
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = sorted(p.name for p in Path(target).glob("*.dist-info"))
    assert installed == ["numpy-" + numpy.__version__ + ".dist-info",
                         "onnxruntime-99.0.dist-info"]
    assert Path(numpy.__file__).parent != Path(target) / "numpy"  # QGIS's own numpy untouched
    # the copy of numpy (the version QGIS has, which always wins) is removed after the install
    assert dependencies.remove_shadowed_copies(target) == ["numpy"]
    assert sorted(p.name for p in Path(target).iterdir()) == [
        "constraints.txt", "onnxruntime", "onnxruntime-99.0.dist-info"]
    dependencies.use_packages_folder(target)
    try:
        assert sys.path[-1] == target  # after everything QGIS has
    finally:
        sys.path.remove(target)


# (platform.system(), platform.machine(), nvidia-smi's answer to --query-gpu=name,
# driver_version,compute_cap --format=csv,noheader, or None without one) -> the build taken,
# its pip index (None: PyPI's default) and words the dialog shows
TORCH_CHOICES = [
    ("Linux", "x86_64", None, "CPU", "whl/cpu", "No NVIDIA GPU found"),
    ("Linux", "x86_64", "NVIDIA H200, 580.95.05, 9.0", "CUDA 13.0", "whl/cu130", "cu130"),
    ("Linux", "x86_64", "NVIDIA GeForce RTX 3060, 535.104.05, 8.6", "CUDA 12.8", "whl/cu128",
     "compute capability 8.6, driver 535.104.05"),
    ("Windows", "AMD64", "NVIDIA GeForce RTX 4070, 552.22, 8.9", "CUDA 12.8", "whl/cu128",
     "cu128"),  # Ada runs the 8.6 kernels
    ("Linux", "x86_64", "NVIDIA GeForce RTX 5090, 570.133.07, 12.0", "CUDA 12.8", "whl/cu128",
     "cu128"),  # Blackwell: 12.8 or newer
    ("Linux", "x86_64", "NVIDIA GeForce GTX 1080 Ti, 580.76.05, 6.1", "CUDA 12.6", "whl/cu126",
     "cu126"),  # Pascal: 13.0 has no kernels for it
    ("Linux", "x86_64", "Tesla V100-SXM2-16GB, 580.65.06, 7.0", "CUDA 12.8", "whl/cu128",
     "cu128"),  # Volta: not in 13.0
    ("Linux", "aarch64", "NVIDIA Jetson AGX Thor, 570.86.10, 11.0", "CPU", "whl/cpu",
     "needs PyTorch's CUDA 13.0 build, which needs driver 580 or newer"),
    ("Linux", "x86_64", "Tesla K80, 470.256.02, 3.7", "CPU", "whl/cpu",
     "driver is too old for PyTorch's CUDA builds (they need driver 525 or newer"),
    ("Linux", "x86_64", "Kepler GPU on a new driver, 535.54.03, 3.5", "CPU", "whl/cpu",
     "no current PyTorch CUDA build supports this architecture (the oldest supported is "
     "compute capability 5.0)"),
    ("Linux", "x86_64", "NVIDIA GeForce RTX 2080, 530.30.02", "CUDA 12.6", "whl/cu126",
     "cu126"),  # no compute capability reported: the build that reaches furthest back
    ("Darwin", "arm64", None, "macOS (Apple silicon: Metal)", None, "Metal"),
    ("Darwin", "x86_64", None, "macOS (Intel): PyTorch 2.2.2", None, "onnxruntime"),
]


@pytest.mark.parametrize("system, machine, smi, build, index, words", TORCH_CHOICES)
def test_the_pytorch_build_fits_the_driver_and_the_gpu(tmp_path, system, machine, smi, build,
                                                       index, words):
    choice = choose_torch(system, machine, parse_nvidia_smi(smi) if smi else None)
    assert (choice.build, words in choice.reason) == (build, True), choice.reason
    arguments = dependencies.install_arguments(choice, str(tmp_path))
    assert "onnx" in arguments  # saved packages' ONNX copy needs the exporter
    given = arguments[arguments.index("--extra-index-url") + 1] if index else None
    assert given == (index and "https://download.pytorch.org/" + index)
    assert "--extra-index-url" in arguments or not index
    assert ("torch==2.2.2" in arguments) == (machine == "x86_64" and system == "Darwin")


def test_the_cpu_build_when_the_gpu_build_is_not_wanted():
    gpu = parse_nvidia_smi("NVIDIA H200, 580.95.05, 9.0")
    assert choose_torch("Linux", "x86_64", gpu, want_gpu=False).build == "CPU"
    assert choose_onnxruntime("Linux", gpu, want_gpu=False).packages == ("onnxruntime",)


@pytest.mark.parametrize("system, smi, package", [
    ("Linux", "NVIDIA H200, 580.95.05, 9.0", "onnxruntime-gpu"),
    ("Windows", "NVIDIA GeForce RTX 3060, 536.23, 8.6", "onnxruntime-gpu"),
    ("Linux", "Tesla K80, 470.256.02, 3.7", "onnxruntime"),  # CUDA 12 needs driver 525
    ("Linux", None, "onnxruntime"),
    ("Darwin", None, "onnxruntime"),
])
def test_the_onnxruntime_build_fits_the_driver(system, smi, package):
    choice = choose_onnxruntime(system, parse_nvidia_smi(smi) if smi else None)
    assert choice.packages == (package,) and choice.reason


def test_nvidia_smi_of_an_old_driver_is_asked_again_without_compute_cap(tmp_path,
                                                                         monkeypatch):
    """Drivers before 510 reject the compute_cap field (exit 2): the GPU is still found."""
    fake = tmp_path / "nvidia-smi"
    fake.write_text('#!/bin/sh\ncase "$1" in *compute_cap*) echo "Field \\"compute_cap\\" '
                    'is not a valid field to query." >&2; exit 2;; esac\n'
                    'echo "GeForce GTX 970, 470.82.01"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    gpu = dependencies.nvidia_gpu()
    assert (gpu.name, gpu.driver, gpu.capability) == ("GeForce GTX 970", "470.82.01", None)
    assert dependencies.check().gpu == "GeForce GTX 970, 470.82.01"
    assert "driver is too old" in dependencies.check().choice(dependencies.TORCH).reason


def test_a_shim_first_on_path_is_not_taken_for_this_python(tmp_path, monkeypatch):
    from core.runtime.dependencies import python_executable

    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(shim))  # what QGIS's Python computed
    found = python_executable()
    assert found != str(shim) and os.path.isfile(found)
    assert os.path.realpath(found).startswith(os.path.realpath(sys.base_exec_prefix))
