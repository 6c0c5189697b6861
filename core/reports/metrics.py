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
    return [class_measures(name, matrix[index, index], matrix[:, index].sum(),
                           matrix[index, :].sum()) for index, name in enumerate(classes)]


def class_measures(name: str, hits: float, predicted: float, actual: float) -> dict:
    """One class's precision, recall, F1 and support from its counts: chips right, chips
    given the class, chips of the class."""
    hits, predicted, actual = float(hits), float(predicted), float(actual)
    precision = hits / predicted if predicted else 0.0
    recall = hits / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"name": name, "precision": precision, "recall": recall, "f1": f1,
            "support": int(actual)}


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


THRESHOLD_STEPS = np.round(np.arange(0.05, 0.951, 0.05), 2)  # the thresholds tried per label


def best_thresholds(probabilities: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per label (columns), the threshold of THRESHOLD_STEPS whose F1 on these chips is the
    highest (ties: the one nearest 0.5); 0.5 for a label no chip has."""
    probabilities, truth = np.asarray(probabilities, np.float64), np.asarray(truth) > 0
    chosen = np.full(probabilities.shape[1], 0.5)
    for label in range(probabilities.shape[1]):
        if not truth[:, label].any():
            continue
        truths = truth[:, label]
        scores = [_f1(float((said & truths).sum()), float(said.sum()), float(truths.sum()))
                  for said in (probabilities[:, label] >= step for step in THRESHOLD_STEPS)]
        best = max(range(len(scores)), key=lambda i: (scores[i], -abs(THRESHOLD_STEPS[i] - 0.5)))
        chosen[label] = THRESHOLD_STEPS[best]
    return chosen


def _f1(hits: float, said: float, actual: float) -> float:
    """F1 from counts (2 hits over labels said plus labels true); 0 where neither is."""
    return 2 * hits / (said + actual) if said + actual else 0.0


@dataclass(frozen=True)
class MultiLabelScores:
    """How well labels decided at their thresholds match the truth: per label (precision,
    recall, F1, support, threshold), micro F1 (all labels' hits together), macro F1 (the
    labels' F1 averaged) and the Hamming loss (the share of chip-label pairs wrong)."""

    per_label: list[dict]
    micro_f1: float
    macro_f1: float
    hamming_loss: float


def multi_label_scores(probabilities: np.ndarray, truth: np.ndarray, thresholds: np.ndarray,
                       classes: Sequence[str]) -> MultiLabelScores:
    """MultiLabelScores of ``probabilities`` (chips, labels) against ``truth`` (0/1)."""
    predicted = np.asarray(probabilities) >= np.asarray(thresholds)
    truth = np.asarray(truth) > 0
    hits = (predicted & truth).sum(axis=0).astype(float)
    said, actual = predicted.sum(axis=0).astype(float), truth.sum(axis=0).astype(float)
    rows = [class_measures(name, hits[index], said[index], actual[index])
            | {"threshold": float(thresholds[index])} for index, name in enumerate(classes)]
    micro = _f1(hits.sum(), said.sum(), actual.sum())
    return MultiLabelScores(rows, float(micro), float(np.mean([r["f1"] for r in rows])),
                            float(np.mean(predicted != truth)) if truth.size else 0.0)
