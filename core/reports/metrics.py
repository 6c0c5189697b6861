"""Accuracy measures from a confusion matrix (rows = truth, columns = prediction), and how
well confidence matches accuracy (reliability bins and the expected calibration error: the
chips in bins by their confidence, the bins' |accuracy - mean confidence| averaged, weighted
by their counts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BINS = 10  # confidence bins of the reliability diagram and the ECE


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


@dataclass(frozen=True)
class Reliability:
    """Confidence bins of (mean confidence, accuracy, chips) and their ECE."""

    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray
    ece: float


def reliability(probabilities: np.ndarray, truth: np.ndarray, bins: int = BINS) -> Reliability:
    """The chips' confidence (their top probability) in ``bins`` equal bins of [0, 1]: each
    bin's mean confidence, accuracy and count, and the expected calibration error."""
    probabilities = np.asarray(probabilities, np.float64)
    truth = np.asarray(truth)
    confidence = probabilities.max(axis=1) if len(truth) else np.zeros(0)
    right = (probabilities.argmax(axis=1) == truth) if len(truth) else np.zeros(0, bool)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    counts = np.bincount(which, minlength=bins)
    shown = np.maximum(counts, 1)
    mean_confidence = np.bincount(which, confidence, minlength=bins) / shown
    accuracy = np.bincount(which, right.astype(float), minlength=bins) / shown
    ece = float(np.sum(counts * np.abs(accuracy - mean_confidence)) / max(1, len(truth)))
    return Reliability(mean_confidence, accuracy, counts, ece)
