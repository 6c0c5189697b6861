"""Chips with several labels (issue 26 parts 1, 2 and 5), from the notebook API: mosaics of
two bundled RSSCN7 scenes, labelled with both classes (tests/mosaics.py), train a model that
gives each label its own score and threshold; on mosaics of chips it never saw, its per-label
F1 beats that of a model of one class a chip trained on the same chips (each labelled with
its left half's class, as a single-label layout forces), and it evaluates and predicts with
both engines."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from core.api import FeatureClassifier, prepare_data
from core.data.imagery import fit_chip, read_image
from core.errors import DataError
from core.packages.read import load_package
from core.reports.metrics import multi_label_scores
from core.workflows.evaluate import evaluate_folder
from mosaics import mosaic_folder

CLASSES = ["aGrass", "bField", "cIndustry", "dRiverLake"]
SETTINGS = {"chip_size": 64, "batch_size": 16, "val_split_pct": 0.25, "seed": 0}


def train(folder, name, models) -> str:
    """A tf_efficientnet_lite0 trained on ``folder`` (frozen ImageNet body), saved; its .emd."""
    model = FeatureClassifier(prepare_data(str(folder), **SETTINGS),
                              backbone="timm:tf_efficientnet_lite0", pretrained=True,
                              device="cpu")
    model.fit(12, lr=1e-2, early_stopping=False)
    return str(model.save(name, str(models)).definition)


def test_a_multi_label_model_scores_each_label_better_than_one_of_one_class_a_chip(tmp_path):
    seen = mosaic_folder(tmp_path / "seen", 88, seed=0, chips_used=slice(0, 45))
    unseen = mosaic_folder(tmp_path / "unseen", 28, seed=1, chips_used=slice(45, 60))
    data = prepare_data(str(seen), **SETTINGS)
    assert data.multi_label and data.classes == CLASSES and data.label_delimiter == ";"
    assert tuple(data.train_labels.shape) == (66, 4) and set(data.train_labels.unique().tolist()) \
        == {0.0, 1.0}
    # the same chips, one class each (the left half's): a folder per class
    single = tmp_path / "single"
    for row in (seen / "labels.csv").read_text().splitlines()[1:]:
        image, labels = row.split(",")
        (single / labels.split(";")[0]).mkdir(parents=True, exist_ok=True)
        shutil.copy(seen / image, single / labels.split(";")[0])
    several = train(seen, "several", tmp_path / "models")
    one = train(single, "one", tmp_path / "models")

    definition = json.loads(open(several, encoding="utf-8").read())
    assert definition["MetaDataMode"] == "MultiLabeled_Tiles"
    assert len(definition["Thresholds"]) == 4 and definition["LabelDelimiter"] == ";"
    assert "Temperature" not in definition
    report = open(several.replace(".emd", "_report.html"), encoding="utf-8").read()
    assert "Labels (several a chip)" in report and "Hamming loss" in report

    evaluation = evaluate_folder(several, str(unseen), device="cpu", engine="torch")
    on_onnx = evaluate_folder(several, str(unseen), device="cpu", engine="onnxruntime")
    assert evaluation.count == on_onnx.count == 28
    assert on_onnx.macro_f1 == pytest.approx(evaluation.macro_f1, abs=0.05)
    # the model of one class a chip says one label: its top class
    package = load_package(one)
    chips = np.stack([fit_chip(read_image(str(path)), 64) for path in
                      sorted((unseen / "images").iterdir())])
    classifier = FeatureClassifier.from_model(one)
    top = classifier.predictor().probabilities(chips).argmax(axis=1)
    truth = np.array(evaluation.truth)  # (in the unseen folder's order, as the chips)
    one_hot = np.eye(4)[[CLASSES.index(package.classes[i]) for i in top]]
    single_f1 = multi_label_scores(one_hot, truth, np.full(4, 0.5), CLASSES).macro_f1
    print(f"macro F1 on unseen mosaics: several labels {evaluation.macro_f1:.3f}, one class "
          f"a chip {single_f1:.3f}")
    assert evaluation.macro_f1 > single_f1 + 0.05

    labels, scores = FeatureClassifier.from_model(several).predict(
        str(unseen / "images" / "0000.png"))
    assert isinstance(labels, list) and all(name in CLASSES for name in labels)
    assert scores == sorted(scores, reverse=True)


def test_bad_multi_label_data_is_refused_with_what_to_do(tmp_path):
    folder = mosaic_folder(tmp_path / "chips", 12, chips_used=slice(0, 10))
    table = folder / "labels.csv"
    table.write_text(table.read_text() + "images/missing.png,aGrass\n")
    with pytest.raises(DataError, match="lists 1 images that are not image files"):
        prepare_data(str(folder), **SETTINGS)
    plain = tmp_path / "plain" / "aGrass"
    plain.mkdir(parents=True)
    (tmp_path / "plain" / "bField").mkdir()
    with pytest.raises(DataError, match="has one class per chip, the other folders several"):
        prepare_data([str(mosaic_folder(tmp_path / "ok", 12, chips_used=slice(10, 20))),
                      str(tmp_path / "plain")], **SETTINGS)
    with pytest.raises(DataError, match="is no Multi-labeled Tiles export"):
        prepare_data(str(tmp_path / "plain"), dataset_type="MultiLabeled_Tiles", **SETTINGS)
