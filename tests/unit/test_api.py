"""The notebook API: figures, metrics and prediction, as a notebook user calls them."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from core.api import FeatureClassifier


def test_notebook_figures(trained):
    classifier, _ = trained
    for figure in (classifier.show_batch(rows=2), classifier.show_results(rows=2),
                   classifier.plot_confusion_matrix()):
        assert isinstance(figure, Figure)
    assert len(classifier.show_batch(rows=2).axes) == 4


def test_results_put_mistakes_first_and_metrics_agree(trained):
    classifier, _ = trained
    results = classifier.results(count=len(classifier.data.valid_labels))
    correct = [truth == predicted for _, truth, predicted, _ in results]
    assert correct == sorted(correct)  # all mistakes (False) before the hits
    matrix = classifier.confusion_matrix()
    assert matrix.sum() == len(classifier.data.valid_labels)
    assert np.trace(matrix) / matrix.sum() == sum(correct) / len(correct)
    recalls = [row["recall"] for row in classifier.per_class_metrics()]
    assert np.allclose(recalls, np.diag(matrix) / matrix.sum(axis=1))


def test_predict_takes_paths_and_arrays(trained):
    _, paths = trained
    loaded = FeatureClassifier.from_model(paths.dlpk, device="cpu")
    label, confidence = loaded.predict(np.zeros((3, 100, 80), np.uint8))
    assert label in loaded.classes and 0 < confidence <= 1


def test_a_trained_classifier_predicts_like_its_saved_package(training_run):
    classifier, paths = training_run
    chip = classifier.data.valid_images[0].numpy()
    loaded = FeatureClassifier.from_model(paths.definition, device="cpu")
    assert classifier.predict(chip)[0] == loaded.predict(chip)[0]


def test_a_loaded_classifier_trains_further_only_with_matching_data(training_run, tmp_path):
    from core.api import prepare_data
    from core.errors import DataError

    classifier, paths = training_run
    loaded = FeatureClassifier.from_model(paths.definition, device="cpu")
    with pytest.raises(DataError, match="loaded without data"):
        loaded.fit(1, lr=1e-3)
    wrong = prepare_data(classifier.data.folders[0], batch_size=32, chip_size=48, seed=1)
    with pytest.raises(DataError, match="32 px chips"):
        FeatureClassifier.from_model(paths.definition, data=wrong, device="cpu")
    data = prepare_data(classifier.data.folders[0], batch_size=32, chip_size=32, seed=1)
    further = FeatureClassifier.from_model(paths.definition, data=data, device="cpu")
    assert data.normalization == loaded.package.normalization
    before = further.validation_predictions()[0].argmax(axis=1)
    assert (before == classifier.validation_predictions()[0].argmax(axis=1)).mean() > 0.9
    further.fit(1, lr=1e-4)
    saved = further.save("further", str(tmp_path))
    assert FeatureClassifier.from_model(saved.definition, device="cpu").classes == data.classes


def test_the_training_report_opens_with_the_model_and_its_settings(training_run):
    classifier, paths = training_run
    html = open(paths.report, encoding="utf-8").read()
    assert html.index("<h2>Model</h2>") < html.index("<h2>Data summary</h2>")
    for label, value in (("Model name", "rsscn7 test"), ("Package", paths.folder),
                         ("Starting weights", "none (trained from scratch)"),
                         ("Batch size", "32"), ("Epochs", "6 run of 6 asked"),
                         ("Seed", "1")):
        assert f"<tr><th>{label}</th><td>{value}</td></tr>" in html
    kept = classifier.trainer.history[classifier.trainer.best_epoch - 1]
    assert (f"{kept.epoch} (lowest validation loss): accuracy "
            f"{100 * kept.accuracy:.2f} %") in html
    assert f"{100 * classifier.best_accuracy:.2f} %" in html


def test_the_notebook_finds_what_the_dependencies_dialog_installed(tmp_path):
    """Outside QGIS, the by-hand command installs into the default QGIS profile's plugin
    folder (as the dialog does): the notebook API looks there too, after its own packages."""
    import subprocess
    import sys

    from conftest import cli_environment

    env = cli_environment(tmp_path)  # the plugin on PYTHONPATH, HOME=<tmp_path>/home
    env.pop("XDG_DATA_HOME", None)
    folder = tmp_path / "home" / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / \
        "default" / "python" / "scene_classifier_packages"
    (folder / "installed_by_hand").mkdir(parents=True)
    (folder / "installed_by_hand" / "__init__.py").write_text("HERE = True\n")
    done = subprocess.run([sys.executable, "-c", "from scene_classifier import prepare_data; "
                           "import installed_by_hand, sys; print(installed_by_hand.HERE, "
                           "sys.path[-1])"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.stdout.split() == ["True", str(folder)], done.stderr[-2000:]
