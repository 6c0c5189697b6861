"""onnxruntime runs a package's ONNX copy like PyTorch runs its weights (core.inference.engines)."""

from __future__ import annotations

import json
import shutil
import zipfile

import numpy as np
import pytest

from core.errors import DependencyError, ModelPackageError
from core.inference import engines
from core.inference.predictor import Predictor
from core.packages.read import load_package
from core.packages.write import add_onnx_copy
from core.runtime import dependencies, devices
from core.runtime.feedback import Feedback


@pytest.fixture(scope="module")
def package(trained):
    return load_package(trained[1].dlpk)


@pytest.fixture(scope="module")
def chips(trained):
    return trained[0].data.valid_images.numpy()


@pytest.mark.parametrize("tta", [False, True])
def test_onnxruntime_gives_pytorchs_probabilities(package, chips, monkeypatch, tta):
    monkeypatch.setattr(devices, "mixed_precision", lambda device, chip_size: None)  # fp32
    torch_rows = Predictor(package, "cpu", 32, tta, engine="torch").probabilities(chips)
    onnx = Predictor(package, "cpu", 32, tta, engine="onnxruntime")
    assert onnx.engine.describe().startswith("onnxruntime ")
    onnx_rows = onnx.probabilities(chips)
    assert np.abs(onnx_rows - torch_rows).max() < 1e-3
    assert (onnx_rows.argmax(1) == torch_rows.argmax(1)).mean() == 1.0


def test_onnxruntime_halves_its_batches_out_of_memory(package, chips):
    lines: list[str] = []
    predictor = Predictor(package, "cpu", 16, engine="onnxruntime",
                          feedback=Feedback(log=lines.append))
    session, run = predictor.engine.session, predictor.engine.session.run

    class Limited:
        def __getattr__(self, name):
            return getattr(session, name)

        def run(self, outputs, feeds, *options):
            if len(next(iter(feeds.values()))) > 5:
                raise RuntimeError("Failed to allocate memory for requested buffer of size 1")
            return run(outputs, feeds, *options)

    expected = predictor.probabilities(chips[:16])
    predictor.engine.session = Limited()
    assert np.allclose(predictor.probabilities(chips[:16]), expected, atol=1e-6)
    assert any("halving the batch to 4 chips" in line for line in lines), lines


def test_auto_takes_onnxruntime_where_pytorch_is_missing(monkeypatch):
    assert engines.choose_engine("auto") == "torch"
    monkeypatch.setattr(dependencies, "installed", lambda module: module == "onnxruntime")
    assert engines.choose_engine("auto") == "onnxruntime"
    with pytest.raises(DependencyError, match="needs PyTorch or onnxruntime"):
        monkeypatch.setattr(dependencies, "installed", lambda module: False)
        engines.choose_engine("auto")


def test_onnx_copies_that_are_not_plain_data_are_refused(trained, tmp_path):
    from onnx import TensorProto, load_model, save_model

    folder = shutil.copytree(trained[1].folder, tmp_path / "copy")
    emd = next(folder.glob("*.emd"))
    definition = json.loads(emd.read_text())
    onnx_file = folder / definition["ModelFileONNX"]
    model = load_model(str(onnx_file))
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "4")):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    save_model(model, str(onnx_file))
    with pytest.raises(ModelPackageError, match="keeps tensors in other files"):
        load_package(str(emd))
    (folder / definition["ModelFileONNX"]).write_bytes(b"\x08\x07\x3a\xff")  # cut short
    with pytest.raises(ModelPackageError, match="damaged"):
        load_package(str(emd))
    definition["ModelFileONNX"] = "../elsewhere.onnx"
    emd.write_text(json.dumps(definition))
    with pytest.raises(ModelPackageError, match="must lie inside the package"):
        load_package(str(emd))


def test_a_package_without_its_onnx_copy_says_what_to_do(trained, tmp_path):
    folder = shutil.copytree(trained[1].folder, tmp_path / "old")
    emd = next(folder.glob("*.emd"))
    definition = json.loads(emd.read_text())
    (folder / definition.pop("ModelFileONNX")).unlink()
    emd.write_text(json.dumps(definition))
    package = load_package(str(emd), torch_weights=False)
    assert package.state_dict is None and package.onnx is None
    with pytest.raises(ModelPackageError, match="has no ONNX copy"):
        Predictor(package, "cpu", engine="onnxruntime")
    lone = str(shutil.copy(next(folder.glob("*.dlpk")), tmp_path / "lone.dlpk"))
    for path in (str(emd), lone):  # a package folder, and a .dlpk on its own
        add_onnx_copy(path)
        added = load_package(path, torch_weights=False)
        assert added.onnx and added.definition["ModelFileONNX"].endswith(".onnx")
        Predictor(added, "cpu", engine="onnxruntime").probabilities(
            np.zeros((1, 3, 32, 32), np.uint8))
    with zipfile.ZipFile(next(folder.glob("*.dlpk"))) as archive:
        assert any(name.endswith(".onnx") for name in archive.namelist())
