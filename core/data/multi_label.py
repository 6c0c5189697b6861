"""Chips with several labels each (a scene that is 'residential' and 'trees' at once), read
from one of two layouts:

    <folder>/labels.csv            a row per chip: its image path (relative to the folder)
                                   and its labels, joined by a delimiter (';', '|', ',' or
                                   a space; the first of these the file uses), optionally
                                   after a header row
    <folder>/images/, labels/      ArcGIS Pro's Multi-labeled Tiles export: each tile's label
                                   file names one <object> per class value present

Each label is a class (core.data.training_data turns a chip's labels into a row of 0/1
over the sorted classes).
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass

from ..errors import DataError, tr
from .imagery import is_image_file
from .labeled_tiles import STATS_FILE, export_classes, label_names

LABEL_TABLE = "labels.csv"
DELIMITERS = (";", "|", ",", " ")
MULTI_LABELED_TILES = "MultiLabeled_Tiles"  # Esri's MetaDataMode of such exports and models


@dataclass
class LabelSets:
    """The chips of a multi-label folder: each image with the names of its labels, the
    delimiter they were joined with (written back when classifying), and the export's class
    entries by name (Multi-labeled Tiles)."""

    paths: list[str]
    labels: list[list[str]]
    delimiter: str
    entries: dict[str, dict]
    unlabelled: list[str]


def is_multi_label(folder: str) -> bool:
    """A folder of chips with a labels.csv, or a Multi-labeled Tiles export."""
    if os.path.isfile(os.path.join(folder, LABEL_TABLE)):
        return True
    try:
        with open(os.path.join(folder, STATS_FILE), encoding="utf-8-sig") as file:
            return json.load(file).get("MetaDataMode") == MULTI_LABELED_TILES
    except (OSError, ValueError, AttributeError):
        return False


def read_label_sets(folder: str) -> LabelSets:
    """The chips and labels of a multi-label folder (is_multi_label)."""
    if os.path.isfile(os.path.join(folder, LABEL_TABLE)):
        return read_label_table(os.path.join(folder, LABEL_TABLE))
    return _read_multi_labeled_tiles(folder)


def split_labels(text: str, delimiter: str) -> list[str]:
    """The labels in ``text`` joined by ``delimiter``: stripped, empty ones left out, each
    once, in their order."""
    return list(dict.fromkeys(part.strip() for part in text.split(delimiter) if part.strip()))


def read_label_table(path: str) -> LabelSets:
    """labels.csv: image path and joined labels per row (a header row, whose first cell is
    no image, is skipped); rows whose image is missing are refused by name."""
    folder = os.path.dirname(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = [row for row in csv.reader(file) if row and any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DataError(tr("Cannot read {}: {}.").format(path, error)) from error
    if rows and not is_image_file(rows[0][0].strip()):
        rows = rows[1:]  # a header
    if not rows:
        raise DataError(tr("{} lists no chips: give one row per chip, its image path "
                           "and its labels joined by ';' (e.g. "
                           "images/0001.jpg,residential;trees).").format(path))
    texts = [",".join(row[1:]) if len(row) > 1 else "" for row in rows]
    delimiter = next((d for d in DELIMITERS if any(d in text for text in texts)), ";")
    paths, labels, unlabelled, missing = [], [], [], []
    for row, text in zip(rows, texts):
        image = os.path.normpath(os.path.join(folder, row[0].strip()))
        names = split_labels(text, delimiter)
        if not os.path.isfile(image) or not is_image_file(image):
            missing.append(row[0].strip())
        elif not names:
            unlabelled.append(image)
        else:
            paths.append(image)
            labels.append(names)
    if missing:
        raise DataError(tr("{} lists {} images that are not image files in {}, e.g. {}: "
                           "give paths relative to the folder of {}.").format(
                            path, len(missing), folder, missing[0], LABEL_TABLE))
    return LabelSets(paths, labels, delimiter, {}, unlabelled)


def _read_multi_labeled_tiles(folder: str) -> LabelSets:
    """A Multi-labeled Tiles export: every tile with the classes its label file names."""
    entries_by_value = {str(entry["Value"]): entry for entry in export_classes(folder)}
    images, labels = os.path.join(folder, "images"), os.path.join(folder, "labels")
    if not os.path.isdir(images):
        raise DataError(tr("{} says it is a Multi-labeled Tiles export but has no "
                           "images/ folder.").format(folder))
    paths, names, unlabelled = [], [], []
    for file in sorted(os.listdir(images)):
        if not is_image_file(file):
            continue
        values = label_names(os.path.join(labels, os.path.splitext(file)[0] + ".xml"))
        if not values:
            unlabelled.append(os.path.join(images, file))
            continue
        paths.append(os.path.join(images, file))
        names.append(list(dict.fromkeys(
            str(entries_by_value[value]["Name"]) if value in entries_by_value else value
            for value in values)))
    entries = {str(entry["Name"]): entry for entry in entries_by_value.values()}
    return LabelSets(paths, names, ";", entries, unlabelled)

