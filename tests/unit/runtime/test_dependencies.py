"""The dependency check and the installer, offline against a folder of small wheels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy

from conftest import make_wheel
from core.runtime import dependencies


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
    arguments = dependencies.install_arguments("onnxruntime", target, gpu=False,
                                               extra=["--no-index", "--find-links", str(wheels)])
    assert arguments[:4] == [sys.executable, "-m", "pip", "install"]
    assert arguments[arguments.index("--target") + 1] == target
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = sorted(p.name for p in Path(target).glob("*.dist-info"))
    assert installed == ["numpy-" + numpy.__version__ + ".dist-info",
                         "onnxruntime-99.0.dist-info"]
    assert Path(numpy.__file__).parent != Path(target) / "numpy"  # QGIS's own numpy untouched
    dependencies.use_packages_folder(target)
    try:
        assert sys.path[-1] == target  # after everything QGIS has
    finally:
        sys.path.remove(target)


def test_the_gpu_build_is_chosen_for_a_gpu(tmp_path):
    arguments = dependencies.install_arguments("torch", str(tmp_path), gpu=True)
    assert "torch" in arguments and "torchvision" in arguments
    assert "onnx" in arguments  # saved packages' ONNX copy needs the exporter
    assert dependencies.TORCH_CUDA_INDEX in arguments
    assert "onnxruntime-gpu" in dependencies.install_arguments("onnxruntime", str(tmp_path),
                                                               gpu=True)


def test_a_shim_first_on_path_is_not_taken_for_this_python(tmp_path, monkeypatch):
    from core.runtime.dependencies import python_executable

    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(shim))  # what QGIS's Python computed
    found = python_executable()
    assert found != str(shim) and os.path.isfile(found)
    assert os.path.realpath(found).startswith(os.path.realpath(sys.base_exec_prefix))
