"""Classification without PyTorch: with ``import torch`` failing and onnxruntime installed,
classifyobjects, classifygrid and evaluateclassifier run on a package trained elsewhere and
agree with the PyTorch engine."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import MASSACHUSETTS_BUILDINGS, MASSACHUSETTS_TIF, ROOT

SCRIPT = textwrap.dedent("""
    import json, sys
    if {block_torch}:
        sys.modules["torch"] = None          # import torch now raises ImportError
        sys.modules["torchvision"] = None
    sys.path.insert(0, {plugins!r})
    from osgeo import ogr
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback
    app = QgsApplication([], False)
    app.initQgis()
    import scene_classifier
    if not {block_torch}:  # PyTorch in float32, to compare probabilities with onnxruntime's
        from scene_classifier.core import devices
        devices.mixed_precision = lambda device, chip_size: None
    plugin = scene_classifier.classFactory(None)
    plugin.initProcessing()
    registry = QgsApplication.processingRegistry()

    class Feedback(QgsProcessingFeedback):
        lines = []
        def pushInfo(self, info):
            self.lines.append(info)
        def reportError(self, error, fatal=False):
            self.lines.append("ERROR " + error)

    def run(algorithm, parameters):
        feedback = Feedback()
        feedback.lines = []
        alg = registry.createAlgorithmById("sceneclassifier:" + algorithm)
        results, ok = alg.run(parameters, QgsProcessingContext(), feedback)
        return ok, results, feedback.lines

    def rows(path):
        source = ogr.Open(path)  # keep: the layer needs it
        return [(f.GetField("ClassLabel"), f.GetField("Confidence"))
                for f in source.GetLayer()]

    out = {out!r}
    found = {{}}
    ok, results, lines = run("classifyobjects", {{
        "INPUT_RASTER": {raster!r}, "INPUT_FEATURES": {buildings!r}, "MODEL": {model!r},
        "DEVICE": 1, "OUTPUT": out + "/objects.gpkg"}})
    found["objects"] = [ok, rows(out + "/objects.gpkg") if ok else lines]
    found["engine"] = [line for line in lines if "engine:" in line]
    ok, results, lines = run("classifygrid", {{
        "INPUT_RASTER": {raster!r}, "MODEL": {model!r}, "GRID_SIZE": 40, "DEVICE": 1,
        "OUTPUT": out + "/grid.gpkg"}})
    found["grid"] = [ok, rows(out + "/grid.gpkg") if ok else lines]
    ok, results, lines = run("evaluateclassifier", {{
        "MODEL": {model!r}, "INPUT_FOLDER": {chips!r}, "DEVICE": 1,
        "OUTPUT_REPORT": out + "/evaluation.html", "OUTPUT_CONFUSION": out + "/confusion.csv"}})
    found["evaluation"] = [ok, results.get("OVERALL_ACCURACY") if ok else lines]
    found["torch_loaded"] = any(name.split(".")[0] == "torch" and module is not None
                                for name, module in sys.modules.items())
    print("RESULT " + json.dumps(found))
""")


def classify_everything(tmp_path, model: str, chips, block_torch: bool) -> dict:
    plugins = tmp_path / f"plugins-{block_torch}"
    plugins.mkdir()
    (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    out = tmp_path / f"out-{block_torch}"
    out.mkdir()
    script = SCRIPT.format(block_torch=block_torch, plugins=str(plugins), out=str(out),
                           raster=str(MASSACHUSETTS_TIF), buildings=str(MASSACHUSETTS_BUILDINGS),
                           model=model, chips=str(chips))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=600, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin"})
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
