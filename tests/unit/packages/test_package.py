"""Model packages: files, Esri keys, round trip, validation, and hostile content."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import zipfile

import numpy as np
import pytest
import torch

from conftest import SAMPLE_RSSCN7
from core.api import FeatureClassifier
from core.errors import ModelPackageError, OutputError
from core.inference.calibration import scaled
from core.packages.archive import safe_extract
from core.packages.definition import check_model_name
from core.packages.read import load_package

ESRI_KEYS = {"Framework", "ModelType", "ModelFile", "ModelName", "ImageHeight", "ImageWidth",
             "ExtractBands", "Classes", "CropSizeFixed", "BlackenAroundFeature",
             "ImageSpaceUsed"}


def test_package_files_and_definition(training_run):
    classifier, paths = training_run
    assert sorted(os.listdir(paths.folder)) == sorted(
        ["rsscn7 test.emd", "rsscn7 test.pth", "rsscn7 test.onnx", "rsscn7 test.dlpk",
         "rsscn7 test_report.html"])
    assert not [n for n in os.listdir(os.path.dirname(paths.folder)) if "partial" in n]
    definition = json.loads(open(paths.definition).read())
    assert ESRI_KEYS <= set(definition)
    assert definition["ModelType"] == "ObjectClassification"
    assert definition["ImageSpaceUsed"] == "PIXEL_SPACE" and definition["CropSizeFixed"] == 1
    assert [c["Name"] for c in definition["Classes"]] == classifier.data.classes
    assert definition["Backbone"] == "resnet18" and definition["BandCount"] == 3
    assert definition["BestValidationAccuracy"] == classifier.best_accuracy
    assert len(definition["PerClassMetrics"]) == 7 and definition["PluginVersion"]
    with zipfile.ZipFile(paths.dlpk) as archive:
        assert {"rsscn7 test.emd", "rsscn7 test.pth", "rsscn7 test.onnx"} <= set(
            archive.namelist())
    assert definition["ModelFileONNX"] == "rsscn7 test.onnx"
    report = open(paths.report, encoding="utf-8").read()
    assert report.count("data:image/png;base64,") >= 4 and "fResident" in report


@pytest.mark.parametrize("which", ["definition", "dlpk"])
def test_round_trip_predicts_like_the_trained_model(training_run, which):
    classifier, paths = training_run
    loaded = FeatureClassifier.from_model(getattr(paths, which), device="cpu")
    assert loaded.classes == classifier.data.classes
    chip = classifier.data.valid_images[0].numpy()
    softmax = classifier.trainer.predict(classifier.data.valid_images[:1]).numpy()
    expected = scaled(softmax, loaded.package.temperature)[0]  # the confidence, calibrated
    label, confidence = loaded.predict(chip)
    assert label == classifier.data.classes[int(expected.argmax())]
    # the loaded model infers in bfloat16 where the CPU has it (3 significant digits)
    tolerance = 1e-4 if loaded.predictor().engine.network.amp_dtype is None else 1e-2
    assert confidence == pytest.approx(float(expected.max()), abs=tolerance)
    image = next((SAMPLE_RSSCN7 / "eForest").iterdir())
    assert loaded.predict(str(image))[0] in loaded.classes


def edited_copy(paths, tmp_path, edit):
    target = tmp_path / "copy"
    shutil.copytree(paths.folder, target)
    emd = target / os.path.basename(paths.definition)
    definition = json.loads(emd.read_text())
    edit(definition, target)
    emd.write_text(json.dumps(definition))
    return str(emd)


@pytest.mark.parametrize("edit, message", [
    (lambda d, t: d.pop("Classes"), "no 'Classes' key"),
    (lambda d, t: d.update(ImageWidth="224"), "'ImageWidth' should be a int"),
    (lambda d, t: d.update(ModelType="ObjectDetection"), "ObjectClassification"),
    (lambda d, t: d.update(ModelFile="../../elsewhere.pth"), "inside the package"),
    (lambda d, t: os.remove(t / d["ModelFile"]), "is missing"),
    (lambda d, t: d["Classes"].pop(), "lists 6 classes but its weights have 7 outputs"),
    (lambda d, t: d.update(Backbone="resnet34"), "do not fit the resnet34 model"),
    (lambda d, t: d["Classes"][0].update(Value=2**31), "Values must be distinct whole numbers "
     "from -2147483648 to 2147483647 .* found 2147483648"),
    (lambda d, t: d["Classes"][1].update(Value=d["Classes"][0]["Value"]),
     "found a value given twice"),
    (lambda d, t: d.update(resize_to=4), "resize_to must be a size in pixels from ImageWidth"),
    (lambda d, t: d.update(resize_to=[300, 200]), r"not \[300, 200\]"),
])
def test_invalid_definitions_fail_clearly(trained, tmp_path, edit, message):
    with pytest.raises(ModelPackageError, match=message):
        load_package(edited_copy(trained[1], tmp_path, edit))


def test_an_emd_naming_a_giant_backbone_is_refused_without_building_it(trained, tmp_path,
                                                                        monkeypatch):
    """1 billion parameters (4 GB) named beside the tiny model's weights: compared on the
    meta device, refused before any of it is allocated."""
    import core.packages.read as read

    built = []
    network = read._network
    monkeypatch.setattr(read, "_network", lambda *args: built.append(network(*args)) or
                        built[-1])
    emd = edited_copy(trained[1], tmp_path, lambda d, t: d.update(
        Backbone="timm:vit_giant_patch14_224"))
    with pytest.raises(ModelPackageError, match="do not fit the timm:vit_giant_patch14_224 "
                       "model .* missing"):
        load_package(emd)
    assert sum(p.numel() for p in built[0].parameters()) > 10**9
    assert {p.device.type for model in built for p in model.parameters()} == {"meta"}


def test_arcgis_learns_resize_to_is_read_as_one_size(trained, tmp_path):
    """arcgis.learn writes resize_to as null, a number or [width, height]."""
    for value, size in ((None, None), (40, 40), ([48, 48], 48)):
        emd = edited_copy(trained[1], tmp_path / str(size), lambda d, t, v=value: d.update(
            resize_to=v, ImageWidth=32, ImageHeight=32))
        assert load_package(emd).resize_to == size


def test_not_json_and_wrong_extension(tmp_path):
    bad = tmp_path / "bad.emd"
    bad.write_text("{not json")
    with pytest.raises(ModelPackageError, match="Cannot read model definition"):
        load_package(str(bad))
    text = tmp_path / "model.txt"
    text.write_text("x")
    with pytest.raises(ModelPackageError, match="is not a model package"):
        load_package(str(text))
    with pytest.raises(ModelPackageError, match="not found"):
        load_package(str(tmp_path / "missing.emd"))


class CreatesFile:
    """Unpickling this would create a file: weights_only loading must refuse it."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_weights_that_run_code_are_refused(trained, tmp_path):
    marker = tmp_path / "pwned.txt"

    def poison(definition, folder):
        with open(folder / definition["ModelFile"], "wb") as file:
            pickle.dump({"fc.weight": CreatesFile(str(marker))}, file)

    with pytest.raises(ModelPackageError, match="Refusing to load .*it needs code to load") \
            as refused:
        load_package(edited_copy(trained[1], tmp_path, poison))
    assert not marker.exists()
    assert "weights_only" not in str(refused.value)  # never PyTorch's advice to load unsafely


def test_dlpk_entries_leaving_the_folder_are_refused(tmp_path):
    bad = tmp_path / "evil.dlpk"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("model.emd", "{}")
        archive.writestr("../../escaped.txt", "x")
    target = tmp_path / "deep" / "er"
    target.mkdir(parents=True)
    with pytest.raises(ModelPackageError, match="unsafe entry '../../escaped.txt'"):
        safe_extract(str(bad), str(target))
    assert not (tmp_path / "escaped.txt").exists()
    with pytest.raises(ModelPackageError, match="unsafe entry"):
        load_package(str(bad))


def test_dlpk_size_cap(tmp_path):
    big = tmp_path / "big.dlpk"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.bin", b"\0" * 3_000_000)
    with pytest.raises(ModelPackageError, match="more than"):
        safe_extract(str(big), str(tmp_path / "out"), max_bytes=1_000_000)


def test_absurdly_nested_or_huge_definitions_are_refused(tmp_path, monkeypatch):
    from core.packages import read

    deep = tmp_path / "deep.emd"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelPackageError, match="deep.emd is nested too deeply"):
        load_package(str(deep))
    monkeypatch.setattr(read, "MAX_DEFINITION_BYTES", 1000)
    large = tmp_path / "large.emd"
    large.write_text(json.dumps({"padding": "x" * 2000}))
    with pytest.raises(ModelPackageError, match="large.emd is larger than"):
        load_package(str(large))


def test_a_dlpk_is_read_without_unpacking_what_it_does_not_need(trained, tmp_path,
                                                                 monkeypatch):
    """Only the .emd and the files it names are unpacked, their declared sizes checked
    before anything is written; a package with an extra large file loads as before."""
    from core.packages import read

    with zipfile.ZipFile(trained[1].dlpk) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    padded = tmp_path / "padded.dlpk"
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.writestr("extra/huge.bin", b"\0" * 50_000_000)  # deflates to ~50 kB
    weights = max(len(data) for name, data in entries.items() if name.endswith(".pth"))
    monkeypatch.setattr(read, "MAX_PACKAGE_BYTES", weights + 1000)
    written = []
    real_extract = read.extract_member
    monkeypatch.setattr(read, "extract_member", lambda archive, info, *rest: (
        written.append(info.filename), real_extract(archive, info, *rest))[1])
    assert load_package(str(padded)).classes == trained[0].classes
    assert "extra/huge.bin" not in written and any(n.endswith(".emd") for n in written)
    assert written[0].endswith(".emd")  # read first: it names the files to unpack
    onnx_only = load_package(str(padded), torch_weights=False)
    assert onnx_only.state_dict is None and onnx_only.onnx
    monkeypatch.setattr(read, "MAX_PACKAGE_BYTES", weights - 1)
    with pytest.raises(ModelPackageError, match=r"\.pth' unpacks to more than"):
        load_package(str(padded))  # refused by its declared size, before it is written


def test_not_a_zip(tmp_path):
    fake = tmp_path / "fake.dlpk"
    fake.write_bytes(b"not a zip")
    with pytest.raises(ModelPackageError, match="not a valid .dlpk"):
        load_package(str(fake))


@pytest.mark.parametrize("name", ["", "../up", "a/b", ".hidden", "x" * 101])
def test_unsafe_model_names(name):
    with pytest.raises(ModelPackageError, match="cannot be used as a file name"):
        check_model_name(name)


def test_saving_again_replaces_the_package_whole(trained, tmp_path):
    classifier, _ = trained
    first = classifier.save("again", str(tmp_path))
    with pytest.raises(OutputError, match="A model package already exists in .*again. Choose "
                       "another name=, or set overwrite="):
        classifier.save("again", str(tmp_path), overwrite=False)
    second = classifier.save("again", str(tmp_path))
    assert first.folder == second.folder
    assert sorted(os.listdir(tmp_path)) == ["again"]
    state = torch.load(second.weights, weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    assert np.isfinite(json.loads(open(second.definition).read())["LearningRate"])


def test_a_folder_that_is_not_our_package_is_never_replaced(trained, tmp_path):
    classifier, _ = trained
    classifier.save("again", str(tmp_path))
    (tmp_path / "again" / "notes.txt").write_text("mine")
    before = {p: p.read_bytes() for p in (tmp_path / "again").iterdir()}
    with pytest.raises(OutputError, match="is not a Scene Classifier model package \\(it holds "
                       "notes.txt\\); nothing was changed"):
        classifier.save("again", str(tmp_path))
    assert {p: p.read_bytes() for p in (tmp_path / "again").iterdir()} == before
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "plain.emd").write_text("{}")
    with pytest.raises(OutputError, match="is not a Scene Classifier model package; nothing"):
        classifier.save("plain", str(tmp_path))
    assert (tmp_path / "plain" / "plain.emd").read_text() == "{}"


def test_a_package_is_never_saved_into_its_training_data(trained):
    classifier, _ = trained
    data_folder = classifier.data.folders[0]
    with pytest.raises(OutputError, match="lies inside the training data folder"):
        classifier.save("inside", data_folder)
    with pytest.raises(OutputError, match=" is the training data folder"):
        classifier.save(os.path.basename(data_folder), os.path.dirname(data_folder))
    parent = os.path.dirname(data_folder)
    with pytest.raises(OutputError, match="contains the training data folder"):
        classifier.save(os.path.basename(parent), os.path.dirname(parent))


def test_a_package_folder_has_the_users_normal_permissions(training_run):
    _, paths = training_run
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(paths.folder).st_mode & 0o777 == 0o777 & ~mask  # not private (0700)
