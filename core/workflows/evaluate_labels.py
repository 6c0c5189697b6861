"""A multi-label model's accuracy against ground truth with several labels a sample (a
labels.csv or a Multi-labeled Tiles folder of chips, or a truth field of labels joined by the
model's delimiter): each label decided at its threshold and scored on its own (precision,
recall, F1), micro and macro F1, the Hamming loss, the exact-match share and, per label, the
2 x 2 confusion of present and absent. Truth labels that are not labels of the model are
counted and reported, and the sample is not counted."""

from __future__ import annotations

import csv
import functools
import io
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..data.multi_label import split_labels
from ..errors import DataError, tr
from ..inference.predictor import labels_present
from ..reports import report
from ..reports.metrics import MultiLabelScores, multi_label_scores
from ..runtime.outputs import write_atomic
from .io import first_label

EXAMPLE_CHIPS = 36  # chips with a label wrong kept for the report


@dataclass
class LabelMistake:
    """A sample with a label missing or one too many."""

    source: object  # file path or feature id
    truth: str
    predicted: str
    confidence: float  # the lowest certainty of its labels
    chip: np.ndarray | None = None


class EvaluationFiles(ABC):
    """What an evaluation writes: its HTML report (write_report) and its table as CSV
    (write_csv); and what it did not count (``unknown_truth``: truth values the model does
    not know, described by UNKNOWN; ``skipped``: reasons)."""

    UNKNOWN = "truth values that are not classes of the model"
    unknown_truth: Counter
    skipped: Counter

    def not_counted(self) -> list[str]:
        """Lines for the samples not counted, by reason."""
        lines = []
        if self.unknown_truth:
            lines.append(f"{sum(self.unknown_truth.values())} samples have {self.UNKNOWN} and "
                         "were not counted: " + ", ".join(
                             f"{value!r} ({count})" for value, count in
                             self.unknown_truth.most_common()))
        if self.skipped:
            lines.append(f"Skipped {sum(self.skipped.values())}: " + ", ".join(
                f"{count} {reason}" for reason, count in self.skipped.items()))
        return lines

    @abstractmethod
    def write_report(self, path: str, model_path: str) -> None:
        """The HTML evaluation report to ``path``."""

    @abstractmethod
    def write_csv(self, file: io.TextIOBase) -> None:
        """The evaluation's table to an open text file."""

    def save(self, report_path: str, confusion_path: str, model_path: str) -> None:
        """The HTML report and the CSV, each written aside and moved into place."""
        self.write_report(report_path, model_path)
        text = io.StringIO()
        self.write_csv(text)
        write_atomic(confusion_path, text.getvalue())


@dataclass
class LabelEvaluation(EvaluationFiles):
    """Truth and scores of the samples counted, with the measures derived (the same names as
    core.workflows.evaluate.Evaluation, which the front ends read)."""

    UNKNOWN = "truth labels that are not labels of the model"

    classes: list[str]
    thresholds: np.ndarray
    delimiter: str
    description: str = ""
    class_entries: list[dict] = field(default_factory=list)
    truth: list[np.ndarray] = field(default_factory=list)
    scores: list[np.ndarray] = field(default_factory=list)
    mistakes: list[LabelMistake] = field(default_factory=list)
    unknown_truth: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    hard_examples: list[tuple] = field(default_factory=list)  # (none: a heatmap is of a class)

    @property
    def legend_field(self) -> str:
        """The misclassified features are drawn by their likeliest predicted label."""
        return first_label("predicted", self.delimiter)

    @property
    def count(self) -> int:
        """The samples counted."""
        return len(self.truth)

    @functools.cached_property
    def decided(self) -> tuple[np.ndarray, np.ndarray]:
        """(labels said at their thresholds, labels true), samples x labels, as booleans;
        computed once, when the counting is over."""
        return np.array(self.scores) >= self.thresholds, np.array(self.truth) > 0

    @functools.cached_property
    def measures(self) -> MultiLabelScores:
        """Per-label scores, micro and macro F1 and the Hamming loss."""
        return multi_label_scores(np.array(self.scores), np.array(self.truth), self.thresholds,
                                  self.classes)

    @property
    def overall_accuracy(self) -> float:
        """The share of samples whose labels are all right (exact match)."""
        present, truth = self.decided
        return float((present == truth).all(axis=1).mean())

    @property
    def kappa(self) -> float:
        """Cohen's kappa of each label's present/absent, averaged over the labels."""
        present, truth = self.decided
        values = []
        for label in range(len(self.classes)):
            agree = float((present[:, label] == truth[:, label]).mean())
            chance = float(present[:, label].mean() * truth[:, label].mean() +
                           (1 - present[:, label].mean()) * (1 - truth[:, label].mean()))
            values.append((agree - chance) / (1 - chance) if chance < 1 else 1.0)
        return float(np.mean(values))

    @property
    def per_class(self) -> list[dict]:
        """Precision, recall, F1, support and threshold per label."""
        return self.measures.per_label

    @property
    def macro_f1(self) -> float:
        """The labels' F1 averaged."""
        return self.measures.macro_f1

    def text(self) -> str:
        """The result as lines for the log."""
        measures = self.measures
        return "\n".join([f"Evaluated {self.count} samples of several labels: micro F1 "
                          f"{measures.micro_f1:.4f}, macro F1 {measures.macro_f1:.4f}, Hamming "
                          f"loss {measures.hamming_loss:.4f}, all labels right in "
                          f"{self.overall_accuracy:.2%}.", *self.not_counted()])

    def write_csv(self, file: io.TextIOBase) -> None:
        """Per label its 2 x 2 confusion (true and false positives, false and true
        negatives) and its threshold, precision, recall and F1."""
        present, truth = self.decided
        rows = csv.writer(file, lineterminator="\n")
        rows.writerow(["label", "threshold", "true_positives", "false_positives",
                       "false_negatives", "true_negatives", "precision", "recall", "f1"])
        for label, scores in enumerate(self.per_class):
            said, real = present[:, label], truth[:, label]
            rows.writerow([scores["name"], scores["threshold"], int((said & real).sum()),
                           int((said & ~real).sum()), int((~said & real).sum()),
                           int((~said & ~real).sum()), round(scores["precision"], 6),
                           round(scores["recall"], 6), round(scores["f1"], 6)])

    def write_report(self, path: str, model_path: str) -> None:
        """The HTML evaluation report to ``path``."""
        measures = self.measures
        facts = [("Model", model_path), ("Evaluated", self.description),
                 ("Samples counted", self.count),
                 ("All labels right", f"{self.overall_accuracy:.2%}"),
                 ("Micro F1", f"{measures.micro_f1:.4f}"),
                 ("Macro F1", f"{measures.macro_f1:.4f}"),
                 ("Hamming loss", f"{measures.hamming_loss:.4f}")]
        examples = [(m.chip, m.truth, m.predicted, m.confidence) for m in self.mistakes
                    if m.chip is not None][:EXAMPLE_CHIPS]
        report.write_evaluation_report(
            path, title="Scene classifier evaluation (several labels a chip)", facts=facts,
            classes=self.classes, confusion=np.zeros((0, 0)), per_class=[],
            unknown=dict(self.unknown_truth), skipped=dict(self.skipped), mistakes=examples,
            mistake_count=len(self.mistakes), multi_label=measures)

    def explain_hardest(self, _predictor: object) -> None:
        """No heatmaps: one shows where one class came from, and a sample has several."""


class LabelTally:
    """Builds a LabelEvaluation one (source, truth, probabilities, chip) at a time; truth is
    a list of label names, or a text of them joined by the model's delimiter."""

    def __init__(self, class_entries: list[dict], thresholds: list[float], delimiter: str,
                 description: str) -> None:
        classes = [str(entry["Name"]) for entry in class_entries]
        self.evaluation = LabelEvaluation(classes, np.asarray(thresholds), delimiter,
                                          description, class_entries)

    def add(self, source: object, truth_value: object, probabilities: np.ndarray,
            chip: np.ndarray | None) -> None:
        """Count one sample (one whose truth has a label the model lacks is counted apart,
        as not counted); keep it as a mistake where a label is missing or one too many."""
        evaluation = self.evaluation
        names = split_labels(truth_value, evaluation.delimiter) \
            if isinstance(truth_value, str) else list(truth_value)
        unknown = [name for name in names if name not in evaluation.classes]
        if unknown or not names:
            evaluation.unknown_truth[str(truth_value)] += 1
            return
        truth = np.zeros(len(evaluation.classes), np.float32)
        truth[[evaluation.classes.index(name) for name in names]] = 1
        evaluation.truth.append(truth)
        evaluation.scores.append(np.asarray(probabilities, np.float32))
        present = probabilities >= evaluation.thresholds
        if (present != (truth > 0)).any():
            keep = chip is not None and len(evaluation.mistakes) < EXAMPLE_CHIPS
            certainty = float(np.where(present, probabilities, 1 - probabilities).min())
            evaluation.mistakes.append(LabelMistake(
                source, evaluation.delimiter.join(names),
                evaluation.delimiter.join(evaluation.classes[label] for label in
                                          labels_present(probabilities, evaluation.thresholds)),
                certainty, np.array(chip) if keep else None))

    def result(self) -> LabelEvaluation:
        """The evaluation; an error when no sample could be counted."""
        if not self.evaluation.truth:
            reasons = " ".join(self.evaluation.not_counted()) or "there were no samples."
            raise DataError(tr("Nothing could be evaluated in {}: {} The model's labels "
                               "are {}.").format(
                                self.evaluation.description, reasons,
                                ', '.join(self.evaluation.classes)))
        return self.evaluation
