"""ArcGIS Pro's Multi-labeled Tiles exports read as training data (core.data.multi_label):
each tile's labels are the class values its label file names, named by the export's .emd,
the export's values and colours kept; a tile without labels is left out and counted."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from core.api import prepare_data
from core.data.labeled_tiles import label_names


def multi_labeled_tiles(folder, tiles: list[list[int]]) -> None:
    """An export as ArcGIS Pro writes it: images/, labels/ (one <object> per class value),
    esri_accumulated_stats.json and esri_model_definition.emd."""
    (folder / "images").mkdir(parents=True)
    (folder / "labels").mkdir()
    rng = np.random.default_rng(0)
    for number, values in enumerate(tiles):
        name = f"{number:09d}"
        Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(
            folder / "images" / f"{name}.png")
        if values:
            objects = "".join(f"<object><name>{value}</name></object>" for value in values)
            (folder / "labels" / f"{name}.xml").write_text(f"<annotation>{objects}</annotation>")
    (folder / "esri_accumulated_stats.json").write_text(json.dumps(
        {"MetaDataMode": "MultiLabeled_Tiles", "NumTiles": len(tiles)}))
    (folder / "esri_model_definition.emd").write_text(json.dumps({"Classes": [
        {"Value": 3, "Name": "trees", "Color": [0, 120, 0]},
        {"Value": 7, "Name": "houses", "Color": [200, 0, 0]}]}))


def test_a_multi_labeled_tiles_export_trains_with_its_values_and_colours(tmp_path):
    multi_labeled_tiles(tmp_path / "export", [[3], [7], [3, 7], [7, 3], [3], [7], [3, 7], []])
    assert label_names(str(tmp_path / "export" / "labels" / "000000002.xml")) == ["3", "7"]
    data = prepare_data(str(tmp_path / "export"), chip_size=32, batch_size=2,
                        val_split_pct=0.25, dataset_type="MultiLabeled_Tiles", seed=0)
    assert data.multi_label and data.classes == ["houses", "trees"]
    assert data.summary()["class_counts"] == {"houses": 5, "trees": 5}  # of 7 labelled tiles
    assert len(data.train_labels) + len(data.valid_labels) == 7
    assert data.class_mapping == {7: "houses", 3: "trees"}
    assert data.exported_classes["trees"]["Color"] == [0, 120, 0]
