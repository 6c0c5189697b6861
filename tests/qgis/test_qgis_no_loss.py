"""No run deletes or replaces a user's files: each refusal through headless qgis_process says
why and how to fix it, exits non-zero and leaves every file that was there as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (
    MASSACHUSETTS_BUILDINGS,
    MASSACHUSETTS_TIF,
    NB_POLYGONS,
    NB_RASTER,
    QGIS_PROCESS,
)

TINY_TRAINING = {"BACKBONE": 0, "PRETRAINED": "false", "CHIP_SIZE": 32, "BATCH_SIZE": 16,
                 "EPOCHS": 1, "LEARNING_RATE": 0.001, "DEVICE": 1}


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``, with a hash of each file's content."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            if path.is_file() else "folder" for path in sorted(root.rglob("*"))}


def a_folder_of_my_own(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"years of work")
    (folder / "model.emd").write_text('{"not": "ours"}')
    return folder


def an_earlier_package(qgis_process, chips: Path, out: Path) -> None:
    done, _ = qgis_process.run("trainclassifier", INPUT_FOLDER=chips, MODEL_NAME="model",
                               OUTPUT_FOLDER=out, **TINY_TRAINING)
    assert done.returncode == 0, done.stdout + done.stderr


def an_earlier_export(qgis_process, out: Path) -> None:
    done, _ = qgis_process.run("exporttrainingchips", INPUT_RASTER=NB_RASTER,
                               INPUT_FEATURES=NB_POLYGONS, CLASS_FIELD="Niveau_2",
                               CHIP_SIZE=32, OUTPUT_FOLDER=out)
    assert done.returncode == 0, done.stdout + done.stderr


CASES = {
    "train into a folder that is not a model package": (
        lambda qp, chips, tmp: a_folder_of_my_own(tmp / "out" / "model"),
        "trainclassifier", lambda chips, tmp: dict(
            INPUT_FOLDER=chips, MODEL_NAME="model", OUTPUT_FOLDER=tmp / "out", OVERWRITE="true",
            **TINY_TRAINING),
        "is not a Scene Classifier model package (it holds thesis.docx); nothing "
        "was changed. Choose another MODEL_NAME or OUTPUT_FOLDER."),
    "train into the training data": (
        lambda qp, chips, tmp: None, "trainclassifier", lambda chips, tmp: dict(
            INPUT_FOLDER=chips, MODEL_NAME="model", OUTPUT_FOLDER=chips, **TINY_TRAINING),
        "is the input 'Folder of labelled chips' (INPUT_FOLDER): writing it would replace the "
        "data being read"),
    "train over an earlier package without OVERWRITE": (
        lambda qp, chips, tmp: an_earlier_package(qp, chips, tmp / "out"),
        "trainclassifier", lambda chips, tmp: dict(
            INPUT_FOLDER=chips, MODEL_NAME="model", OUTPUT_FOLDER=tmp / "out", **TINY_TRAINING),
        "A model package already exists in"),
    "export into a folder of other files": (
        lambda qp, chips, tmp: a_folder_of_my_own(tmp / "out"), "exporttrainingchips",
        lambda chips, tmp: dict(INPUT_RASTER=NB_RASTER, INPUT_FEATURES=NB_POLYGONS,
                                CLASS_FIELD="Niveau_2", OUTPUT_FOLDER=tmp / "out",
                                OVERWRITE="true"),
        "is not empty (model.emd, thesis.docx) and holds no earlier export; nothing was "
        "changed. Choose an empty or new folder."),
    "export over an earlier export without OVERWRITE": (
        lambda qp, chips, tmp: an_earlier_export(qp, tmp / "out"), "exporttrainingchips",
        lambda chips, tmp: dict(INPUT_RASTER=NB_RASTER, INPUT_FEATURES=NB_POLYGONS,
                                CLASS_FIELD="Niveau_1", OUTPUT_FOLDER=tmp / "out"),
        "holds an earlier export. Choose another folder, or set OVERWRITE"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_refused_output_changes_nothing(qgis_process, rsscn7_small, tmp_path, case):
    prepare, algorithm, parameters, message = CASES[case]
    chips = tmp_path / "chips"
    shutil.copytree(rsscn7_small, chips)
    prepare(qgis_process, chips, tmp_path)
    before = snapshot(tmp_path)
    done, _ = qgis_process.run(algorithm, **parameters(chips, tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert message in output, output
    assert "Traceback" not in output
    assert snapshot(tmp_path) == before


def test_overwrite_replaces_an_earlier_package(qgis_process, rsscn7_small, tmp_path):
    an_earlier_package(qgis_process, rsscn7_small, tmp_path / "out")
    before = snapshot(tmp_path / "out")
    done, _ = qgis_process.run("trainclassifier", INPUT_FOLDER=rsscn7_small, MODEL_NAME="model",
                               OUTPUT_FOLDER=tmp_path / "out", OVERWRITE="true",
                               **dict(TINY_TRAINING, EPOCHS=2))
    assert done.returncode == 0, done.stdout + done.stderr
    after = snapshot(tmp_path / "out")
    assert sorted(after) == sorted(before)  # the same files, and nothing else
    assert after["model/model.pth"] != before["model/model.pth"]


def test_a_classification_killed_while_writing_leaves_the_earlier_output(qgis_process,
                                                                         trained, tmp_path):
    """The earlier OUTPUT survives a kill -9 in the middle of writing the new one."""
    output = tmp_path / "grid.gpkg"

    def grid(size: int) -> list[str]:
        return [QGIS_PROCESS, "run", "sceneclassifier:classifygrid", "--",
                f"INPUT_RASTER={MASSACHUSETTS_TIF}", f"MODEL={trained[1].definition}",
                f"GRID_SIZE={size}", "CELL_SIZE=0.5", "DEVICE=1", f"OUTPUT={output}"]

    done = subprocess.run(grid(300), env=qgis_process.env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    earlier, earlier_stat = snapshot(tmp_path), output.stat()

    def writing() -> bool:  # into a staging folder, or (were there none) into OUTPUT itself
        staged = any(p.name.startswith(".scene_classifier-partial-") and any(p.iterdir())
                     for p in tmp_path.iterdir())
        current = output.stat() if output.exists() else None
        return staged or current is None or current.st_mtime_ns != earlier_stat.st_mtime_ns

    run = subprocess.Popen(grid(20), env=qgis_process.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 600
    while run.poll() is None and time.monotonic() < deadline and not writing():
        time.sleep(0.002)
    os.killpg(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert {name: digest for name, digest in snapshot(tmp_path).items()
            if not name.startswith(".scene_classifier-partial-")} == earlier


def parcels(tmp: Path) -> Path:
    return Path(shutil.copy(MASSACHUSETTS_BUILDINGS, tmp / "parcels.gpkg"))


def notes(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("field notes")
    return tmp / "notes.txt"


# Outputs checked before any work: (prepare(tmp), algorithm, parameters(model, chips, tmp),
# message)
OUTPUT_CASES = {
    "classify onto its own input": (
        parcels, "classifyobjects", lambda model, chips, tmp: dict(
            INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=tmp / "parcels.gpkg", MODEL=model,
            DEVICE=1, OUTPUT=tmp / "parcels.gpkg"),
        "is the input 'Input features' (INPUT_FEATURES): writing it would replace the data "
        "being read"),
    "two outputs at one path": (
        parcels, "classifyobjects", lambda model, chips, tmp: dict(
            INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=tmp / "parcels.gpkg", MODEL=model,
            DEVICE=1, OUTPUT=tmp / "out.gpkg", OUTPUT_SUMMARY=tmp / "out.gpkg"),
        "'Class summary' (OUTPUT_SUMMARY) and 'Classified features' (OUTPUT) are the same "
        "path"),
    "a report where a folder is": (
        lambda tmp: (tmp / "reports").mkdir(), "evaluateclassifier",
        lambda model, chips, tmp: dict(MODEL=model, INPUT_FOLDER=chips, DEVICE=1,
                                       OUTPUT_REPORT=tmp / "reports"),
        "'Evaluation report' (OUTPUT_REPORT) " + "{tmp}/reports is a folder; give a file name"),
    "an output under a file": (
        notes, "classifygrid", lambda model, chips, tmp: dict(
            INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=model, DEVICE=1,
            OUTPUT=tmp / "notes.txt" / "grid.gpkg"),
        "{tmp}/notes.txt is a file, so no folder can be made there"),
    "train into a file": (
        notes, "trainclassifier", lambda model, chips, tmp: dict(
            INPUT_FOLDER=chips, MODEL_NAME="m", OUTPUT_FOLDER=tmp / "notes.txt",
            **TINY_TRAINING),
        "{tmp}/notes.txt is a file, not a folder"),
}


@pytest.mark.parametrize("case", OUTPUT_CASES)
def test_outputs_are_checked_before_any_work(qgis_process, trained, rsscn7_small, tmp_path,
                                             case):
    prepare, algorithm, parameters, message = OUTPUT_CASES[case]
    chips = shutil.copytree(rsscn7_small, tmp_path / "chips")
    prepare(tmp_path)
    before = snapshot(tmp_path)
    done, _ = qgis_process.run(algorithm, **parameters(trained[1].definition, chips, tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert message.format(tmp=tmp_path) in output, output
    assert "Traceback" not in output
    assert snapshot(tmp_path) == before


def a_live_lock(tmp: Path) -> None:
    """A lock on OUTPUT_FOLDER/model held by a live process (this test's)."""
    import json
    import socket

    (tmp / "out").mkdir()
    (tmp / "out" / ".model.lock").write_text(json.dumps(
        {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-11-26 07:00:00"}))


def a_package_copy(model: str, tmp: Path, edit) -> Path:
    """The trained package copied to tmp/package, its .emd edited (as text)."""
    folder = Path(shutil.copytree(Path(model).parent, tmp / "package"))
    emd = folder / Path(model).name
    emd.write_text(edit(emd.read_text()))
    return emd


def nan_normalisation(text: str) -> str:
    import json

    definition = json.loads(text)
    definition["Normalization"]["Mean"][0] = float("nan")
    return json.dumps(definition)  # NaN, as Python's json writes it


# One refusal per kind of bad input the no-loss issue names, beyond the outputs above:
# (prepare(model, chips, tmp), algorithm, parameters(model, chips, tmp), message)
BAD_INPUT_CASES = {
    "machine: an export of more features than MAX_FEATURES": (
        lambda model, chips, tmp: None, "exporttrainingchips", lambda model, chips, tmp: dict(
            INPUT_RASTER=NB_RASTER, INPUT_FEATURES=NB_POLYGONS, CLASS_FIELD="Niveau_2",
            MAX_FEATURES=5, OUTPUT_FOLDER=tmp / "export"),
        "The layer has 43 features; 'Most features' (MAX_FEATURES) allows 5"),
    "two runs: a model folder another live run holds": (
        lambda model, chips, tmp: a_live_lock(tmp), "trainclassifier",
        lambda model, chips, tmp: dict(INPUT_FOLDER=chips, MODEL_NAME="model",
                                       OUTPUT_FOLDER=tmp / "out", **TINY_TRAINING),
        f"Another run is already writing the model model in {{tmp}}/out (process "
        f"{os.getpid()}"),
    "silent results: a package whose normalisation is NaN": (
        lambda model, chips, tmp: a_package_copy(model, tmp, nan_normalisation),
        "classifygrid", lambda model, chips, tmp: dict(
            INPUT_RASTER=MASSACHUSETTS_TIF, MODEL=tmp / "package" / Path(model).name, DEVICE=1,
            OUTPUT=tmp / "grid.gpkg"),
        "'Normalization.Mean[0]' is not a finite number (NaN or infinity)"),
    "silent results: an evaluation with no usable sample": (
        lambda model, chips, tmp: [path.rename(path.with_name("z" + path.name))
                                   for path in list(chips.iterdir())],
        "evaluateclassifier", lambda model, chips, tmp: dict(
            MODEL=model, INPUT_FOLDER=chips, DEVICE=1, OUTPUT_REPORT=tmp / "report.html"),
        "Nothing could be evaluated"),
    "a malformed package: JSON nested absurdly deep": (
        lambda model, chips, tmp: (tmp / "deep.emd").write_text("[" * 100000 + "]" * 100000),
        "classifyobjects", lambda model, chips, tmp: dict(
            INPUT_RASTER=MASSACHUSETTS_TIF, INPUT_FEATURES=MASSACHUSETTS_BUILDINGS,
            MODEL=tmp / "deep.emd", DEVICE=1, OUTPUT=tmp / "out.gpkg"),
        "deep.emd is nested too deeply to be a model definition"),
}


@pytest.mark.parametrize("case", BAD_INPUT_CASES)
def test_bad_inputs_are_refused_with_a_message_and_change_nothing(qgis_process, trained,
                                                                  rsscn7_small, tmp_path,
                                                                  case):
    prepare, algorithm, parameters, message = BAD_INPUT_CASES[case]
    chips = shutil.copytree(rsscn7_small, tmp_path / "chips")
    model = str(trained[1].definition)
    prepare(model, chips, tmp_path)
    before = snapshot(tmp_path)
    done, _ = qgis_process.run(algorithm, **parameters(model, chips, tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert message.format(tmp=tmp_path) in output, output
    assert "Traceback" not in output
    assert snapshot(tmp_path) == before
