"""Calibrated confidence: a network's softmax scores are overconfident (of the chips it gives
0.9, fewer than nine in ten are right). Temperature scaling divides the logits by one number T
fitted on the validation chips (the T of least negative log-likelihood): the predicted class
never changes, and the confidence of every answer comes to mean what it says. The package
keeps T (its .emd's "Temperature"); every engine applies it (core.inference.engines).

The expected calibration error (core.reports.metrics.reliability) measures the gap.
"""

from __future__ import annotations

import numpy as np

MIN_CHIPS = 20  # fewer validation chips fit no temperature (T stays 1)
LOWEST, HIGHEST = 0.05, 20.0  # the temperatures searched
TINY = 1e-30  # probabilities below this count as this, for their logarithm


def fit_temperature(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of ``truth`` under
    ``probabilities`` (N, classes; softmax at T = 1) scaled by it; 1.0 with fewer than
    MIN_CHIPS chips or non-finite scores. The likelihood is convex in 1 / T: a golden-section
    search over [1 / HIGHEST, 1 / LOWEST] finds its minimum."""
    probabilities = np.asarray(probabilities, np.float64)
    truth = np.asarray(truth, np.int64)
    if len(truth) < MIN_CHIPS or not np.isfinite(probabilities).all():
        return 1.0
    logits = np.log(np.maximum(probabilities, TINY))
    low, high = 1 / HIGHEST, 1 / LOWEST
    ratio = (5 ** 0.5 - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    loss_a, loss_b = _nll(logits, truth, a), _nll(logits, truth, b)
    for _ in range(80):
        if loss_a < loss_b:
            high, b, loss_b = b, a, loss_a
            a = high - ratio * (high - low)
            loss_a = _nll(logits, truth, a)
        else:
            low, a, loss_a = a, b, loss_b
            b = low + ratio * (high - low)
            loss_b = _nll(logits, truth, b)
    inverse = (low + high) / 2
    return float(1 / inverse) if _nll(logits, truth, inverse) <= _nll(logits, truth, 1.0) \
        else 1.0


def scaled(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``probabilities`` (softmax at T = 1) as the softmax of the logits divided by
    ``temperature``: the same ranking of classes, calibrated confidence."""
    if temperature == 1.0:
        return probabilities
    return softmax(np.log(np.maximum(np.asarray(probabilities, np.float64), TINY))
                   / temperature).astype(np.float32)


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """Element-wise logistic function, in float64 (each label of a multi-label model)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, np.float64)))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, in float64."""
    shifted = np.exp(logits.astype(np.float64) - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _nll(logits: np.ndarray, truth: np.ndarray, inverse_temperature: float) -> float:
    scaled_logits = logits * inverse_temperature
    top = scaled_logits.max(axis=1)
    log_sum = top + np.log(np.exp(scaled_logits - top[:, None]).sum(axis=1))
    return float(np.mean(log_sum - scaled_logits[np.arange(len(truth)), truth]))
