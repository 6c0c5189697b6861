"""Chips with several labels (issue 26 parts 1 to 3) from the command line: train on a
labels.csv of mosaics of two scenes, then classify a grid over a raster of unseen mosaics (the
labels present, likeliest first, and each label's score), evaluate labelled points in place
(a truth field of labels joined by ';'), with both engines; what a multi-label model cannot
give is refused with what to do."""

from __future__ import annotations

import json

import pytest
from osgeo import ogr, osr

from conftest import feature_items, outputs, run_cli
from mosaics import mosaic_folder, mosaic_raster

CLASSES = ["aGrass", "bField", "cIndustry", "dRiverLake"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A multi-label package trained from the command line, and a raster of unseen mosaics
    with each 64 m cell's labels."""
    folder = tmp_path_factory.mktemp("multi_label")
    chips = mosaic_folder(folder / "chips", 88, seed=0, chips_used=slice(0, 45))
    found = outputs(run_cli(folder, "train", "--input-folder", chips, "--timm-backbone",
                            "tf_efficientnet_lite0", "--chip-size", 64, "--batch-size", 16,
                            "--val-split-pct", 25, "--epochs", 12, "--learning-rate", 0.01,
                            "--no-early-stopping", "--device", "cpu", "--model-name", "several",
                            "--output-folder", folder / "models"))
    raster, labels = mosaic_raster(mosaic_folder(folder / "unseen", 28, seed=1,
                                                 chips_used=slice(45, 60)),
                                   folder / "unseen.tif")
    return folder, found["MODEL_DEFINITION"], raster, labels


@pytest.mark.parametrize("engine", ["torch", "onnxruntime"])
def test_a_grid_gets_the_labels_present_and_each_labels_score(trained, engine):
    folder, model, raster, labels = trained
    definition = json.loads(open(model, encoding="utf-8").read())
    assert definition["MetaDataMode"] == "MultiLabeled_Tiles" and definition["Classes"][0][
        "Name"] == "aGrass"
    found = outputs(run_cli(folder, "classify-grid", "--input-raster", raster, "--model", model,
                            "--grid-size", 64, "--device", "cpu", "--engine", engine,
                            "--output", folder / f"grid_{engine}.gpkg",
                            "--output-summary", folder / f"summary_{engine}.csv"))
    rows = feature_items(found["OUTPUT"])
    assert len(rows) == len(labels) == 28
    assert set(rows[0]) >= {"ClassLabel", *CLASSES} and "Confidence" not in rows[0]
    right = 0
    for row, truth in zip(rows, labels):
        said = row["ClassLabel"].split(";") if row["ClassLabel"] else []
        scores = [row[name] for name in said]
        assert scores == sorted(scores, reverse=True)  # likeliest first
        assert all(0 <= row[name] <= 1 for name in CLASSES)
        right += len(set(said) & set(truth.split(";"))) / len(set(said) | set(truth.split(";")))
    assert right / len(rows) > 0.4, right / len(rows)  # mean Jaccard of the label sets
    strict = outputs(run_cli(folder, "classify-grid", "--input-raster", raster, "--model",
                             model, "--grid-size", 64, "--device", "cpu", "--engine", engine,
                             "--score-threshold", 0.99, "--output",
                             folder / f"strict_{engine}.gpkg"))
    assert sum(len(row["ClassLabel"].split(";")) for row in feature_items(strict["OUTPUT"])
               if row["ClassLabel"]) < sum(len(row["ClassLabel"].split(";")) for row in rows
                                           if row["ClassLabel"])


def test_labelled_points_are_evaluated_in_place_with_joined_truth_labels(trained):
    folder, model, raster, labels = trained
    points = folder / "points.gpkg"
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(26986)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(points))
    layer = dataset.CreateLayer("points", crs, ogr.wkbPoint)
    layer.CreateField(ogr.FieldDefn("labels", ogr.OFTString))
    for number, truth in enumerate(labels):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("labels", truth if number else "aGrass;notalabel")
        x, y = 229000 + 32 + number % 4 * 64, 894000 - 32 - number // 4 * 64
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})"))
        layer.CreateFeature(feature)
    dataset = None
    found = outputs(run_cli(folder, "evaluate", "--model", model, "--input-raster", raster,
                            "--input-features", points, "--truth-field", "labels",
                            "--device", "cpu", "--output-report", folder / "evaluation.html",
                            "--output-confusion", folder / "labels.csv",
                            "--output-errors", folder / "errors.gpkg"))
    assert 0.4 < float(found["MACRO_F1"]) <= 1
    table = (folder / "labels.csv").read_text().splitlines()
    assert table[0].startswith("label,threshold,true_positives") and len(table) == 5
    assert sum(int(line.split(",")[2]) + int(line.split(",")[4]) for line in table[1:]) == sum(
        len(truth.split(";")) for truth in labels[1:])  # every true label counted once
    report = (folder / "evaluation.html").read_text()
    assert "Labels (several a chip)" in report and "notalabel" in report  # not counted
    errors = feature_items(folder / "errors.gpkg")
    assert errors and all(row["truth"] != row["predicted"] for row in errors)


@pytest.mark.parametrize("command, extra, message", [
    ("classify-grid", ["--output-raster", "{folder}/map.tif"], "a class map of one class a cell"),
    ("classify-grid", ["--min-confidence", 0.5], "set --score-threshold instead"),
    ("classify-grid", ["--output-heatmap", "{folder}/heat.tif"], "gives several labels a chip"),
    ("classify-change", ["--input-raster-after", "{raster}"], "a change is counted from one class"),
    ("suggest-labels", [], "gives several labels a chip"),
    ("classify-grid", ["--score-threshold", 1.5], "must be from 0 to 1"),
    ("classify", ["--input-features", "{folder}/clash.gpkg"],
     "The result field 'bField' clashes with the field 'bfield'"),
])
def test_what_a_multi_label_model_cannot_give_is_refused(trained, command, extra, message):
    folder, model, raster, _ = trained
    if command == "classify":  # points whose field is named like a label's score field
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(folder / "clash.gpkg"))
        layer = dataset.CreateLayer("points", None, ogr.wkbPoint)
        layer.CreateField(ogr.FieldDefn("bfield", ogr.OFTString))
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT (229032 893968)"))
        layer.CreateFeature(feature)
        dataset = None
    extra = [str(value).format(folder=folder, raster=raster) for value in extra]
    done = run_cli(folder, command, "--input-raster", raster, "--model", model, "--device",
                   "cpu", "--output", folder / "refused.gpkg", *extra)
    assert done.returncode in (1, 2) and message in done.stderr, done.stderr[-1500:]
    assert "Traceback" not in done.stderr and not (folder / "refused.gpkg").exists()


def test_two_torchrun_processes_train_a_multi_label_model(tmp_path):
    """Under torchrun each process trains on its share of the mosaics; one package, marked
    multi-label, with a threshold per label."""
    chips = mosaic_folder(tmp_path / "chips", 60, chips_used=slice(0, 32))
    found = outputs(run_cli(tmp_path, "train", "--input-folder", chips, "--backbone",
                            "resnet18", "--no-pretrained", "--chip-size", 32, "--batch-size",
                            16, "--epochs", 2, "--learning-rate", 0.001, "--device", "cpu",
                            "--model-name", "shared", "--output-folder", tmp_path / "models",
                            processes=2))
    definition = json.loads(open(found["MODEL_DEFINITION"], encoding="utf-8").read())
    assert definition["MetaDataMode"] == "MultiLabeled_Tiles"
    assert [entry["Name"] for entry in definition["Classes"]] == CLASSES
    assert len(definition["Thresholds"]) == 4
    assert definition["TrainingData"]["TrainCount"] + definition["TrainingData"][
        "ValidCount"] == 60
