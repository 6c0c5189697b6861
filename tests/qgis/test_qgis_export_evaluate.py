"""Headless qgis_process runs of exporttrainingchips and evaluateclassifier, and the modeler
chain export → train → evaluate."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from osgeo import ogr

from conftest import NB, NB_POLYGONS, NB_RASTER, ROOT, stored_style


def read_csv(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_provider_lists_export_and_evaluate(qgis_process):
    listing = qgis_process.call("list").stdout
    assert "sceneclassifier:exporttrainingchips" in listing
    assert "sceneclassifier:evaluateclassifier" in listing


def test_export_training_chips_writes_the_class_folders(qgis_process, tmp_path):
    done, result = qgis_process.run("exporttrainingchips", INPUT_RASTER=NB_RASTER,
                                    INPUT_FEATURES=NB_POLYGONS, CLASS_FIELD="Niveau_2",
                                    OUTPUT_FOLDER=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["CHIP_COUNT"] == 13
    folders = sorted(p.name for p in (tmp_path / "images").iterdir())
    assert folders == ["Building", "Hydro", "Road", "Train", "Vegetation"]
    assert len(read_csv(tmp_path / "chips.csv")) == 14
    assert "Skipped 30 features: 30 entirely outside the raster" in "\n".join(result["log"]["info"])


@pytest.fixture(scope="module")
def nb_export(qgis_process, tmp_path_factory):
    """Bounding-box chips of the man / nature classes, and a model trained on them."""
    folder = tmp_path_factory.mktemp("nb_export")
    done, _ = qgis_process.run("exporttrainingchips", INPUT_RASTER=NB_RASTER,
                               INPUT_FEATURES=NB_POLYGONS, CLASS_FIELD="Niveau_1", CHIP_SIZE=32,
                               CROP_MODE=1, PADDING=4, FORMAT=1, OUTPUT_FOLDER=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    models = tmp_path_factory.mktemp("nb_models")
    done, result = qgis_process.run("trainclassifier", INPUT_FOLDER=folder, BACKBONE=0,
                                    PRETRAINED="false", CHIP_SIZE=32, BATCH_SIZE=4, EPOCHS=3,
                                    LEARNING_RATE=0.001, VAL_SPLIT_PCT=30, DEVICE=1,
                                    MODEL_NAME="nb", OUTPUT_FOLDER=models)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, result["results"]["MODEL_DEFINITION"]


def test_evaluate_on_chips_and_on_features_in_place_agree(qgis_process, nb_export, tmp_path):
    folder, model = nb_export
    done, on_chips = qgis_process.run("evaluateclassifier", MODEL=model, INPUT_FOLDER=folder,
                                      DEVICE=1, OUTPUT_REPORT=tmp_path / "chips.html",
                                      OUTPUT_CONFUSION=tmp_path / "chips.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    done, in_place = qgis_process.run(
        "evaluateclassifier", MODEL=model, INPUT_RASTER=NB_RASTER, INPUT_FEATURES=NB_POLYGONS,
        TRUTH_FIELD="Niveau_1", CROP_MODE=1, PADDING=4, DEVICE=1,
        OUTPUT_REPORT=tmp_path / "features.html", OUTPUT_CONFUSION=tmp_path / "features.csv",
        OUTPUT_ERRORS=tmp_path / "errors.gpkg")
    assert done.returncode == 0, done.stdout + done.stderr
    for key in ("OVERALL_ACCURACY", "KAPPA", "MACRO_F1"):
        assert on_chips["results"][key] == in_place["results"][key]
    matrix = read_csv(tmp_path / "chips.csv")
    assert matrix == read_csv(tmp_path / "features.csv")
    assert matrix[0] == ["truth \\ predicted", "man", "nature"]
    assert sum(int(v) for row in matrix[1:] for v in row[1:]) == 13
    errors_file = ogr.Open(str(tmp_path / "errors.gpkg"))  # keep: the layer needs it
    errors = errors_file.GetLayer()
    wrong = 13 - sum(int(matrix[i][i]) for i in (1, 2))
    assert errors.GetFeatureCount() == wrong
    for feature in errors:
        assert feature.GetField("truth") != feature.GetField("predicted")
        assert feature.GetField("truth") == feature.GetField("Niveau_1")
    _, _, qml = stored_style(tmp_path / "errors.gpkg")  # a map of what was predicted
    assert 'type="categorizedSymbol"' in qml and 'attr="predicted"' in qml
    assert 'label="man"' in qml and 'label="nature"' in qml
    html = (tmp_path / "features.html").read_text(encoding="utf-8")
    assert "Cohen&#39;s kappa" in html and "Recall (producer's accuracy)" in html


@pytest.mark.parametrize("parameters, message", [
    ({}, "Give either 'Folder of labelled chips' (INPUT_FOLDER) alone"),
    ({"INPUT_FOLDER": str(NB), "INPUT_FEATURES": str(NB_POLYGONS)}, "not both"),
    ({"INPUT_FEATURES": str(NB_POLYGONS), "TRUTH_FIELD": "Niveau_1"},
     "needs 'Input raster' (INPUT_RASTER)"),
    ({"INPUT_FEATURES": str(NB_POLYGONS), "INPUT_RASTER": str(NB_RASTER)},
     "needs 'Truth field' (TRUTH_FIELD)"),
    ({"INPUT_FEATURES": str(NB_POLYGONS), "INPUT_RASTER": str(NB_RASTER), "TRUTH_FIELD": "m2"},
     "'m2' is a Real field; choose a text or integer field"),
])
def test_evaluate_refuses_incomplete_input(qgis_process, nb_export, tmp_path, parameters,
                                           message):
    _, model = nb_export
    done, _ = qgis_process.run("evaluateclassifier", MODEL=model, DEVICE=1,
                               OUTPUT_REPORT=tmp_path / "r.html",
                               OUTPUT_CONFUSION=tmp_path / "c.csv", **parameters)
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "r.html").exists()


def test_modeler_chain_export_train_evaluate(qgis_process, tmp_path):
    """tests/models/export_train_evaluate.model3: chips → model → its evaluation."""
    model = ROOT / "tests" / "models" / "export_train_evaluate.model3"
    done = qgis_process.call(
        "run", str(model), "--json", "--", f"raster={NB_RASTER}", f"polygons={NB_POLYGONS}",
        "class_field=Niveau_1", f"evaluate:report={tmp_path / 'report.html'}",
        f"evaluate:confusion={tmp_path / 'confusion.csv'}")
    assert done.returncode == 0, done.stdout + done.stderr
    log = "\n".join(json.loads(done.stdout[done.stdout.index("{"):])["log"]["info"])
    assert "Wrote 13 chips" in log and "Kept epoch" in log and "Evaluated 13 samples" in log
    assert (tmp_path / "report.html").is_file()
    assert read_csv(tmp_path / "confusion.csv")[0][1:] == ["man", "nature"]


def test_evaluate_refuses_an_errors_field_that_clashes_before_any_work(qgis_process, nb_export,
                                                                       tmp_path):
    _, model = nb_export
    features = tmp_path / "with_predicted.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(features), str(NB_POLYGONS), "-sql",
                    "SELECT *, 'mine' AS Predicted FROM baker_lake_2017"], check=True)
    done, _ = qgis_process.run("evaluateclassifier", MODEL=model, DEVICE=1,
                               INPUT_RASTER=NB_RASTER, INPUT_FEATURES=features,
                               TRUTH_FIELD="Niveau_2", OUTPUT_REPORT=tmp_path / "r.html",
                               OUTPUT_CONFUSION=tmp_path / "c.csv",
                               OUTPUT_ERRORS=tmp_path / "errors.gpkg")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "OUTPUT_ERRORS's field 'predicted' clashes with the field 'Predicted'. Rename that " \
           "field of INPUT_FEATURES, or leave OUTPUT_ERRORS empty." in output, output
    assert "classifying features" not in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["with_predicted.gpkg"]


def test_outputs_left_at_their_defaults_are_kept_in_the_users_home(qgis_process, nb_export):
    """Train and evaluate with no output places: nothing goes to a temporary folder that
    vanishes with QGIS; the log says where everything went."""
    folder, model = nb_export
    done, trained = qgis_process.run("trainclassifier", INPUT_FOLDER=folder, BACKBONE=0,
                                     PRETRAINED="false", CHIP_SIZE=32, BATCH_SIZE=4, EPOCHS=1,
                                     LEARNING_RATE=0.001, DEVICE=1, MODEL_NAME="kept")
    assert done.returncode == 0, done.stdout + done.stderr
    models = qgis_process.home / "SceneClassifier" / "models"
    assert trained["results"]["MODEL_PACKAGE"] == str(models / "kept" / "kept.dlpk")
    assert f"The model package will be written to {models / 'kept'}." in \
        trained["log"]["info"]
    done, evaluated = qgis_process.run("evaluateclassifier", MODEL=model, INPUT_FOLDER=folder,
                                       DEVICE=1)
    assert done.returncode == 0, done.stdout + done.stderr
    report = Path(evaluated["results"]["OUTPUT_REPORT"])
    confusion = Path(evaluated["results"]["OUTPUT_CONFUSION"])
    evaluations = qgis_process.home / "SceneClassifier" / "evaluations"
    assert report.parent == confusion.parent == evaluations
    assert report.name.startswith("nb ") and report.suffix == ".html"
    assert confusion.name.endswith(" confusion.csv")
    assert "<table" in report.read_text(encoding="utf-8")
    assert read_csv(confusion)[0] == ["truth \\ predicted", "man", "nature"]
    assert any(line.startswith(f"Report: {report}") for line in evaluated["log"]["info"])


def test_the_training_cell_size_is_recorded_and_checked(qgis_process, nb_export, tmp_path):
    """Chips from Export training chips tell the cell size the model learnt at; classifying
    more than 2 x away from it warns, with the CELL_SIZE to use."""
    _, model = nb_export
    definition = json.loads(open(model, encoding="utf-8").read())
    low, high = definition["MinCellSize"], definition["MaxCellSize"]
    assert 0 < low <= high
    assert definition["ModelParameters"] == {"backbone": "resnet18"}
    assert definition["IsMultispectral"] is False
    for cell_size, warned in ((10 * high, True), ((low * high) ** 0.5, False)):
        done, result = qgis_process.run("classifyobjects", INPUT_RASTER=NB_RASTER,
                                        INPUT_FEATURES=NB_POLYGONS, MODEL=model, DEVICE=1,
                                        CELL_SIZE=cell_size, OUTPUT=tmp_path / f"{warned}.gpkg")
        assert done.returncode == 0, done.stdout + done.stderr
        log = "\n".join(result["log"]["info"])
        assert ("Warning: the model was trained on chips of" in log) is warned
        if warned:
            assert f"Set CELL_SIZE to {(low * high) ** 0.5:g}." in log


def test_labeled_tiles_export_trains_in_qgis(qgis_process, tmp_path):
    """METADATA_FORMAT 1 writes ArcGIS Pro's Labeled Tiles; Train scene classifier reads that
    folder as it is and keeps the export's class values."""
    export = tmp_path / "export"
    done, result = qgis_process.run("exporttrainingchips", INPUT_RASTER=NB_RASTER,
                                    INPUT_FEATURES=NB_POLYGONS, CLASS_FIELD="Niveau_1",
                                    CHIP_SIZE=32, METADATA_FORMAT=1, OUTPUT_FOLDER=export)
    assert done.returncode == 0, done.stdout + done.stderr
    count = result["results"]["CHIP_COUNT"]
    assert len(list((export / "images").iterdir())) == count
    assert len(list((export / "labels").glob("*.xml"))) == count
    exported = json.loads((export / "esri_model_definition.emd").read_text())["Classes"]
    done, result = qgis_process.run("trainclassifier", INPUT_FOLDER=export, BACKBONE=0,
                                    PRETRAINED="false", CHIP_SIZE=32, BATCH_SIZE=4, EPOCHS=1,
                                    LEARNING_RATE=0.001, VAL_SPLIT_PCT=30, DEVICE=1,
                                    MODEL_NAME="tiles", OUTPUT_FOLDER=tmp_path / "models")
    assert done.returncode == 0, done.stdout + done.stderr
    model = json.loads(Path(result["results"]["MODEL_DEFINITION"]).read_text())
    assert sorted((c["Value"], c["Name"]) for c in model["Classes"]) == sorted(
        (c["Value"], c["Name"]) for c in exported)
