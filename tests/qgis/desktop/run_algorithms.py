"""Run inside the real QGIS desktop (``qgis --code``): train a tiny model and classify a grid
through processing.runAndLoadResults, as a user would from the toolbox, take screenshots of
the map and of the training dialog, then quit. With SCENE_CLASSIFIER_TEST_STEPS=french (QGIS
set to French), what the plugin shows in French instead.

Reads SCENE_CLASSIFIER_TEST_OUT (a folder) and SCENE_CLASSIFIER_TEST_DATA (chips folder) and
SCENE_CLASSIFIER_TEST_RASTER (and SCENE_CLASSIFIER_TEST_AFTER, a later copy of it, and
SCENE_CLASSIFIER_TEST_MODEL, a trained package) from the environment; writes steps.json there
after each step, so the test can tell how far QGIS got if it dies, and the screenshots (PNG)
beside it.
"""

import json
import os

import processing
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QEventLoop, QTimer
from qgis.utils import iface

OUT = os.environ["SCENE_CLASSIFIER_TEST_OUT"]
steps = {}


def record(name, value) -> None:
    steps[name] = value
    with open(os.path.join(OUT, "steps.json"), "w", encoding="utf-8") as file:
        json.dump(steps, file, indent=1, ensure_ascii=False)


def main() -> None:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        record("opengl_llvm_loaded", "libLLVM" in maps.read())
    trained = processing.runAndLoadResults("sceneclassifier:trainclassifier", {
        "INPUT_FOLDER": os.environ["SCENE_CLASSIFIER_TEST_DATA"], "BACKBONE": 0,
        "PRETRAINED": False, "CHIP_SIZE": 32, "BATCH_SIZE": 16, "EPOCHS": 1,
        "LEARNING_RATE": 0.001, "DEVICE": 1, "MODEL_NAME": "desktop",
        "OUTPUT_FOLDER": os.path.join(OUT, "models")})
    record("trained", {key: trained.get(key) for key in ("MODEL_DEFINITION", "ACCURACY")})
    grid = processing.runAndLoadResults("sceneclassifier:classifygrid", {
        "INPUT_RASTER": os.environ["SCENE_CLASSIFIER_TEST_RASTER"],
        "MODEL": trained["MODEL_DEFINITION"], "GRID_SIZE": 200, "CELL_SIZE": 4, "DEVICE": 1,
        "OUTPUT": os.path.join(OUT, "grid.gpkg"),
        "OUTPUT_RASTER": os.path.join(OUT, "grid.tif")})
    layers = list(QgsProject.instance().mapLayers().values())
    styled = [layer for layer in layers if layer.source() == grid.get("OUTPUT")]
    record("grid", {"CELL_COUNT": grid.get("CELL_COUNT"), "OUTPUT": grid.get("OUTPUT"),
                    "layer_sources": [layer.source() for layer in layers],
                    "names": [layer.name() for layer in styled],
                    "renderers": [layer.renderer().type() for layer in styled],
                    "categories": [[c.label() for c in layer.renderer().categories()]
                                   for layer in styled if hasattr(layer.renderer(),
                                                                  "categories")]})
    rasters = [layer for layer in layers if layer.source() == grid.get("OUTPUT_RASTER")]
    record("class_map", {"names": [layer.name() for layer in rasters],
                         "renderers": [layer.renderer().type() for layer in rasters],
                         "labels": [[c.label for c in layer.renderer().classes()]
                                    for layer in rasters]})
    record("screenshots", [screenshot_map(styled[0], grid.get("OUTPUT_RASTER")),
                           screenshot_dialog("sceneclassifier:trainclassifier")])
    record("tiles", classify_over_tiles(trained["MODEL_DEFINITION"]))
    record("suggested", suggest_labels(trained["MODEL_DEFINITION"]))
    record("explained", explain_grid(trained["MODEL_DEFINITION"]))
    record("change", classify_change())
    record("dependencies", install_from_the_dependencies_dialog())
    with open("/proc/self/maps", encoding="utf-8") as maps:
        record("triton_loaded", "libtriton" in maps.read())


def screenshot_map(grid_layer, class_map: str) -> str:
    """The classified grid over the imagery, as the map canvas shows it (the class-map
    raster hidden)."""
    project = QgsProject.instance()
    imagery = QgsRasterLayer(os.environ["SCENE_CLASSIFIER_TEST_RASTER"], "imagery")
    project.addMapLayer(imagery, False)
    root = project.layerTreeRoot()
    root.addLayer(imagery)  # at the bottom, under the grid
    for layer in project.mapLayers().values():
        if layer.source() == class_map:
            root.findLayer(layer.id()).setItemVisibilityChecked(False)
    canvas = iface.mapCanvas()
    iface.mainWindow().resize(1200, 900)
    canvas.setExtent(grid_layer.extent())
    wait(canvas.mapCanvasRefreshed, canvas.refresh)
    return save(canvas.grab(), "grid_map.png")


def classify_over_tiles(model: str) -> dict:
    """A grid classified over an XYZ tile layer (SCENE_CLASSIFIER_TEST_TILES, a loopback
    server), added as the Browser's XYZ Tiles adds one; a screenshot of the grid over the
    tiles, the other layers hidden."""
    from urllib.parse import quote

    project = QgsProject.instance()
    template = os.environ["SCENE_CLASSIFIER_TEST_TILES"]
    tiles = QgsRasterLayer(f"type=xyz&url={quote(template, safe=':/')}&zmax=19&zmin=0",
                           "aerial tiles (XYZ)", "wms")
    project.addMapLayer(tiles)
    grid, added, shot = run_shown_over(tiles, "sceneclassifier:classifygrid", {
        "INPUT_RASTER": tiles, "MODEL": model, "GRID_SIZE": 80, "CELL_SIZE": 2.388657,
        "EXTENT": "229118,230100,894070,894770 [EPSG:26986]", "DEVICE": 1,
        "OUTPUT": os.path.join(OUT, "grid_tiles.gpkg")}, "grid_over_tiles.png")
    return {"CELL_COUNT": grid.get("CELL_COUNT"), "names": [layer.name() for layer in added],
            "screenshot": shot}


def suggest_labels(model: str) -> dict:
    """Suggest features to label over the photo (a grid of candidate cells), loaded as the
    toolbox loads it; a screenshot of the suggestions over the photo, the rest hidden."""
    project = QgsProject.instance()
    photo = QgsRasterLayer(os.environ["SCENE_CLASSIFIER_TEST_RASTER"], "aerial photo")
    project.addMapLayer(photo)
    found, added, shot = run_shown_over(photo, "sceneclassifier:suggestlabels", {
        "INPUT_RASTER": photo, "MODEL": model, "GRID_SIZE": 60, "CELL_SIZE": 4, "COUNT": 15,
        "DEVICE": 1, "OUTPUT": os.path.join(OUT, "to_label.gpkg")}, "suggested_labels.png")
    return {"SUGGESTED_COUNT": found.get("SUGGESTED_COUNT"),
            "names": [layer.name() for layer in added],
            "fields": [[field.name() for field in layer.fields()] for layer in added],
            "screenshot": shot}


def explain_grid(model: str) -> dict:
    """A grid with a minimum confidence and its heatmaps, loaded as the toolbox loads them;
    a screenshot of the heatmaps over the photo."""
    photo = next(layer for layer in QgsProject.instance().mapLayers().values()
                 if layer.name() == "aerial photo")
    found, added, shot = run_shown_over(photo, "sceneclassifier:classifygrid", {
        "INPUT_RASTER": photo, "MODEL": model, "GRID_SIZE": 128, "CELL_SIZE": 4, "DEVICE": 1,
        "MIN_CONFIDENCE": 0.5, "OUTPUT": os.path.join(OUT, "explained.gpkg"),
        "OUTPUT_HEATMAP": os.path.join(OUT, "heatmaps.tif")}, "heatmaps.png")
    renderers = {layer.name(): layer.renderer().type() for layer in added}
    categories = [category.label() for layer in added if hasattr(layer.renderer(), "categories")
                  for category in layer.renderer().categories()]
    return {"renderers": renderers, "categories": categories, "screenshot": shot,
            "heatmap": found.get("OUTPUT_HEATMAP")}


def classify_change() -> dict:
    """What changed between the photo and a later copy with edited blocks, with the bundled
    tiny model, loaded as the toolbox loads it; a screenshot of the change map over the
    later photo."""
    project = QgsProject.instance()
    later = QgsRasterLayer(os.environ["SCENE_CLASSIFIER_TEST_AFTER"], "aerial photo, later")
    project.addMapLayer(later)
    found, added, shot = run_shown_over(later, "sceneclassifier:classifychange", {
        "INPUT_RASTER": os.environ["SCENE_CLASSIFIER_TEST_RASTER"], "INPUT_RASTER_AFTER": later,
        "MODEL": os.environ["SCENE_CLASSIFIER_TEST_MODEL"], "CELL_SIZE": 4, "DEVICE": 1,
        "OUTPUT": os.path.join(OUT, "change.gpkg"),
        "OUTPUT_MATRIX": os.path.join(OUT, "change_matrix.csv")}, "change_map.png")
    rules = [rule.label() for layer in added if layer.renderer().type() == "RuleRenderer"
             for rule in layer.renderer().rootRule().children()]
    return {"CHANGED_COUNT": found.get("CHANGED_COUNT"), "OUTPUT_MATRIX": found.get(
        "OUTPUT_MATRIX"), "names": [layer.name() for layer in added], "rules": rules,
        "screenshot": shot}


def run_shown_over(base, algorithm: str, parameters: dict, shot: str) -> tuple:
    """Run ``algorithm`` as the toolbox does (its outputs loaded), show only what it added
    over the ``base`` layer, framed on its first output, and screenshot the canvas as
    ``shot``: (the results, the layers added, the screenshot's path)."""
    project = QgsProject.instance()
    before = set(project.mapLayers())
    results = processing.runAndLoadResults(algorithm, parameters)
    added = [layer for key, layer in project.mapLayers().items() if key not in before]
    root = project.layerTreeRoot()
    for layer in project.mapLayers().values():
        node = root.findLayer(layer.id())
        if node is not None:
            node.setItemVisibilityChecked(layer in added or layer is base)
    canvas = iface.mapCanvas()
    canvas.setDestinationCrs(base.crs())
    canvas.setExtent(added[0].extent())
    wait(canvas.mapCanvasRefreshed, canvas.refresh)
    return results, added, save(canvas.grab(), shot)


def screenshot_dialog(algorithm: str) -> str:
    """The algorithm's dialog as the toolbox opens it."""
    dialog = processing.createAlgorithmDialog(algorithm, {})
    dialog.resize(1000, 1000)
    dialog.show()
    wait(None, None, 500)
    from qgis.PyQt.QtWidgets import QDoubleSpinBox

    record("number_texts", sorted(box.text() for box in dialog.findChildren(QDoubleSpinBox)))
    path = save(dialog.grab(), "train_dialog.png")
    dialog.close()
    return path


def install_from_the_dependencies_dialog() -> dict:
    """Plugins ▸ Scene Classifier ▸ Dependencies…: a screenshot, then Install onnxruntime
    from the .zip of wheels the test gives, offline."""
    from qgis.utils import plugins

    record("menu_icon", not plugins["scene_classifier"].action.icon().isNull())
    dialog = plugins["scene_classifier"].show_dependencies()
    wait(None, None, 300)
    save(dialog.grab(), "dependencies_dialog.png")
    dialog.resize(760, 560)  # a smaller window: pip's long lines wrap and fill the log
    dialog.wheels.setText(os.environ["SCENE_CLASSIFIER_TEST_WHEELS"])  # offline
    dialog.buttons["onnxruntime"].click()
    process = dialog.process
    wait(process.finished, None, 120000)
    wait(None, None, 300)
    found = {"log": dialog.log.toPlainText(), "folder": dialog.packages_folder,
             "installed": sorted(name for name in os.listdir(dialog.packages_folder)
                                 if name.endswith(".dist-info")),
             "rows": [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())],
             "log_at_end": dialog.log.verticalScrollBar().value() ==
             dialog.log.verticalScrollBar().maximum(),
             "log_overflows": dialog.log.verticalScrollBar().maximum() > 0,
             "status": dialog.status.text(), "can_close": dialog.close_buttons.isVisible()}
    found["cancelled"] = cancel_a_waiting_pip(dialog)
    dialog.close()
    return found


def cancel_a_waiting_pip(dialog) -> dict:
    """Install onnxruntime from a package index that does not answer (the test's slow
    loopback server), press Cancel while pip waits on it: is pip's process gone?"""
    dialog.wheels.setText("")
    os.environ["PIP_INDEX_URL"] = os.environ["SCENE_CLASSIFIER_TEST_SLOW_INDEX"]
    os.environ["PIP_TIMEOUT"] = "120"
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"  # the index itself, direct
    dialog.buttons["onnxruntime"].click()
    process = dialog.process
    wait(None, None, 3000)  # pip started and waits on the index
    pid = process.processId()
    running = process.state() == process.ProcessState.Running
    wait(process.finished, dialog.cancel.click, 10000)
    wait(None, None, 500)
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    return {"was_running": running, "alive": alive, "pid": pid,
            "log_end": dialog.log.toPlainText().splitlines()[-2:]}


def wait(signal, start, timeout_ms: int = 10000) -> None:
    """Run ``start`` and process events until ``signal`` fires (or the time is up)."""
    loop = QEventLoop()
    if signal is not None:
        signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    if start is not None:
        start()
    loop.exec()


def save(pixmap, name: str) -> str:
    path = os.path.join(OUT, name)
    pixmap.save(path)
    return path


def main_in_french() -> None:
    """With QGIS set to French: what the toolbox shows of the plugin (group and tool names),
    the training dialog's labels and a screenshot of it, the menu entry and the
    Dependencies dialog's title, a button and a column header."""
    from qgis.PyQt.QtWidgets import QLabel
    from qgis.utils import plugins

    record("locale", QgsApplication.locale())
    provider = QgsApplication.processingRegistry().providerById("sceneclassifier")
    record("tools", sorted(f"{a.group()} / {a.displayName()}" for a in provider.algorithms()))
    dialog = processing.createAlgorithmDialog("sceneclassifier:trainclassifier", {})
    dialog.resize(1000, 1000)
    dialog.show()
    wait(None, None, 500)
    record("labels", sorted({label.text() for label in dialog.findChildren(QLabel)
                             if label.text()}))
    save(dialog.grab(), "train_dialog_fr.png")
    dialog.close()
    record("menu", plugins["scene_classifier"].action.text())
    dependencies = plugins["scene_classifier"].show_dependencies()
    record("dependencies", [dependencies.windowTitle(), dependencies.buttons["torch"].text(),
                            dependencies.table.horizontalHeaderItem(1).text()])
    dependencies.close()


try:
    main_in_french() if os.environ.get("SCENE_CLASSIFIER_TEST_STEPS") == "french" else main()
except Exception as error:  # reported to the test, which fails with it
    record("error", f"{type(error).__name__}: {error}")
finally:
    def quit_cleanly() -> None:
        """Close the project, then quit: QGIS 3.22 can crash when it removes layers from a
        half-destroyed main window at exit, which its own File > Exit avoids the same way."""
        QgsProject.instance().clear()
        QgsApplication.exit(0)

    QTimer.singleShot(0, quit_cleanly)
