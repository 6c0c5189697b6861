"""ArcGIS Pro's Labeled Tiles: what its *Export Training Data For Deep Learning* writes with
the Labeled Tiles metadata format, read as training data and written by *Export training
chips*, so that data goes both ways.

    <folder>/images/<tile>.tif|png|jpg    the tiles
    <folder>/labels/<tile>.xml            one per tile: <object><name>class value</name>…
    <folder>/esri_model_definition.emd    the export's classes: Value, Name, Color
    <folder>/esri_accumulated_stats.json  "MetaDataMode": "Labeled_Tiles", …
    <folder>/map.txt                      "images/<tile>.tif labels/<tile>.xml" per tile

A tile's class is the value in its label file, named by the .emd's Classes (its value
itself where the .emd does not name it); the class values, names and colours of the export
are kept in a model trained on it.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..errors import DataError, tr
from .imagery import is_image_file

MAX_LABEL_BYTES = 1 << 20  # a tile's label file (PASCAL VOC XML) is a few hundred bytes

IMAGENET, LABELED_TILES = "imagenet", "labeled_tiles"  # metadata formats of chip folders
STATS_FILE, DEFINITION_FILE, MAP_FILE = ("esri_accumulated_stats.json",
                                         "esri_model_definition.emd", "map.txt")
META_DATA_MODE = "Labeled_Tiles"


@dataclass
class LabeledTiles:
    """The tiles of one Labeled Tiles folder: each image with its class name, the export's
    class entries (Value, Name, Color) by name, and what could not be used."""

    paths: list[str]
    names: list[str]
    entries: dict[str, dict]
    unlabelled: list[str]


def is_labeled_tiles(folder: str) -> bool:
    """A Labeled Tiles export: its stats file says so, or its images have label files."""
    stats = os.path.join(folder, STATS_FILE)
    if os.path.isfile(stats):
        try:
            with open(stats, encoding="utf-8-sig") as file:
                return json.load(file).get("MetaDataMode") == META_DATA_MODE
        except (OSError, ValueError, AttributeError):
            return False
    images, labels = os.path.join(folder, "images"), os.path.join(folder, "labels")
    return os.path.isdir(images) and os.path.isdir(labels) and not any(
        entry.is_dir() for entry in os.scandir(images)) and any(
        name.lower().endswith(".xml") for name in os.listdir(labels))


def read_labeled_tiles(folder: str) -> LabeledTiles:
    """Every tile of ``folder`` with its class (read_label), named by the export's .emd."""
    entries_by_value = {str(entry["Value"]): entry for entry in export_classes(folder)}
    images, labels = os.path.join(folder, "images"), os.path.join(folder, "labels")
    paths, names, unlabelled = [], [], []
    for file in sorted(os.listdir(images)):
        if not is_image_file(file):
            continue
        label = os.path.join(labels, os.path.splitext(file)[0] + ".xml")
        value = read_label(label)
        if value is None:
            unlabelled.append(os.path.join(images, file))
            continue
        entry = entries_by_value.get(value)
        paths.append(os.path.join(images, file))
        names.append(str(entry["Name"]) if entry else value)
    entries = {str(entry["Name"]): entry for entry in entries_by_value.values()}
    return LabeledTiles(paths, names, entries, unlabelled)


def read_label(path: str) -> str | None:
    """The class value of a tile's label file (the first object's name), or None where the
    file is missing or names none (label_names)."""
    names = label_names(path)
    return names[0] if names else None


def label_names(path: str) -> list[str]:
    """The names of the objects of a tile's label file (class values), in order; none where
    the file is missing or is not a small label without a DTD (label files are data from
    anywhere: a document type could declare entities that expand without bound)."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_LABEL_BYTES + 1)
    except OSError:
        return []
    if len(data) > MAX_LABEL_BYTES or b"<!DOCTYPE" in data.upper():
        return []
    try:
        root = ET.fromstring(data)  # nosec B314: bounded and without a DTD (checked above)
    except ET.ParseError:
        return []
    return [name.strip() for name in (item.findtext("name") for item in root.iter("object"))
            if name and name.strip()]


def export_classes(folder: str) -> list[dict]:
    """The export's classes from its esri_model_definition.emd: Value, Name, Color each
    (ArcGIS writes Value/Name or ClassValue/ClassName); none without the file."""
    path = os.path.join(folder, DEFINITION_FILE)
    if not os.path.isfile(path):
        return []
    try:
        with open(path, encoding="utf-8-sig") as file:
            classes = json.load(file).get("Classes") or []
        return [{"Value": int(entry.get("Value", entry.get("ClassValue"))),
                 "Name": str(entry.get("Name", entry.get("ClassName"))),
                 "Color": list(entry.get("Color") or [])[:3]} for entry in classes]
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise DataError(tr("Cannot read the classes of the export's {}: {}.").format(
                            path, error)) from error


def write_label(path: str, image: str, value: int, size: int, bands: int) -> None:
    """A tile's label file, as ArcGIS Pro writes it: the whole tile is one object of class
    ``value``."""
    root = ET.Element("annotation")
    ET.SubElement(root, "folder").text = "images"
    ET.SubElement(root, "filename").text = image
    extent = ET.SubElement(root, "size")
    for tag, number in (("width", size), ("height", size), ("depth", bands)):
        ET.SubElement(extent, tag).text = str(number)
    item = ET.SubElement(root, "object")
    ET.SubElement(item, "name").text = str(value)
    box = ET.SubElement(item, "bndbox")
    for tag, number in (("xmin", 0), ("ymin", 0), ("xmax", size), ("ymax", size)):
        ET.SubElement(box, tag).text = str(number)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def write_metadata(folder: str, entries: list[dict], tiles: list[str], size: int,
                   bands: int) -> None:
    """The export's .emd (its classes), stats file and map.txt, beside images/ and labels/."""
    with open(os.path.join(folder, DEFINITION_FILE), "w", encoding="utf-8") as file:
        json.dump({"ModelType": "ObjectClassification", "ImageHeight": size,
                   "ImageWidth": size, "ExtractBands": list(range(bands)),
                   "Classes": entries}, file, indent=2)
    with open(os.path.join(folder, STATS_FILE), "w", encoding="utf-8") as file:
        json.dump({"MetaDataMode": META_DATA_MODE, "NumTiles": len(tiles),
                   "ImageHeight": size, "ImageWidth": size, "NumBands": bands}, file, indent=2)
    with open(os.path.join(folder, MAP_FILE), "w", encoding="utf-8") as file:
        for tile in tiles:
            stem = os.path.splitext(tile)[0]
            file.write(f"images/{tile} labels/{stem}.xml\n")
