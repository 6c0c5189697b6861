"""Classify change between two dates (issue 26 parts 4 and 5), from qgis_process and the
command line, on the bundled aerial photo and a copy of it in which three blocks of 2 x 2 grid
cells hold RSSCN7 river-and-lake chips (another class's texture, at the scale of a chip): the
changed cells are the edited ones, the rest stay, the change matrix adds up to the features; a
later raster in another CRS, resolution and extent is read at the same ground cell size and the
features outside it are reported, not guessed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from osgeo import gdal

from conftest import (
    MASSACHUSETTS_BUILDINGS,
    MASSACHUSETTS_TIF,
    TINY_PACKAGE,
    feature_items,
    outputs,
    run_cli,
    stored_style,
)
from edited_photo import CELL, CELL_SIZE, EDITED, edited_photo

MODEL = TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd"


@pytest.fixture(scope="module")
def after(tmp_path_factory) -> Path:
    """The photo with each EDITED cell replaced by a river-and-lake chip."""
    return edited_photo(tmp_path_factory.mktemp("change") / "after.tif")


def matrix(path) -> dict[tuple[str, str], dict[str, float]]:
    with open(path, newline="", encoding="utf-8") as file:
        return {(row.pop("from"), row.pop("measure")): {k: float(v) for k, v in row.items()}
                for row in csv.DictReader(file)}


def test_the_edited_blocks_are_the_changes_of_a_grid_from_qgis_process(qgis_process, tmp_path,
                                                                      after):
    output, table = tmp_path / "change.gpkg", tmp_path / "matrix.csv"
    done, result = qgis_process.run("classifychange", INPUT_RASTER=MASSACHUSETTS_TIF,
                                    INPUT_RASTER_AFTER=after, MODEL=MODEL, CELL_SIZE=CELL_SIZE,
                                    DEVICE=1, OUTPUT=output, OUTPUT_MATRIX=table,
                                    OUTPUT_SUMMARY=tmp_path / "summary.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    cells = feature_items(output)
    assert result["results"]["CELL_COUNT"] == len(cells) == 63  # 7 rows x 9 columns
    changed = [(cell["row"], cell["col"]) for cell in cells if cell["Changed"] == 1]
    unedited = [cell for cell in cells if (cell["row"], cell["col"]) not in EDITED]
    assert result["results"]["CHANGED_COUNT"] == len(changed)
    assert sum(cell in EDITED for cell in changed) >= 0.9 * len(changed)
    assert sum(cell["Changed"] == 1 for cell in unedited) <= 0.05 * len(unedited)
    assert len(set(changed) & EDITED) >= 0.75 * len(EDITED), changed  # most edits are found
    for cell in cells:
        moved = cell["Before"] != cell["After"]
        assert cell["Changed"] == moved and cell["Outcome"] == ("changed" if moved else
                                                               "unchanged")
        assert cell["Change"] == (f"{cell['Before']} → {cell['After']}" if moved else None)
    counts = matrix(table)
    assert counts[("Total", "count")]["Total"] == len(cells)
    assert sum(row["Total"] for (name, measure), row in counts.items()
               if measure == "count" and name != "Total") == len(cells)
    off_diagonal = sum(row[to] for (name, measure), row in counts.items()
                       if measure == "count" and name not in ("Total", "Not classified")
                       for to in row if to not in (name, "Not classified", "Uncertain",
                                                   "Total"))
    assert off_diagonal == len(changed)
    assert counts[("Total", "area")]["Total"] == pytest.approx(len(cells) * CELL ** 2, rel=1e-3)
    assert (tmp_path / "matrix.csvt").read_text().startswith('"String","String","Real"')
    summary = {row["class_label"]: row for row in csv.DictReader(open(tmp_path /
                                                                      "summary.csv"))}
    assert int(summary["dRiverLake"]["count_after"]) > int(summary["dRiverLake"]["count_before"])
    _, default, qml = stored_style(output)
    assert default and 'type="RuleRenderer"' in qml and "changed to dRiverLake" in qml


def test_buildings_against_a_later_raster_of_another_crs_from_the_command_line(tmp_path,
                                                                               after):
    """The later raster in UTM at 0.7 m covering part of the photo: features outside it are
    written as not compared with the reason; a minimum confidence marks uncertain pairs,
    which the matrix keeps apart."""
    warped = tmp_path / "after_utm.tif"
    gdal.Warp(str(warped), str(after), dstSRS="EPSG:32619", xRes=0.7, yRes=0.7,
              outputBounds=(229000, 894300, 230300, 894900), outputBoundsSRS="EPSG:26986",
              resampleAlg="bilinear")
    found = run_cli(tmp_path, "classify-change", "--input-raster", MASSACHUSETTS_TIF,
                    "--input-raster-after", warped, "--model", MODEL,
                    "--input-features", MASSACHUSETTS_BUILDINGS, "--cell-size", CELL_SIZE,
                    "--min-change-confidence", 0.3, "--device", "cpu",
                    "--output", tmp_path / "buildings.gpkg",
                    "--output-matrix", tmp_path / "matrix.csv")
    printed = outputs(found)
    assert re.search(r"read at 4\.00\d* map units per pixel", found.stderr)  # UTM's metres
    rows = feature_items(printed["OUTPUT"])
    buildings = feature_items(MASSACHUSETTS_BUILDINGS)
    assert len(rows) == len(buildings) and set(buildings[0]) < set(rows[0])
    outside = [row for row in rows if row["Outcome"].startswith("not compared")]
    assert outside and all(row["Outcome"] == "not compared: entirely outside the raster "
                           "(after)" and row["Before"] and row["After"] is None
                           and row["Changed"] is None for row in outside)
    assert "written as not compared" in found.stderr + found.stdout
    compared = [row for row in rows if row["After"] is not None]
    assert len(compared) > 100
    uncertain = [row for row in rows if row["Outcome"] == "uncertain"]
    assert uncertain and all(row["Changed"] is None and min(row["ConfBefore"],
                                                            row["ConfAfter"]) < 0.3
                             for row in uncertain)
    assert int(printed["UNCERTAIN_COUNT"]) == len(uncertain)
    counts = matrix(printed["OUTPUT_MATRIX"])
    assert counts[("Total", "count")]["Total"] == len(rows)
    assert counts[("Total", "count")]["Uncertain"] == len(uncertain)
    assert counts[("Total", "count")]["Not classified"] == len(outside)
    assert int(printed["CHANGED_COUNT"]) == sum(row["Changed"] == 1 for row in rows)


@pytest.mark.parametrize("case, message", [
    ("one band", "The model reads bands 1, 2, 3 but"),
    ("elsewhere", "--input-raster and --input-raster-after do not overlap"),
    ("field clash", "The result field 'Before' clashes with the field 'before'"),
    ("confidence", "--min-change-confidence: must be from 0 to 1; got 1.5"),
])
def test_bad_inputs_are_refused_with_what_to_do(tmp_path, case, message):
    later = MASSACHUSETTS_TIF
    if case == "one band":
        later = tmp_path / "grey.tif"
        gdal.Translate(str(later), str(MASSACHUSETTS_TIF), bandList=[1])
    if case == "elsewhere":
        later = tmp_path / "elsewhere.tif"
        gdal.Translate(str(later), str(MASSACHUSETTS_TIF))
        moved = gdal.Open(str(later), gdal.GA_Update)
        x, size, _, y, _, down = moved.GetGeoTransform()
        moved.SetGeoTransform((x + 50000, size, 0, y, 0, down))
        moved = None
    arguments = ["--min-change-confidence", 1.5 if case == "confidence" else 0]
    if case == "field clash":
        features_file = tmp_path / "clash.gpkg"
        gdal.VectorTranslate(str(features_file), str(MASSACHUSETTS_BUILDINGS),
                             SQLStatement="SELECT *, 'x' AS before FROM buildings")
        arguments += ["--input-features", features_file]
    done = run_cli(tmp_path, "classify-change", "--input-raster", MASSACHUSETTS_TIF,
                   "--input-raster-after", later, "--model", MODEL, "--cell-size", CELL_SIZE,
                   "--device", "cpu", "--output", tmp_path / "out.gpkg", *arguments)
    assert done.returncode in (1, 2) and message in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and not (tmp_path / "out.gpkg").exists()


def test_two_torchrun_processes_compare_as_one_on_onnxruntime(tmp_path, after):
    """Each process classifies its share of the cells at both dates; the main one writes
    the same change layer and matrix as one process (onnxruntime, the ONNX copy)."""
    common = ["classify-change", "--input-raster", MASSACHUSETTS_TIF, "--input-raster-after",
              after, "--model", MODEL, "--cell-size", CELL_SIZE, "--device", "cpu",
              "--engine", "onnxruntime"]
    one = outputs(run_cli(tmp_path, *common, "--output", tmp_path / "one.gpkg",
                          "--output-matrix", tmp_path / "one.csv"))
    two = outputs(run_cli(tmp_path, *common, "--output", tmp_path / "two.gpkg",
                          "--output-matrix", tmp_path / "two.csv", processes=2))
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "two.csv").read_text()
    assert one["CHANGED_COUNT"] == two["CHANGED_COUNT"] == str(len(EDITED))
    assert [(row["cell_id"], row["Change"]) for row in feature_items(one["OUTPUT"])] == [
        (row["cell_id"], row["Change"]) for row in feature_items(two["OUTPUT"])]
