"""Chips with several labels in QGIS's tools (issue 26 parts 1 and 3), from qgis_process:
Preview training data shows each chip's labels, Train scene classifier reads a labels.csv
(finding its learning rate), Classify raster grid writes the labels present and each label's
score, drawn by the likeliest label in the model's colours, and Evaluate classifier measures
the model label by label on unseen chips."""

from __future__ import annotations

import json

from conftest import feature_items, stored_style
from mosaics import mosaic_folder, mosaic_raster


def test_train_on_a_labels_csv_and_classify_a_grid_in_qgis(qgis_process, tmp_path):
    chips = mosaic_folder(tmp_path / "chips", 60, seed=2, chips_used=slice(0, 32))
    done, result = qgis_process.run("previewtrainingdata", INPUT_FOLDER=chips, ROWS=3,
                                    OUTPUT_REPORT=tmp_path / "preview.html")
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["CLASS_COUNT"] == 4 and result["results"]["IMAGE_COUNT"] == 60
    done, result = qgis_process.run("trainclassifier", INPUT_FOLDER=chips, BACKBONE=0,
                                    PRETRAINED="false", CHIP_SIZE=32, BATCH_SIZE=16, EPOCHS=2,
                                    DEVICE=1, MODEL_NAME="several",
                                    OUTPUT_FOLDER=tmp_path / "models")
    assert done.returncode == 0, done.stdout + done.stderr
    model = result["results"]["MODEL_DEFINITION"]
    assert json.loads(open(model, encoding="utf-8").read())["MetaDataMode"] == \
        "MultiLabeled_Tiles"
    assert 1e-7 < result["results"]["LEARNING_RATE"] < 10  # found by the finder
    unseen = mosaic_folder(tmp_path / "unseen", 8, seed=3, chips_used=slice(32, 60))
    raster, _ = mosaic_raster(unseen, tmp_path / "unseen.tif")
    output = tmp_path / "grid.gpkg"
    done, result = qgis_process.run("classifygrid", INPUT_RASTER=raster, MODEL=model,
                                    GRID_SIZE=64, CELL_SIZE=2, DEVICE=1, SCORE_THRESHOLD=0.3,
                                    OUTPUT=output)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = feature_items(output)
    assert len(rows) == 8 and {"ClassLabel", "aGrass", "dRiverLake"} <= set(rows[0])
    for row in rows:  # every label at or above the asked threshold, and no other
        said = set(row["ClassLabel"].split(";")) - {""}
        assert said == {name for name in ("aGrass", "bField", "cIndustry", "dRiverLake")
                        if row[name] >= 0.3}
    _, default, qml = stored_style(output)
    assert default and 'type="categorizedSymbol"' in qml
    assert "array_first(string_to_array(&quot;ClassLabel&quot;" in qml
    done, result = qgis_process.run("evaluateclassifier", MODEL=model, INPUT_FOLDER=unseen,
                                    DEVICE=1, OUTPUT_REPORT=tmp_path / "evaluation.html",
                                    OUTPUT_CONFUSION=tmp_path / "labels.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 0 <= result["results"]["MACRO_F1"] <= 1
    assert (tmp_path / "labels.csv").read_text().startswith("label,threshold,true_positives")
