"""Reading a model package (.emd with its files, or a .dlpk) as data: the definition
checked, the weights loaded with ``weights_only=True``, the ONNX copy checked for external
data, nothing executed."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable

from ..data.multi_label import MULTI_LABELED_TILES
from ..data.normalization import Normalization
from ..errors import ModelPackageError, tr
from ..runtime.inputs import not_a_file
from .archive import MAX_PACKAGE_BYTES, extract_member, open_zip, safe_members
from .definition import (
    DELIMITER_KEY,
    MAX_DEFINITION_BYTES,
    META_DATA_MODE_KEY,
    MODEL_CONFIGURATION,
    ONNX_KEY,
    TEMPERATURE_KEY,
    THRESHOLDS_KEY,
    resize_to,
    validate_definition,
)

if TYPE_CHECKING:
    import torch


@dataclass
class ModelPackage:
    """A validated model definition with its weights, ready to build the model."""

    definition: dict
    state_dict: dict | None  # None when read for onnxruntime only
    path: str
    onnx: bytes | None = None  # the ONNX copy, where the package has one
    notes: list[str] = field(default_factory=list)  # for the log (e.g. an Esri package)

    @property
    def classes(self) -> list[str]:
        """The class names, in the network's output order."""
        return [str(c["Name"]) for c in self.definition["Classes"]]

    @property
    def backbone(self) -> str:
        """The backbone's name, as the .emd gives it."""
        return self.definition["Backbone"]

    @property
    def chip_size(self) -> int:
        """The side of the chips the model was trained on, in pixels."""
        return int(self.definition["ImageWidth"])

    @property
    def resize_to(self) -> int | None:
        """arcgis.learn's resize_to, where the model has one: chips are resized to it and then
        cropped to ``chip_size`` around the centre (core.data.imagery.fit_chip)."""
        return resize_to(self.definition)

    @property
    def temperature(self) -> float:
        """The logits' divisor that calibrates the confidence (1: none; packages saved before
        calibration, and Esri's, have none)."""
        return float(self.definition.get(TEMPERATURE_KEY, 1.0))

    @property
    def multi_label(self) -> bool:
        """Whether the model gives each label its own probability (a chip has several): Esri's
        MetaDataMode MultiLabeled_Tiles."""
        return self.definition.get(META_DATA_MODE_KEY) == MULTI_LABELED_TILES

    @property
    def thresholds(self) -> list[float]:
        """A multi-label model's threshold per label (0.5 each where the .emd gives none, as
        Esri's default score threshold)."""
        return [float(t) for t in self.definition.get(THRESHOLDS_KEY) or
                [0.5] * len(self.classes)]

    @property
    def label_delimiter(self) -> str:
        """What joins a multi-label model's labels in text."""
        return str(self.definition.get(DELIMITER_KEY, ";"))

    @property
    def band_count(self) -> int:
        """The number of bands the model reads."""
        return int(self.definition["BandCount"])

    @property
    def normalization(self) -> Normalization:
        """The normalisation the model was trained with."""
        return Normalization.from_dict(self.definition["Normalization"])

    def build_model(self) -> torch.nn.Module:
        """The torch model with the package's weights, in eval mode on the CPU."""
        model = _network(self.definition, self.state_dict)
        model.load_state_dict(self.state_dict)
        return model.eval()

    def build_model_for(self, classes: list[str]) -> tuple[torch.nn.Module, list[str]]:
        """The network with the package's weights and one output per class of ``classes``:
        the output rows of classes the package knows (by name) keep their weights, those of
        new classes start as initialised. Returns (the model, the new classes)."""
        from ..models.backbones import head_name

        model = _network(dict(self.definition, Classes=[{"Name": name} for name in classes]),
                         self.state_dict)
        head = head_name(model) + "."
        state = model.state_dict()
        rows = [self.classes.index(name) if name in self.classes else None for name in classes]
        for key, value in self.state_dict.items():
            if not key.startswith(head):
                state[key] = value
                continue
            for new_row, old_row in enumerate(rows):
                if old_row is not None:
                    state[key][new_row] = value[old_row]
        model.load_state_dict(state)
        return model, [name for name, row in zip(classes, rows) if row is None]


def load_package(path: str, torch_weights: bool = True) -> ModelPackage:
    """Read and validate a package from its .emd or .dlpk: the PyTorch weights (unless
    ``torch_weights`` is False: for onnxruntime, without PyTorch) and the ONNX copy. Of a
    .dlpk only the .emd and the files it names are unpacked, their sizes checked first."""
    special = not_a_file(path) if path else None
    if special:
        raise ModelPackageError(tr("{} is {}, not a model file. Choose a .emd or .dlpk "
                                   "file.").format(path, special))
    if not path or not os.path.isfile(path):
        raise ModelPackageError(tr("Model file not found: {}. Choose a .emd or .dlpk "
                                   "file.").format(path))
    lower = path.lower()
    if lower.endswith(".dlpk"):
        with tempfile.TemporaryDirectory(prefix="sceneclassifier-dlpk-") as folder:
            emd = _extract_definition(path, folder, torch_weights)
            package = _load_definition_file(emd, torch_weights,
                                            f"{path} ({os.path.relpath(emd, folder)})")
        package.path = path
        return package
    if lower.endswith(".emd"):
        return _load_definition_file(path, torch_weights)
    raise ModelPackageError(tr("{} is not a model package: choose a .emd or .dlpk file.").format(
                                path))


def _extract_definition(dlpk: str, folder: str, torch_weights: bool) -> str:
    """Unpack the .dlpk's one .emd into ``folder``, and the model files it names (the
    weights only with ``torch_weights``); returns the .emd's path there."""
    with open_zip(dlpk) as archive:
        members = safe_members(archive, dlpk)
        definitions = [name for name in members if name.lower().endswith(".emd")]
        if len(definitions) != 1:
            raise ModelPackageError(tr("{} holds {} .emd model definitions; a .dlpk "
                                       "must hold exactly one.").format(dlpk, len(definitions)))
        emd = extract_member(archive, members[definitions[0]], dlpk, folder,
                              MAX_DEFINITION_BYTES)
        definition, _ = read_definition(emd, dlpk)
        if isinstance(definition, dict):
            keys = (["ModelFile"] if torch_weights else []) + [ONNX_KEY]
            base = PurePosixPath(definitions[0]).parent
            for key in keys:
                named = definition.get(key)
                member = members.get(str(base / named.replace("\\", "/"))) \
                    if isinstance(named, str) else None
                if member is not None:
                    extract_member(archive, member, dlpk, folder, MAX_PACKAGE_BYTES)
        return emd


def find_definition(folder: str, dlpk: str) -> str:
    """The one .emd under ``folder`` (an unpacked ``dlpk``); ModelPackageError otherwise."""
    found = [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files
             if f.lower().endswith(".emd")]
    if len(found) != 1:
        raise ModelPackageError(
            tr("{} holds {} .emd model definitions; a .dlpk must hold exactly one.").format(
                dlpk, len(found)))
    return found[0]


def _load_definition_file(emd_path: str, torch_weights: bool,
                          source: str | None = None) -> ModelPackage:
    """Read an .emd and what it names; ``source`` names the package in messages (the .dlpk,
    not its extracted copy)."""
    from .esri import fastai_state, from_esri, is_esri_definition, refuse_foreign

    source = source or emd_path
    definition, notes = read_definition(emd_path, source)
    unwrap = None
    if isinstance(definition, dict) and is_esri_definition(definition):
        definition, esri_notes = from_esri(definition, source)
        notes, unwrap = notes + esri_notes, fastai_state
    elif isinstance(definition, dict):
        refuse_foreign(definition, source, MODEL_CONFIGURATION)
    validate_definition(definition, source)
    state = None
    if torch_weights:
        state = _load_weights(_package_file(emd_path, definition["ModelFile"], source),
                              unwrap)
        _check_weights_match(definition, state, source)
    return ModelPackage(definition, state, emd_path, read_onnx(emd_path, definition), notes)


def read_definition(emd_path: str, source: str) -> tuple[object, list[str]]:
    """The JSON of an .emd (a few kB, nested a few levels; larger or deeper is refused), and
    notes for the log where the file holds more than one JSON object (decode_definition)."""
    try:
        if os.path.getsize(emd_path) > MAX_DEFINITION_BYTES:
            raise ModelPackageError(tr("Model definition {} is larger than {} MiB; it "
                                       "is not one.").format(source, MAX_DEFINITION_BYTES >> 20))
        with open(emd_path, encoding="utf-8-sig") as file:
            return decode_definition(file.read(), source)
    except RecursionError:
        raise ModelPackageError(tr("Model definition {} is nested too deeply to be a "
                                   "model definition; refusing it.").format(source)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelPackageError(tr("Cannot read model definition {}: {}.").format(
                                    source, error)) from error


def decode_definition(text: str, source: str) -> tuple[object, list[str]]:
    """One JSON object, or, where an in-place edit left more behind it, the one meant:
    Esri's sample notebook edits its .emd with open(..., "r+") and json.dump, which writes
    the edited definition after the original (two objects: the second, edited one is used);
    an edit written over a longer original leaves a tail of its bytes (ignored). Either way a
    note names the file and says how to mend it."""
    decoder, values, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            break
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            if not values:
                raise
            value = end = None
        if values and not (isinstance(value, dict) and "ModelType" in value):  # a tail
            return values[-1], [f"Model definition {source} has {len(text) - position} bytes "
                                "after its JSON object (left by an edit in place); they were "
                                "ignored. Rewrite the file with only the JSON object."]
        values.append(value)
        position = end
    if not values:
        raise json.JSONDecodeError(tr("Expecting value"), text, 0)
    if len(values) == 1:
        return values[0], []
    return values[-1], [f"Model definition {source} holds {len(values)} JSON objects one "
                        "after the other, as an edit with open(..., 'r+') and json.dump (Esri's "
                        "sample notebook) leaves it; the last, edited one is used. Rewrite the "
                        "file with only that object (open it with 'w')."]


def read_onnx(emd_path: str, definition: dict) -> bytes | None:
    """The ONNX copy the .emd names, checked (core.onnx_model), or None without one."""
    from .onnx_copy import check_onnx

    name = definition.get(ONNX_KEY)
    if name is None:
        return None
    if not isinstance(name, str):
        raise ModelPackageError(tr("{}: '{}' should be a file name.").format(emd_path, ONNX_KEY))
    path = _package_file(emd_path, name, emd_path)
    if os.path.getsize(path) > MAX_PACKAGE_BYTES:
        raise ModelPackageError(tr("{} is larger than a model package may be.").format(path))
    with open(path, "rb") as file:
        data = file.read()
    check_onnx(data, path)
    return data


def _package_file(emd_path: str, model_file: str, source: str) -> str:
    """A file the .emd names (ModelFile, ModelFileONNX): it must lie in the package."""
    parts = PurePosixPath(model_file.replace("\\", "/")).parts
    if not parts or os.path.isabs(model_file) or ".." in parts:
        raise ModelPackageError(tr("{}: model files must lie inside the package folder, "
                                   "not '{}'.").format(source, model_file))
    folder = os.path.dirname(emd_path)
    path = os.path.join(folder, *parts)
    if not os.path.realpath(path).startswith(os.path.join(os.path.realpath(folder), "")):
        raise ModelPackageError(tr("Model file {} named by {} leads to {}, outside the "
                                   "package: a package is read only from its own "
                                   "folder.").format(model_file, source, os.path.realpath(path)))
    special = not_a_file(path)
    if special:
        raise ModelPackageError(tr("Model file {} named by {} is {}, not a file.").format(
                                    model_file, source, special))
    if not os.path.isfile(path):
        raise ModelPackageError(tr("Model file {} named by {} is missing.").format(
                                    model_file, source))
    return path


def _load_weights(path: str, unwrap: Callable[[object], object] | None = None) -> dict:
    """A state dict of tensors, loaded as data (``unwrap`` takes it out of a container)."""
    import torch

    from ..runtime.torch_files import NotData, load_data

    try:
        state = load_data(path)
    except NotData as error:
        raise ModelPackageError(
            tr("Refusing to load {}: it is not a plain PyTorch state dict ({}). Model "
               "files are data; files that need code to load are never run.").format(path, error)
        ) from error
    if unwrap is not None:
        state = unwrap(state)
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise ModelPackageError(tr("{} does not hold a state dict of tensors.").format(path))
    return state


def _network(definition: dict, state: dict | None = None) -> torch.nn.Module:
    """The untrained network a definition describes: ours, or arcgis.learn's (core.esri)."""
    from ..models.backbones import create_model
    from .esri import FASTAI_HEAD, fastai_classifier

    if definition.get("Head") == FASTAI_HEAD:
        return fastai_classifier(definition["Backbone"], len(definition["Classes"]), state,
                                 definition["BandCount"])
    return create_model(definition["Backbone"], len(definition["Classes"]),
                        definition["BandCount"])


def _check_weights_match(definition: dict, state: dict, source: str) -> None:
    """The weights fit the network the definition names: the network is laid out on
    PyTorch's meta device (shapes, no memory), so an .emd naming a giant backbone beside
    small weights is refused before gigabytes are allocated; names and shapes are compared
    as load_state_dict would."""
    import torch

    from ..models.backbones import head_name

    with torch.device("meta"):
        model = _network(definition, state)
    head = f"{head_name(model)}.weight"
    if head in state and state[head].shape[0] != len(definition["Classes"]):
        raise ModelPackageError(
            tr("{} lists {} classes but its weights have {} outputs: the .emd and .pth "
               "do not belong together.").format(
                source, len(definition['Classes']), state[head].shape[0]))
    expected = {name: tuple(value.shape) for name, value in model.state_dict().items()}
    given = {name: tuple(getattr(value, "shape", ())) for name, value in state.items()}
    missing = sorted(set(expected) - set(given))
    unexpected = sorted(set(given) - set(expected))
    wrong = [name for name in expected if name in given and expected[name] != given[name]]
    if missing or unexpected or wrong:
        first = (f"missing {missing[0]}" if missing else f"unexpected {unexpected[0]}"
                 if unexpected else f"{wrong[0]} is {given[wrong[0]]}, the model's "
                 f"{expected[wrong[0]]}")
        raise ModelPackageError(
            tr("The weights do not fit the {} model described by {}: {} missing, {} "
               "unexpected and {} mis-shaped tensors ({}).").format(
                definition['Backbone'], source, len(missing), len(unexpected), len(wrong), first))
