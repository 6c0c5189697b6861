"""Installing without the Dependencies dialog: offline from a folder or .zip of wheels with
the network refused, bad wheel sources named, and pip stopped by Cancel."""

from __future__ import annotations

import os
import sys
import time
import zipfile

import pytest

from conftest import NO_NETWORK, imported_onnxruntime, offline_wheels
from core.errors import Cancelled, DependencyError
from core.runtime import dependencies, installer
from core.runtime.feedback import Feedback


@pytest.mark.parametrize("given", ["folder", "zip"])
def test_an_offline_install_from_wheels_needs_no_network(tmp_path, monkeypatch, given):
    archive = offline_wheels(tmp_path)
    target = tmp_path / "profile" / "python" / "scene_classifier_packages"
    monkeypatch.setattr(dependencies, "_packages_folder", str(target))
    monkeypatch.setattr(sys, "path", list(sys.path))  # the install puts the folder on it
    for key, value in NO_NETWORK.items():
        monkeypatch.setenv(key, value)
    lines: list[str] = []
    source = str(tmp_path / "wheels") if given == "folder" else str(archive)
    arguments = installer.install(dependencies.ONNXRUNTIME, Feedback(log=lines.append), source)
    assert "--no-index" in arguments and "--find-links" in arguments
    assert imported_onnxruntime(target) == "99.0"
    assert sorted(p.name for p in target.glob("*.dist-info")) == ["onnxruntime-99.0.dist-info"]
    assert lines[-1] == f"Installed into {target}: restart QGIS to use it."


def test_wheel_sources_that_hold_no_wheels_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(dependencies, "_packages_folder", str(tmp_path / "target"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DependencyError, match="holds no wheels"):
        installer.install(dependencies.ONNXRUNTIME, Feedback(), str(tmp_path / "empty"))
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DependencyError, match="neither a folder of wheels nor a .zip"):
        installer.install(dependencies.ONNXRUNTIME, Feedback(), str(tmp_path / "notes.txt"))


def test_a_zip_entry_cannot_leave_the_folder(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../../escaped-1.0-py3-none-any.whl", b"x")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    installer.offline_arguments(str(archive), str(scratch))
    assert [p.name for p in scratch.iterdir()] == ["escaped-1.0-py3-none-any.whl"]
    assert not (tmp_path.parent / "escaped-1.0-py3-none-any.whl").exists()


def test_cancel_stops_pip_and_leaves_no_process(tmp_path):
    """A pip that keeps working (a Python that prints, then waits): Cancel stops it within
    PIP_STOP_S, and its process is gone."""
    marker = tmp_path / "pid"
    slow = [sys.executable, "-c", f"import os, time; open({str(marker)!r}, 'w').write("
            "str(os.getpid())); print('Collecting torch', flush=True); time.sleep(120)"]
    said: list[str] = []
    cancelled_at: list[float] = []

    def cancelled() -> bool:  # Cancel is pressed once pip has said something
        if said and not cancelled_at:
            cancelled_at.append(time.monotonic())
        return bool(said)

    with pytest.raises(Cancelled):
        installer.run_pip(slow, Feedback(log=said.append, is_cancelled=cancelled))
    assert time.monotonic() - cancelled_at[0] < installer.PIP_STOP_S + 1
    assert said == ["Collecting torch"]
    with pytest.raises(ProcessLookupError):
        os.kill(int(marker.read_text()), 0)


def test_an_unreachable_pytorch_index_stops_the_install_before_pip(tmp_path, monkeypatch):
    """pip would quietly take PyPI's torch (the CUDA build on Linux) where PyTorch's index
    does not answer: the install stops first, saying so. A loopback index that answers lets
    it through."""
    from core.runtime import builds
    from loopback import Loopback

    choice = builds.Choice(("torch",), "http://127.0.0.1:9/whl/cpu", "CPU", "")
    with pytest.raises(DependencyError, match=r"PyTorch's package index \(http://127.0.0.1:9"):
        installer.check_index(choice, timeout_s=5)
    monkeypatch.setattr(dependencies, "_packages_folder", str(tmp_path / "target"))
    monkeypatch.setattr(builds, "CPU_INDEX", "http://127.0.0.1:9/whl/cpu")
    started: list[list[str]] = []
    monkeypatch.setattr(installer, "run_pip", lambda arguments, _: started.append(arguments))
    with pytest.raises(DependencyError, match="cannot be reached"):
        installer.install(dependencies.TORCH, Feedback())
    assert not started and not (tmp_path / "target").exists()
    (tmp_path / "index" / "whl" / "cpu" / "torch").mkdir(parents=True)
    (tmp_path / "index" / "whl" / "cpu" / "torch" / "index.html").write_text("<a>torch</a>")
    with Loopback(tmp_path / "index") as index:
        installer.check_index(builds.Choice(("torch",), index.url + "/whl/cpu", "CPU", ""))

