"""The real QGIS desktop under Xvfb, with Mesa's OpenGL loaded: the plugin must not crash it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

from conftest import (
    MASSACHUSETTS_TIF,
    NO_NETWORK,
    ROOT,
    SAMPLE_RSSCN7,
    TINY_PACKAGE,
    copy_subset,
    make_wheel,
    offline_wheels,
)
from edited_photo import edited_photo
from loopback import Loopback

SCRIPT = Path(__file__).parent / "desktop" / "run_algorithms.py"
TINY_MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


def start_desktop(tmp_path, script, settings: str = "",
                  **env) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``qgis --code script`` in an isolated profile with the plugin enabled (and
    ``settings``, more of QGIS3.ini); returns the process and the steps.json the script
    wrote."""
    for tool in ("qgis", "xvfb-run"):
        assert shutil.which(tool), f"{tool} not found: make setup installs it"
    profile = tmp_path / "profiles" / "default"
    (profile / "python" / "plugins").mkdir(parents=True)
    (profile / "python" / "plugins" / "scene_classifier").symlink_to(ROOT)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text("[PythonPlugins]\nscene_classifier=true\n"
                                                + settings)
    out = tmp_path / "out"
    out.mkdir()
    environment = dict(os.environ, QT_QPA_PLATFORM="xcb", SCENE_CLASSIFIER_TEST_OUT=str(out),
                       PYTHONPATH=sysconfig.get_paths()["purelib"], **env)
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", "qgis", "--noversioncheck",
         "--nologo", "--profiles-path", str(tmp_path), "--code", str(script)],
        env=environment, capture_output=True, text=True, timeout=900)
    steps_file = out / "steps.json"
    steps = json.loads(steps_file.read_text()) if steps_file.exists() else {}
    return done, steps


def test_desktop_trains_and_classifies_without_crashing(tmp_path):
    chips = copy_subset(SAMPLE_RSSCN7, tmp_path / "chips", 12)
    # what the Dependencies dialog installs from, offline (its field for a .zip of wheels;
    # any network pip would try is refused): a newer numpy is offered, QGIS's is kept
    wheels = offline_wheels(tmp_path)
    with zipfile.ZipFile(wheels, "a") as archive:
        newer = make_wheel(tmp_path / "newer", "numpy", "2.9.9")
        archive.write(newer, newer.name)
    with Loopback(tmp_path) as slow_index, \
            Loopback(tmp_path, tiles_from=MASSACHUSETTS_TIF) as tiles:
        slow_index.delay_s = 60  # a package index that never answers in time
        done, steps = start_desktop(tmp_path / "qgis", SCRIPT,
                                    SCENE_CLASSIFIER_TEST_TILES=f"{tiles.url}/tiles/{{z}}/{{x}}/{{y}}.png",
                                    SCENE_CLASSIFIER_TEST_DATA=str(chips),
                                    SCENE_CLASSIFIER_TEST_RASTER=str(MASSACHUSETTS_TIF),
                                    SCENE_CLASSIFIER_TEST_AFTER=str(edited_photo(
                                        tmp_path / "later.tif")),
                                    SCENE_CLASSIFIER_TEST_MODEL=str(TINY_MODEL),
                                    SCENE_CLASSIFIER_TEST_WHEELS=str(wheels),
                                    SCENE_CLASSIFIER_TEST_SLOW_INDEX=slow_index.url + "/simple",
                                    **NO_NETWORK)
    log = f"exit {done.returncode}, steps {steps}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert steps.get("opengl_llvm_loaded"), "Mesa's OpenGL (libLLVM) was not loaded: " + log
    assert "error" not in steps, log
    assert done.returncode == 0, "QGIS died: " + log
    assert steps["trained"]["MODEL_DEFINITION"].endswith("desktop.emd")
    grid = steps["grid"]
    assert grid["CELL_COUNT"] > 0 and grid["OUTPUT"] == str(tmp_path / "qgis" / "out" / "grid.gpkg")
    assert [source for source in grid["layer_sources"] if "grid.gpkg" in source] == [grid["OUTPUT"]]
    # loaded as a map: categorised by class in the model's colours, named after the model
    assert grid["names"] == ["desktop: Classify raster grid"]
    assert grid["renderers"] == ["categorizedSymbol"]
    assert grid["categories"] == [sorted(p.name for p in chips.iterdir())]
    assert steps["class_map"] == {"names": ["desktop: class map"], "renderers": ["paletted"],
                                  "labels": grid["categories"]}
    assert steps["triton_loaded"] is False
    assert "20.0" in steps["number_texts"]  # the validation share, not 20.000000
    assert "Not set" in steps["number_texts"]  # the learning rate: found, not "0.000000"
    # Plugins > Scene Classifier > Dependencies...: Install runs pip into the profile
    assert steps["menu_icon"]  # Plugins > Scene Classifier > Dependencies... has the icon
    installed = steps["dependencies"]
    assert installed["rows"] == ["torch", "torchvision", "onnxruntime", "timm", "jinja2",
                                 "matplotlib"]
    assert installed["folder"] == str(tmp_path / "qgis" / "profiles" / "default" / "python" /
                                      "scene_classifier_packages")
    # numpy as QGIS has it: installed by pip's --target, then removed as a copy never used
    assert installed["installed"] == ["onnxruntime-99.0.dist-info"], installed["log"]
    assert "Removed the copies of numpy that QGIS already has" in installed["log"]
    assert "--target" in installed["log"] and "--no-warn-conflicts" in installed["log"]
    assert "--no-index --find-links" in installed["log"]
    assert installed["log"].rstrip().endswith("Installed: restart QGIS to use it.")
    assert installed["log_overflows"] and installed["log_at_end"], installed
    assert installed["status"] == "Installed: restart QGIS to use it."
    assert installed["can_close"]
    # Cancel while pip waits on an index: pip's own process (QGIS's interpreter) is gone
    cancelled = installed["cancelled"]
    assert cancelled["was_running"] and not cancelled["alive"], cancelled
    assert "Cancelled: pip was stopped." in cancelled["log_end"][-2:], cancelled
    # a grid over an XYZ tile layer (a loopback tile server), loaded as a map
    assert steps["tiles"]["CELL_COUNT"] > 50, steps["tiles"]
    assert steps["tiles"]["names"] == ["desktop: Classify raster grid"], steps["tiles"]
    # the labelling round's suggestions, loaded as a map with the empty field to fill
    suggested = steps["suggested"]
    assert suggested["SUGGESTED_COUNT"] == 15, suggested
    assert suggested["names"] == ["desktop: Suggest features to label"], suggested
    assert "label" in suggested["fields"][0] and "uncertainty" in suggested["fields"][0]
    # a grid with a minimum confidence (Unknown, in its own colour) and its heatmaps, styled
    explained = steps["explained"]
    assert "Unknown" in explained["categories"], explained
    assert "singlebandpseudocolor" in explained["renderers"].values(), explained
    # what changed between two dates: the changes in their class's colour, the rest faint
    change = steps["change"]
    assert change["CHANGED_COUNT"] >= 9 and change["names"] == ["rsscn7 tiny: change"], change
    assert "changed to dRiverLake" in change["rules"] and "unchanged" in change["rules"]
    assert Path(change["OUTPUT_MATRIX"]).read_text().startswith("from,measure,aGrass")
    # screenshots of what the user sees (make screenshots copies them to docs/images)
    shots = [Path(path) for path in steps["screenshots"]] + [
        Path(steps["tiles"]["screenshot"]), Path(suggested["screenshot"]),
        Path(explained["screenshot"]), Path(change["screenshot"]),
        tmp_path / "qgis" / "out" / "dependencies_dialog.png"]
    assert [shot.name for shot in shots] == ["grid_map.png", "train_dialog.png",
                                             "grid_over_tiles.png", "suggested_labels.png",
                                             "heatmaps.png", "change_map.png",
                                             "dependencies_dialog.png"]
    assert all(shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
               for shot in shots)
    if os.environ.get("SCENE_CLASSIFIER_SCREENSHOTS"):
        for shot in shots:
            shutil.copy(shot, Path(os.environ["SCENE_CLASSIFIER_SCREENSHOTS"]) / shot.name)


def test_the_desktop_in_french_shows_the_plugins_french_texts(tmp_path):
    """QGIS set to French (Settings > Options > General > override the system locale): the
    plugin installs its translation (i18n/scene_classifier_fr.qm, built by make setup) and
    the toolbox and the training dialog show its French texts; untranslated ones stay
    English."""
    assert (ROOT / "i18n" / "scene_classifier_fr.qm").is_file(), "run make setup"
    done, steps = start_desktop(tmp_path / "qgis", SCRIPT,
                                settings="[locale]\noverrideFlag=true\nuserLocale=fr\n",
                                SCENE_CLASSIFIER_TEST_STEPS="french")
    log = f"exit {done.returncode}, steps {steps}\n{done.stderr[-3000:]}"
    assert "error" not in steps and done.returncode == 0, log
    assert steps["locale"] == "fr"
    assert "Entraînement / Entraîner le classificateur de scènes" in steps["tools"]
    assert "Installation / Vérifier les dépendances" in steps["tools"]
    assert {"Dossier d'imagettes étiquetées", "Époques", "Nom du modèle"} <= set(
        steps["labels"]), steps["labels"]
    assert steps["menu"] == "Dépendances…"
    assert steps["dependencies"] == ["Dépendances de Scene Classifier",
                                     "Installer PyTorch (entraîner et classer)", "Installé"]
    # not translated yet: English (QGIS itself adds its own French "[optionnel]")
    assert "Extra copy of the training report [optionnel]" in steps["labels"]
    if os.environ.get("SCENE_CLASSIFIER_SCREENSHOTS"):
        shutil.copy(tmp_path / "qgis" / "out" / "train_dialog_fr.png",
                    Path(os.environ["SCENE_CLASSIFIER_SCREENSHOTS"]) / "train_dialog_fr.png")

