"""Run inside the real QGIS desktop set to French (``qgis --code``): record what the
Processing toolbox shows of the plugin (group and tool names) and the training dialog's
labels, take a screenshot of that dialog, then quit. Writes steps.json to
SCENE_CLASSIFIER_TEST_OUT."""

import json
import os

import processing
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QEventLoop, QTimer
from qgis.PyQt.QtWidgets import QLabel

OUT = os.environ["SCENE_CLASSIFIER_TEST_OUT"]
steps = {}


def record(name, value) -> None:
    steps[name] = value
    with open(os.path.join(OUT, "steps.json"), "w", encoding="utf-8") as file:
        json.dump(steps, file, indent=1, ensure_ascii=False)


def main() -> None:
    record("locale", QgsApplication.locale())
    provider = QgsApplication.processingRegistry().providerById("sceneclassifier")
    record("tools", sorted(f"{a.group()} / {a.displayName()}" for a in provider.algorithms()))
    dialog = processing.createAlgorithmDialog("sceneclassifier:trainclassifier", {})
    dialog.resize(1000, 1000)
    dialog.show()
    loop = QEventLoop()
    QTimer.singleShot(500, loop.quit)
    loop.exec()
    record("labels", sorted({label.text() for label in dialog.findChildren(QLabel)
                             if label.text()}))
    dialog.grab().save(os.path.join(OUT, "train_dialog_fr.png"))
    dialog.close()
    from qgis.utils import plugins

    record("menu", plugins["scene_classifier"].action.text())
    dependencies = plugins["scene_classifier"].show_dependencies()
    record("dependencies", [dependencies.windowTitle(), dependencies.buttons["torch"].text(),
                            dependencies.table.horizontalHeaderItem(1).text()])
    dependencies.close()


try:
    main()
except Exception as error:  # reported to the test, which fails with it
    record("error", f"{type(error).__name__}: {error}")
finally:
    def quit_cleanly() -> None:
        QgsProject.instance().clear()
        QgsApplication.exit(0)

    QTimer.singleShot(0, quit_cleanly)
