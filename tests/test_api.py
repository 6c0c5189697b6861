"""The notebook API: figures, metrics and prediction, as a notebook user calls them."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from core.api import SceneClassifier


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
    loaded = SceneClassifier.from_model(paths.dlpk, device="cpu")
    label, confidence = loaded.predict(np.zeros((3, 100, 80), np.uint8))
    assert label in loaded.classes and 0 < confidence <= 1
