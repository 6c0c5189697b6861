"""Writing a model package: ``<name>/<name>.emd`` (JSON), ``<name>.pth`` (weights),
``<name>.onnx`` (the same network for onnxruntime, where the exporter can run) and
``<name>.dlpk`` (all in one file), into a staging folder moved into place when complete; an
earlier package is replaced only by a complete one, anything else never."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

from ..errors import Cancelled, OutputError, setting, tr
from ..runtime.outputs import check_apart, new_folder
from .archive import safe_extract, zip_folder
from .definition import MODEL_CONFIGURATION, ONNX_KEY, check_model_name, validate_definition
from .read import find_definition, load_package, read_onnx


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
        """The package's file names (without the folder)."""
        return {os.path.basename(path) for path in (self.definition, self.weights, self.dlpk,
                                                    self.report, self.onnx)}

    def __fspath__(self) -> str:  # os.fspath(paths) and open() see the package folder
        return self.folder

    def __str__(self) -> str:
        return self.folder


def check_package_target(output_folder: str, name: str, overwrite: bool,
                         input_folders: Sequence[str] = ()) -> str:
    """Refuse, before any work, a package folder ``output_folder/name`` that would replace
    something other than an earlier package of ours, or an earlier package unless
    ``overwrite``, or that is, contains or lies inside an input folder; returns the name."""
    name = check_model_name(name)
    target = os.path.join(os.path.abspath(output_folder), name)
    check_apart(target, "model folder", input_folders, "training data folder")
    if os.path.isfile(output_folder):
        raise OutputError(tr("Output folder {} is a file, not a folder. Choose a "
                             "folder.").format(os.path.abspath(output_folder)))
    if not os.path.lexists(target):
        return name
    if not os.path.isdir(target) or os.path.islink(target):
        raise OutputError(tr("{} exists and is not a model package folder; nothing was "
                             "changed. Choose another {} or {}.").format(
                              target, setting('model_name'), setting('output_folder')))
    paths = PackagePaths.in_folder(target, name)
    others = sorted(set(os.listdir(target)) - paths.files())
    if others or not _is_our_definition(paths.definition):
        shown = f" (it holds {', '.join(others[:5])}{' …' if len(others) > 5 else ''})" \
            if others else ""
        raise OutputError(tr("{} exists and is not a Scene Classifier model package{}; "
                             "nothing was changed. Choose another {} or {}.").format(
                              target, shown, setting('model_name'), setting('output_folder')))
    if not overwrite:
        raise OutputError(tr("A model package already exists in {}. Choose another {}, "
                             "or set {} to replace it (the old package is replaced only "
                             "once the new one is complete).").format(
                              target, setting('model_name'), setting('overwrite')))
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
    from ..runtime.torch_files import save_data

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
        zip_folder(staging, staged.dlpk)
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
    from ..runtime.dependencies import pip_command
    from .onnx_copy import exporter_missing

    reason = exporter_missing()
    if reason is None:
        try:
            write_onnx(staged.onnx)
            with_copy = dict(definition, **{ONNX_KEY: os.path.basename(staged.onnx)})
            read_onnx(staged.definition, with_copy)
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
            f"{pip_command('onnx')}\nthen, in Python: from scene_classifier.core.packages.write "
            f"import add_onnx_copy; add_onnx_copy({final_definition!r})")
    return definition


def add_onnx_copy(path: str) -> str:
    """Give a package saved before packages carried an ONNX copy its ``<name>.onnx`` (named
    in the .emd, and inside the .dlpk), so that it classifies without PyTorch; needs PyTorch.
    ``path`` is the package's .emd (its .dlpk beside it is rebuilt) or a lone .dlpk (rebuilt
    in place). Returns the path of the .onnx, or of the .dlpk that holds it."""
    from .onnx_copy import export_onnx

    if path.lower().endswith(".dlpk"):
        with tempfile.TemporaryDirectory(prefix="sceneclassifier-dlpk-") as folder:
            safe_extract(path, folder)
            add_onnx_copy(find_definition(folder, path))
            zip_folder(folder, path)
        return path
    package = load_package(path)
    name = os.path.splitext(os.path.basename(path))[0]
    target = os.path.join(os.path.dirname(path), f"{name}.onnx")
    export_onnx(package.build_model(), package.band_count, package.chip_size, target)
    definition = dict(package.definition, **{ONNX_KEY: os.path.basename(target)})
    read_onnx(path, definition)
    from ..runtime.outputs import write_atomic

    write_atomic(path, json.dumps(definition, indent=2, allow_nan=False))
    dlpk = os.path.join(os.path.dirname(path), f"{name}.dlpk")
    if os.path.isfile(dlpk):
        zip_folder(os.path.dirname(path), dlpk)
    return target


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
