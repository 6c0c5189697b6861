"""Packages written by arcgis.learn's FeatureClassifier load and classify like ours, agree
with the network run directly, and their code is never run."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF, ROOT
from core.errors import ModelPackageError
from core.inference.classifier import ClassifyOptions, RasterClassifier
from core.packages.read import load_package
from core.runtime import devices

CLASSES = ["forest", "water", "urban"]
RESNET_CHILDREN = {"conv1": 0, "bn1": 1, "layer1": 4, "layer2": 5, "layer3": 6, "layer4": 7}
MARKER = "code_was_run.txt"


def fastai_weights(seed: int = 0, bands: int = 3, backbone: str = "resnet18",
                   classes: int = len(CLASSES)) -> dict:
    """A fastai create_cnn state dict for ``backbone`` (resnet18 or resnet34) with random
    weights and running stats, as arcgis.learn saves it: body "0.*" from torchvision's
    names, head "1.*"."""
    import torchvision

    generator = torch.Generator().manual_seed(seed)
    body = getattr(torchvision.models, backbone)(weights=None).state_dict()
    body["conv1.weight"] = torch.randn(64, bands, 7, 7, generator=generator) * 0.05
    state = {}
    for key, value in body.items():
        child, _, rest = key.partition(".")
        if child in RESNET_CHILDREN:
            state[f"0.{RESNET_CHILDREN[child]}.{rest}"] = value
    for index, size in ((2, 1024), (6, 512)):  # the two BatchNorm1d
        state[f"1.{index}.weight"] = torch.rand(size, generator=generator) + 0.5
        state[f"1.{index}.bias"] = torch.randn(size, generator=generator) * 0.1
        state[f"1.{index}.running_mean"] = torch.randn(size, generator=generator) * 0.1
        state[f"1.{index}.running_var"] = torch.rand(size, generator=generator) + 0.5
        state[f"1.{index}.num_batches_tracked"] = torch.tensor(10)
    state["1.4.weight"] = torch.randn(512, 1024, generator=generator) * 0.05
    state["1.4.bias"] = torch.randn(512, generator=generator) * 0.05
    state["1.8.weight"] = torch.randn(classes, 512, generator=generator) * 0.05
    state["1.8.bias"] = torch.randn(classes, generator=generator) * 0.05
    return state


def imagenet(chips: np.ndarray):
    x = torch.from_numpy(chips).float() / 255
    mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
    return (x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def logits_by_hand(state: dict, chips: np.ndarray, normalize=imagenet,
                   backbone: str = "resnet18") -> np.ndarray:
    """What the network computes, written out with torch.nn.functional (not the product's
    builder): the resnet's layers, max and average pooled and concatenated, then the head."""
    import torchvision

    resnet = getattr(torchvision.models, backbone)(weights=None).eval()
    resnet.conv1 = torch.nn.Conv2d(chips.shape[1], 64, 7, 2, 3, bias=False)
    resnet.load_state_dict({f"{name}.{key.split('.', 2)[2]}": value
                            for key, value in state.items() if key.startswith("0.")
                            for name, index in RESNET_CHILDREN.items()
                            if key.split(".")[1] == str(index)}, strict=False)
    x = normalize(chips)
    with torch.no_grad():
        for name in ("conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"):
            x = getattr(resnet, name)(x)
        x = torch.cat([F.adaptive_max_pool2d(x, 1), F.adaptive_avg_pool2d(x, 1)], 1).flatten(1)
        for norm, linear, last in ((2, 4, False), (6, 8, True)):
            x = F.batch_norm(x, state[f"1.{norm}.running_mean"], state[f"1.{norm}.running_var"],
                             state[f"1.{norm}.weight"], state[f"1.{norm}.bias"])
            x = F.linear(x, state[f"1.{linear}.weight"], state[f"1.{linear}.bias"])
            x = x if last else F.relu(x)
    return x.numpy()


def esri_definition(**changes) -> dict:
    definition = {
        "Framework": "arcgis.learn.models._inferencing",
        "ModelConfiguration": "_FeatureClassifier",
        "ModelFile": "esri_model.pth",
        "ModelType": "ObjectClassification",
        "ModelName": "FeatureClassifier",
        "InferenceFunction": "ArcGISObjectClassifier.py",
        "ImageHeight": 64, "ImageWidth": 64, "ExtractBands": [0, 1, 2],
        "CropSizeFixed": 1, "BlackenAroundFeature": 0, "IsMultispectral": False,
        "ModelParameters": {"backbone": "resnet18"},
        "Classes": [{"Value": i + 1, "Name": name, "Color": [20 * i, 100, 200]}
                    for i, name in enumerate(CLASSES)],
    }
    definition.update(changes)
    return definition


def write_esri_package(folder, definition: dict, state: dict, with_optimizer: bool = True):
    folder.mkdir(parents=True, exist_ok=True)
    saved = {"model": state, "opt": {"param_groups": [{"lr": 0.001}]}} if with_optimizer \
        else state
    torch.save(saved, folder / definition["ModelFile"])
    (folder / definition["InferenceFunction"]).write_text(
        f"open({str(folder / MARKER)!r}, 'w').write('run')\n")
    emd = folder / "esri_model.emd"
    emd.write_text(json.dumps(definition))
    return emd


@pytest.fixture(scope="module")
def esri(tmp_path_factory):
    state = fastai_weights()
    folder = tmp_path_factory.mktemp("esri")
    return write_esri_package(folder / "package", esri_definition(), state), state


def corner_points(raster: str, count: int, margin: int = 40) -> list[tuple[int, int, bytes]]:
    """Points on pixel corners: a 64 px chip around each is exactly a 64 x 64 window."""
    import struct

    dataset = gdal.Open(raster)
    x0, res, _, y0, _, res_y = dataset.GetGeoTransform()
    rng = np.random.default_rng(0)
    points = []
    for _ in range(count):
        column = int(rng.integers(margin, dataset.RasterXSize - margin))
        row = int(rng.integers(margin, dataset.RasterYSize - margin))
        points.append((column, row, struct.pack("<BIdd", 1, 1, x0 + column * res,
                                                y0 + row * res_y)))
    return points


@pytest.mark.parametrize("with_optimizer", [True, False])
def test_an_esri_package_classifies_like_the_network_run_directly(esri, tmp_path, monkeypatch,
                                                                  with_optimizer):
    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    emd, state = esri
    if not with_optimizer:
        emd = write_esri_package(tmp_path / "plain", esri_definition(), state, False)
    lines: list[str] = []
    from core.runtime.feedback import Feedback

    classifier = RasterClassifier(str(emd), str(MASSACHUSETTS_TIF),
                                  ClassifyOptions(device="cpu"), Feedback(log=lines.append))
    points = corner_points(str(MASSACHUSETTS_TIF), 24)
    predictions = list(classifier.classify([wkb for _, _, wkb in points]))
    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    chips = np.stack([dataset.ReadAsArray(c - 32, r - 32, 64, 64) for c, r, _ in points])
    expected = logits_by_hand(state, chips)
    probabilities = np.exp(expected) / np.exp(expected).sum(axis=1, keepdims=True)
    assert [p.class_index for p in predictions] == list(expected.argmax(axis=1))
    assert np.allclose([p.confidence for p in predictions], probabilities.max(axis=1),
                       atol=1e-4)
    assert any("InferenceFunction (ArcGISObjectClassifier.py)" in line and "not run" in line
               for line in lines), lines
    assert not (emd.parent / MARKER).exists()


def test_an_esri_multi_label_package_gives_each_label_its_sigmoid(esri, tmp_path, monkeypatch):
    """A FeatureClassifier trained on Multi-labeled Tiles (its .emd's MetaDataMode): each
    label's probability is the sigmoid of its logit, present at 0.5 (Esri's default score
    threshold), as the network run directly gives; the weights are read as data."""
    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    _, state = esri
    emd = write_esri_package(tmp_path / "multi", esri_definition(
        MetaDataMode="MultiLabeled_Tiles"), state)
    package = load_package(str(emd))
    assert package.multi_label and package.thresholds == [0.5] * 3
    classifier = RasterClassifier(package, str(MASSACHUSETTS_TIF), ClassifyOptions(device="cpu"))
    points = corner_points(str(MASSACHUSETTS_TIF), 12)
    predictions = list(classifier.classify([wkb for _, _, wkb in points]))
    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    chips = np.stack([dataset.ReadAsArray(c - 32, r - 32, 64, 64) for c, r, _ in points])
    expected = 1 / (1 + np.exp(-logits_by_hand(state, chips)))
    assert np.allclose([p.probabilities for p in predictions], expected, atol=1e-4)
    assert not (emd.parent / MARKER).exists()


def test_an_esri_dlpk_loads_and_its_errors_name_the_dlpk(esri, tmp_path):
    emd, state = esri
    dlpk = tmp_path / "esri.dlpk"
    with zipfile.ZipFile(dlpk, "w") as archive:
        for path in emd.parent.iterdir():
            archive.write(path, path.name)
    package = load_package(str(dlpk))
    assert package.classes == CLASSES and package.backbone == "resnet18"
    detector = write_esri_package(tmp_path / "detector",
                                  esri_definition(ModelConfiguration="_ObjectDetector"), state)
    broken = tmp_path / "detector.dlpk"
    with zipfile.ZipFile(broken, "w") as archive:
        for path in detector.parent.iterdir():
            archive.write(path, path.name)
    with pytest.raises(ModelPackageError, match=f"{broken} \\(esri_model.emd\\) is an "
                       "arcgis.learn package: a model of type ObjectClassification "
                       "\\(_ObjectDetector, framework arcgis.learn.models._inferencing\\). "
                       "Scene Classifier runs object"):
        load_package(str(broken))


def test_a_multispectral_esri_package_uses_its_normalization_stats(tmp_path, monkeypatch):
    from conftest import write_raster

    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    state = fastai_weights(seed=1, bands=4)
    low, high = [100.0, 200.0, 50.0, 0.0], [3000.0, 3500.0, 2500.0, 4000.0]
    mean, std = [0.3, 0.35, 0.25, 0.4], [0.2, 0.15, 0.1, 0.25]
    stats = {"band_min_values": low, "band_max_values": high, "scaled_mean_values": mean,
             "scaled_std_values": std}
    emd = write_esri_package(tmp_path / "ms", esri_definition(
        IsMultispectral=True, ExtractBands=[0, 1, 2, 3], NormalizationStats=stats), state)
    pixels = np.random.default_rng(2).integers(0, 4000, (4, 200, 200)).astype(np.uint16)
    raster = str(write_raster(tmp_path / "ms.tif", pixels))
    points = corner_points(raster, 12)
    predictions = list(RasterClassifier(str(emd), raster, ClassifyOptions(device="cpu"))
                       .classify([wkb for _, _, wkb in points]))
    chips = np.stack([pixels[:, r - 32:r + 32, c - 32:c + 32] for c, r, _ in points])

    def esri_scaling(chips):
        view = [torch.tensor(values).view(1, 4, 1, 1) for values in (low, high, mean, std)]
        scaled = (torch.from_numpy(chips.astype(np.float32)) - view[0]) / (view[1] - view[0])
        return (scaled - view[2]) / view[3]

    expected = logits_by_hand(state, chips, esri_scaling)
    probabilities = np.exp(expected) / np.exp(expected).sum(axis=1, keepdims=True)
    assert [p.class_index for p in predictions] == list(expected.argmax(axis=1))
    assert np.allclose([p.confidence for p in predictions], probabilities.max(axis=1),
                       atol=1e-4)


@pytest.mark.parametrize("changes, message", [
    ({"ModelParameters": {"backbone": "vgg16"}}, "uses the backbone 'vgg16'"),
    ({"IsMultispectral": True}, "multispectral but its NormalizationStats lack"),
])
def test_what_is_not_supported_is_named(esri, tmp_path, changes, message):
    _, state = esri
    emd = write_esri_package(tmp_path / "other", esri_definition(**changes), state)
    with pytest.raises(ModelPackageError, match=message):
        load_package(str(emd))


def test_classify_objects_runs_an_esri_package_headless(qgis_process, esri, tmp_path):
    emd, _ = esri
    from conftest import MASSACHUSETTS_BUILDINGS

    done, result = qgis_process.run("classifyobjects", INPUT_RASTER=MASSACHUSETTS_TIF,
                                    INPUT_FEATURES=MASSACHUSETTS_BUILDINGS, MODEL=emd,
                                    DEVICE=1, OUTPUT=tmp_path / "esri.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    log = "\n".join(result["log"]["info"])
    assert "written by arcgis.learn (FeatureClassifier, resnet18)" in log
    assert not (emd.parent / MARKER).exists()
    from osgeo import ogr

    output = ogr.Open(str(tmp_path / "esri.gpkg"))  # keep: the layer needs it
    labels = {feature.GetField("ClassLabel") for feature in output.GetLayer()}
    assert labels <= set(CLASSES) and labels


def test_our_normalization_stats_read_back_as_esri_reads_them():
    """Our .emd writes NormalizationStats (for non-ImageNet chips) in Esri's form; read as
    arcgis.learn's scaling, they give our normalisation back."""
    from core.data.normalization import Normalization
    from core.packages.definition import _normalization_stats
    from core.packages.esri import multispectral_normalization

    ours = Normalization(1.0, [300.0, 250.0, 90.0, 1200.0], [80.0, 60.0, 30.0, 400.0])
    assert multispectral_normalization(_normalization_stats(ours), [0, 1, 2, 3], "test") == ours
    assert _normalization_stats(Normalization.imagenet()) == {}


ESRI_EXAMPLES = ROOT / "tests" / "data" / "esri"  # Esri's published .emd files (NOTICE)


def test_esris_published_feature_classifier_loads_and_classifies(tmp_path, monkeypatch):
    """woolseyFire_600_50.emd as Esri published it (ModelConfiguration "FeatureClassifier",
    Framework "PyTorch", 600 px chips, resnet34), with weights of our own making."""
    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    folder = tmp_path / "woolsey"
    folder.mkdir()
    emd = folder / "woolseyFire_600_50.emd"
    emd.write_bytes((ESRI_EXAMPLES / emd.name).read_bytes())
    state = fastai_weights(seed=3, backbone="resnet34", classes=2)
    torch.save(state, folder / "woolseyFire_600_50.pth")
    package = load_package(str(emd))
    assert package.classes == ["Damaged", "Undamaged"] and package.backbone == "resnet34"
    assert package.chip_size == 600
    points = corner_points(str(MASSACHUSETTS_TIF), 2, margin=300)
    predictions = list(RasterClassifier(str(emd), str(MASSACHUSETTS_TIF),
                                        ClassifyOptions(device="cpu"))
                       .classify([wkb for _, _, wkb in points]))
    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    chips = np.stack([dataset.ReadAsArray(c - 300, r - 300, 600, 600) for c, r, _ in points])
    expected = logits_by_hand(state, chips, backbone="resnet34")
    assert [p.class_index for p in predictions] == list(expected.argmax(axis=1))


def edited_like_the_sample(emd: Path, **changes) -> None:
    """The last cell of Esri's sample notebook: open(..., "r+"), json.load, edit, json.dump
    (which writes the edited definition after the original one)."""
    with open(emd, "r+") as file:
        definition = json.load(file)
        definition.update(changes)
        json.dump(definition, file, indent=4)


def test_an_emd_edited_in_place_as_the_sample_does_is_read_with_a_note(esri, tmp_path):
    _, state = esri
    emd = write_esri_package(tmp_path / "edited", esri_definition(), state)
    edited_like_the_sample(emd, CropSizeFixed=0)
    with pytest.raises(json.JSONDecodeError, match="Extra data"):
        json.loads(emd.read_text())  # what every strict reader says of it
    package = load_package(str(emd))
    assert package.definition["CropSizeFixed"] == 0  # the edit is what is used
    assert any("holds 2 JSON objects one after the other" in note and str(emd) in note
               for note in package.notes), package.notes
    shorter = write_esri_package(tmp_path / "shorter", esri_definition(), state)
    original = json.loads(shorter.read_text())
    with open(shorter, "r+") as file:  # an edit written over a longer original, from the top
        json.dump({**original, "ModelName": "m"}, file)
    assert len(shorter.read_text()) > len(json.dumps({**original, "ModelName": "m"}))
    package = load_package(str(shorter))
    assert package.definition["ModelName"] == "m"
    assert any("bytes after its JSON object" in note for note in package.notes)


@pytest.mark.parametrize("example, what", [
    ("HouseDamageClassifier_ProBuiltin.emd",
     "a model of type ObjectClassification (KerasClassifier, framework Keras)"),
    ("trained.emd", "a model of type ImageClassification (CntkLandClassification, framework "
                    "Onnx)"),
])
def test_other_esri_models_are_refused_saying_what_they_are(tmp_path, example, what):
    emd = tmp_path / example
    emd.write_bytes((ESRI_EXAMPLES / example).read_bytes())
    with pytest.raises(ModelPackageError) as refused:
        load_package(str(emd))
    assert str(refused.value) == (
        f"{emd} is {what}. Scene Classifier runs object (scene) classification packages: its "
        "own, and arcgis.learn's FeatureClassifier (PyTorch, resnet18 to resnet152).")


@pytest.mark.parametrize("raster_bands, extract, stats_bands", [
    (3, [2, 1, 0], 3),  # permuted: Esri takes band 2's statistics for the model's band 0
    (8, [5, 2, 7], 8),  # a subset of the 8 bands the statistics cover
])
def test_multispectral_statistics_are_indexed_by_extract_bands(tmp_path, monkeypatch,
                                                               raster_bands, extract,
                                                               stats_bands):
    from conftest import write_raster

    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    rng = np.random.default_rng(raster_bands)
    low = list(rng.uniform(0, 300, stats_bands))
    high = [value + rng.uniform(1500, 4000) for value in low]
    mean, std = list(rng.uniform(0.2, 0.5, stats_bands)), list(rng.uniform(0.1, 0.3, stats_bands))
    stats = {"band_min_values": low, "band_max_values": high, "scaled_mean_values": mean,
             "scaled_std_values": std}
    state = fastai_weights(seed=4, bands=len(extract))
    emd = write_esri_package(tmp_path / "ms", esri_definition(
        IsMultispectral=True, ExtractBands=extract, NormalizationStats=stats), state)
    pixels = rng.integers(0, 4500, (raster_bands, 200, 200)).astype(np.uint16)
    raster = str(write_raster(tmp_path / "ms.tif", pixels))
    points = corner_points(raster, 8)
    predictions = list(RasterClassifier(str(emd), raster, ClassifyOptions(device="cpu"))
                       .classify([wkb for _, _, wkb in points]))
    chips = np.stack([pixels[extract, r - 32:r + 32, c - 32:c + 32] for c, r, _ in points])

    def esri_formula(chips):  # Esri: statistics at the band's own index in the data
        view = [torch.tensor([values[b] for b in extract]).float().view(1, -1, 1, 1)
                for values in (low, high, mean, std)]
        scaled = (torch.from_numpy(chips.astype(np.float32)) - view[0]) / (view[1] - view[0])
        return (scaled - view[2]) / view[3]

    expected = logits_by_hand(state, chips, esri_formula)
    probabilities = np.exp(expected) / np.exp(expected).sum(axis=1, keepdims=True)
    assert [p.class_index for p in predictions] == list(expected.argmax(axis=1))
    assert np.allclose([p.confidence for p in predictions], probabilities.max(axis=1),
                       atol=1e-4)


def test_esri_cell_size_objects_are_read_in_the_rasters_units():
    from osgeo import osr

    from core.inference.classifier import warn_about_cell_size
    from core.runtime.feedback import Feedback

    projected, geographic = osr.SpatialReference(), osr.SpatialReference()
    projected.ImportFromEPSG(26986)  # metres, like the Massachusetts tile
    geographic.ImportFromEPSG(4326)
    in_feet = {"x": 1.0, "y": 1.0, "spatialReference": {"wkid": 2249}}  # US survey feet
    definition = {"MinCellSize": in_feet, "MaxCellSize": in_feet}
    lines: list[str] = []
    warn_about_cell_size(definition, 0.5, Feedback(log=lines.append), projected.ExportToWkt())
    assert lines == []  # 1 ft = 0.30 m: 0.5 m is within 2 x
    warn_about_cell_size(definition, 2.0, Feedback(log=lines.append), projected.ExportToWkt())
    assert len(lines) == 1 and "trained on chips of 0.304801 map units per pixel" in lines[0]
    lines.clear()
    warn_about_cell_size(definition, 2.0, Feedback(log=lines.append), geographic.ExportToWkt())
    assert len(lines) == 1 and "cannot be compared" in lines[0]
