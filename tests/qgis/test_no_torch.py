"""Classification without PyTorch: with ``import torch`` failing and onnxruntime installed,
classifyobjects, classifygrid and evaluateclassifier run on a package trained elsewhere and
agree with the PyTorch engine."""

from __future__ import annotations

import json

from conftest import MASSACHUSETTS_BUILDINGS, MASSACHUSETTS_TIF, run_algorithm_script

SCRIPT = """
    from osgeo import ogr
    if not {block_torch}:  # PyTorch in float32, to compare probabilities with onnxruntime's
        from scene_classifier.core.runtime import devices
        devices.mixed_precision = lambda device, chip_size: None

    def rows(path):
        source = ogr.Open(path)  # keep: the layer needs it
        return [(f.GetField("ClassLabel"), f.GetField("Confidence"))
                for f in source.GetLayer()]

    out = {out!r}
    found = {{}}
    ok, results, feedback = run("classifyobjects", {{
        "INPUT_RASTER": {raster!r}, "INPUT_FEATURES": {buildings!r}, "MODEL": {model!r},
        "DEVICE": 1, "OUTPUT": out + "/objects.gpkg"}})
    found["objects"] = [ok, rows(out + "/objects.gpkg") if ok else feedback.errors]
    found["engine"] = [line for line in feedback.lines if "engine:" in line]
    ok, results, feedback = run("classifygrid", {{
        "INPUT_RASTER": {raster!r}, "MODEL": {model!r}, "GRID_SIZE": 40, "DEVICE": 1,
        "OUTPUT": out + "/grid.gpkg"}})
    found["grid"] = [ok, rows(out + "/grid.gpkg") if ok else feedback.errors]
    ok, results, feedback = run("evaluateclassifier", {{
        "MODEL": {model!r}, "INPUT_FOLDER": {chips!r}, "DEVICE": 1,
        "OUTPUT_REPORT": out + "/evaluation.html", "OUTPUT_CONFUSION": out + "/confusion.csv"}})
    found["evaluation"] = [ok, results.get("OVERALL_ACCURACY") if ok else feedback.errors]
    found["torch_loaded"] = any(name.split(".")[0] == "torch" and module is not None
                                for name, module in sys.modules.items())
    print("RESULT " + json.dumps(found))
"""


def classify_everything(tmp_path, model: str, chips, block_torch: bool) -> dict:
    out = tmp_path / f"out-{block_torch}"
    out.mkdir()
    done = run_algorithm_script(tmp_path, SCRIPT, block_torch, out=str(out),
                                raster=str(MASSACHUSETTS_TIF), model=model, chips=str(chips),
                                buildings=str(MASSACHUSETTS_BUILDINGS))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def test_classification_without_pytorch_agrees_with_pytorch(trained, rsscn7_small, tmp_path):
    model = trained[1].dlpk  # a package trained elsewhere: one file
    without = classify_everything(tmp_path, model, rsscn7_small, block_torch=True)
    assert without["torch_loaded"] is False
    assert without["engine"] and all("engine: onnxruntime " in line
                                     for line in without["engine"])
    with_torch = classify_everything(tmp_path, model, rsscn7_small, block_torch=False)
    assert all("engine: PyTorch " in line for line in with_torch["engine"])
    for output in ("objects", "grid"):
        (ok, theirs), (torch_ok, ours) = without[output], with_torch[output]
        assert ok and torch_ok and len(theirs) == len(ours) > 20, (theirs, ours)
        same = sum(a[0] == b[0] for a, b in zip(theirs, ours)) / len(ours)
        assert same >= 0.995, f"{output}: labels agree on {same:.1%} of features"
        assert max(abs(a[1] - b[1]) for a, b in zip(theirs, ours) if a[1] is not None) < 1e-3
    assert without["evaluation"][0] and with_torch["evaluation"][0]
    assert abs(without["evaluation"][1] - with_torch["evaluation"][1]) < 0.01
