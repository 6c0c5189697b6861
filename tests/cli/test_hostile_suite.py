"""The hostile suite (issue 28): one table per kind of harm, each case run from the command line
as a user (or an attacker) would. Every case asserts the exit code, the message (and no
traceback), that every file of the workspace is byte-identical afterwards (nothing written,
emptied or replaced), and that the canary was never opened: a FIFO beside the inputs that
hostile inputs point at, which a watcher opens for writing whenever anything opens it for
reading (a reader blocks until then), so no read of it can go unseen.

The cases' inputs are made here: crafted packages (ONNX, pickles, links, zips) from a copy of
the checked-in tiny package, broken rasters, special files and bad numbers.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pickle
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from onnx import helper
from osgeo import gdal

from conftest import MASSACHUSETTS_TIF, SAMPLE_RSSCN7, TINY_PACKAGE, run_cli
from hostile_onnx import CANARY, in_function, int64, two_in_two_out

PACKAGE = f"package/{TINY_PACKAGE.name}.emd"
Build = Callable[[Path], list[str]]  # makes a case's inputs in the workspace; its arguments


class Canary:
    """``with Canary(path) as canary:`` a FIFO at ``path``; ``canary.opened`` says whether
    anything opened it for reading."""

    def __init__(self, path: Path) -> None:
        self.path, self.opened, self._stop = path, False, threading.Event()
        os.mkfifo(path)
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Canary:
        self._watcher.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._watcher.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:  # succeeds only while a reader has it open (or waits to)
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
                self.opened = True
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
            time.sleep(0.005)


def hashes(folder: Path) -> dict[str, str]:
    """Every regular file under ``folder`` (links not followed) and its SHA-256."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


def edited_package(workspace: Path, edit: Callable[[dict, Path], None]) -> None:
    """The tiny package copied to workspace/package, its .emd edited by ``edit(definition,
    folder)``."""
    emd = workspace / PACKAGE
    definition = json.loads(emd.read_text())
    edit(definition, emd.parent)
    emd.write_text(json.dumps(definition))


def onnx_copy(data: bytes) -> Build:
    def build(workspace: Path) -> list[str]:
        edited_package(workspace, lambda d, folder: (folder / d["ModelFileONNX"]).write_bytes(
            data))
        return grid("--engine", "onnxruntime")
    return build


def grid(*more: str, raster: str | Path = MASSACHUSETTS_TIF) -> list[str]:
    """classify-grid over ``raster`` with the (edited) package, into an earlier output."""
    return ["classify-grid", "--input-raster", str(raster), "--model", PACKAGE,
            "--grid-size", "200", "--device", "cpu", "--output", "earlier/grid.gpkg", *more]


class OpensCanary:
    """Unpickled, it would open the canary: the weights must be loaded as data."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path,))


def code_in_weights(workspace: Path) -> list[str]:
    def poison(definition: dict, folder: Path) -> None:
        with open(folder / definition["ModelFile"], "wb") as file:
            pickle.dump({"fc.weight": OpensCanary(workspace.parent / CANARY)}, file)
    edited_package(workspace, poison)
    return grid()


def linked_weights(workspace: Path) -> list[str]:
    def link(definition: dict, folder: Path) -> None:
        (folder / definition["ModelFile"]).unlink()
        (folder / definition["ModelFile"]).symlink_to(f"../../{CANARY}")
    edited_package(workspace, link)
    return grid()


def escaping_dlpk(workspace: Path) -> list[str]:
    with zipfile.ZipFile(workspace / "evil.dlpk", "w") as archive:
        archive.writestr("model.emd", "{}")
        archive.writestr("../../escaped.txt", "written outside")
    return ["classify-grid", "--input-raster", str(MASSACHUSETTS_TIF), "--model", "evil.dlpk",
            "--output", "earlier/grid.gpkg"]


def zip_bomb_weights(workspace: Path) -> list[str]:
    def bomb(definition: dict, folder: Path) -> None:
        with zipfile.ZipFile(folder / definition["ModelFile"], "w",
                             zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("archive/data/0", b"\0" * 50_000_000)
    edited_package(workspace, bomb)
    return grid()


def broken_raster(kind: str) -> Build:
    def build(workspace: Path) -> list[str]:
        whole = workspace / "whole.tif"
        gdal.Translate(str(whole), str(MASSACHUSETTS_TIF), creationOptions=["TILED=NO"])
        if kind == "cut":
            data = whole.read_bytes()
            (workspace / "cut.tif").write_bytes(data[:len(data) // 2])
            whole.unlink()
            return grid(raster="cut.tif")
        gdal.BuildVRT(str(workspace / "broken.vrt"), [str(whole)])
        if kind == "loop":
            vrt = workspace / "broken.vrt"
            vrt.write_text(vrt.read_text().replace(">whole.tif<", ">broken.vrt<"))
        whole.unlink()
        return grid(raster="broken.vrt")
    return build


def fifo_raster(workspace: Path) -> list[str]:
    os.mkfifo(workspace / "photo.tif")
    return grid(raster="photo.tif")


def train(*numbers: str) -> Build:
    def build(workspace: Path) -> list[str]:
        return ["train", "--input-folder", str(SAMPLE_RSSCN7), "--output-folder", "models",
                *numbers]
    return build


SECURITY = {
    "ONNX tensors kept in the canary": (
        onnx_copy(in_function(f"../../{CANARY}").SerializeToString()), 1,
        "keeps tensors in other files"),
    "model file named outside the package": (
        lambda w: edited_package(w, lambda d, f: d.update(ModelFile=f"../../{CANARY}"))
        or grid(), 1, "model files must lie inside the package folder"),
    "model file linked outside the package": (linked_weights, 1, "outside the package"),
    "weights that run code": (code_in_weights, 1, "it needs code to load"),
    "a .dlpk entry leaving its folder": (escaping_dlpk, 1, "unsafe entry"),
}
DATA_LOSS = {
    "a table to a shapefile": (lambda w: grid("--output-summary", "earlier/parcels.shp"), 2,
                               "which a shapefile cannot hold"),
    "a control character in an output path": (
        lambda w: grid()[:-1] + ["earlier/gr\x07id.gpkg"], 2, "control character"),
}
SILENT_WRONG = {
    "a GeoTIFF cut in half": (broken_raster("cut"), 1, "TIFFReadEncodedStrip"),
    "a VRT whose source is gone": (broken_raster("gone"), 1, "No such file"),
    "a VRT that refers to itself": (broken_raster("loop"), 1, "Recursion"),
}
UNBOUNDED = {
    "ONNX asking for 4 * 10^10 values": (onnx_copy(two_in_two_out([
        helper.make_node("ConstantOfShape", ["shape"], ["big"]),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)],
        [int64("shape", [200000, 200000])])), 1, "declares a tensor of 40,000,000,000"),
    "weights packed like a zip bomb": (zip_bomb_weights, 1, "is packed"),
    "an .emd naming a giant backbone": (
        lambda w: edited_package(w, lambda d, f: d.update(
            Backbone="timm:vit_giant_patch14_224")) or grid(), 1, "do not fit"),
    "a FIFO as the raster": (fifo_raster, 2, "photo.tif is a FIFO (named pipe), not a file"),
}
ARGUMENTS = {
    "a NaN learning rate": (train("--learning-rate", "nan"), 2, "learning-rate"),
    "fractional epochs": (train("--epochs", "1.5"), 2, "epochs"),
    "negative padding": (lambda w: grid("--padding", "-1"), 2, "padding"),
    "an infinite cell size": (lambda w: grid("--cell-size", "inf"), 2, "cell-size"),
}
CATEGORIES = {"security": SECURITY, "data loss": DATA_LOSS, "silent wrong": SILENT_WRONG,
              "unbounded": UNBOUNDED, "arguments": ARGUMENTS}
CASES = [(category, name) for category, cases in CATEGORIES.items() for name in cases]


@pytest.mark.parametrize("category, name", CASES, ids=[f"{c}: {n}" for c, n in CASES])
def test_a_hostile_input_is_refused_and_changes_nothing(category, name, tmp_path):
    build, code, message = CATEGORIES[category][name]
    workspace = tmp_path / "work"
    shutil.copytree(TINY_PACKAGE, workspace / "package")
    (workspace / "earlier").mkdir()
    (workspace / "earlier" / "grid.gpkg").write_bytes(b"an earlier grid")
    (workspace / "earlier" / "parcels.dbf").write_bytes(b"someone's attribute table")
    arguments = build(workspace)
    before = hashes(tmp_path)
    with Canary(tmp_path / CANARY) as canary:
        done = run_cli(workspace, *arguments)
    assert done.returncode == code, done.stderr[-3000:]
    assert message in done.stderr, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert not canary.opened, "the canary, outside every input, was opened"
    assert hashes(tmp_path) == before


def test_the_canary_sees_any_read(tmp_path):
    """The suite's witness works: a plain read of the canary (as a leaked path would do) is
    seen, and ends (the watcher's open lets the reader through, to an empty file)."""
    with Canary(tmp_path / CANARY) as canary:
        assert not canary.opened
        assert (tmp_path / CANARY).read_bytes() == b""
        time.sleep(0.05)
    assert canary.opened
