"""Training further from a saved model (issue 25 part 4): INITIAL_MODEL starts from its
weights, backbone and chip size; the classes it knows keep their outputs, a new class is
added untrained; one epoch from it beats one epoch from scratch."""

from __future__ import annotations

import shutil

import torch

from conftest import SAMPLE_RSSCN7, TINY_PACKAGE, outputs, run_cli
from core.packages.read import load_package

PACKAGE = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


def test_a_package_is_rebuilt_for_other_classes_by_name():
    package = load_package(str(PACKAGE))
    known = package.classes
    classes = ["a new class", *reversed(known[1:])]  # one dropped, one new, reordered
    model, new = package.build_model_for(classes)
    assert new == ["a new class"]
    from core.models.backbones import head_name

    head = head_name(model)
    weight = model.state_dict()[f"{head}.weight"]
    old = package.state_dict[f"{head}.weight"]
    for row, name in enumerate(classes[1:], start=1):
        assert torch.equal(weight[row], old[known.index(name)])
    body = [key for key in package.state_dict if not key.startswith(head + ".")]
    assert all(torch.equal(model.state_dict()[key], package.state_dict[key]) for key in body)


def test_training_from_a_model_with_a_new_class_beats_training_from_scratch(tmp_path):
    chips = tmp_path / "chips"
    shutil.copytree(SAMPLE_RSSCN7, chips)
    (chips / "gParking").rename(chips / "parking lot")  # a class the model does not know
    common = ("--input-folder", chips, "--epochs", 1, "--batch-size", 16, "--device", "cpu",
              "--seed", 1, "--output-folder", tmp_path / "models")
    further = run_cli(tmp_path, "train", *common, "--initial-model", PACKAGE,
                      "--model-name", "further")
    found = outputs(further)
    assert "Starting from the model" in further.stderr + further.stdout
    assert "new: parking lot" in further.stderr + further.stdout
    scratch = outputs(run_cli(tmp_path, "train", *common, "--backbone", "resnet18",
                              "--no-pretrained", "--chip-size", 32, "--model-name", "scratch"))
    package = load_package(found["MODEL_DEFINITION"])
    assert package.backbone == load_package(str(PACKAGE)).backbone
    assert package.chip_size == 32 and "parking lot" in package.classes
    assert float(found["ACCURACY"]) > float(scratch["ACCURACY"]) + 0.15, (found, scratch)
