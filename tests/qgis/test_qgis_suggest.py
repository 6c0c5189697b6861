"""Suggest features to label, from qgis_process and the command line: the most uncertain
grid cells or candidate features, most uncertain first, spread out, with an empty class field
to fill, styled by the model's class."""

from __future__ import annotations

import math

from osgeo import ogr

from conftest import (
    MASSACHUSETTS_BUILDINGS,
    MASSACHUSETTS_TIF,
    TINY_PACKAGE,
    outputs,
    run_cli,
    stored_style,
)

MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


def suggested(path) -> list[dict]:
    source = ogr.Open(str(path))
    layer = source.GetLayer(0)
    rows = []
    for feature in layer:
        row = feature.items()
        centre = feature.GetGeometryRef().Centroid()
        row["centre"] = (centre.GetX(), centre.GetY())
        rows.append(row)
    return rows


def test_suggest_labels_over_a_grid_from_qgis_process(qgis_process, tmp_path):
    output = tmp_path / "to_label.gpkg"
    done, result = qgis_process.run("suggestlabels", INPUT_RASTER=MASSACHUSETTS_TIF,
                                    MODEL=MODEL, GRID_SIZE=40, COUNT=12, MIN_DISTANCE=100,
                                    DEVICE=1, OUTPUT=output)
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["SUGGESTED_COUNT"] == 12
    rows = suggested(output)
    assert [row["rank"] for row in rows] == list(range(1, 13))
    assert all(a["uncertainty"] >= b["uncertainty"] for a, b in zip(rows, rows[1:]))
    assert all(math.dist(a["centre"], b["centre"]) >= 100
               for i, a in enumerate(rows) for b in rows[i + 1:])
    assert all(row["label"] is None and row["ClassLabel"] for row in rows)
    assert {"cell_id", "row", "col", "Confidence"} <= set(rows[0])
    name, _, qml = stored_style(output)
    assert 'type="categorizedSymbol"' in qml and 'attr="ClassLabel"' in qml


def test_suggest_labels_among_candidate_features_from_the_command_line(tmp_path):
    """Candidate buildings: the suggested ones keep their fields, most uncertain first; the
    grid of the same run would be cells; a clash with an input field is refused."""
    found = outputs(run_cli(tmp_path, "suggest-labels", "--input-raster", MASSACHUSETTS_TIF,
                            "--model", MODEL, "--input-features", MASSACHUSETTS_BUILDINGS,
                            "--count", 5, "--measure", "entropy", "--class-field", "truth",
                            "--device", "cpu", "--output", tmp_path / "buildings.gpkg"))
    assert int(found["SUGGESTED_COUNT"]) == 5
    rows = suggested(found["OUTPUT"])
    buildings = ogr.Open(str(MASSACHUSETTS_BUILDINGS))  # keep: its layer needs it
    fields = buildings.GetLayer(0).GetLayerDefn()
    kept = [fields.GetFieldDefn(i).GetName() for i in range(fields.GetFieldCount())]
    assert set(kept) <= set(rows[0]) and rows[0]["truth"] is None
    assert all(a["uncertainty"] >= b["uncertainty"] for a, b in zip(rows, rows[1:]))
    clash = run_cli(tmp_path, "suggest-labels", "--input-raster", MASSACHUSETTS_TIF,
                    "--model", MODEL, "--input-features", MASSACHUSETTS_BUILDINGS,
                    "--class-field", kept[0], "--device", "cpu",
                    "--output", tmp_path / "clash.gpkg")
    assert clash.returncode == 1 and f"clashes with the field '{kept[0]}'" in clash.stderr
    assert not (tmp_path / "clash.gpkg").exists()
