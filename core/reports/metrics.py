"""Accuracy measures from a confusion matrix (rows = truth, columns = prediction)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_matrix(truth: Sequence[int], predicted: Sequence[int],
                     class_count: int) -> np.ndarray:
    """Counts of (truth, predicted) pairs as a class_count x class_count int matrix."""
    matrix = np.zeros((class_count, class_count), dtype=np.int64)
    np.add.at(matrix, (np.asarray(truth, dtype=np.int64), np.asarray(predicted, dtype=np.int64)), 1)
    return matrix


def overall_accuracy(matrix: np.ndarray) -> float:
    """The share of all counts on the diagonal (0 for an empty matrix)."""
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else 0.0


def kappa(matrix: np.ndarray) -> float:
    """Cohen's kappa: agreement beyond chance."""
    total = matrix.sum()
    if not total:
        return 0.0
    observed = np.trace(matrix) / total
    expected = float((matrix.sum(axis=0) * matrix.sum(axis=1)).sum()) / total**2
    return float((observed - expected) / (1 - expected)) if expected < 1 else 1.0


def per_class_metrics(matrix: np.ndarray, classes: Sequence[str]) -> list[dict]:
    """Precision (user's accuracy), recall (producer's accuracy), F1 and support per class."""
    rows = []
    for index, name in enumerate(classes):
        hits = float(matrix[index, index])
        predicted = float(matrix[:, index].sum())
        actual = float(matrix[index, :].sum())
        precision = hits / predicted if predicted else 0.0
        recall = hits / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"name": name, "precision": precision, "recall": recall, "f1": f1,
                     "support": int(actual)})
    return rows
