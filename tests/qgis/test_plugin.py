"""The plugin itself: metadata, and loading and failing clearly without torch."""

from __future__ import annotations

import configparser
import json
import re
import subprocess
import sys

from conftest import NB_POLYGONS, NB_RASTER, ROOT, SAMPLE_RSSCN7, run_algorithm_script
from core import __version__

NO_TORCH_SCRIPT = """
    help_text = registry.algorithmById("sceneclassifier:trainclassifier").shortHelpString()
    print("HELP", help_text.split("<br><br>")[0].replace("<br>", " | "))
    print("PREVIEWHELP", registry.algorithmById(
        "sceneclassifier:previewtrainingdata").shortHelpString()[:30])
    ok, _, feedback = run("trainclassifier", {{"INPUT_FOLDER": {sample!r},
                                               "OUTPUT_FOLDER": {output!r}}})
    print("TRAIN", ok, feedback.errors)
    ok, results, _ = run("previewtrainingdata", {{"INPUT_FOLDER": {sample!r}, "ROWS": 2,
                                                  "OUTPUT_REPORT": {report!r}}})
    print("PREVIEW", ok, results.get("CLASS_COUNT"))
    for mode in (0, 1):  # fixed size, bounding box (which resizes every chip)
        ok, results, feedback = run("exporttrainingchips", {{
            "INPUT_RASTER": {raster!r}, "INPUT_FEATURES": {polygons!r},
            "CLASS_FIELD": "Niveau_2", "CHIP_SIZE": 32, "CROP_MODE": mode,
            "OUTPUT_FOLDER": {output!r} + "/export" + str(mode)}})
        print("EXPORT" + str(mode), ok, results.get("CHIP_COUNT"), feedback.errors)
    print("TORCH_LOADED", "torch" in [name.split(".")[0] for name, module in sys.modules.items()
                                      if module is not None])
    plugin.unload()
    print("UNLOADED", registry.providerById("sceneclassifier") is None)
"""


def test_metadata_matches_the_code():
    metadata = configparser.ConfigParser()
    metadata.read(ROOT / "metadata.txt", encoding="utf-8")
    general = metadata["general"]
    assert general["name"] == "Scene Classifier"
    assert general["qgisMinimumVersion"] == "3.22"
    # QGIS 4 (Qt 6) loads a plugin only where it says so and its maximum is 4.x or above
    assert general["supportsQt6"] == "True" and general["qgisMaximumVersion"] == "4.99"
    assert general["hasProcessingProvider"] == "yes"
    assert general["version"] == __version__
    assert (ROOT / general["icon"]).is_file()


def test_plugin_loads_without_torch_and_says_how_to_install_it(tmp_path):
    done = run_algorithm_script(tmp_path, NO_TORCH_SCRIPT, True, sample=str(SAMPLE_RSSCN7),
                                output=str(tmp_path / "models"),
                                report=str(tmp_path / "preview.html"), raster=str(NB_RASTER),
                                polygons=str(NB_POLYGONS))
    lines = {line.split(" ", 1)[0]: line for line in done.stdout.splitlines()}
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines["TRAIN"].startswith("TRAIN False")
    assert "needs PyTorch and torchvision" in lines["TRAIN"]
    # by hand into the folder the Dependencies dialog installs into: the QGIS profile's
    command = f'"{sys.executable}" -m pip install --target "'
    target = re.search(f'{re.escape(command)}([^"]+)" torch torchvision onnx "numpy==',
                       lines["TRAIN"])
    assert target and target.group(1).endswith("/python/scene_classifier_packages")
    assert lines["HELP"].startswith("HELP PyTorch is not installed for the Python that runs "
                                    "QGIS: this tool cannot run until it is. Install it with "
                                    "Plugins ▸ Scene Classifier ▸ Dependencies…, or with | "
                                    + command)  # the dialog's help says so first
    assert lines["PREVIEWHELP"] == "PREVIEWHELP Shows random chips of a traini"
    assert lines["PREVIEW"] == "PREVIEW True 7"  # the preview needs no torch
    assert lines["EXPORT0"] == "EXPORT0 True 10 []"  # nor does export, in both crop modes
    assert lines["EXPORT1"] == "EXPORT1 True 13 []"  # (3 fixed chips miss the raster)
    assert lines["TORCH_LOADED"] == "TORCH_LOADED False"
    assert lines["UNLOADED"] == "UNLOADED True"
    assert not (tmp_path / "models").exists() or sorted(
        p.name for p in (tmp_path / "models").iterdir()) == ["export0", "export1"]


HELP_SCRIPT = """
provider = registry.providerById("sceneclassifier")
for algorithm in provider.algorithms():
    print("ALG", algorithm.id(), bool(algorithm.shortHelpString().strip()),
          algorithm.group())
    for parameter in algorithm.parameterDefinitions():
        print("PARAM", algorithm.id(), parameter.name(), bool(parameter.help().strip()))
        print("HTML", algorithm.id(), repr(parameter.help()))
    print("HTML", algorithm.id(), repr(algorithm.shortHelpString()))
    print("NAMES", algorithm.id(), " ".join(p.name() for p in algorithm.parameterDefinitions()))
"""
CROP_MODE_SCRIPT = """
provider = registry.providerById("sceneclassifier")
for algorithm in provider.algorithms():
    crop = algorithm.parameterDefinition("CROP_MODE")
    if crop is not None:
        print(json.dumps([algorithm.name(), crop.options(), crop.defaultValue()]))
"""


def test_crop_mode_indexes_are_the_same_in_every_algorithm(tmp_path):
    done = run_algorithm_script(tmp_path, CROP_MODE_SCRIPT, False)
    assert done.returncode == 0, done.stderr
    found = {name: (options, default) for name, options, default in
             map(json.loads, done.stdout.splitlines())}
    both = ["fixed size around the feature centre", "feature bounding box"]
    with_model = (both + ["as the model definition says"], 2)
    assert found == {"classifyobjects": with_model, "classifygrid": with_model,
                     "evaluateclassifier": with_model, "exporttrainingchips": (both, 0),
                     "suggestlabels": with_model, "classifychange": with_model}


def test_every_algorithm_and_parameter_has_help(tmp_path):
    done = run_algorithm_script(tmp_path, HELP_SCRIPT, False)
    assert done.returncode == 0, done.stderr
    algorithms = [line.split() for line in done.stdout.splitlines() if line.startswith("ALG")]
    assert sorted(a[1] for a in algorithms) == sorted(
        f"sceneclassifier:{name}" for name in (
            "trainclassifier", "findlearningrate", "previewtrainingdata", "classifyobjects",
            "classifygrid", "exporttrainingchips", "evaluateclassifier", "suggestlabels",
            "classifychange", "checkdependencies"))
    assert all(a[2] == "True" for a in algorithms)
    missing = [line for line in done.stdout.splitlines()
               if line.startswith("PARAM") and line.endswith("False")]
    assert not missing
    # the help panel renders HTML: a placeholder like <folder> must be escaped to be shown
    html = [line for line in done.stdout.splitlines() if line.startswith("HTML")]
    assert any("&lt;folder&gt;/&lt;class&gt;/*.jpg" in line for line in html)
    assert not [line for line in html if re.search(r"<(?!br>)[^<>]*>", line)]
    # and in the words on the screen: no parameter id the dialog never shows
    names = {line.split()[1]: line.split()[2:] for line in done.stdout.splitlines()
             if line.startswith("NAMES")}
    named = [(line.split()[1], name) for line in html for name in names[line.split()[1]]
             if re.search(rf"\b{name}\b", line)]
    assert not named


CORE_IMPORT_SCRIPT = """
import importlib, pkgutil, sys
sys.modules["qgis"] = None  # any import of qgis now fails
sys.path.insert(0, {parent!r})
import {package}.core as core
for module in pkgutil.iter_modules(core.__path__):
    importlib.import_module("{package}.core." + module.name)
    print("IMPORTED", module.name)
"""


def test_core_never_imports_qgis(tmp_path):
    (tmp_path / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    done = subprocess.run([sys.executable, "-c", CORE_IMPORT_SCRIPT.format(
        parent=str(tmp_path), package="scene_classifier")], capture_output=True, text=True,
        timeout=300)
    assert done.returncode == 0, done.stderr
    imported = {line.split()[1] for line in done.stdout.splitlines()}
    assert {path.stem for path in (ROOT / "core").glob("*.py")} - {"__init__"} <= imported


def test_core_modules_import_in_one_direction():
    """No cycle among core's modules (imports at any depth in a module count)."""
    import ast

    graph = {}
    for path in (ROOT / "core").glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found |= {node.module} if node.module else {a.name for a in node.names}
        graph[path.stem] = found & {p.stem for p in (ROOT / "core").glob("*.py")}
    done, cycles = set(), []

    def visit(module, path):
        if module in path:
            cycles.append(path[path.index(module):] + [module])
            return
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert not cycles


def test_the_install_command_by_hand_targets_the_plugins_folder_on_every_platform(
        monkeypatch, tmp_path):
    """The command a message gives installs where the Dependencies dialog does (--target
    the plugin's folder in the QGIS profile), never into the system's packages: no
    --user --break-system-packages on Debian's Python, the same form on Windows and macOS."""
    import numpy

    from core.runtime import dependencies

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("APPDATA", str(home / "AppData" / "Roaming"))
    monkeypatch.setattr(dependencies, "_packages_folder", None)  # outside QGIS
    profiles = {"Linux": home / ".local" / "share", "Windows": home / "AppData" / "Roaming",
                "Darwin": home / "Library" / "Application Support"}
    for system, base in profiles.items():
        monkeypatch.setattr(dependencies.platform, "system", lambda system=system: system)
        folder = base / "QGIS" / "QGIS3" / "profiles" / "default" / "python" / \
            "scene_classifier_packages"
        assert dependencies.pip_command() == (
            f'"{dependencies.python_executable()}" -m pip install --target "{folder}" torch '
            f'torchvision onnx "numpy=={numpy.__version__}"'), system
    given = tmp_path / "profile" / "python" / "scene_classifier_packages"
    dependencies.use_packages_folder(str(given))  # as the plugin does at QGIS's start
    assert f'--target "{given}" onnxruntime' in dependencies.pip_command("onnxruntime")
    assert "--break-system-packages" not in dependencies.pip_command()
