"""Saving never depends on an optional piece: with PyTorch and torchvision installed as a
plain install has them (no ``onnx``, so PyTorch's ONNX exporter cannot run), *Train scene
classifier* trains, writes the package and report, and says how to add the ONNX copy later."""

from __future__ import annotations

import json
import os

from conftest import MASSACHUSETTS_BUILDINGS, MASSACHUSETTS_TIF, run_algorithm_script

SCRIPT = """
    sys.modules["onnx"] = None  # import onnx now raises ImportError, as where it is missing
    ok, results, feedback = run("trainclassifier", {{
        "INPUT_FOLDER": {chips!r}, "BACKBONE": 0, "PRETRAINED": False, "CHIP_SIZE": 32,
        "BATCH_SIZE": 16, "EPOCHS": 1, "LEARNING_RATE": 0.001, "DEVICE": 1,
        "MODEL_NAME": "no onnx", "OUTPUT_FOLDER": {output!r}}})
    found = {{"train": [ok, feedback.errors], "lines": feedback.lines,
              "package": results.get("MODEL_PACKAGE")}}
    ok, results, feedback = run("classifyobjects", {{
        "INPUT_RASTER": {raster!r}, "INPUT_FEATURES": {buildings!r},
        "MODEL": {output!r} + "/no onnx/no onnx.emd", "DEVICE": 1,
        "OUTPUT": {output!r} + "/objects.gpkg"}})
    found["classify"] = [ok, feedback.errors]
    print("RESULT " + json.dumps(found))
"""


def test_training_saves_the_package_without_onnx(rsscn7_small, tmp_path):
    output = tmp_path / "models"
    done = run_algorithm_script(tmp_path, SCRIPT, False, chips=str(rsscn7_small),
                                output=str(output), raster=str(MASSACHUSETTS_TIF),
                                buildings=str(MASSACHUSETTS_BUILDINGS))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    found = json.loads(line[len("RESULT "):])
    assert found["train"] == [True, []], found
    package = output / "no onnx"
    assert sorted(os.listdir(package)) == ["no onnx.dlpk", "no onnx.emd", "no onnx.pth",
                                           "no onnx_report.html"]
    definition = json.loads((package / "no onnx.emd").read_text(encoding="utf-8"))
    assert "ModelFileONNX" not in definition
    said = [line for line in found["lines"] if "no ONNX copy" in line]
    assert len(said) == 1, found["lines"]
    assert "'onnx' package" in said[0] and "pip install" in said[0]
    assert f"add_onnx_copy({str(package / 'no onnx.emd')!r})" in said[0]
    assert found["classify"] == [True, []], found  # the package classifies with PyTorch


def test_a_failing_exporter_leaves_the_package_whole(trained, tmp_path, monkeypatch):
    """An exporter that fails for any other reason costs the copy, not the package."""
    classifier, _ = trained

    def broken(path: str) -> None:
        with open(path, "wb") as file:
            file.write(b"half")
        raise RuntimeError("exporter broke")

    lines: list[str] = []
    monkeypatch.setattr(classifier, "_write_onnx", broken)
    monkeypatch.setattr(classifier.feedback, "log", lines.append)
    paths = classifier.save("broken exporter", str(tmp_path))
    assert sorted(os.listdir(paths.folder)) == [
        "broken exporter.dlpk", "broken exporter.emd", "broken exporter.pth",
        "broken exporter_report.html"]
    assert "ModelFileONNX" not in json.loads(open(paths.definition).read())
    said = [line for line in lines if "no ONNX copy" in line]
    assert len(said) == 1 and "RuntimeError: exporter broke" in said[0], lines
