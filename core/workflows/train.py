"""Training and finding the learning rate, as the tools run them: plain settings and a
Feedback in, the package (or the rate and its report) out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..data.training_data import load_training_data, split_folder_list
from ..errors import Cancelled, setting, tr
from ..models.backbones import DEFAULT_BACKBONE, TIMM_PREFIX
from ..packages.read import load_package
from ..packages.write import PackagePaths, check_package_target
from ..reports import report
from ..runtime.dependencies import require_torch
from ..runtime.devices import resolve_device
from ..runtime.distributed import held_by_main, on_main
from ..runtime.feedback import Feedback
from ..runtime.outputs import run_lock
from ..training.checkpoint import partial_folder, remove_checkpoint
from .training_run import TrainingRun


@dataclass
class TrainSettings:
    """Everything the train and find-learning-rate tools ask for. A ``timm_backbone``, when
    named, replaces the ``backbone`` choice (as timm:<name>)."""

    input_folder: str
    extra_folders: str | None = ""
    backbone: str = DEFAULT_BACKBONE
    timm_backbone: str | None = ""
    pretrained: bool = True
    weights_file: str | None = None
    chip_size: int = 224
    batch_size: int = 64
    epochs: int = 20
    learning_rate: float = 0.0
    val_split_pct: float = 20  # percent
    oversample: bool = False
    early_stopping: bool = True
    device: str = "auto"
    seed: int = 42
    model_name: str = "model"
    output_folder: str = "."
    report_path: str | None = None
    resume: bool = False
    overwrite: bool = False
    initial_model: str | None = None  # a package to start from (its backbone and chip size)

    def __post_init__(self) -> None:
        timm = (self.timm_backbone or "").strip()
        if timm:
            self.backbone, self.timm_backbone = TIMM_PREFIX + timm, ""
        self.extra_folders = self.extra_folders or ""
        self.weights_file = self.weights_file or None
        self.report_path = self.report_path or None
        self.initial_model = self.initial_model or None


@dataclass
class TrainOutcome:
    """The package written, its best validation accuracy, the learning rate and the history."""

    paths: PackagePaths
    accuracy: float
    learning_rate: float
    history: list[dict]


def _classifier(settings: TrainSettings, feedback: Feedback) -> TrainingRun:
    resolve_device(settings.device)  # fail before reading any chips
    require_torch()
    initial = load_package(settings.initial_model) if settings.initial_model else None
    chip_size = settings.chip_size if initial is None else initial.chip_size
    if chip_size != settings.chip_size:
        feedback.log(tr("Chips of {} px and the {} backbone, as {} has them.").format(
                         chip_size, initial.backbone, setting('initial_model')))
    data = load_training_data(split_folder_list(settings.input_folder, settings.extra_folders),
                              chip_size, settings.val_split_pct, settings.batch_size,
                              settings.seed, feedback)
    feedback.log(tr("{} classes, {} training and {} validation chips, {} bands ({}).").format(
                     len(data.classes), len(data.all_train_labels), len(data.valid_labels),
                     data.band_count, data.data_type))
    if initial is not None:
        classifier = TrainingRun.from_package(initial, data, settings.oversample,
                                              settings.device, feedback)
    else:
        classifier = TrainingRun(data, settings.backbone, settings.pretrained,
                                 settings.weights_file, settings.oversample, settings.device,
                                 feedback)
    feedback.log(tr("Training {} on {}.").format(classifier.backbone, classifier.trainer.device))
    return classifier


def train_classifier(settings: TrainSettings, feedback: Feedback | None = None) -> TrainOutcome:
    """Read the chips, (find the rate,) train, and save the package and report; one run at
    a time into a model folder (core.outputs.run_lock).

    Under torchrun every process calls it (inside core.distributed.process_group) and trains
    its part (core.training); the main process alone checks and locks the model folder,
    logs, and writes the checkpoints, package and report, and its errors are raised in every
    process. All return once the package is written."""
    feedback = (feedback or Feedback()).main_only()
    with held_by_main(lambda: _locked_model_folder(settings, feedback)):
        return _train(settings, feedback)


@contextmanager
def _locked_model_folder(settings: TrainSettings, feedback: Feedback) -> Iterator[str]:
    """The package's name, checked, with its model folder locked for the block."""
    name = check_package_target(settings.output_folder, settings.model_name, settings.overwrite,
                                split_folder_list(settings.input_folder, settings.extra_folders))
    with run_lock(settings.output_folder, name, feedback.log):
        yield name


def _train(settings: TrainSettings, feedback: Feedback) -> TrainOutcome:
    feedback.log(tr("The model package will be written to {}.").format(
                     os.path.join(settings.output_folder, settings.model_name)))
    classifier = _classifier(settings, feedback)
    partial = partial_folder(settings.output_folder, settings.model_name)
    try:
        history = classifier.fit(settings.epochs, settings.learning_rate or None,
                                 settings.early_stopping, partial, settings.resume)
    except Cancelled:
        if os.path.isdir(partial):
            feedback.log(tr("Cancelled. The last finished epoch is kept in {}: run "
                            "again with {} to continue from there.").format(
                             partial, setting('resume')))
        raise
    feedback.report(1.0, tr("saving the model package"), force=True)
    paths = classifier.save(settings.model_name, settings.output_folder, settings.report_path,
                            settings.overwrite)
    on_main(lambda: remove_checkpoint(partial))
    feedback.log(tr("Kept epoch {} (lowest validation loss): validation accuracy {}. {} "
                    "Model package: {}").format(
                     classifier.trainer.best_epoch, report.percent(classifier.best_accuracy),
                     _confidence_note(classifier), paths.folder))
    return TrainOutcome(paths, classifier.best_accuracy, float(classifier.learning_rate), history)


def _confidence_note(classifier: TrainingRun) -> str:
    """How the written confidence was made trustworthy: the calibration's temperature and
    ECE, or with several labels a chip each label's threshold and the F1 they give."""
    if classifier.multi_label:
        scores = classifier.multi_label_scores()
        return (f"Each label's threshold chosen on the validation chips: micro F1 "
                f"{scores.micro_f1:.3f}, macro F1 {scores.macro_f1:.3f}, Hamming loss "
                f"{scores.hamming_loss:.3f}.")
    temperature, before, after = classifier.calibration()
    return (f"Confidence calibrated on the validation chips: temperature {temperature:.3g}, "
            f"expected calibration error {before.ece:.3f} before, {after.ece:.3f} after.")


def find_learning_rate(settings: TrainSettings, report_path: str,
                       feedback: Feedback | None = None) -> float:
    """Run the learning-rate finder and write its curve to ``report_path`` (under torchrun:
    every process sweeps, for the global batch, and the main one writes)."""
    feedback = (feedback or Feedback()).main_only()
    classifier = _classifier(settings, feedback)
    rate = classifier.lr_find()
    on_main(lambda: report.write_lr_report(
        report_path, title="Learning rate finder", lr_finder=classifier.lr_finder.to_dict(),
        summary=dict(classifier.data.summary(), backbone=settings.backbone)))
    return rate
