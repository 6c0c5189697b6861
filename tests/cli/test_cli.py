"""The command line without QGIS: every command on the bundled sample, bad arguments (exit 2),
failures (exit 1, nothing written), and classification sharded over two torchrun processes
giving the one-process output feature for feature."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    MASSACHUSETTS_BUILDINGS,
    MASSACHUSETTS_TIF,
    NB_POLYGONS,
    NB_RASTER,
    ROOT,
    TINY_PACKAGE,
    cli_environment,
    features,
    outputs,
    plugin_module,
    run_cli,
    write_points,
)


@pytest.fixture(scope="module")
def cli_model(tmp_path_factory, rsscn7_small) -> tuple[Path, Path]:
    """(work folder, .emd) of a model trained with the command line's train."""
    folder = tmp_path_factory.mktemp("cli")
    result = run_cli(folder, "train", "--input-folder", rsscn7_small, "--backbone", "resnet18",
                     "--no-pretrained", "--chip-size", 32, "--batch-size", 32, "--epochs", 3,
                     "--learning-rate", 0.002, "--device", "cpu", "--model-name", "cli model",
                     "--output-folder", folder / "models")
    found = outputs(result)
    assert float(found["ACCURACY"]) > 1 / 7
    assert "epoch  train_loss" in result.stderr  # the epoch table
    assert "% reading chips" in result.stderr  # progress as plain lines (not a terminal)
    package = Path(found["OUTPUT_FOLDER"])
    assert sorted(p.name for p in package.iterdir()) == [
        "cli model.dlpk", "cli model.emd", "cli model.onnx", "cli model.pth",
        "cli model_report.html"]
    return folder, Path(found["MODEL_DEFINITION"])


def test_every_command_has_help_with_every_parameter(tmp_path):
    tools = plugin_module("interface.tools").TOOLS
    for tool in tools:
        result = run_cli(tmp_path, tool.command, "--help")
        assert result.returncode == 0, result.stderr
        for parameter in tool.parameters:
            assert parameter.option in result.stdout, (tool.command, parameter.option)
    listing = run_cli(tmp_path, "--help").stdout
    assert all(tool.command in listing for tool in tools)


def test_classify_writes_every_feature_with_its_class(cli_model):
    folder, model = cli_model
    found = outputs(run_cli(folder, "classify", "--input-raster", MASSACHUSETTS_TIF,
                            "--model", model, "--input-features", MASSACHUSETTS_BUILDINGS,
                            "--cell-size", 2, "--device", "cpu", "--output",
                            folder / "buildings.gpkg", "--output-summary",
                            folder / "summary.csv"))
    written, given = features(found["OUTPUT"]), features(MASSACHUSETTS_BUILDINGS)
    assert len(written) == len(given) > 100
    classes = {entry.name for entry in (ROOT / "resources" / "sample" / "rsscn7").iterdir()
               if entry.is_dir()}
    for (*attributes, label, value, confidence, geometry), (*source, source_geometry) in zip(
            written, given):
        assert attributes == source and geometry == source_geometry
        assert label in classes and 1 <= value <= 7 and 0 < confidence <= 1
    summary = (folder / "summary.csv").read_text().splitlines()
    assert summary[0] == "class_value,class_label,count,area,area_share,count_share"
    assert len(summary) == 8 and (folder / "summary.csvt").exists()


def test_classify_grid_writes_cells_and_a_class_map(cli_model):
    from osgeo import gdal

    folder, model = cli_model
    found = outputs(run_cli(folder, "classify-grid", "--input-raster", MASSACHUSETTS_TIF,
                            "--model", model, "--grid-size", 150, "--cell-size", 2,
                            "--device", "cpu", "--output", folder / "grid.gpkg",
                            "--output-raster", folder / "grid.tif"))
    cells = features(found["OUTPUT"])
    assert int(found["CELL_COUNT"]) == len(cells) > 20
    class_map = gdal.Open(found["OUTPUT_RASTER"]).ReadAsArray()
    assert class_map.shape[1] * class_map.shape[2] == len(cells)
    by_cell = {(row, column): value for _, row, column, _, value, _, _ in cells}
    assert all(class_map[0, row, column] == value for (row, column), value in by_cell.items())


def test_export_evaluate_find_lr_preview_and_check_dependencies(cli_model, rsscn7_small):
    folder, model = cli_model
    exported = outputs(run_cli(folder, "export-chips", "--input-raster", NB_RASTER,
                               "--input-features", NB_POLYGONS, "--class-field", "Niveau_2",
                               "--chip-size", 32, "--crop-mode", "bbox", "--output-folder",
                               folder / "export"))
    chips = list((folder / "export" / "images").rglob("*.tif"))
    assert int(exported["CHIP_COUNT"]) == len(chips) > 0
    evaluated = outputs(run_cli(folder, "evaluate", "--model", model, "--input-folder",
                                rsscn7_small, "--device", "cpu"))
    assert 0 < float(evaluated["OVERALL_ACCURACY"]) <= 1
    assert Path(evaluated["OUTPUT_REPORT"]).parent == folder / "home" / "SceneClassifier" / \
        "evaluations"
    assert Path(evaluated["OUTPUT_CONFUSION"]).read_text().startswith("truth \\ predicted,")
    rate = outputs(run_cli(folder, "find-lr", "--input-folder", rsscn7_small, "--backbone",
                           "resnet18", "--no-pretrained", "--chip-size", 32, "--batch-size", 32,
                           "--device", "cpu", "--output-report", folder / "lr.html"))
    assert 1e-7 < float(rate["LEARNING_RATE"]) < 10 and (folder / "lr.html").exists()
    preview = outputs(run_cli(folder, "preview", "--input-folder", rsscn7_small,
                              "--output-report", folder / "preview.html"))
    assert preview["CLASS_COUNT"] == "7" and preview["IMAGE_COUNT"] == str(7 * 24)
    checked = outputs(run_cli(folder, "check-dependencies", "--output-report",
                              folder / "deps.html"))
    assert checked["TORCH"] == "true" and (folder / "deps.html").exists()


@pytest.mark.parametrize(("arguments", "message"), [
    (["train"], "the following arguments are required: --input-folder"),
    (["train", "--input-folder", "{sample}", "--chip-size", "3"],
     "--chip-size: must be from 8 to 4096; got 3"),
    (["classify-grid", "--input-raster", "{raster}", "--model", "{raster}", "--output",
      "{folder}/a\nb.gpkg"], "holds a control character"),
    (["train", "--input-folder", "{sample}", "--learning-rate", "nan"],
     "--learning-rate: must be a finite number; got nan"),
    (["train", "--input-folder", "{sample}", "--epochs", "2.5"],
     "--epochs: '2.5' is not a whole number"),
    (["classify-grid", "--input-raster", "{raster}", "--model", "{raster}", "--cell-size",
      "inf", "--output", "{folder}/grid.gpkg"], "--cell-size: must be a finite number; got inf"),
    (["classify-grid", "--input-raster", "{raster}", "--model", "{raster}",
      "--min-confidence", "1.5", "--output", "{folder}/grid.gpkg"],
     "--min-confidence: must be from 0 to 1; got 1.5"),
    (["train", "--input-folder", "{sample}", "--backbone", "resnet9000"],
     "--backbone: invalid choice: 'resnet9000'"),
    (["train", "--input-folder", "{missing}"], "--input-folder: {missing} is not a folder"),
    (["classify-grid", "--input-raster", "{raster}", "--model", "{raster}", "--extent",
      "1,2,north", "--output", "{folder}/grid.gpkg"], "--extent: '1,2,north' is not an extent"),
    (["classify", "--input-raster", "{raster}", "--model", "{raster}", "--input-features",
      "{raster}", "--output", "{folder}/a.gpkg", "--output-summary", "{folder}/a.gpkg"],
     "are the same path"),
    (["preview", "--input-folder", "{sample}", "--output-report", "{folder}"],
     "is a folder; give a file name in it instead"),
    (["preview", "--input-folder", "{sample}", "--output-report", "{sample}"],
     "is the input 'Folder of labelled chips' (--input-folder)"),
    (["export-chips", "--input-raster", "{raster}", "--input-features", "{raster}",
      "--class-field", "x", "--crop-mode", "model", "--output-folder", "{folder}/e"],
     "--crop-mode: invalid choice: 'model'"),
])
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, rsscn7_small, arguments, message):
    names = {"sample": rsscn7_small, "missing": tmp_path / "missing", "raster": MASSACHUSETTS_TIF,
             "folder": tmp_path}
    result = run_cli(tmp_path, *(argument.format(**names) for argument in arguments))
    assert result.returncode == 2
    assert message.format(**names) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "plugins"]


def test_a_fifo_given_as_a_file_exits_2_without_waiting_on_it(tmp_path):
    fifo = tmp_path / "model.emd"
    os.mkfifo(fifo)
    result = run_cli(tmp_path, "classify-grid", "--input-raster", MASSACHUSETTS_TIF,
                     "--model", fifo, "--output", tmp_path / "grid.gpkg")
    assert result.returncode == 2
    assert f"--model: {fifo} is a FIFO (named pipe), not a file" in result.stderr


def test_a_failing_run_exits_1_and_leaves_an_earlier_output_as_it_was(tmp_path):
    not_a_model = tmp_path / "model.emd"
    not_a_model.write_text("{not json")
    earlier = tmp_path / "grid.gpkg"
    earlier.write_bytes(b"an earlier result")
    result = run_cli(tmp_path, "classify-grid", "--input-raster", MASSACHUSETTS_TIF, "--model",
                     not_a_model, "--device", "cpu", "--output", earlier)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert earlier.read_bytes() == b"an earlier result"


def test_two_torchrun_processes_train_one_model(cli_model, rsscn7_small):
    """As the README shows: torchrun -m scene_classifier train; the outputs are printed once
    and one package is written (tests/cli/test_distributed.py compares it with one process)."""
    folder, _ = cli_model
    arguments = ["train", "--input-folder", rsscn7_small, "--backbone", "resnet18",
                 "--no-pretrained", "--chip-size", 32, "--epochs", 3, "--learning-rate", 0.002,
                 "--device", "cpu", "--model-name", "two", "--output-folder", folder / "two"]
    run = run_cli(folder, *arguments, "--batch-size", 32, processes=2)
    found = outputs(run)
    assert run.stdout.count("MODEL_PACKAGE: ") == 1 and float(found["ACCURACY"]) > 1 / 7
    assert [p.name for p in (folder / "two").iterdir()] == ["two"]
    assert "2 processes (torchrun)" in run.stderr
    # the first process decodes its 67 of the 133 training files and the 35 validation ones
    assert "reading chips 64/102" in run.stderr and "/168" not in run.stderr
    uneven = run_cli(folder, *arguments, "--batch-size", 33, "--overwrite", processes=2)
    assert uneven.returncode == 1 and "A batch of 33 chips (--batch-size) cannot be shared" \
        in uneven.stderr


@pytest.mark.parametrize("command", ["classify", "classify-grid"])
def test_two_torchrun_processes_classify_as_one(cli_model, command):
    """Each process classifies its share of the features; the main one writes one output in
    input order, the same as one process writes."""
    folder, model = cli_model
    source = ["--input-features", MASSACHUSETTS_BUILDINGS] if command == "classify" else \
        ["--grid-size", 60]
    common = [command, "--input-raster", MASSACHUSETTS_TIF, "--model", model, "--cell-size", 2,
              "--device", "cpu", "--engine", "onnxruntime", *source]
    one = outputs(run_cli(folder, *common, "--output", folder / f"{command}-one.gpkg"))
    two = run_cli(folder, *common, "--output", folder / f"{command}-two.gpkg", processes=2)
    sharded = outputs(two)
    assert sharded["OUTPUT"].endswith(f"{command}-two.gpkg")
    single, split = features(one["OUTPUT"]), features(sharded["OUTPUT"])
    assert len(single) == len(split) > 50
    for a, b in zip(single, split):
        assert a[:-2] == b[:-2] and a[-1] == b[-1]  # fields, label, value; geometry
        assert a[-2] == pytest.approx(b[-2], abs=1e-5)  # confidence


def test_classify_needs_no_torch(cli_model, tmp_path):
    """Where only onnxruntime is installed (a Python whose ``import torch`` fails), the
    command line classifies on the package's ONNX copy."""
    folder, model = cli_model
    blocker = tmp_path / "no_torch"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['torch'] = None\nsys.modules['torchvision'] = None\n")
    env = cli_environment(folder)
    env["PYTHONPATH"] = f"{blocker}{os.pathsep}{env['PYTHONPATH']}"
    result = subprocess.run(
        [sys.executable, "-m", "scene_classifier", "classify", "--input-raster",
         str(MASSACHUSETTS_TIF), "--model", str(model), "--input-features",
         str(MASSACHUSETTS_BUILDINGS), "--cell-size", "2", "--output",
         str(tmp_path / "no_torch.gpkg")], capture_output=True, text=True, env=env, timeout=600)
    outputs(result)  # exit 0
    assert "engine: onnxruntime" in result.stderr
    assert len(features(tmp_path / "no_torch.gpkg")) == len(features(MASSACHUSETTS_BUILDINGS))
    training = subprocess.run([sys.executable, "-m", "scene_classifier", "train",
                               "--input-folder", str(tmp_path)], capture_output=True, text=True,
                              env=env, timeout=600)
    assert training.returncode == 1 and "pip install" in training.stderr
    assert "Traceback" not in training.stderr



def test_a_shapefile_that_would_cut_an_input_field_to_a_results_name_is_refused(tmp_path):
    """The .dbf cuts 'ClassLabel_before' to 'ClassLabel': the result's name with the input's
    values. Refused before anything is written; a GeoPackage keeps both."""
    points = write_points(tmp_path / "points.gpkg", "ClassLabel_before", "old")
    model = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"
    common = ("classify", "--input-raster", MASSACHUSETTS_TIF, "--input-features", points,
              "--model", model, "--device", "cpu")
    refused = run_cli(tmp_path, *common, "--output", tmp_path / "out.shp")
    assert refused.returncode == 1
    assert "The input field 'ClassLabel_before' is cut to 'ClassLabel' in a shapefile" in \
        refused.stderr and "--class-label-field" in refused.stderr
    assert not list(tmp_path.glob("out.*"))
    kept = outputs(run_cli(tmp_path, *common, "--output", tmp_path / "out.gpkg"))
    assert features(kept["OUTPUT"])[0][0] == "old"


def test_a_second_ctrl_c_stops_at_once_with_a_message_not_a_traceback(rsscn7_small, tmp_path):
    """Twice Ctrl+C during training: the run stops at once (130), or, where the first had
    already cancelled it, says so (1); never a traceback, never killed by the signal."""
    import signal
    import time

    from conftest import cli_environment

    for pause in (0.001, 0.05, 0.3):  # the second press before, while and after cancelling
        run = subprocess.Popen(
            [sys.executable, "-m", "scene_classifier", "train", "--input-folder", rsscn7_small,
             "--backbone", "resnet18", "--no-pretrained", "--chip-size", "32", "--epochs",
             "500", "--learning-rate", "0.002", "--device", "cpu", "--output-folder",
             tmp_path / "models"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=cli_environment(tmp_path), cwd=tmp_path)
        try:
            for line in run.stderr:  # training has started: the epoch table's header
                if "epoch  train_loss" in line:
                    break
            run.send_signal(signal.SIGINT)
            time.sleep(pause)
            run.send_signal(signal.SIGINT)
            stdout, stderr = run.communicate(timeout=60)
        finally:
            run.kill()
        expected = {130: "Stopped at once (a second Ctrl+C)", 1: "Cancelled: nothing was written"}
        assert run.returncode in expected, stderr[-2000:]
        assert expected[run.returncode] in stderr and "Traceback" not in stderr, stderr
        assert not stdout  # no outputs reported
        assert not list((tmp_path / "models").rglob("*.emd"))  # no package



def test_a_second_ctrl_c_while_working_is_said_and_exits_130(rsscn7_small, tmp_path,
                                                             monkeypatch, capsys):
    """What cli.main does when the second press lands while the command still works (the
    timing the run above cannot force: training stops within a batch of the first)."""
    import signal

    main = plugin_module("cli.main")

    def pressed_twice(values, feedback):
        raise KeyboardInterrupt

    monkeypatch.setitem(main.COMMANDS, "preview", pressed_twice)
    handler = signal.getsignal(signal.SIGINT)
    try:
        code = main.main(["preview", "--input-folder", str(rsscn7_small), "--output-report",
                          str(tmp_path / "preview.html")])
    finally:
        signal.signal(signal.SIGINT, handler)
    assert code == 130 and "Stopped at once (a second Ctrl+C)" in capsys.readouterr().err
    assert not (tmp_path / "preview.html").exists()
