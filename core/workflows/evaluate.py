"""A model's accuracy against ground truth: labelled chips in a folder, or labelled features
classified in place from the raster (through the same chip path as classification).

The measures remote sensing reports: overall accuracy, Cohen's kappa, per-class producer's
accuracy (recall), user's accuracy (precision) and F1, macro F1, the confusion matrix.
Truth values that are not classes of the model are counted and reported, never dropped
silently.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

import numpy as np

from ..data.imagery import fit_chip, parallel_decoders, read_image
from ..data.training_data import scan_folders, split_folder_list
from ..errors import DataError, setting, tr
from ..inference.classifier import ClassifyOptions, RasterClassifier
from ..inference.engines import TORCH, choose_engine
from ..inference.predictor import Predictor, best_class
from ..packages.read import ModelPackage, load_package
from ..reports import report
from ..reports.metrics import confusion_matrix, kappa, overall_accuracy, per_class_metrics
from ..runtime.feedback import Feedback
from ..runtime.outputs import evaluation_paths
from ..sources.feature_chips import Status
from .evaluate_labels import EvaluationFiles, LabelTally
from .export import class_folder_name
from .io import FeatureSink, FeatureSource, Legend, class_field
from .schemas import ERROR_FIELDS, check_error_fields

if TYPE_CHECKING:
    from collections.abc import Iterator

EXAMPLE_CHIPS = 36  # misclassified chips kept for the report
HARD_EXAMPLES = 8  # of those, the most confident shown with their heatmaps
NULL_TRUTH = "with a NULL truth value"
UNREADABLE = "unreadable"
WRONG_BANDS = "with another band count than the model's"


@dataclass
class Mistake:
    """A misclassified chip or feature."""

    source: object  # file path or feature id
    truth: str
    predicted: str
    confidence: float
    chip: np.ndarray | None = None


@dataclass
class Evaluation(EvaluationFiles):
    """The confusion matrix and what could not be counted, with the measures derived."""

    classes: list[str]
    confusion: np.ndarray
    mistakes: list[Mistake] = field(default_factory=list)
    unknown_truth: Counter = field(default_factory=Counter)  # truth values not in the model
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    description: str = ""
    class_entries: list[dict] = field(default_factory=list)  # the model's, with colours
    # the most confident mistakes kept, each (chip, truth, predicted, confidence, heatmap)
    hard_examples: list[tuple] = field(default_factory=list)

    legend_field = "predicted"  # the misclassified features are drawn by it

    @property
    def count(self) -> int:
        """The samples counted in the confusion matrix."""
        return int(self.confusion.sum())

    @property
    def overall_accuracy(self) -> float:
        """The share of samples classified as their truth."""
        return overall_accuracy(self.confusion)

    @property
    def kappa(self) -> float:
        """Cohen's kappa of the confusion matrix."""
        return kappa(self.confusion)

    @property
    def per_class(self) -> list[dict]:
        """Precision, recall, F1 and support per class (core.reports.metrics)."""
        return per_class_metrics(self.confusion, self.classes)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the classes that occur in the truth or the predictions."""
        present = (self.confusion.sum(axis=0) + self.confusion.sum(axis=1)) > 0
        scores = [row["f1"] for row, used in zip(self.per_class, present) if used]
        return float(np.mean(scores)) if scores else 0.0

    def text(self) -> str:
        """The result as lines for the log."""
        return "\n".join([f"Evaluated {self.count} samples: overall accuracy "
                          f"{self.overall_accuracy:.4f}, kappa {self.kappa:.4f}, macro F1 "
                          f"{self.macro_f1:.4f}.", *self.not_counted()])

    def write_csv(self, file: TextIO) -> None:
        """The confusion matrix to an open text file: truth classes as rows, predicted
        classes as columns."""
        import csv

        rows = csv.writer(file, lineterminator="\n")
        rows.writerow(["truth \\ predicted", *self.classes])
        for name, counts in zip(self.classes, self.confusion):
            rows.writerow([name, *(int(c) for c in counts)])

    def write_report(self, path: str, model_path: str) -> None:
        """The HTML evaluation report to ``path``."""
        facts = [("Model", model_path), ("Evaluated", self.description),
                 ("Samples counted", self.count),
                 ("Overall accuracy", f"{self.overall_accuracy:.2%}"),
                 ("Cohen's kappa", f"{self.kappa:.4f}"), ("Macro F1", f"{self.macro_f1:.4f}")]
        examples = [(m.chip, m.truth, m.predicted, m.confidence) for m in self.mistakes
                    if m.chip is not None][:EXAMPLE_CHIPS]
        report.write_evaluation_report(
            path, title="Scene classifier evaluation", facts=facts, classes=self.classes,
            confusion=self.confusion, per_class=self.per_class,
            unknown=dict(self.unknown_truth), skipped=dict(self.skipped), mistakes=examples,
            mistake_count=len(self.mistakes), hard_examples=self.hard_examples)

    def explain_hardest(self, predictor: Predictor) -> None:
        """The report's hardest examples: the most confident of the mistakes kept, each with
        the heatmap of where its (wrong) class came from (core.inference.explain)."""
        kept = sorted((m for m in self.mistakes if m.chip is not None),
                      key=lambda m: -m.confidence)[:HARD_EXAMPLES]
        if not kept:
            return
        maps = predictor.heatmaps(np.stack([m.chip for m in kept]),
                                  [self.classes.index(m.predicted) for m in kept])
        self.hard_examples = [(m.chip, m.truth, m.predicted, m.confidence, heat)
                              for m, heat in zip(kept, maps)]


@dataclass
class EvaluateSettings(ClassifyOptions):
    """The model and the ground truth, one of two ways: a folder of labelled chips
    (``input_folder``), or features classified in place from ``raster`` with their truth in
    ``truth_field``; where the report and the confusion matrix go (None: a file named after
    the model and the time in ~/SceneClassifier/evaluations)."""

    model: str = ""
    input_folder: str = ""
    raster: str = ""
    truth_field: str = ""
    report_path: str | None = None
    confusion_path: str | None = None


@dataclass
class EvaluateResult:
    """The evaluation and where its report and confusion matrix were written."""

    evaluation: Evaluation
    report_path: str
    confusion_path: str


def evaluate(settings: EvaluateSettings, source: FeatureSource | None = None,
             errors_output: FeatureSink | None = None,
             feedback: Feedback | None = None) -> EvaluateResult:
    """Evaluate the model against the ground truth (``source``: the labelled features, way
    2); write the report and the confusion matrix, and the misclassified features to
    ``errors_output`` where features were evaluated."""
    feedback = feedback or Feedback()
    check_ground_truth(bool(settings.input_folder), source is not None, bool(settings.raster),
                       bool(settings.truth_field))
    defaults = evaluation_paths(settings.model)
    report_path = settings.report_path or defaults[0]
    confusion_path = settings.confusion_path or defaults[1]
    if source is not None and errors_output is not None:
        check_error_fields([field.name for field in source.fields])
    if settings.input_folder:
        evaluation = evaluate_folder(settings.model, settings.input_folder,
                                     settings.batch_size, settings.device, feedback,
                                     settings.engine)
    else:
        index = class_field(source, settings.truth_field, "truth_field")
        options = ClassifyOptions(**{name: getattr(settings, name)
                                     for name in ClassifyOptions.__dataclass_fields__})
        options.geometry_crs = source.crs_wkt
        evaluation = evaluate_features(
            settings.model, settings.raster,
            ((feature.id, feature.attributes[index], feature.wkb)
             for feature in source.features()), options, feedback, source.count())
    feedback.log(evaluation.text())
    evaluation.save(report_path, confusion_path, settings.model)
    feedback.log(tr("Report: {}\nConfusion matrix: {}").format(report_path, confusion_path))
    if errors_output is not None:
        _write_errors(errors_output, source, evaluation, settings.model, feedback)
    return EvaluateResult(evaluation, report_path, confusion_path)


def _write_errors(output: FeatureSink, source: FeatureSource | None, evaluation: Evaluation,
                  model: str, feedback: Feedback) -> None:
    """The misclassified features with their truth, prediction and confidence."""
    if source is None:
        feedback.warning(tr("{} needs {}; none written for a folder of chips.").format(
                             setting('errors_output'), setting('features')))
        return
    mistakes = {mistake.source: mistake for mistake in evaluation.mistakes}
    legend = Legend(evaluation.legend_field, evaluation.class_entries,
                    os.path.splitext(os.path.basename(model))[0])
    with output.open(list(ERROR_FIELDS), legend) as write:
        for feature in source.features(geometry=False):
            mistake = mistakes.get(feature.id)
            if mistake is not None:
                write(feature, [mistake.truth, mistake.predicted, mistake.confidence])


def check_ground_truth(folder: bool, features: bool, raster: bool, truth_field: bool) -> None:
    """The ground truth is given one way: a folder of chips alone, or a raster, labelled
    features and their truth field together (which of them are given)."""
    if folder == features:
        raise DataError(
            tr("Give either {} alone, or {}, {} and {} together: one of the two ways, "
               "not both and not neither.").format(
                setting('input_folder', True), setting('raster', True), setting('features', True),
                setting('truth_field', True)))
    if features and not raster:
        raise DataError(tr("{} needs {}, the imagery to classify them from.").format(
                            setting('features', True), setting('raster', True)))
    if features and not truth_field:
        raise DataError(tr("{} needs {}, the field with their true class.").format(
                            setting('features', True), setting('truth_field', True)))


def match_class(value: object, classes: Sequence[str]) -> int | None:
    """The model class a truth value stands for: its name, or its name as a chip folder."""
    for name in (str(value), class_folder_name(value)):
        if name in classes:
            return list(classes).index(name)
    return None


class _Tally:
    """Builds an Evaluation one (source, truth, probabilities, chip) at a time."""

    def __init__(self, class_entries: list[dict], description: str) -> None:
        self.classes = classes = [str(entry["Name"]) for entry in class_entries]
        self.truth: list[int] = []
        self.predicted: list[int] = []
        self.evaluation = Evaluation(classes, np.zeros((len(classes),) * 2, np.int64),
                                     description=description, class_entries=class_entries)

    def add(self, source: object, truth_value: object, probabilities: np.ndarray,
            chip: np.ndarray | None) -> None:
        best = best_class(probabilities)
        if best is None:
            self.evaluation.skipped[Status.NOT_FINITE.value] += 1
            return
        class_index, confidence = best
        truth = match_class(truth_value, self.classes)
        if truth is None:
            self.evaluation.unknown_truth[str(truth_value)] += 1
            return
        self.truth.append(truth)
        self.predicted.append(class_index)
        if truth != class_index:
            keep = chip is not None and len(self.evaluation.mistakes) < EXAMPLE_CHIPS
            self.evaluation.mistakes.append(Mistake(
                source, self.classes[truth], self.classes[class_index], confidence,
                np.array(chip) if keep else None))

    def result(self) -> Evaluation:
        """The evaluation; an error when no sample could be counted (an accuracy of nothing
        would read as 0 %)."""
        self.evaluation.confusion = confusion_matrix(self.truth, self.predicted,
                                                     len(self.classes))
        if not self.truth:
            reasons = self.evaluation.text().split("\n")[1:] or ["there were no samples"]
            advice = (" Its output is not a number: the model is damaged; train or save it "
                      "again." if Status.NOT_FINITE.value in self.evaluation.skipped else
                      f" The model's classes are {', '.join(self.classes)}: give truth values "
                      "among them.")
            raise DataError(tr("Nothing could be evaluated in {}: {}.{}").format(
                                self.evaluation.description, '; '.join(reasons).rstrip('.'),
                                advice))
        return self.evaluation


def _tally(package: ModelPackage, description: str) -> _Tally | LabelTally:
    """What counts the samples: a confusion matrix, or for a multi-label model each label's
    (core.workflows.evaluate_labels)."""
    if package.multi_label:
        return LabelTally(package.definition["Classes"], package.thresholds,
                          package.label_delimiter, description)
    return _Tally(package.definition["Classes"], description)


def _kind_mismatch(package: ModelPackage, what: str) -> str:
    """Why a model of one class a chip cannot be measured on chips of several, or back."""
    if package.multi_label:
        return (f"{package.path} gives several labels a chip but {what} have one class each "
                "(class folders): evaluate it on a labels.csv or a Multi-labeled Tiles folder.")
    return (f"{package.path} gives one class a chip but {what} have several labels (a "
            "labels.csv or a Multi-labeled Tiles export): evaluate a multi-label model on them.")


def evaluate_folder(model: str | ModelPackage, folder: str, batch_size: int = 64,
                    device: str = "auto", feedback: Feedback | None = None,
                    engine: str = "auto") -> Evaluation:
    """Evaluate on labelled chips in ImageNet layout (class = sub-folder name)."""
    feedback = feedback or Feedback()
    engine = choose_engine(engine)
    package = load_package(model, torch_weights=engine == TORCH) if isinstance(model, str) \
        else model
    for note in package.notes:
        feedback.log(note)
    predictor = Predictor(package, device, batch_size, feedback=feedback, engine=engine)
    scan = scan_folders(split_folder_list(folder), for_training=False)
    if scan.multi_label != package.multi_label:
        raise DataError(_kind_mismatch(package, f"the chips in {folder}"))
    tally = _tally(package, f"labelled chips in {os.path.abspath(folder)}")
    model_type = package.definition.get("DataType")

    def decode(path: str) -> tuple[np.ndarray | None, str | None]:
        try:
            chip = read_image(path)
        except Exception:  # any decoder failure means "unreadable"
            return None, UNREADABLE
        if chip.shape[0] != package.band_count:
            return None, WRONG_BANDS
        if model_type and chip.dtype.name != model_type:
            raise DataError(tr("The model was trained on {} chips but {} holds {} "
                               "pixels; evaluate it on chips like its own.").format(
                                model_type, path, chip.dtype.name))
        return fit_chip(chip, package.chip_size, package.resize_to), None

    total = len(scan.paths)
    with ThreadPoolExecutor(parallel_decoders()) as pool:
        for start in range(0, total, predictor.batch_size):
            feedback.check_cancelled()
            paths = scan.paths[start:start + predictor.batch_size]
            decoded = list(pool.map(decode, paths))
            usable = [i for i, (chip, _) in enumerate(decoded) if chip is not None]
            for _, problem in decoded:
                if problem:
                    tally.evaluation.skipped[problem] += 1
            if not usable:
                continue
            chips = np.stack([decoded[i][0] for i in usable])
            probabilities = predictor.probabilities(chips)
            for row, chip, index in zip(probabilities, chips, usable):
                names = scan.names(start + index)
                tally.add(paths[index], names if scan.multi_label else names[0], row, chip)
            done = min(start + predictor.batch_size, total)
            feedback.report(done / total, tr("evaluating chips {}/{}").format(done, total))
    evaluation = tally.result()
    evaluation.explain_hardest(predictor)
    return evaluation


def evaluate_features(model: str | ModelPackage, raster: str,
                      features: Iterable[tuple[object, object, bytes | None]],
                      options: ClassifyOptions | None = None, feedback: Feedback | None = None,
                      total: int | None = None) -> Evaluation:
    """Evaluate on (feature id, truth value, WKB) classified in place from the raster."""
    classifier = RasterClassifier(model, raster, options, feedback)
    tally = _tally(classifier.package, f"labelled features over {os.path.abspath(raster)}")
    pending: deque[tuple[object, object]] = deque()

    def geometries() -> Iterator[bytes | None]:
        for source, truth, wkb in features:
            pending.append((source, truth))
            yield wkb

    for prediction in classifier.classify(geometries(), total, keep_chips=True):
        source, truth = pending.popleft()
        if truth is None:
            tally.evaluation.skipped[NULL_TRUTH] += 1
        elif prediction.class_index is None:
            tally.evaluation.skipped[prediction.status.value] += 1
        else:
            tally.add(source, truth, prediction.probabilities, prediction.chip)
    evaluation = tally.result()
    evaluation.explain_hardest(classifier.predictor)
    return evaluation

