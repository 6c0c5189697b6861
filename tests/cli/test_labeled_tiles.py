"""ArcGIS Pro's Labeled Tiles, both ways: an export as Pro writes it trains as it is (the
notebook API with dataset_type="Labeled_Tiles", the tools and the command line read it), its
class values, names and colours stay in the model, and Export training chips writes the
layout too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import NB_POLYGONS, NB_RASTER, SAMPLE_RSSCN7, outputs, run_cli

# An export's classes as Pro writes them: its own values (from 0, with a gap) and colours
EXPORT_CLASSES = {"aGrass": (0, [10, 200, 30]), "dRiverLake": (5, [20, 60, 220]),
                  "fResident": (7, [230, 40, 40])}


def pro_labeled_tiles(folder: Path, per_class: int = 12, class_keys=("Value", "Name")) -> Path:
    """A reconstruction of what ArcGIS Pro's Export Training Data For Deep Learning writes
    with the Labeled Tiles metadata format (file names, label files, .emd, stats, map.txt),
    with RSSCN7 chips as its tiles."""
    (folder / "images").mkdir(parents=True)
    (folder / "labels").mkdir()
    number, lines = 0, []
    for name, (value, _) in EXPORT_CLASSES.items():
        for chip in sorted((SAMPLE_RSSCN7 / name).iterdir())[:per_class]:
            tile = f"{number:09d}.jpg"
            shutil.copy(chip, folder / "images" / tile)
            (folder / "labels" / f"{number:09d}.xml").write_text(
                f"<?xml version='1.0' encoding='utf-8'?><annotation><folder>images</folder>"
                f"<filename>{tile}</filename><size><width>128</width><height>128</height>"
                f"<depth>3</depth></size><object><name>{value}</name><bndbox><xmin>0</xmin>"
                f"<ymin>0</ymin><xmax>128</xmax><ymax>128</ymax></bndbox></object>"
                f"</annotation>")
            lines.append(f"images\\{tile} labels\\{number:09d}.xml")
            number += 1
    value_key, name_key = class_keys
    (folder / "esri_model_definition.emd").write_text(json.dumps({
        "ModelType": "ObjectClassification", "ImageHeight": 128, "ImageWidth": 128,
        "Classes": [{value_key: value, name_key: name, "Color": color}
                    for name, (value, color) in EXPORT_CLASSES.items()]}))
    (folder / "esri_accumulated_stats.json").write_text(json.dumps(
        {"MetaDataMode": "Labeled_Tiles", "NumTiles": number}))
    (folder / "map.txt").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize("class_keys", [("Value", "Name"), ("ClassValue", "ClassName")])
def test_a_pro_export_trains_from_the_notebook_and_keeps_its_classes(tmp_path, class_keys):
    from core.api import FeatureClassifier, prepare_data

    export = pro_labeled_tiles(tmp_path / "export", class_keys=class_keys)
    (export / "images" / "000000999.jpg").write_bytes(
        (export / "images" / "000000000.jpg").read_bytes())  # a tile without its label
    data = prepare_data(str(export), dataset_type="Labeled_Tiles", chip_size=32,
                        batch_size=8, val_split_pct=0.25)
    assert data.classes == ["aGrass", "dRiverLake", "fResident"]
    assert len(data.all_train_labels) + len(data.valid_labels) == 36  # the unlabelled left out
    model = FeatureClassifier(data, backbone="resnet18", pretrained=False)
    model.fit(1, lr=1e-3)
    saved = model.save("pro", str(tmp_path / "models"))
    classes = json.loads(Path(saved.definition).read_text())["Classes"]
    assert classes == [{"Value": value, "Name": name, "Color": color}
                       for name, (value, color) in EXPORT_CLASSES.items()]


def test_the_dataset_type_must_be_what_the_folder_is(tmp_path):
    from core.api import prepare_data
    from core.errors import DataError

    export = pro_labeled_tiles(tmp_path / "export", per_class=2)
    with pytest.raises(DataError, match="dataset_type is 'Imagenet' but .* is a Labeled Tiles "
                                        "export"):
        prepare_data(str(export), dataset_type="Imagenet")
    with pytest.raises(DataError, match="dataset_type is 'Labeled_Tiles' but .* is no Labeled "
                                        "Tiles export"):
        prepare_data(str(SAMPLE_RSSCN7), dataset_type="Labeled_Tiles")
    with pytest.raises(DataError, match="'PASCAL_VOC_rectangles' is not supported"):
        prepare_data(str(export), dataset_type="PASCAL_VOC_rectangles")


def test_export_writes_labeled_tiles_that_train_and_evaluate(tmp_path):
    """Round trip on the command line: export the New Brunswick polygons as Labeled Tiles,
    train on them, and evaluate the model on them."""
    export = tmp_path / "export"
    found = outputs(run_cli(tmp_path, "export-chips", "--input-raster", NB_RASTER,
                            "--input-features", NB_POLYGONS, "--class-field", "Niveau_1",
                            "--chip-size", 32, "--metadata-format", "labeled_tiles",
                            "--output-folder", export))
    count = int(found["CHIP_COUNT"])
    tiles = sorted(p.name for p in (export / "images").iterdir())
    assert tiles[0] == "000000000.tif" and len(tiles) == count >= 10
    assert len(list((export / "labels").glob("*.xml"))) == count
    assert json.loads((export / "esri_accumulated_stats.json").read_text())[
        "MetaDataMode"] == "Labeled_Tiles"
    definition = json.loads((export / "esri_model_definition.emd").read_text())
    assert [(c["Value"], c["Name"]) for c in definition["Classes"]] in (
        [(1, "man"), (2, "nature")], [(1, "nature"), (2, "man")])
    trained = outputs(run_cli(tmp_path, "train", "--input-folder", export,
                              "--backbone", "resnet18", "--no-pretrained", "--chip-size", 32,
                              "--batch-size", 8, "--epochs", 1, "--learning-rate", 0.001,
                              "--device", "cpu", "--output-folder", tmp_path / "models"))
    model = json.loads(Path(trained["MODEL_DEFINITION"]).read_text())
    assert [(c["Value"], c["Name"], c["Color"]) for c in model["Classes"]] == sorted(
        (c["Value"], c["Name"], c["Color"]) for c in definition["Classes"])
    evaluated = outputs(run_cli(tmp_path, "evaluate", "--model", trained["MODEL_DEFINITION"],
                                "--input-folder", export, "--device", "cpu",
                                "--output-report", tmp_path / "evaluation.html",
                                "--output-confusion", tmp_path / "confusion.csv"))
    assert 0 <= float(evaluated["OVERALL_ACCURACY"]) <= 1
    assert (tmp_path / "confusion.csv").read_text().startswith("truth \\ predicted,man,nature")
