"""Exporting training chips from labelled features, and evaluating models (core, no QGIS)."""

from __future__ import annotations

import csv
import io
import shutil

import numpy as np
import pytest
from osgeo import gdal, ogr

from conftest import NB_POLYGONS, NB_RASTER, SAMPLE_RSSCN7, write_raster
from core.errors import Cancelled, DataError, OutputError
from core.inference.classifier import ClassifyOptions
from core.runtime.feedback import Feedback
from core.workflows.evaluate import Evaluation, evaluate_features, evaluate_folder, match_class
from core.workflows.export import ExportSettings, class_folder_name, export_chips


def nb_features(field: str = "Niveau_2") -> list[tuple[int, str, bytes]]:
    layer_source = ogr.Open(str(NB_POLYGONS))
    return [(f.GetFID(), f.GetField(field), bytes(f.GetGeometryRef().ExportToWkb()))
            for f in layer_source.GetLayer()]


def touching_the_raster() -> set[int]:
    """Feature ids of the polygons that intersect the raster (exact test)."""
    dataset = gdal.Open(str(NB_RASTER))
    x0, res, _, y0, _, res_y = dataset.GetGeoTransform()
    x1, y1 = x0 + dataset.RasterXSize * res, y0 + dataset.RasterYSize * res_y
    frame = ogr.CreateGeometryFromWkt(f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},"
                                      f"{x0} {y0}))")
    return {fid for fid, _, wkb in nb_features()
            if ogr.CreateGeometryFromWkb(wkb).Intersects(frame)}


def read_chips_csv(folder) -> list[dict]:
    with open(folder / "chips.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_export_writes_one_chip_per_polygon_touching_the_raster(tmp_path):
    summary = export_chips(str(NB_RASTER), nb_features(), str(tmp_path))
    rows = read_chips_csv(tmp_path)
    expected = touching_the_raster()
    assert len(expected) == 13
    assert {int(row["feature_id"]) for row in rows} == expected
    assert summary.chip_count == 13 and summary.skipped == {"entirely outside the raster": 30}
    folders = sorted(p.name for p in (tmp_path / "images").iterdir())
    assert folders == ["Building", "Hydro", "Road", "Train", "Vegetation"]
    for row in rows:
        assert (tmp_path / row["file"]).is_file()
        assert row["file"] == f"images/{row['class']}/{row['feature_id']}.tif"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]


def test_tiff_chips_keep_bands_data_type_and_georeferencing(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 4000, (4, 100, 100)).astype(np.uint16)
    raster = write_raster(tmp_path / "four_bands.tif", pixels, origin=(1000.0, 2000.0),
                          resolution=2.0)
    features = [(7, "field", bytes(ogr.CreateGeometryFromWkt("POINT (1100 1900)")
                                   .ExportToWkb()))]
    export_chips(str(raster), features, str(tmp_path / "out"), ExportSettings(chip_size=16))
    chip = gdal.Open(str(tmp_path / "out" / "images" / "field" / "7.tif"))
    assert chip.RasterCount == 4
    assert gdal.GetDataTypeName(chip.GetRasterBand(1).DataType) == "UInt16"
    assert chip.GetGeoTransform() == (1084.0, 2.0, 0.0, 1916.0, 0.0, -2.0)
    assert chip.GetSpatialRef().GetAuthorityCode(None) == "32633"
    assert np.array_equal(chip.ReadAsArray(), pixels[:, 42:58, 42:58])
    row = read_chips_csv(tmp_path / "out")[0]
    assert [float(row[k]) for k in ("min_x", "min_y", "max_x", "max_y")] == [
        1084.0, 1884.0, 1116.0, 1916.0]


def test_each_skip_case_is_counted(tmp_path):
    raster = write_raster(tmp_path / "small.tif", np.full((3, 50, 50), 9, np.uint8),
                          origin=(0.0, 50.0))

    def point(x, y):
        return bytes(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})").ExportToWkb())

    features = [(1, "a", point(10, 10)), (2, None, point(20, 20)), (3, "a", None),
                (4, "b", bytes(ogr.CreateGeometryFromWkt("POLYGON EMPTY").ExportToWkb())),
                (5, "b", point(500, 500)), (6, "b", point(40, 40))]
    summary = export_chips(str(raster), features, str(tmp_path / "out"),
                           ExportSettings(chip_size=8, extent=(0.0, 0.0, 30.0, 30.0)))
    assert summary.counts == {"a": 1}
    assert summary.skipped == {"with a NULL class": 1, "with a NULL or empty geometry": 2,
                               "outside the processing extent": 2}
    assert "Skipped 5 features" in summary.text()


def test_class_values_become_safe_folder_names():
    assert class_folder_name("Hydro/Eau") == "Hydro_Eau"
    assert class_folder_name("../up") == "_up"
    assert class_folder_name(3) == class_folder_name(3.0) == "3"
    assert class_folder_name("CON") == "CON_"
    assert class_folder_name("  ") == "class"
    assert class_folder_name("Forêt mixte") == "Forêt mixte"


def test_png_chips_train_and_need_eight_bit_rgb(tmp_path):
    from core.api import prepare_data

    summary = export_chips(str(NB_RASTER), nb_features("Niveau_1"), str(tmp_path / "png"),
                           ExportSettings(chip_size=32, format="png", crop_mode="bounding_box"))
    assert summary.counts == {"man": 8, "nature": 5}
    data = prepare_data(str(tmp_path / "png"), chip_size=32, batch_size=4)
    assert data.classes == ["man", "nature"] and data.band_count == 3
    sixteen_bit = write_raster(tmp_path / "u16.tif", np.zeros((3, 20, 20), np.uint16))
    with pytest.raises(DataError, match="8-bit RGB.*Export TIFF chips"):
        export_chips(str(sixteen_bit), [], str(tmp_path / "x"), ExportSettings(format="png"))


def test_a_new_export_replaces_the_old_and_a_cancelled_one_changes_nothing(tmp_path):
    export_chips(str(NB_RASTER), nb_features(), str(tmp_path), ExportSettings(chip_size=32))
    with pytest.raises(OutputError, match="holds an earlier export. Choose another folder, or "
                       "set overwrite="):  # in Python's words (the tools say OVERWRITE)
        export_chips(str(NB_RASTER), nb_features("Niveau_1"), str(tmp_path),
                     ExportSettings(chip_size=32))
    export_chips(str(NB_RASTER), nb_features("Niveau_1"), str(tmp_path),
                 ExportSettings(chip_size=32), overwrite=True)
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["man", "nature"]
    calls = iter(range(1000))
    stop = Feedback(is_cancelled=lambda: next(calls) > 0)
    with pytest.raises(Cancelled):
        export_chips(str(NB_RASTER), nb_features(), str(tmp_path), ExportSettings(chip_size=32),
                     stop, overwrite=True)
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["man", "nature"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chips.csv", "images"]


def test_kappa_and_f1_against_a_hand_computed_matrix():
    matrix = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 4]])
    evaluation = Evaluation(["a", "b", "c"], matrix)
    # observed 12/16; chance (6*7 + 6*4 + 4*5) / 16² = 86/256
    assert evaluation.overall_accuracy == pytest.approx(0.75)
    assert evaluation.kappa == pytest.approx((0.75 - 86 / 256) / (1 - 86 / 256))
    f1 = [2 * (5 / 7) * (5 / 6) / (5 / 7 + 5 / 6), 2 * (3 / 4) * (3 / 6) / (3 / 4 + 3 / 6),
          2 * (4 / 5) * 1 / (4 / 5 + 1)]
    assert [row["f1"] for row in evaluation.per_class] == pytest.approx(f1)
    assert evaluation.macro_f1 == pytest.approx(sum(f1) / 3)
    assert [row["recall"] for row in evaluation.per_class] == pytest.approx([5 / 6, 3 / 6, 1])
    assert [row["precision"] for row in evaluation.per_class] == pytest.approx([5 / 7, 3 / 4,
                                                                               4 / 5])
    text = io.StringIO()
    evaluation.write_csv(text)
    assert text.getvalue().splitlines() == ["truth \\ predicted,a,b,c", "a,5,1,0", "b,2,3,1",
                                            "c,0,0,4"]


def test_truth_values_match_class_names_or_their_folder_names():
    classes = ["3", "Hydro_Eau", "forest"]
    assert match_class(3, classes) == 0
    assert match_class(3.0, classes) == 0
    assert match_class("Hydro/Eau", classes) == 1
    assert match_class("Forest", classes) is None


@pytest.fixture(scope="module")
def exported_model(tmp_path_factory):
    """A model trained on chips exported from the New Brunswick polygons (man / nature)."""
    from core.api import FeatureClassifier, prepare_data

    folder = tmp_path_factory.mktemp("nb_chips")
    settings = ExportSettings(chip_size=32, crop_mode="bounding_box", padding=4)
    export_chips(str(NB_RASTER), nb_features("Niveau_1"), str(folder), settings)
    data = prepare_data(str(folder), batch_size=4, chip_size=32, val_split_pct=0.3, seed=0)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    classifier.fit(3, lr=1e-3)
    model = classifier.save("nb", str(tmp_path_factory.mktemp("nb_model"))).definition
    return model, folder, settings


def test_exported_chips_and_features_in_place_give_the_same_evaluation(exported_model):
    model, folder, settings = exported_model
    on_chips = evaluate_folder(model, str(folder), device="cpu")
    options = ClassifyOptions(crop_mode=settings.crop_mode, padding=settings.padding,
                              device="cpu")
    in_place = evaluate_features(model, str(NB_RASTER), nb_features("Niveau_1"), options)
    assert on_chips.count == in_place.count == 13
    assert np.array_equal(on_chips.confusion, in_place.confusion)
    assert on_chips.overall_accuracy == in_place.overall_accuracy
    assert in_place.skipped == {"entirely outside the raster": 30}
    assert sorted(m.source for m in in_place.mistakes) == sorted(
        int(p.stem) for m in on_chips.mistakes for p in [__import__("pathlib").Path(m.source)])


def test_unknown_truth_values_are_reported_not_dropped(exported_model):
    model, _, settings = exported_model
    features = [(fid, {"man": "man", "nature": "water"}[value], wkb)
                for fid, value, wkb in nb_features("Niveau_1")]
    evaluation = evaluate_features(model, str(NB_RASTER), features,
                                   ClassifyOptions(crop_mode="bounding_box", padding=4,
                                                   device="cpu"))
    assert evaluation.count == 8
    assert evaluation.unknown_truth == {"water": 5}
    assert "5 samples have truth values that are not classes of the model" in evaluation.text()


def test_folder_evaluation_of_a_trained_model_beats_chance(trained, tmp_path):
    _, paths = trained
    evaluation = evaluate_folder(paths.dlpk, str(SAMPLE_RSSCN7), device="cpu")
    assert evaluation.count == 7 * 60
    assert evaluation.overall_accuracy > 3 / 7
    assert evaluation.kappa > 0.3
    evaluation.write_report(str(tmp_path / "report.html"), paths.dlpk)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # the confusion matrix, the hardest examples with their heatmaps, the mistakes
    assert "Cohen&#39;s kappa" in html and html.count("data:image/png") == 3
    assert "Hardest examples" in html and len(evaluation.hard_examples) == min(
        8, len([m for m in evaluation.mistakes if m.chip is not None]))
    assert all(heat.shape == chip.shape[1:] for chip, *_, heat in evaluation.hard_examples)


def test_an_evaluation_with_nothing_to_count_is_an_error_not_an_accuracy(trained, tmp_path):
    """Truth that names no class of the model gives no accuracy of 0 %, but says why."""
    _, paths = trained
    for name in ("meadow", "lake"):  # classes the model does not know
        shutil.copytree(next(SAMPLE_RSSCN7.iterdir()), tmp_path / "chips" / name)
    with pytest.raises(DataError, match="Nothing could be evaluated in labelled chips in .*"
                       "not classes of the model.*'meadow' \\(60\\).* The model's classes are "
                       "aGrass, bField"):
        evaluate_folder(paths.dlpk, str(tmp_path / "chips"), device="cpu")


def test_an_export_never_touches_a_folder_of_other_files(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "holiday.jpg").write_bytes(b"photo")
    (tmp_path / "chips.csv").write_text("name,amount\n")
    with pytest.raises(OutputError, match="is not empty \\(chips.csv, images\\) and holds no "
                       "earlier export; nothing was changed"):
        export_chips(str(NB_RASTER), nb_features(), str(tmp_path), overwrite=True)
    assert (tmp_path / "images" / "holiday.jpg").read_bytes() == b"photo"
    assert (tmp_path / "chips.csv").read_text() == "name,amount\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chips.csv", "images"]


def test_an_export_of_more_features_than_the_limit_is_refused_before_any_chip(tmp_path):
    """Counted up front, or (a source that cannot count) as soon as there are too many;
    either way nothing is written."""
    counted, uncounted = tmp_path / "counted", tmp_path / "uncounted"
    with pytest.raises(DataError, match=r"has 43 features; max_features= allows 10"):
        export_chips(str(NB_RASTER), nb_features(), str(counted),
                     ExportSettings(max_features=10), total=43)
    assert not counted.exists()
    with pytest.raises(DataError, match=r"has more than 10 features; max_features="):
        export_chips(str(NB_RASTER), iter(nb_features()), str(uncounted),
                     ExportSettings(max_features=10))
    assert not list(uncounted.iterdir())  # the staging folder is gone, no chip is left


KILLED_EXPORT = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from test_export_evaluate import NB_RASTER, nb_features
from core.runtime.feedback import Feedback
from core.workflows.export import ExportSettings, export_chips

def die(*_):  # kill -9 once the first chips are written: no cleanup can run
    os.kill(os.getpid(), signal.SIGKILL)

export_chips(str(NB_RASTER), nb_features(), sys.argv[2], ExportSettings(chip_size=32),
             Feedback(progress=die))
"""


def test_the_folders_of_a_killed_export_are_removed_by_the_next(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from core.runtime.outputs import _host
    from core.workflows.export import CSV_COLUMNS

    out = tmp_path / "chips"
    here = Path(__file__).parent
    repo, conftest = here.parents[2], here.parents[1]
    killed = subprocess.run([sys.executable, "-c", KILLED_EXPORT, str(here), str(out)],
                            env={**os.environ, "PYTHONPATH": f"{repo}{os.pathsep}{conftest}"})
    assert killed.returncode == -9
    left = [p.name for p in out.iterdir()]
    assert len(left) == 1 and left[0].startswith(".export-partial-")  # hidden, and stays
    dead = left[0][len(".export-partial-"):].split("@")[0]
    # an export that died while swapping: the earlier export's files set aside
    swapped = out / f".export-old-{dead}@{_host()}.abc123"
    (swapped / "images" / "old").mkdir(parents=True)
    (swapped / "chips.csv").write_text(",".join(CSV_COLUMNS) + "\n")
    live = out / f".export-partial-{os.getpid()}@{_host()}.live12"  # this process: alive
    elsewhere = out / f".export-partial-{dead}@other-machine.abc123"  # not ours to judge
    for folder in (live, elsewhere):
        folder.mkdir()
    lines = []
    with pytest.raises(OutputError, match="holds an earlier export"):  # the one set aside
        export_chips(str(NB_RASTER), nb_features(), str(out), ExportSettings(chip_size=32),
                     Feedback(log=lines.append))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [live.name, elsewhere.name, "chips.csv", "images"])
    assert (out / "images" / "old").is_dir()  # the earlier export is back
    assert any("Removed 2 partial folder(s)" in line for line in lines)
    summary = export_chips(str(NB_RASTER), nb_features(), str(out),
                           ExportSettings(chip_size=32), overwrite=True)
    assert live.is_dir() and elsewhere.is_dir()
    assert len(read_chips_csv(out)) == summary.chip_count > 0
