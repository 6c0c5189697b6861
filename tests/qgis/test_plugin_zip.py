"""The installable zip: what a user gets with make package and Install from ZIP."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import QGIS_PROCESS, ROOT

ALGORITHMS = ("trainclassifier", "findlearningrate", "previewtrainingdata", "classifyobjects",
              "classifygrid", "exporttrainingchips", "evaluateclassifier", "checkdependencies")


def test_the_zip_installs_into_a_fresh_profile_and_lists_every_algorithm(tmp_path):
    built = subprocess.run([sys.executable, str(ROOT / "tools" / "plugin_zip.py"), "--output",
                            str(tmp_path / "dist")], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    (path,) = (tmp_path / "dist").glob("scene_classifier-*.zip")
    assert str(path) in built.stdout and "KiB" in built.stdout  # the size is printed
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "profile" / "profiles" / "default" / "python" / "plugins")
    assert all(name.startswith("scene_classifier/") for name in names)
    for needed in ("metadata.txt", "LICENSE", "__init__.py", "resources/icon.svg",
                   "gui/dependencies_dialog.py",
                   "resources/templates/training.html", "core/api.py", "algorithms/base.py",
                   "__main__.py", "cli/main.py"):
        assert f"scene_classifier/{needed}" in names
    for left_out in ("tests/", "bench/", "docs/", "tools/", ".venv", "__pycache__", ".pyc",
                     "resources/sample/", "Makefile", ".ci/", ".git"):
        assert not [name for name in names if left_out in name], left_out
    # a QGIS with nothing else: its own Python, no PyTorch on the path
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": os.environ["PATH"],
           "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"), "HOME": str(tmp_path)}
    enabled = subprocess.run([QGIS_PROCESS, "plugins", "enable", "scene_classifier"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    listed = subprocess.run([QGIS_PROCESS, "list"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert listed.returncode == 0, listed.stderr
    for algorithm in ALGORITHMS:
        assert f"sceneclassifier:{algorithm}" in listed.stdout
