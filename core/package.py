"""Model packages: ``<name>/<name>.emd`` (JSON), ``<name>.pth`` (weights), ``<name>.onnx``
(the same network for onnxruntime) and ``<name>.dlpk`` (all in one file).

The .emd keeps the keys of Esri's object-classification model definition plus our own. A
package is data: weights load with ``weights_only=True``, the ONNX copy may keep nothing in
other files, nothing in a package is executed, and .dlpk entries that would leave their
folder are refused.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Callable

from . import __version__
from .class_colors import class_colors
from .errors import Cancelled, ModelPackageError, OutputError
from .normalization import Normalization
from .outputs import check_apart, new_folder

MODEL_TYPE = "ObjectClassification"
MODEL_CONFIGURATION = "SceneClassifier"
FRAMEWORK = "PyTorch"
ONNX_KEY = "ModelFileONNX"  # the .emd key naming the ONNX copy
MAX_PACKAGE_BYTES = 4 * 1024**3
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


@dataclass
class PackagePaths:
    """Where a saved package lives."""

    folder: str
    definition: str
    weights: str
    dlpk: str
    report: str
    onnx: str

    @classmethod
    def in_folder(cls, folder: str, name: str) -> PackagePaths:
        """The files of package ``name`` in ``folder``: nothing else is ever in it."""
        return cls(folder, *(os.path.join(folder, f"{name}{suffix}")
                             for suffix in (".emd", ".pth", ".dlpk", "_report.html", ".onnx")))

    def files(self) -> set[str]:
        return {os.path.basename(path) for path in (self.definition, self.weights, self.dlpk,
                                                    self.report, self.onnx)}

    def __fspath__(self) -> str:  # os.fspath(paths) and open() see the package folder
        return self.folder

    def __str__(self) -> str:
        return self.folder


def check_model_name(name: str) -> str:
    """Model names become file names: letters, digits, space, '_', '-', '.' only."""
    name = (name or "").strip()
    if not SAFE_NAME.match(name) or name in (".", ".."):
        raise ModelPackageError(
            f"Model name '{name}' cannot be used as a file name. Use letters, digits, spaces, "
            "'_', '-' or '.', starting with a letter or digit (at most 100 characters)."
        )
    return name


def class_entries(classes: list[str]) -> list[dict]:
    """Esri's Classes list: Value (1-based like Esri), Name, Color."""
    return [{"Value": i + 1, "Name": name, "Color": list(color)}
            for i, (name, color) in enumerate(zip(classes, class_colors(classes)))]


def check_package_target(output_folder: str, name: str, overwrite: bool,
                         input_folders: Sequence[str] = ()) -> str:
    """Refuse, before any work, a package folder ``output_folder/name`` that would replace
    something other than an earlier package of ours, or an earlier package unless
    ``overwrite``, or that is, contains or lies inside an input folder; returns the name."""
    name = check_model_name(name)
    target = os.path.join(os.path.abspath(output_folder), name)
    check_apart(target, "model folder", input_folders, "training data folder")
    if os.path.isfile(output_folder):
        raise OutputError(f"Output folder {os.path.abspath(output_folder)} is a file, not a "
                          "folder. Choose a folder.")
    if not os.path.lexists(target):
        return name
    if not os.path.isdir(target) or os.path.islink(target):
        raise OutputError(f"{target} exists and is not a model package folder; nothing was "
                          "changed. Choose another MODEL_NAME or OUTPUT_FOLDER.")
    paths = PackagePaths.in_folder(target, name)
    others = sorted(set(os.listdir(target)) - paths.files())
    if others or not _is_our_definition(paths.definition):
        shown = f" (it holds {', '.join(others[:5])}{' …' if len(others) > 5 else ''})" \
            if others else ""
        raise OutputError(f"{target} exists and is not a Scene Classifier model package"
                          f"{shown}; nothing was changed. Choose another MODEL_NAME or "
                          "OUTPUT_FOLDER.")
    if not overwrite:
        raise OutputError(f"A model package already exists in {target}. Choose another "
                          "MODEL_NAME, or set OVERWRITE to replace it (the old package is "
                          "replaced only once the new one is complete).")
    return name


def _is_our_definition(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as file:
            definition = json.load(file)
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(definition, dict) and definition.get("ModelConfiguration") == \
        MODEL_CONFIGURATION


def save_package(output_folder: str, name: str, state_dict: dict, definition: dict,
                 write_report: Callable[[str], None] | None = None, overwrite: bool = False,
                 input_folders: Sequence[str] = (),
                 write_onnx: Callable[[str], None] | None = None,
                 log: Callable[[str], None] | None = None) -> PackagePaths:
    """Write the package into a temporary folder, then move it to ``output_folder/name``;
    ``write_onnx(path)`` writes the network's ONNX copy (named in the .emd) where the
    exporter can run: without it the package is saved all the same, and ``log`` says why
    there is no copy and how to add one later.

    An earlier package of the same name is replaced, with ``overwrite``, only once the new
    one is complete; anything else there is never replaced (check_package_target).
    """
    from .torch_files import save_data

    name = check_package_target(output_folder, name, overwrite, input_folders)
    output_folder = os.path.abspath(output_folder)
    os.makedirs(output_folder, exist_ok=True)
    final = os.path.join(output_folder, name)
    staging = new_folder(output_folder, f".{name}.partial-")  # becomes the package folder
    staged = PackagePaths.in_folder(staging, name)
    try:
        definition = dict(definition, ModelFile=os.path.basename(staged.weights), ModelName=name)
        validate_definition(definition)
        save_data(state_dict, staged.weights, "the model's weights")
        if write_report is not None:
            write_report(staged.report)
        if write_onnx is not None:
            definition = _with_onnx_copy(definition, staged, write_onnx,
                                         PackagePaths.in_folder(final, name).definition, log)
        with open(staged.definition, "w", encoding="utf-8") as file:
            json.dump(definition, file, indent=2, allow_nan=False)  # strict JSON
        _zip_folder(staging, staged.dlpk)
        _replace_folder(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PackagePaths.in_folder(final, name)


def _with_onnx_copy(definition: dict, staged: PackagePaths, write_onnx: Callable[[str], None],
                    final_definition: str, log: Callable[[str], None] | None) -> dict:
    """The definition naming the ONNX copy ``write_onnx`` wrote into the staged package,
    checked as it will be read; unchanged, with the reason and the way to add the copy later
    in ``log``, where the exporter is missing or fails (the copy is optional)."""
    from .deps import pip_command
    from .onnx_model import exporter_missing

    reason = exporter_missing()
    if reason is None:
        try:
            write_onnx(staged.onnx)
            with_copy = dict(definition, **{ONNX_KEY: os.path.basename(staged.onnx)})
            _read_onnx(staged.definition, with_copy)
            return with_copy
        except Cancelled:
            raise
        except Exception as error:  # noqa: BLE001 - any exporter failure: save without it
            reason = f"the ONNX export failed ({type(error).__name__}: {error})"
            if os.path.exists(staged.onnx):
                os.remove(staged.onnx)
    if log is not None:
        log(f"The package has no ONNX copy ({reason}); it classifies with PyTorch. To "
            "classify it without PyTorch (onnxruntime) too, install onnx with\n  "
            f"{pip_command('onnx')}\nthen, in Python: from scene_classifier.core.package "
            f"import add_onnx_copy; add_onnx_copy({final_definition!r})")
    return definition


def add_onnx_copy(path: str) -> str:
    """Give a package saved before packages carried an ONNX copy its ``<name>.onnx`` (named
    in the .emd, and inside the .dlpk), so that it classifies without PyTorch; needs PyTorch.
    ``path`` is the package's .emd (its .dlpk beside it is rebuilt) or a lone .dlpk (rebuilt
    in place). Returns the path of the .onnx, or of the .dlpk that holds it."""
    from .onnx_model import export_onnx

    if path.lower().endswith(".dlpk"):
        with tempfile.TemporaryDirectory(prefix="sceneclassifier-dlpk-") as folder:
            safe_extract(path, folder)
            add_onnx_copy(_find_definition(folder, path))
            _zip_folder(folder, path)
        return path
    package = load_package(path)
    name = os.path.splitext(os.path.basename(path))[0]
    target = os.path.join(os.path.dirname(path), f"{name}.onnx")
    export_onnx(package.build_model(), package.band_count, package.chip_size, target)
    definition = dict(package.definition, **{ONNX_KEY: os.path.basename(target)})
    _read_onnx(path, definition)
    from .report import write_atomic

    write_atomic(path, json.dumps(definition, indent=2, allow_nan=False))
    dlpk = os.path.join(os.path.dirname(path), f"{name}.dlpk")
    if os.path.isfile(dlpk):
        _zip_folder(os.path.dirname(path), dlpk)
    return target


def _zip_folder(folder: str, zip_path: str) -> None:
    """The package's files (not an earlier .dlpk) into ``zip_path``, replaced at the end."""
    partial = zip_path + ".partial"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if os.path.isfile(path) and path not in (partial, zip_path) and \
                    not entry.lower().endswith(".dlpk"):
                archive.write(path, entry)
    os.replace(partial, zip_path)


def _replace_folder(staging: str, final: str) -> None:
    old = None
    if os.path.exists(final):
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(final)}.old-",
                               dir=os.path.dirname(final))
        os.rmdir(old)
        os.replace(final, old)
    os.replace(staging, final)
    if old:
        shutil.rmtree(old, ignore_errors=True)


# --- reading ---------------------------------------------------------------------------------
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
        return [str(c["Name"]) for c in self.definition["Classes"]]

    @property
    def backbone(self) -> str:
        return self.definition["Backbone"]

    @property
    def chip_size(self) -> int:
        return int(self.definition["ImageWidth"])

    @property
    def band_count(self) -> int:
        return int(self.definition["BandCount"])

    @property
    def normalization(self) -> Normalization:
        return Normalization.from_dict(self.definition["Normalization"])

    def build_model(self):
        """The torch model with the package's weights, in eval mode on the CPU."""
        model = _network(self.definition, self.state_dict)
        model.load_state_dict(self.state_dict)
        return model.eval()


def load_package(path: str, torch_weights: bool = True) -> ModelPackage:
    """Read and validate a package from its .emd or .dlpk: the PyTorch weights (unless
    ``torch_weights`` is False: for onnxruntime, without PyTorch) and the ONNX copy. Of a
    .dlpk only the .emd and the files it names are unpacked, their sizes checked first."""
    if not path or not os.path.isfile(path):
        raise ModelPackageError(f"Model file not found: {path}. Choose a .emd or .dlpk file.")
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
    raise ModelPackageError(f"{path} is not a model package: choose a .emd or .dlpk file.")


def _extract_definition(dlpk: str, folder: str, torch_weights: bool) -> str:
    """Unpack the .dlpk's one .emd into ``folder``, and the model files it names (the
    weights only with ``torch_weights``); returns the .emd's path there."""
    with _open_zip(dlpk) as archive:
        members = _safe_members(archive, dlpk)
        definitions = [name for name in members if name.lower().endswith(".emd")]
        if len(definitions) != 1:
            raise ModelPackageError(f"{dlpk} holds {len(definitions)} .emd model definitions; "
                                    "a .dlpk must hold exactly one.")
        emd = _extract_member(archive, members[definitions[0]], dlpk, folder,
                              MAX_DEFINITION_BYTES)
        definition = _read_definition(emd, dlpk)
        if isinstance(definition, dict):
            keys = (["ModelFile"] if torch_weights else []) + [ONNX_KEY]
            base = PurePosixPath(definitions[0]).parent
            for key in keys:
                named = definition.get(key)
                member = members.get(str(base / named.replace("\\", "/"))) \
                    if isinstance(named, str) else None
                if member is not None:
                    _extract_member(archive, member, dlpk, folder, MAX_PACKAGE_BYTES)
        return emd


def _find_definition(folder: str, dlpk: str) -> str:
    found = [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files
             if f.lower().endswith(".emd")]
    if len(found) != 1:
        raise ModelPackageError(
            f"{dlpk} holds {len(found)} .emd model definitions; a .dlpk must hold exactly one.")
    return found[0]


def _load_definition_file(emd_path: str, torch_weights: bool,
                          source: str | None = None) -> ModelPackage:
    """Read an .emd and what it names; ``source`` names the package in messages (the .dlpk,
    not its extracted copy)."""
    from .esri import fastai_state, from_esri, is_esri_definition

    source = source or emd_path
    definition = _read_definition(emd_path, source)
    notes, unwrap = [], None
    if isinstance(definition, dict) and is_esri_definition(definition):
        definition, notes = from_esri(definition, source)
        unwrap = fastai_state
    validate_definition(definition, source)
    state = None
    if torch_weights:
        state = _load_weights(_package_file(emd_path, definition["ModelFile"], source),
                              unwrap)
        _check_weights_match(definition, state, source)
    return ModelPackage(definition, state, emd_path, _read_onnx(emd_path, definition), notes)


def _read_definition(emd_path: str, source: str) -> object:
    """The JSON of an .emd: a few kB, nested a few levels; larger or deeper is refused."""
    try:
        if os.path.getsize(emd_path) > MAX_DEFINITION_BYTES:
            raise ModelPackageError(f"Model definition {source} is larger than "
                                    f"{MAX_DEFINITION_BYTES >> 20} MiB; it is not one.")
        with open(emd_path, encoding="utf-8") as file:
            return json.load(file)
    except RecursionError:
        raise ModelPackageError(f"Model definition {source} is nested too deeply to be a "
                                "model definition; refusing it.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelPackageError(f"Cannot read model definition {source}: {error}.") from error


def _read_onnx(emd_path: str, definition: dict) -> bytes | None:
    """The ONNX copy the .emd names, checked (core.onnx_model), or None without one."""
    from .onnx_model import check_onnx

    name = definition.get(ONNX_KEY)
    if name is None:
        return None
    if not isinstance(name, str):
        raise ModelPackageError(f"{emd_path}: '{ONNX_KEY}' should be a file name.")
    path = _package_file(emd_path, name, emd_path)
    if os.path.getsize(path) > MAX_PACKAGE_BYTES:
        raise ModelPackageError(f"{path} is larger than a model package may be.")
    with open(path, "rb") as file:
        data = file.read()
    check_onnx(data, path)
    return data


def validate_definition(definition: object, source: str = "model definition") -> None:
    """Raise ModelPackageError naming the first missing or mistyped key."""
    if not isinstance(definition, dict):
        raise ModelPackageError(f"{source} is not a JSON object.")
    for key, kind in REQUIRED_KEYS.items():
        if key not in definition:
            raise ModelPackageError(f"{source} has no '{key}' key; it was not written by "
                                    "Scene Classifier or is damaged.")
        value = definition[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ModelPackageError(f"{source}: '{key}' should be a {kind.__name__}, "
                                    f"not {type(value).__name__}.")
    not_finite = first_non_finite(definition)
    if not_finite:
        raise ModelPackageError(f"{source}: '{not_finite}' is not a finite number (NaN or "
                                "infinity); the package is damaged or was trained badly.")
    if definition["ModelType"] != MODEL_TYPE:
        raise ModelPackageError(f"{source}: ModelType is '{definition['ModelType']}'; "
                                f"Scene Classifier runs '{MODEL_TYPE}' models only.")
    if not 8 <= definition["ImageWidth"] <= 4096 or definition["ImageHeight"] != \
            definition["ImageWidth"]:
        raise ModelPackageError(f"{source}: ImageWidth/ImageHeight must be equal, 8 to 4096.")
    bands = definition["BandCount"]
    if not 1 <= bands <= 64 or len(definition["ExtractBands"]) != bands or not all(
            isinstance(b, int) and not isinstance(b, bool) and b >= 0
            for b in definition["ExtractBands"]):
        raise ModelPackageError(f"{source}: ExtractBands must list BandCount band indexes.")
    classes = definition["Classes"]
    if len(classes) < 2 or not all(isinstance(c, dict) and isinstance(c.get("Name"), str)
                                   and isinstance(c.get("Value"), int) for c in classes):
        raise ModelPackageError(f"{source}: Classes must list at least 2 {{Value, Name}} entries.")
    values = [c["Value"] for c in classes]
    outside = [v for v in values if not INT32[0] <= v <= INT32[1]]
    if outside or len(set(values)) != len(values):
        raise ModelPackageError(
            f"{source}: Classes' Values must be distinct whole numbers from {INT32[0]} to "
            f"{INT32[1]} (they are written to integer fields); found "
            f"{outside[0] if outside else 'a value given twice'}.")
    try:
        normalization = Normalization.from_dict(definition["Normalization"])
    except (KeyError, TypeError, ValueError) as error:
        raise ModelPackageError(f"{source}: Normalization is invalid ({error}).") from error
    if len(normalization.mean) != bands or len(normalization.std) != bands or \
            not all(s > 0 for s in normalization.std) or normalization.scale <= 0:
        raise ModelPackageError(f"{source}: Normalization needs a positive scale and one mean "
                                "and positive std per band.")
    from .backbones import BACKBONES, is_timm
    from .esri import FASTAI_BACKBONES, FASTAI_HEAD

    if definition["Backbone"] not in (
            FASTAI_BACKBONES if definition.get("Head") == FASTAI_HEAD else BACKBONES) and \
            not is_timm(definition["Backbone"]):
        raise ModelPackageError(f"{source}: unknown backbone '{definition['Backbone']}'.")


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


def _package_file(emd_path: str, model_file: str, source: str) -> str:
    """A file the .emd names (ModelFile, ModelFileONNX): it must lie in the package."""
    parts = PurePosixPath(model_file.replace("\\", "/")).parts
    if not parts or os.path.isabs(model_file) or ".." in parts:
        raise ModelPackageError(f"{source}: model files must lie inside the package "
                                f"folder, not '{model_file}'.")
    path = os.path.join(os.path.dirname(emd_path), *parts)
    if not os.path.isfile(path):
        raise ModelPackageError(f"Model file {model_file} named by {source} is missing.")
    return path


def _load_weights(path: str, unwrap: Callable[[object], object] | None = None) -> dict:
    """A state dict of tensors, loaded as data (``unwrap`` takes it out of a container)."""
    import torch

    from .torch_files import NotData, load_data

    try:
        state = load_data(path)
    except NotData as error:
        raise ModelPackageError(
            f"Refusing to load {path}: it is not a plain PyTorch state dict ({error}). Model "
            "files are data; files that need code to load are never run."
        ) from error
    if unwrap is not None:
        state = unwrap(state)
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise ModelPackageError(f"{path} does not hold a state dict of tensors.")
    return state


def _network(definition: dict, state: dict | None = None):
    """The untrained network a definition describes: ours, or arcgis.learn's (core.esri)."""
    from .backbones import create_model
    from .esri import FASTAI_HEAD, fastai_classifier

    if definition.get("Head") == FASTAI_HEAD:
        return fastai_classifier(definition["Backbone"], len(definition["Classes"]), state,
                                 definition["BandCount"])
    return create_model(definition["Backbone"], len(definition["Classes"]),
                        definition["BandCount"])


def _check_weights_match(definition: dict, state: dict, source: str) -> None:
    from .backbones import head_name

    model = _network(definition, state)
    head = f"{head_name(model)}.weight"
    if head in state and state[head].shape[0] != len(definition["Classes"]):
        raise ModelPackageError(
            f"{source} lists {len(definition['Classes'])} classes but its weights have "
            f"{state[head].shape[0]} outputs: the .emd and .pth do not belong together.")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        first = str(error).splitlines()[0]
        raise ModelPackageError(f"The weights do not fit the {definition['Backbone']} model "
                                f"described by {source}: {first}") from error


def safe_extract(zip_path: str, target: str, max_bytes: int = MAX_PACKAGE_BYTES) -> None:
    """Extract a whole zip, refusing absolute paths, '..', links and oversized content
    (declared sizes checked before anything is written)."""
    root = os.path.realpath(target)
    with _open_zip(zip_path) as archive:
        members = _safe_members(archive, zip_path)
        declared = sum(info.file_size for info in members.values())
        if declared > max_bytes:
            raise ModelPackageError(f"{zip_path} unpacks to more than {max_bytes >> 20} MiB; "
                                    "refusing it.")
        remaining = max_bytes
        for info in archive.infolist():
            if info.is_dir():
                os.makedirs(os.path.join(root, *PurePosixPath(info.filename).parts),
                            exist_ok=True)
            else:
                _extract_member(archive, info, zip_path, root, remaining)
                remaining -= info.file_size


@contextmanager
def _open_zip(zip_path: str) -> Iterator[zipfile.ZipFile]:
    """The zip, open; a damaged one raises ModelPackageError naming it."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModelPackageError(f"{zip_path} is not a valid .dlpk (zip) file: {error}.") from error
    try:
        with archive:
            yield archive
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError) as error:
        raise ModelPackageError(f"{zip_path} is a damaged .dlpk (zip) file: {error}.") from error
    except OSError as error:  # entries that clash (a file and a folder of one name), too long
        raise ModelPackageError(f"{zip_path} cannot be unpacked: {error.strerror} "
                                f"({os.path.basename(error.filename or '')}).") from error


def _safe_members(archive: zipfile.ZipFile, zip_path: str) -> dict[str, zipfile.ZipInfo]:
    """The files of a zip by their normalised name; an entry that would leave the folder
    (absolute path, '..', a drive, a link) or has no name refuses the whole zip."""
    members = {}
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        if not parts or name.startswith("/") or ".." in parts or is_link or ":" in parts[0]:
            raise ModelPackageError(
                f"{zip_path} has an unsafe entry '{info.filename}' (absolute path, '..' or "
                "link); refusing to extract it.")
        if not info.is_dir():
            members[str(PurePosixPath(*parts))] = info
    return members


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: str,
                    root: str, max_bytes: int) -> str:
    """Write one checked member (_safe_members) under ``root``, at most ``max_bytes``
    (declared and read); returns its path."""
    if info.file_size > max_bytes:
        raise ModelPackageError(f"{zip_path}: '{info.filename}' unpacks to more than "
                                f"{max_bytes >> 20} MiB; refusing it.")
    root = os.path.realpath(root)
    destination = os.path.join(root, *PurePosixPath(info.filename.replace("\\", "/")).parts)
    if not os.path.realpath(destination).startswith(root + os.sep):
        raise ModelPackageError(f"{zip_path} has an unsafe entry '{info.filename}'; refusing "
                                "to extract it.")
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    written = 0
    with archive.open(info) as source, open(destination, "wb") as out:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                raise ModelPackageError(f"{zip_path} unpacks to more than {max_bytes >> 20} "
                                        "MiB; refusing it.")
            out.write(chunk)
    return destination


def model_definition(*, name: str, backbone: str, classes: list[str], chip_size: int,
                     band_count: int, data_type: str, normalization: Normalization,
                     learning_rate: float, epochs_run: int, best_epoch: int,
                     best_accuracy: float, per_class: list[dict], data_summary: dict) -> dict:
    """The .emd content: Esri's object-classification keys followed by our own."""
    skipped = data_summary.get("skipped", [])
    return {
        "Framework": FRAMEWORK,
        "ModelType": MODEL_TYPE,
        "ModelConfiguration": MODEL_CONFIGURATION,
        "ModelFile": f"{name}.pth",
        "ModelName": name,
        "ImageHeight": chip_size,
        "ImageWidth": chip_size,
        "ExtractBands": list(range(band_count)),
        "Classes": class_entries(classes),
        "CropSizeFixed": 1,
        "BlackenAroundFeature": 0,
        "ImageSpaceUsed": "PIXEL_SPACE",
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


def _cell_size_keys(cell_sizes) -> dict:
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
