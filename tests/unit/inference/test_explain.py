"""Explanations (issue 25 part 3): on synthetic chips whose only signal is a bright square in
the top-left corner, the heatmaps of that class (Grad-CAM with PyTorch, occlusion with
onnxruntime) put most of their mass in that corner."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from core.inference.explain import corner_share
from core.inference.predictor import Predictor
from core.packages.read import load_package

SIZE = 64


def corner_chips(folder, count: int = 60, seed: int = 0):
    """<folder>/corner: noise with a bright square in the top-left corner; <folder>/plain:
    the same noise without it."""
    rng = np.random.default_rng(seed)
    for name in ("corner", "plain"):
        (folder / name).mkdir(parents=True)
        for number in range(count):
            chip = rng.integers(40, 120, (SIZE, SIZE, 3), dtype=np.uint8)
            if name == "corner":
                chip[4:24, 4:24] = 250
            Image.fromarray(chip).save(folder / name / f"{number}.png")
    return folder


@pytest.fixture(scope="module")
def corner_model(tmp_path_factory):
    from core.api import FeatureClassifier, prepare_data

    folder = corner_chips(tmp_path_factory.mktemp("corner") / "chips")
    data = prepare_data(str(folder), batch_size=16, chip_size=SIZE, seed=1)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    classifier.fit(4, lr=3e-3)
    paths = classifier.save("corner", str(tmp_path_factory.mktemp("models")))
    return classifier, paths


@pytest.mark.parametrize("engine", ["torch", "onnxruntime"])
def test_the_heatmap_lies_on_the_square(corner_model, engine):
    if engine == "onnxruntime":
        pytest.importorskip("onnxruntime")
    classifier, paths = corner_model
    package = load_package(paths.definition, torch_weights=engine == "torch")
    corner = package.classes.index("corner")
    chips = np.stack([chip.numpy() for chip, label in zip(classifier.data.valid_images,
                                                          classifier.data.valid_labels)
                      if int(label) == corner])
    predictor = Predictor(package, "cpu", engine=engine)
    assert (predictor.probabilities(chips).argmax(axis=1) == corner).mean() > 0.9
    maps = predictor.heatmaps(chips, [corner] * len(chips))
    assert maps.shape == (len(chips), SIZE, SIZE) and maps.min() >= 0 and maps.max() <= 1
    shares = [corner_share(heatmap, "top left") for heatmap in maps]
    assert np.mean(shares) > 0.5, shares  # a quarter of the chip would hold 0.25


def test_the_hardest_examples_come_with_their_heatmaps(corner_model):
    """The report's and the notebook's hardest examples: mistakes first (then the least
    confident right answers), each with a heatmap of the chip's size."""
    from matplotlib.figure import Figure

    classifier, paths = corner_model
    examples = classifier.hard_examples(4)
    assert len(examples) == 4
    mistakes = [truth != predicted for _, truth, predicted, _, _ in examples]
    assert mistakes == sorted(mistakes, reverse=True)
    right = [confidence for _, truth, predicted, confidence, _ in examples if truth == predicted]
    assert right == sorted(right)
    assert all(heat.shape == (SIZE, SIZE) for *_, heat in examples)
    assert isinstance(classifier.plot_hard_examples(2), Figure)
    report = open(paths.report, encoding="utf-8").read()
    assert "Hardest examples" in report and "where its predicted class came from" in report


def test_the_heatmap_raster_lies_on_each_chips_footprint(tmp_path):
    """Classify objects with OUTPUT_HEATMAP (the command line), one point: the raster holds
    the chip's heatmap exactly on the chip's footprint (32 pixels of 2 m around the point,
    on the grid the chip was read on), NoData around it, values 0 to 1."""
    from osgeo import gdal, ogr

    from conftest import MASSACHUSETTS_TIF, TINY_PACKAGE, outputs, run_cli, write_points
    from core.sources.geometry import GeometryReader
    from core.sources.raster import ChipSettings, RasterSource

    points = write_points(tmp_path / "point.gpkg", "name", "a")
    found = outputs(run_cli(tmp_path, "classify", "--input-raster", MASSACHUSETTS_TIF,
                            "--model", TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd",
                            "--input-features", points, "--cell-size", 2, "--device", "cpu",
                            "--output", tmp_path / "classified.gpkg",
                            "--output-heatmap", tmp_path / "heat.tif"))
    heat = gdal.Open(found["OUTPUT_HEATMAP"])
    values = heat.ReadAsArray()
    x0, width, _, y0, _, height = heat.GetGeoTransform()
    rows, columns = np.nonzero(values != heat.GetRasterBand(1).GetNoDataValue())
    assert (rows.max() - rows.min() + 1, columns.max() - columns.min() + 1) == (32, 32)
    assert values[rows, columns].min() >= 0 and values[rows, columns].max() == 1
    source = RasterSource(str(MASSACHUSETTS_TIF), (0, 1, 2))
    point = ogr.CreateGeometryFromWkt("POINT (229500 894500)").ExportToWkb()
    window = source.window(GeometryReader().footprint(bytes(point)),
                           ChipSettings(32, (0, 1, 2), cell_size=2.0))
    transform = source.window_transform(window)
    left, top = transform[0], transform[3]
    assert (x0 + columns.min() * width, y0 + rows.min() * height) == pytest.approx(
        (left, top))
    assert width == 2.0 and height == -2.0
