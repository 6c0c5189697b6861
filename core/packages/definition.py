"""The model definition (the package's .emd): Esri's object-classification keys and our
own, written (model_definition) and checked (validate_definition) in one place."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timezone

from .. import __version__
from ..data.imagery import MAX_CHIP_SIZE
from ..data.multi_label import MULTI_LABELED_TILES
from ..data.normalization import Normalization
from ..errors import ModelPackageError, tr
from .class_colors import class_colors

MODEL_TYPE = "ObjectClassification"


MODEL_CONFIGURATION = "SceneClassifier"


FRAMEWORK = "PyTorch"


ONNX_KEY = "ModelFileONNX"  # the .emd key naming the ONNX copy
TEMPERATURE_KEY = "Temperature"  # the logits' divisor that calibrates the confidence
# Several labels a chip: Esri's mark (its exports' MetaDataMode), each label's threshold (in
# the order of Classes), and the delimiter joining labels in text
META_DATA_MODE_KEY = "MetaDataMode"
THRESHOLDS_KEY, DELIMITER_KEY = "Thresholds", "LabelDelimiter"
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.01, 100.0


MAX_DEFINITION_BYTES = 16 * 1024**2  # an .emd is a few kB; more is not a model definition


INT32 = (-2**31, 2**31 - 1)  # class values are written to 32-bit integer fields


SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,99}$")


REQUIRED_KEYS: dict[str, type | tuple[type, ...]] = {
    "Framework": str,
    "ModelType": str,
    "ModelFile": str,
    "ModelName": str,
    "ImageHeight": int,
    "ImageWidth": int,
    "ExtractBands": list,
    "Classes": list,
    "Backbone": str,
    "BandCount": int,
    "Normalization": dict,
}


def check_model_name(name: str) -> str:
    """Model names become file names: letters, digits, space, '_', '-', '.' only."""
    name = (name or "").strip()
    if not SAFE_NAME.match(name) or name in (".", ".."):
        raise ModelPackageError(
            tr("Model name '{}' cannot be used as a file name. Use letters, digits, "
               "spaces, '_', '-' or '.', starting with a letter or digit (at most 100 "
               "characters).").format(name)
        )
    return name


def class_entries(classes: list[str], given: dict[str, dict] | None = None) -> list[dict]:
    """Esri's Classes list: Value, Name, Color. Classes ``given`` entries (those of a Labeled
    Tiles export) keep their value and colour; the others are numbered from 1 (like Esri),
    after the largest given value, in conventional land-cover colours."""
    given = given or {}
    colors = class_colors(classes)
    free = max((int(entry["Value"]) for entry in given.values()), default=0) + 1
    entries = []
    for name, color in zip(classes, colors):
        entry = given.get(name)
        if entry is not None and len(entry.get("Color") or []) == 3:
            entries.append({"Value": int(entry["Value"]), "Name": name,
                            "Color": [int(c) for c in entry["Color"]]})
        elif entry is not None:
            entries.append({"Value": int(entry["Value"]), "Name": name, "Color": list(color)})
        else:
            entries.append({"Value": free, "Name": name, "Color": list(color)})
            free += 1
    return entries


def validate_definition(definition: object, source: str = "model definition") -> None:
    """Raise ModelPackageError naming the first missing or mistyped key."""
    if not isinstance(definition, dict):
        raise ModelPackageError(tr("{} is not a JSON object.").format(source))
    for key, kind in REQUIRED_KEYS.items():
        if key not in definition:
            raise ModelPackageError(tr("{} has no '{}' key; it was not written by Scene "
                                       "Classifier or is damaged.").format(source, key))
        value = definition[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ModelPackageError(tr("{}: '{}' should be a {}, not {}.").format(
                                        source, key, kind.__name__, type(value).__name__))
    not_finite = first_non_finite(definition)
    if not_finite:
        raise ModelPackageError(tr("{}: '{}' is not a finite number (NaN or infinity); "
                                   "the package is damaged or was trained badly.").format(
                                    source, not_finite))
    if definition["ModelType"] != MODEL_TYPE:
        raise ModelPackageError(tr("{}: ModelType is '{}'; Scene Classifier runs '{}' "
                                   "models only.").format(
                                    source, definition['ModelType'], MODEL_TYPE))
    if not 8 <= definition["ImageWidth"] <= MAX_CHIP_SIZE or definition["ImageHeight"] != \
            definition["ImageWidth"]:
        raise ModelPackageError(tr("{}: ImageWidth/ImageHeight must be equal, 8 to {}.").format(
                                    source, MAX_CHIP_SIZE))
    calibration = definition.get(TEMPERATURE_KEY, 1.0)
    if isinstance(calibration, bool) or not isinstance(calibration, (int, float)) or \
            not MIN_TEMPERATURE <= calibration <= MAX_TEMPERATURE:
        raise ModelPackageError(tr("{}: {} must be a number from {} to {} (the "
                                   "calibration of the confidence), not {!r}.").format(
                                    source, TEMPERATURE_KEY, MIN_TEMPERATURE, MAX_TEMPERATURE,
                                    calibration))
    if definition.get(META_DATA_MODE_KEY) == MULTI_LABELED_TILES:
        _check_thresholds(definition, source)
    if definition.get("resize_to") is not None and resize_to(definition) is None:
        raise ModelPackageError(tr("{}: resize_to must be a size in pixels from "
                                   "ImageWidth to {} (one number, or two equal ones), "
                                   "not {!r}.").format(
                                    source, MAX_CHIP_SIZE, definition['resize_to']))
    bands = definition["BandCount"]
    if not 1 <= bands <= 64 or len(definition["ExtractBands"]) != bands or not all(
            isinstance(b, int) and not isinstance(b, bool) and b >= 0
            for b in definition["ExtractBands"]):
        raise ModelPackageError(tr("{}: ExtractBands must list BandCount band indexes.").format(
                                    source))
    classes = definition["Classes"]
    if len(classes) < 2 or not all(isinstance(c, dict) and isinstance(c.get("Name"), str)
                                   and isinstance(c.get("Value"), int) for c in classes):
        raise ModelPackageError(tr("{}: Classes must list at least 2 {{Value, Name}} "
                                   "entries.").format(source))
    values = [c["Value"] for c in classes]
    outside = [v for v in values if not INT32[0] <= v <= INT32[1]]
    if outside or len(set(values)) != len(values):
        raise ModelPackageError(
            tr("{}: Classes' Values must be distinct whole numbers from {} to {} (they "
               "are written to integer fields); found {}.").format(
                source, INT32[0], INT32[1], outside[0] if outside else 'a value given twice'))
    try:
        normalization = Normalization.from_dict(definition["Normalization"])
    except (KeyError, TypeError, ValueError) as error:
        raise ModelPackageError(tr("{}: Normalization is invalid ({}).").format(
                                    source, error)) from error
    if len(normalization.mean) != bands or len(normalization.std) != bands or \
            not all(s > 0 for s in normalization.std) or normalization.scale <= 0:
        raise ModelPackageError(tr("{}: Normalization needs a positive scale and one "
                                   "mean and positive std per band.").format(source))
    from ..models.backbones import BACKBONES, is_timm
    from .esri import FASTAI_BACKBONES, FASTAI_HEAD

    if definition["Backbone"] not in (
            FASTAI_BACKBONES if definition.get("Head") == FASTAI_HEAD else BACKBONES) and \
            not is_timm(definition["Backbone"]):
        raise ModelPackageError(tr("{}: unknown backbone '{}'.").format(
                                    source, definition['Backbone']))


def resize_to(definition: dict) -> int | None:
    """arcgis.learn's ``resize_to`` (images resized to it, then cropped to ImageWidth) as
    one size, or None where there is none or it is not one such size."""
    value = definition.get("resize_to")
    if isinstance(value, list) and len(value) == 2 and value[0] == value[1]:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int) or \
            not definition["ImageWidth"] <= value <= MAX_CHIP_SIZE:
        return None
    return value


def first_non_finite(value: object) -> str | None:
    """The key path (e.g. 'Normalization.Std[2]') of the first NaN or infinite number in a
    JSON value, or None; walked without recursion."""
    pending: list[tuple[str, object]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return path
        if isinstance(item, dict):
            pending.extend((f"{path}.{key}" if path else str(key), child)
                           for key, child in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child)
                           for index, child in reversed(list(enumerate(item))))
    return None


def model_definition(*, name: str, backbone: str, classes: list[str], chip_size: int,
                     band_count: int, data_type: str, normalization: Normalization,
                     learning_rate: float, epochs_run: int, best_epoch: int,
                     best_accuracy: float, per_class: list[dict], data_summary: dict,
                     exported_classes: dict[str, dict] | None = None,
                     temperature: float | None = 1.0, thresholds: list[float] | None = None,
                     label_delimiter: str | None = None) -> dict:
    """The .emd content: Esri's object-classification keys followed by our own; the class
    values and colours of a Labeled Tiles export (``exported_classes``) are kept;
    ``temperature`` calibrates the confidence (core.inference.calibration); a multi-label
    model (``thresholds``: each label's) is marked as Esri marks one, with its thresholds
    and ``label_delimiter``."""
    skipped = data_summary.get("skipped", [])
    several = {META_DATA_MODE_KEY: MULTI_LABELED_TILES,
               THRESHOLDS_KEY: [round(float(t), 4) for t in thresholds],
               DELIMITER_KEY: label_delimiter or ";"} if thresholds is not None else {}
    calibration = {TEMPERATURE_KEY: round(float(temperature), 4)} \
        if temperature is not None else {}
    return {
        "Framework": FRAMEWORK,
        "ModelType": MODEL_TYPE,
        "ModelConfiguration": MODEL_CONFIGURATION,
        "ModelFile": f"{name}.pth",
        "ModelName": name,
        "ImageHeight": chip_size,
        "ImageWidth": chip_size,
        **({"resize_to": data_summary["resize_to"]} if data_summary.get("resize_to") else {}),
        "ExtractBands": list(range(band_count)),
        "Classes": class_entries(classes, exported_classes),
        "CropSizeFixed": 1,
        "BlackenAroundFeature": 0,
        "ImageSpaceUsed": "PIXEL_SPACE",
        **several,
        "ModelParameters": {"backbone": backbone},  # where arcgis.learn keeps it
        "IsMultispectral": not (band_count == 3 and data_type == "uint8"),
        **_normalization_stats(normalization),
        **_cell_size_keys(data_summary.get("cell_sizes")),
        "Backbone": backbone,
        "BandCount": band_count,
        "DataType": data_type,
        "Normalization": normalization.to_dict(),
        "LearningRate": learning_rate,
        "EpochsRun": epochs_run,
        "BestEpoch": best_epoch,
        "BestValidationAccuracy": best_accuracy,
        **calibration,
        "PerClassMetrics": per_class,
        "TrainingData": {
            "Folders": data_summary["folders"],
            "ClassCounts": data_summary["class_counts"],
            "TrainCount": data_summary["train_count"],
            "ValidCount": data_summary["valid_count"],
            "SkippedCount": len(skipped),
        },
        "PluginVersion": __version__,
        "CreatedAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _check_thresholds(definition: dict, source: str) -> None:
    """A multi-label model's Thresholds (absent: 0.5 each, as Esri's score threshold): one
    number from 0 to 1 per class; its LabelDelimiter one character or a short string."""
    thresholds = definition.get(THRESHOLDS_KEY)
    if thresholds is not None and (
            not isinstance(thresholds, list) or len(thresholds) != len(definition["Classes"])
            or not all(isinstance(t, (int, float)) and not isinstance(t, bool) and 0 <= t <= 1
                       for t in thresholds)):
        raise ModelPackageError(tr("{}: {} must list one number from 0 to 1 per class "
                                   "(each label's threshold).").format(source, THRESHOLDS_KEY))
    delimiter = definition.get(DELIMITER_KEY, ";")
    if not isinstance(delimiter, str) or not 1 <= len(delimiter) <= 3:
        raise ModelPackageError(tr("{}: {} must be a short text (e.g. ';').").format(
                                    source, DELIMITER_KEY))


def _cell_size_keys(cell_sizes: Sequence[float] | None) -> dict:
    """MinCellSize and MaxCellSize (map units per chip pixel) where the training chips
    said them (chips.csv of Export training chips)."""
    if not cell_sizes:
        return {}
    return {"MinCellSize": float(cell_sizes[0]), "MaxCellSize": float(cell_sizes[1])}


def _normalization_stats(normalization: Normalization) -> dict:
    """Esri's NormalizationStats where the normalisation is not ImageNet's: arcgis.learn's
    ((x - min) / (max - min) - scaled mean) / scaled std, which is ours with min 0 and max
    our scale (core.esri reads it back the same way)."""
    if normalization == Normalization.imagenet():
        return {}
    bands = len(normalization.mean)
    return {"NormalizationStats": {
        "band_min_values": [0.0] * bands, "band_max_values": [normalization.scale] * bands,
        "scaled_mean_values": list(normalization.mean),
        "scaled_std_values": list(normalization.std)}}
