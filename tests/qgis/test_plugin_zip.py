"""The installable zip: what a user gets with make package and Install from ZIP."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import QGIS_PROCESS, ROOT

ALGORITHMS = ("trainclassifier", "findlearningrate", "previewtrainingdata", "classifyobjects",
              "classifygrid", "exporttrainingchips", "evaluateclassifier", "suggestlabels",
              "classifychange", "checkdependencies")


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


SECRETS = (r"AKIA[0-9A-Z]{16}", r"-----BEGIN [A-Z ]*PRIVATE KEY-----", r"gh[pousr]_[A-Za-z0-9]{36}",
           r"xox[baprs]-[A-Za-z0-9-]{10,}", r"(?i)(password|secret|token)\s*=\s*['\"][^'\"{}]{8,}")


def test_the_zip_passes_the_plugin_repositorys_checks(tmp_path):
    """What plugins.qgis.org checks: Bandit finds no high or medium issue that is not
    annotated with why (# nosec B...: reason), no secrets, no binaries, LICENSE at the top,
    metadata complete."""
    import configparser
    import json
    import re

    subprocess.run([sys.executable, str(ROOT / "tools" / "plugin_zip.py"), "--output",
                    str(tmp_path / "dist")], check=True, capture_output=True, timeout=120)
    (path,) = (tmp_path / "dist").glob("scene_classifier-*.zip")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "x")
    plugin = tmp_path / "x" / "scene_classifier"
    bandit = subprocess.run([sys.executable, "-m", "bandit", "-r", str(plugin), "-f", "json",
                             "-q"], capture_output=True, text=True, timeout=300)
    found = json.loads(bandit.stdout)
    serious = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
               for r in found["results"] if r["issue_severity"] in ("HIGH", "MEDIUM")]
    assert not serious, "\n".join(serious)
    for skipped in re.findall(r"#\s*nosec\b(.*)", "\n".join(
            p.read_text(encoding="utf-8") for p in plugin.rglob("*.py"))):
        assert re.match(r"\s*B\d{3}: \S", skipped), f"a nosec without its reason: {skipped}"
    files = [p for p in plugin.rglob("*") if p.is_file()]
    qm = [file for file in files if file.suffix == ".qm"]  # translations, compiled by lrelease
    assert [file.name for file in qm] == ["scene_classifier_fr.qm"]
    assert all(file.read_bytes()[:4] == b"\x3c\xb8\x64\x18" for file in qm)  # Qt's magic
    for file in set(files) - set(qm):  # no other binaries: every file is text
        text = file.read_bytes().decode("utf-8")
        for secret in SECRETS:
            assert not re.search(secret, text), (file, secret)
    assert (plugin / "LICENSE").is_file()
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(plugin / "metadata.txt", encoding="utf-8")
    general = metadata["general"]
    for key in ("name", "description", "about", "version", "author", "email", "tracker",
                "repository", "tags", "qgisMinimumVersion", "supportsQt6", "changelog"):
        assert general.get(key, "").strip(), key
    assert "PyTorch" in general["about"] and "onnxruntime" in general["about"]
