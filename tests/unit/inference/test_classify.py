"""Classifying features from a raster with a trained model (core, no QGIS)."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from conftest import MASSACHUSETTS_BUILDINGS, MASSACHUSETTS_TIF, SAMPLE_RSSCN7, write_raster
from core.errors import DataError, ModelPackageError
from core.inference.classifier import ClassifyOptions, RasterClassifier
from core.sources.feature_chips import Status
from core.sources.geometry import grid_cells


def classify_geometries(raster: str, geometries, model, options=None):
    """Predictions per geometry: the core engine as the algorithms and notebooks use it."""
    return RasterClassifier(model, raster, options).classify(geometries)


def wkb(wkt: str) -> bytes:
    return bytes(ogr.CreateGeometryFromWkt(wkt).ExportToWkb())


def buildings() -> list[bytes]:
    layer_source = ogr.Open(str(MASSACHUSETTS_BUILDINGS))
    return [bytes(f.GetGeometryRef().ExportToWkb()) for f in layer_source.GetLayer()]


def grid(cell: float = 100.0) -> list[bytes]:
    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    x0, res, _, y0, _, res_y = dataset.GetGeoTransform()
    extent = (x0, y0 + dataset.RasterYSize * res_y, x0 + dataset.RasterXSize * res, y0)
    return [c.wkb() for c in grid_cells(extent, cell)]


@pytest.fixture(scope="module")
def model(trained):
    return trained[1].definition


@pytest.fixture(scope="module")
def stripes_model(tmp_path_factory):
    """A 16 px model that tells 1-pixel stripes from flat grey: the answer depends on scale."""
    from PIL import Image

    from core.api import FeatureClassifier, prepare_data

    folder = tmp_path_factory.mktemp("stripes_chips")
    rng = np.random.default_rng(0)
    for name in ("flat", "stripes"):
        (folder / name).mkdir()
        for index in range(40):
            if name == "flat":
                chip = np.full((16, 16), rng.integers(90, 170), np.float64)
            else:
                low, high = rng.integers(20, 60), rng.integers(190, 235)
                chip = np.where((np.arange(16) + index) % 2, high, low) * np.ones((16, 1))
                chip = chip.T if index % 2 else chip
            chip = np.clip(chip + rng.normal(0, 4, chip.shape), 0, 255).astype(np.uint8)
            Image.fromarray(np.stack([chip] * 3, axis=2)).save(folder / name / f"{index}.png")
    data = prepare_data(str(folder), batch_size=16, chip_size=16, seed=0)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    classifier.fit(8, lr=2e-3)
    assert classifier.best_accuracy == 1.0
    return classifier.save("stripes", str(tmp_path_factory.mktemp("stripes_model"))).definition


def test_cell_size_changes_the_read_resolution(stripes_model, tmp_path):
    stripes = np.where(np.arange(200) % 2, 215, 40).astype(np.uint8) * np.ones((200, 1), np.uint8)
    raster = write_raster(tmp_path / "stripes.tif", np.stack([stripes] * 3), origin=(0.0, 200.0))
    centre = [wkb("POINT (100 100)")]
    classes = ["flat", "stripes"]
    native = next(classify_geometries(str(raster), centre, stripes_model))
    coarse = next(classify_geometries(str(raster), centre, stripes_model,
                                      ClassifyOptions(cell_size=4.0, device="cpu")))
    assert classes[native.class_index] == "stripes"
    assert classes[coarse.class_index] == "flat"  # four 1 m stripes average to grey


def test_every_grid_cell_gets_a_class(model):
    classifier = RasterClassifier(model, str(MASSACHUSETTS_TIF), ClassifyOptions(device="cpu"))
    predictions = list(classifier.classify(grid()))
    assert len(predictions) == 9 * 12
    assert all(p.status == Status.CHIPPED and 0 < p.confidence <= 1 for p in predictions)
    assert all(p.area == pytest.approx(10_000) for p in predictions)
    summary = classifier.summary()
    for prediction in predictions:
        summary.add(prediction)
    rows = summary.rows()
    assert sum(r["count"] for r in rows) == 108
    assert sum(r["area_share"] for r in rows) == pytest.approx(1.0)


def test_native_raster_and_a_finer_copy_give_the_same_labels(model, tmp_path):
    dataset = gdal.Open(str(MASSACHUSETTS_TIF))
    resolution = dataset.GetGeoTransform()[1]
    finer = tmp_path / "half_metre.tif"
    gdal.Translate(str(finer), dataset, xRes=resolution / 2, yRes=resolution / 2,
                   resampleAlg="near")
    options = ClassifyOptions(cell_size=resolution, device="cpu")
    native = list(classify_geometries(str(MASSACHUSETTS_TIF), grid(), model, options))
    resampled = list(classify_geometries(str(finer), grid(), model, options))
    assert [p.class_index for p in native] == [p.class_index for p in resampled]
    assert [p.confidence for p in native] == pytest.approx([p.confidence for p in resampled])


def test_features_in_another_crs_match_the_projected_ones(model):
    to_wgs84 = osr.CoordinateTransformation(_crs(26986), _crs(4326))
    geographic = []
    for cell in grid():
        geometry = ogr.CreateGeometryFromWkb(cell)
        geometry.Transform(to_wgs84)
        geographic.append(bytes(geometry.ExportToWkb()))
    projected = list(classify_geometries(str(MASSACHUSETTS_TIF), grid(), model,
                                         ClassifyOptions(device="cpu")))
    from_wgs84 = list(classify_geometries(
        str(MASSACHUSETTS_TIF), geographic, model,
        ClassifyOptions(device="cpu", geometry_crs="EPSG:4326")))
    assert [p.class_index for p in from_wgs84] == [p.class_index for p in projected]


def test_points_lines_multipolygons_and_missing_geometries(model):
    x, y = 229600.0, 894400.0
    geometries = [
        wkb(f"POINT ({x} {y})"),
        wkb(f"LINESTRING ({x - 30} {y}, {x + 30} {y + 10})"),
        wkb(f"MULTIPOLYGON ((({x} {y},{x + 20} {y},{x + 20} {y + 20},{x} {y})),"
            f"(({x + 40} {y},{x + 60} {y},{x + 60} {y + 20},{x + 40} {y})))"),
        None,
        wkb("POLYGON EMPTY"),
        b"not a geometry",
        wkb("POINT (0 0)"),
    ]
    predictions = list(classify_geometries(str(MASSACHUSETTS_TIF), geometries, model,
                                           ClassifyOptions(device="cpu",
                                                           crop_mode="bounding_box")))
    assert [p.status for p in predictions] == [Status.CHIPPED] * 3 + [Status.NO_GEOMETRY] * 3 + [
        Status.OUTSIDE_RASTER]
    assert predictions[2].area == pytest.approx(400.0)
    assert all(p.class_index is None and p.confidence is None for p in predictions[3:])


def test_a_model_output_that_is_not_a_number_gives_no_class(model):
    """NaN probabilities (a damaged model) are reported, never made into class 0."""
    import torch

    from core.inference.classifier import classify_all
    from core.packages.read import ModelPackage, load_package
    from core.workflows.evaluate import evaluate_folder

    package = load_package(model)
    weights = {name: value.clone() for name, value in package.state_dict.items()}
    head = [name for name in weights if name.endswith("weight") and weights[name].ndim == 2][-1]
    weights[head][0, 0] = torch.nan
    damaged = ModelPackage(package.definition, weights, "damaged (in memory)")
    classifier = RasterClassifier(damaged, str(MASSACHUSETTS_TIF), ClassifyOptions(device="cpu"))
    results = classify_all(classifier, grid(300.0))
    assert set(results.codes) == {-1} and set(results.confidences) == {0.0}
    assert results.summary.unclassified() == {Status.NOT_FINITE: len(results.codes)}
    assert "whose model output was not a number" in results.summary.unclassified_text()
    chips = sum(1 for folder in SAMPLE_RSSCN7.iterdir() if folder.is_dir()
                for _ in folder.iterdir())
    with pytest.raises(DataError, match=re.escape(
            f"Skipped {chips}: {chips} {Status.NOT_FINITE.value}. Its output is not a number: the "
            "model is damaged")):
        evaluate_folder(damaged, str(SAMPLE_RSSCN7), device="cpu")
    from core.api import FeatureClassifier

    loaded = FeatureClassifier.from_model(model, device="cpu")
    loaded.package = damaged
    chip = next((SAMPLE_RSSCN7 / "aGrass").iterdir())
    with pytest.raises(DataError, match="output for this image is not a number"):
        loaded.predict(str(chip))


def test_only_nodata_under_a_feature_gives_no_result(model, tmp_path):
    raster = write_raster(tmp_path / "empty.tif", np.full((3, 64, 64), 255, np.uint8),
                          origin=(0.0, 64.0), nodata=255)
    prediction = next(classify_geometries(str(raster), [wkb("POINT (32 32)")], model,
                                          ClassifyOptions(device="cpu")))
    assert prediction.status == Status.NO_DATA and prediction.class_index is None


def test_extent_keeps_only_the_features_it_touches(model):
    extent = (229018.0, 894500.0, 229500.0, 894871.0)
    predictions = list(classify_geometries(str(MASSACHUSETTS_TIF), grid(), model,
                                           ClassifyOptions(extent=extent, device="cpu")))
    inside = [p for p in predictions if p.status == Status.CHIPPED]
    assert len(predictions) == 108
    assert 0 < len(inside) < 108
    assert {p.status for p in predictions} == {Status.CHIPPED, Status.OUTSIDE_EXTENT}


def test_results_come_back_in_input_order_whatever_the_batching(model):
    features = buildings()
    big = list(classify_geometries(str(MASSACHUSETTS_TIF), features, model,
                                   ClassifyOptions(device="cpu", batch_size=64)))
    # batches of 3 make many chunks of 48 features, each re-ordered for reading
    small = list(classify_geometries(str(MASSACHUSETTS_TIF), features, model,
                                     ClassifyOptions(device="cpu", batch_size=3, workers=3)))
    one_by_one = [next(classify_geometries(str(MASSACHUSETTS_TIF), [f], model,
                                           ClassifyOptions(device="cpu")))
                  for f in features[:40]]
    assert [p.class_index for p in small] == [p.class_index for p in big]
    assert [p.class_index for p in one_by_one] == [p.class_index for p in big[:40]]
    assert [p.confidence for p in small] == pytest.approx([p.confidence for p in big], abs=1e-4)


def test_features_stream_through_without_being_held(model):
    endless = itertools.cycle(grid())
    results = classify_geometries(str(MASSACHUSETTS_TIF), endless, model,
                                  ClassifyOptions(device="cpu", batch_size=8))
    first = list(itertools.islice(results, 300))
    assert len(first) == 300 and all(p.status == Status.CHIPPED for p in first)


def test_test_time_augmentation_averages_the_eight_views(model):
    plain = list(classify_geometries(str(MASSACHUSETTS_TIF), grid()[:8], model,
                                     ClassifyOptions(device="cpu")))
    averaged = list(classify_geometries(str(MASSACHUSETTS_TIF), grid()[:8], model,
                                        ClassifyOptions(device="cpu", tta=True)))
    assert all(p.status == Status.CHIPPED for p in averaged)
    assert [p.confidence for p in averaged] != [p.confidence for p in plain]


def test_notebook_api_classifies_geometries(model):
    from core.api import FeatureClassifier

    classifier = FeatureClassifier.from_model(model, device="cpu")
    labels = list(classifier.classify(str(MASSACHUSETTS_TIF), grid()[:5] + [None]))
    assert all(name in classifier.classes for name, _ in labels[:5])
    assert labels[5] == (None, None)


@pytest.mark.parametrize("make_raster, message", [
    (lambda path: write_raster(path, np.zeros((1, 32, 32), np.uint8)),
     "reads bands 1, 2, 3 but .* has 1 band"),
    (lambda path: write_raster(path, np.zeros((3, 32, 32), np.uint16)),
     "trained on uint8 imagery but .* holds uint16"),
])
def test_rasters_the_model_cannot_read_are_refused(model, tmp_path, make_raster, message):
    raster = make_raster(tmp_path / "raster.tif")
    with pytest.raises(DataError, match=message):
        RasterClassifier(model, str(raster), ClassifyOptions(device="cpu"))


def test_bad_models_and_options_are_refused_before_any_work(model, tmp_path):
    raster = str(MASSACHUSETTS_TIF)
    with pytest.raises(ModelPackageError, match="Model file not found"):
        RasterClassifier(str(tmp_path / "missing.emd"), raster)
    broken = tmp_path / "broken.emd"
    broken.write_text("{ not json")
    with pytest.raises(ModelPackageError, match="Cannot read model definition"):
        RasterClassifier(str(broken), raster)
    with pytest.raises(DataError, match="Cell size must be 0"):
        RasterClassifier(model, raster, ClassifyOptions(cell_size=-1.0, device="cpu"))
    with pytest.raises(DataError, match="does not overlap the raster"):
        RasterClassifier(model, raster, ClassifyOptions(extent=(0, 0, 1, 1), device="cpu"))
    with pytest.raises(DataError, match="Cannot open raster"):
        RasterClassifier(model, str(broken), ClassifyOptions(device="cpu"))


def _crs(epsg: int):
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(epsg)
    crs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return crs


def test_result_field_names_are_refused_when_empty_or_clashing():
    """One rule for the tools and the command line, each naming the parameter its way."""
    from core.errors import LABEL, DataError
    from core.workflows.schemas import result_fields

    ids = {"label_field": ("Class label field", "CLASS_LABEL_FIELD"),
           "value_field": ("Class value field", "CLASS_VALUE_FIELD"),
           "confidence_field": ("Confidence field", "CONFIDENCE_FIELD")}

    def as_tools(setting: str, how: str) -> str:  # as algorithms/ names them
        return ids[setting][0 if how == LABEL else 1]

    def as_options(setting: str, how: str) -> str:  # as cli/ names them
        return ids[setting][0] if how == LABEL else \
            "--" + ids[setting][1].lower().replace("_", "-")

    asked = {"label_field": " label ", "value_field": "value", "confidence_field": "confidence"}
    assert [field.name for field in result_fields(asked, ["id"])] == ["label", "value",
                                                                      "confidence"]
    with pytest.raises(DataError) as refused:
        result_fields(asked, ["LABEL"])
    assert refused.value.spelled(as_tools) == (
        "Class label field 'label' (CLASS_LABEL_FIELD) clashes with the field 'LABEL'. Choose "
        "another name for CLASS_LABEL_FIELD.")
    with pytest.raises(DataError) as refused:
        result_fields(dict(asked, confidence_field="  "), [])
    assert refused.value.spelled(as_options).startswith(
        "Confidence field (--confidence-field) is empty")
    with pytest.raises(DataError) as refused:
        result_fields(dict(asked, value_field="label"), [])
    assert "Class value field 'label' (CLASS_VALUE_FIELD) clashes with the field 'label'" in \
        refused.value.spelled(as_tools)
    assert str(refused.value).startswith("value field 'label' (value_field=) clashes")
    # a shapefile cuts field names to 10 characters: an input field cut to a result's name,
    # or a longer result name, is refused (elsewhere both are fine)
    long_input = ["ClassLabel_before"]
    shapefile = dict(asked, label_field="ClassLabel")
    assert len(result_fields(shapefile, long_input)) == 3
    with pytest.raises(DataError) as refused:
        result_fields(shapefile, long_input, 10)
    assert refused.value.spelled(as_tools) == (
        "The input field 'ClassLabel_before' is cut to 'ClassLabel' in a shapefile, the name "
        "of Class label field (CLASS_LABEL_FIELD): the output would show the input's values "
        "under it; write a GeoPackage (.gpkg) instead of a shapefile, or choose another name "
        "for CLASS_LABEL_FIELD.")
    with pytest.raises(DataError, match="'confidence_score' .* is longer than the 10"):
        result_fields(dict(asked, confidence_field="confidence_score"), [], 10)
