"""A model being trained: the network built on training data, the learning-rate finder, the
fit with checkpoints, the validation results, the report and the saved package. What the
tools (core.workflows.train) and the notebook API (core.api.FeatureClassifier, which adds
arcgis.learn's names) both train with.

Under torchrun (several processes, one per GPU) every process makes the same calls:
``batch_size`` is the batch of all processes together (see core.training), and only the
main process logs and writes (checkpoints, the package).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..data.training_data import MODELS_FOLDER, TrainingData
from ..errors import DataError, setting, tr
from ..inference.calibration import fit_temperature, scaled
from ..models.backbones import DEFAULT_BACKBONE, create_model, pretrained_normalization
from ..packages.definition import model_definition
from ..packages.read import ModelPackage
from ..packages.write import PackagePaths, check_package_target, save_package
from ..reports import report
from ..reports.metrics import (
    MultiLabelScores,
    Reliability,
    best_thresholds,
    confusion_matrix,
    multi_label_scores,
    per_class_metrics,
    reliability,
)
from ..runtime.distributed import on_main, world_size
from ..runtime.feedback import Feedback
from ..runtime.torch_files import save_data
from ..training.checkpoint import (
    check_same_processes,
    check_same_run,
    load_checkpoint,
    save_checkpoint,
)
from ..training.lr_finder import LRFinderResult
from ..training.step import Rates
from ..training.trainer import MONITORS, Trainer

if TYPE_CHECKING:
    from torch import nn

RESULT_TILES = 36  # validation chips in the report's results
SAMPLE_TILES = 16  # training chips in the report
HARD_EXAMPLES = 8  # hardest validation chips in the report, each with its heatmap


class TrainingRun:
    """A network trained on one TrainingData on one device (under torchrun: one process's
    part of the training), or loaded from a package to train further."""

    def __init__(self, data: TrainingData, backbone: str = DEFAULT_BACKBONE,
                 pretrained: bool = True, weights_file: str | None = None,
                 oversample: bool = False, device: str = "auto",
                 feedback: Feedback | None = None) -> None:
        import torch

        with torch.random.fork_rng(devices=[]):  # seeded weights; the caller's state kept
            torch.manual_seed(data.seed)
            model = create_model(backbone, len(data.classes), data.band_count, pretrained,
                                 weights_file)
        expected = pretrained_normalization(backbone) if pretrained or weights_file else None
        if expected and data.band_count == 3 and data.data_type == "uint8":
            data.normalization = expected  # as the pretrained weights were trained
        self._start(data, backbone, model, oversample, device, feedback)
        self.start_weights = "ImageNet" if pretrained else (
            f"the file {weights_file}" if weights_file else "none (trained from scratch)")

    @classmethod
    def from_package(cls, package: ModelPackage, data: TrainingData, oversample: bool = False,
                     device: str = "auto", feedback: Feedback | None = None) -> TrainingRun:
        """Training that starts from a saved package's weights and classes (a further round
        with more labels): the data's classes the package knows keep their outputs, new ones
        start untrained (ModelPackage.build_model_for); the package's normalisation is kept."""
        import torch

        if package.band_count != data.band_count:
            raise DataError(tr("{} {} reads {} bands; the chips have {}.").format(
                                setting('initial_model'), package.path, package.band_count,
                                data.band_count))
        if package.multi_label != data.multi_label:
            kinds = ("several labels a chip", "one class a chip")
            ours, theirs = (kinds if package.multi_label else kinds[::-1])
            raise DataError(tr("{} {} gives {} but the chips have {}: start from a "
                               "model of the same kind.").format(
                                setting('initial_model'), package.path, ours, theirs))
        with torch.random.fork_rng(devices=[]):  # the new classes' outputs, seeded
            torch.manual_seed(data.seed)
            model, new = package.build_model_for(data.classes)
        data.normalization = package.normalization
        run = cls.__new__(cls)
        run._start(data, package.backbone, model, oversample, device, feedback)
        dropped = [name for name in package.classes if name not in data.classes]
        run.start_weights = (f"the model {package.path} ({len(data.classes) - len(new)} of "
                             f"its classes" + (f"; new: {', '.join(new)}" if new else "")
                             + (f"; not in the data: {', '.join(dropped)}" if dropped else "")
                             + ")")
        run.feedback.log(tr("Starting from {}.").format(run.start_weights))
        return run

    def _start(self, data: TrainingData | None, backbone: str, model: nn.Module, oversample: bool,
               device: str, feedback: Feedback | None, package: ModelPackage | None = None,
               ) -> None:
        self.data = data
        self.backbone = backbone
        # a notebook sees the epoch table; under torchrun, only from the main process
        self.feedback = (feedback or Feedback.printing()).main_only()
        self.device_name = device
        self.package = package
        self.trainer = None if data is None else Trainer(model, data, device, oversample,
                                                         self.feedback)
        self.lr_finder: LRFinderResult | None = None
        self.learning_rate: Rates | None = None  # one rate, or one per layer group
        self.monitor = "valid_loss"
        self.keep_best = True
        self._validation: tuple[np.ndarray, np.ndarray] | None = None
        self._calibration: tuple[float, Reliability, Reliability] | None = None
        self._thresholds: np.ndarray | None = None
        self._predictor = None
        self.epochs_asked = 0

    @property
    def classes(self) -> list[str]:
        """The class names, of the data (or of the package when loaded without data)."""
        return self.package.classes if self.data is None else self.data.classes

    @property
    def model(self) -> nn.Module:
        """The network being trained (a DataError when loaded without data)."""
        return self._training().model

    def _training(self) -> Trainer:
        if self.trainer is None:
            raise DataError(tr("This classifier was loaded without data. To train or "
                               "show results, load it with "
                               "FeatureClassifier.from_model(path, "
                               "data=prepare_data(...))."))
        return self.trainer

    def lr_find(self) -> float:
        """Sweep the learning rate; returns (and remembers) the suggested rate."""
        return self._find_rate()

    def _find_rate(self) -> float:
        """lr_find(), as fit() runs it (without what a front end adds to it)."""
        self.lr_finder = self._training().lr_find()
        self.feedback.log(tr("Learning-rate finder suggests {:.2e}.").format(
                              self.lr_finder.suggestion))
        return self.lr_finder.suggestion

    def fit(self, epochs: int, lr: Rates | None = None, early_stopping: bool = True,
            checkpoint_folder: str | None = None, resume: bool = False,
            one_cycle: bool = True, monitor: str = "valid_loss",
            keep_best: bool = True, epochs_folder: str | None = None) -> list[dict]:
        """Train; ``lr=None`` finds the learning rate first (a list: one rate per layer
        group, core.models.backbones.layer_groups). Returns the epoch table.

        ``one_cycle`` False trains at a constant rate; ``monitor`` ('valid_loss' or
        'accuracy') decides the kept epoch and early stopping; ``keep_best`` False keeps the
        last epoch's weights instead. With ``checkpoint_folder`` the state is saved there
        after every epoch; ``resume`` continues from the checkpoint found there (made with
        the same data and settings, and under torchrun as many processes: the main one
        writes it, every one reads it). With ``epochs_folder`` every epoch's weights are
        written there too, as ``epoch_<n>.pth`` (weights only, like a package's .pth).
        """
        trainer = self._training()
        if monitor not in MONITORS:
            raise DataError(tr("{} '{}' is not known: give '{}' (the lowest validation "
                               "loss) or '{}' (the highest validation accuracy).").format(
                                setting('monitor'), monitor, MONITORS[0], MONITORS[1]))
        self.epochs_asked, self.monitor, self.keep_best = epochs, monitor, keep_best
        run = self._run_facts(epochs, lr, early_stopping)
        # settings the tools never change: recorded only where changed, so that earlier
        # checkpoints resume as they are
        changed = {"one cycle": one_cycle, "monitor": monitor, "keep best": keep_best}
        run.update({key: value for key, value, default in zip(
            changed, changed.values(), (True, "valid_loss", True)) if value != default})
        state = load_checkpoint(checkpoint_folder) if resume and checkpoint_folder else None
        if resume and state is None:
            self.feedback.log(tr("{}: no checkpoint in {}; starting at epoch 1.").format(
                                  setting('resume'), checkpoint_folder))
        if state is not None:
            check_same_run(state["run"], run, checkpoint_folder)
            check_same_processes(state, world_size(), checkpoint_folder)
            self.learning_rate = state["learning_rate"]
            self.lr_finder = LRFinderResult(**state["lr_finder"]) if state["lr_finder"] else None
        else:
            self.learning_rate = lr if lr else self._find_rate()
        extras = {"run": run, "learning_rate": self.learning_rate,
                  "lr_finder": self.lr_finder.to_dict() if self.lr_finder else None}

        def after_epoch(trainer_state: dict) -> None:
            if checkpoint_folder is not None:
                save_checkpoint(checkpoint_folder, {**trainer_state, **extras})
            if epochs_folder is not None:
                os.makedirs(epochs_folder, exist_ok=True)
                path = os.path.join(epochs_folder, f"epoch_{trainer_state['epoch']}.pth")
                save_data(trainer_state["model"], path, "the epoch's weights")

        save = None if checkpoint_folder is None and epochs_folder is None else (
            lambda trainer_state: on_main(lambda: after_epoch(trainer_state)))
        history = trainer.fit(epochs, self.learning_rate, early_stopping, save, state,
                              one_cycle, monitor, keep_best)
        self._validation = self._calibration = self._thresholds = self._predictor = None
        return [vars(row) for row in history]

    def _run_facts(self, epochs: int, lr: float | None, early_stopping: bool) -> dict:
        """What a resumed run must share with the interrupted one."""
        data = self.data
        return {"classes": data.classes, "training chips": len(data.all_train_labels),
                "validation chips": len(data.valid_labels), "chip size": data.chip_size,
                "bands": data.band_count, "batch size": data.batch_size, "seed": data.seed,
                "backbone": self.backbone, "epochs": epochs,
                "learning rate": list(lr) if isinstance(lr, list) else lr or 0.0,
                "early stopping": early_stopping, "oversample": self.trainer.oversample}

    @property
    def best_accuracy(self) -> float:
        """Validation accuracy of the kept (best) epoch."""
        history = self._training().history
        return history[self.trainer.best_epoch - 1].accuracy if history else 0.0

    def validation_predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, truth) on the validation chips, computed once per fit."""
        if self._validation is None:
            probabilities = self._training().predict().numpy()
            self._validation = probabilities, self.data.valid_labels.numpy()
        return self._validation

    @property
    def multi_label(self) -> bool:
        """Whether each chip has several labels (a sigmoid per label, core.data.multi_label)."""
        return self.data.multi_label

    def thresholds(self) -> np.ndarray:
        """Several labels a chip: each label's threshold, chosen on the validation chips for
        its best F1 (core.reports.metrics.best_thresholds); computed once per fit."""
        if self._thresholds is None:
            self._thresholds = best_thresholds(*self.validation_predictions())
        return self._thresholds

    def multi_label_scores(self) -> MultiLabelScores:
        """Several labels a chip: per-label precision, recall and F1, micro and macro F1 and
        the Hamming loss on the validation chips, at the thresholds."""
        return multi_label_scores(*self.validation_predictions(), self.thresholds(),
                                  self.data.classes)

    def calibration(self) -> tuple[float, Reliability, Reliability] | None:
        """(temperature, reliability before, reliability after): the temperature fitted on
        the validation chips (core.inference.calibration), and how calibrated their
        confidence is without and with it; computed once per fit, like the predictions.
        None with several labels a chip (each label has its threshold instead)."""
        if self.multi_label:
            return None
        if self._calibration is None:
            probabilities, truth = self.validation_predictions()
            temperature = fit_temperature(probabilities, truth)
            self._calibration = (temperature, reliability(probabilities, truth),
                                 reliability(scaled(probabilities, temperature), truth))
        return self._calibration

    def confusion_matrix(self) -> np.ndarray:
        """Counts of (actual, predicted) pairs on the validation chips, classes x classes
        (none with several labels a chip: see multi_label_scores)."""
        if self.multi_label:
            raise DataError(tr("A chip has several labels here, so there is no "
                               "confusion matrix: the report's per-label table gives "
                               "each label's precision, recall and F1."))
        probabilities, truth = self.validation_predictions()
        return confusion_matrix(truth, probabilities.argmax(axis=1), len(self.data.classes))

    def per_class_metrics(self) -> list[dict]:
        """Precision, recall, F1 and support of every class (label) on the validation
        chips."""
        if self.multi_label:
            return self.multi_label_scores().per_label
        return per_class_metrics(self.confusion_matrix(), self.data.classes)

    def results(self, count: int = RESULT_TILES) -> list[tuple[np.ndarray, str, str, float]]:
        """Validation chips with truth, prediction and (calibrated) confidence, mistakes
        first; with several labels a chip, the labels joined, and the confidence the lowest
        of its labels' (a probability above its threshold, or one minus one below)."""
        if self.multi_label:
            return self._multi_label_results(count)
        probabilities, truth = self.validation_predictions()
        probabilities = scaled(probabilities, self.calibration()[0])
        predicted = probabilities.argmax(axis=1)
        order = np.argsort(predicted == truth, kind="stable")[:count]
        classes = self.data.classes
        return [(self.data.valid_images[i].numpy(), classes[truth[i]], classes[predicted[i]],
                 float(probabilities[i, predicted[i]])) for i in order]

    def _multi_label_results(self, count: int) -> list[tuple[np.ndarray, str, str, float]]:
        probabilities, truth = self.validation_predictions()
        present = probabilities >= self.thresholds()
        sure = np.where(present, probabilities, 1 - probabilities).min(axis=1)
        right = (present == (truth > 0)).all(axis=1)
        text = self.data.label_text
        order = np.lexsort((sure, right))[:count]
        return [(self.data.valid_images[i].numpy(), text(truth[i]), text(present[i]),
                 float(sure[i])) for i in order]

    def hard_examples(self, count: int = HARD_EXAMPLES
                      ) -> list[tuple[np.ndarray, str, str, float, np.ndarray]]:
        """The validation chips the model finds hardest, as arcgis.learn's
        plot_hard_examples: its confident mistakes first, then its least confident right
        answers; each (chip, truth, predicted, confidence, heatmap of where the predicted
        class came from: core.inference.explain)."""
        from ..inference.explain import network_heatmaps

        if self.multi_label:  # (a heatmap shows one class; a chip has several)
            return []
        probabilities, truth = self.validation_predictions()
        probabilities = scaled(probabilities, self.calibration()[0])
        predicted, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
        wrong = predicted != truth
        order = np.lexsort((np.where(wrong, -confidence, confidence), ~wrong))[:count]
        if not len(order):
            return []
        chips = np.stack([self.data.valid_images[int(i)].numpy() for i in order])
        maps = network_heatmaps(self._training().network, chips, predicted[order].tolist())
        classes = self.data.classes
        return [(chip, classes[truth[i]], classes[predicted[i]], float(confidence[i]), heat)
                for chip, i, heat in zip(chips, order, maps)]

    # --- saving -----------------------------------------------------------------------------
    def save(self, name: str, output_folder: str | None = None, report_path: str | None = None,
             overwrite: bool = True) -> PackagePaths:
        """Write <output_folder>/<name>/ with .emd, .pth, .onnx, .dlpk and an HTML report; by
        default, as arcgis.learn does, in the ``models`` folder of the training data (which
        later scans of that folder skip). Returns the paths (``os.fspath`` of it: the folder).

        An earlier package of that name is replaced (unless ``overwrite`` is False) once the
        new one is complete; a folder of that name that is not a package is never touched.
        Under torchrun every process calls it and the main one writes (core.distributed.on_main).
        """
        self._training()
        return on_main(lambda: self._save(name, output_folder, report_path, overwrite))

    def _save(self, name: str, output_folder: str | None, report_path: str | None,
              overwrite: bool) -> PackagePaths:
        """save(), in one process."""
        inputs = self.data.folders
        if output_folder is None:
            output_folder, inputs = os.path.join(self.data.folders[0], MODELS_FOLDER), []
        name = check_package_target(output_folder, name, overwrite, inputs)
        folder = os.path.abspath(os.path.join(output_folder, name))
        paths = save_package(output_folder, name, self._weights(), self._definition(name),
                             lambda path: self.write_report(path, name, folder), overwrite,
                             inputs, self._write_onnx, self.feedback.log)
        if report_path:
            report.copy_report(paths.report, report_path)
            paths.report = report_path
        return paths

    def _definition(self, name: str) -> dict:
        """The .emd of the model as trained so far."""
        data = self.data
        return model_definition(
            name=name, backbone=self.backbone, classes=data.classes,
            chip_size=data.chip_size, band_count=data.band_count,
            data_type=data.data_type, normalization=data.normalization,
            learning_rate=self.top_rate(), epochs_run=len(self.trainer.history),
            best_epoch=self.trainer.best_epoch, best_accuracy=self.best_accuracy,
            per_class=self.per_class_metrics(), data_summary=data.summary(),
            exported_classes=data.exported_classes,
            temperature=None if self.multi_label else self.calibration()[0],
            thresholds=self.thresholds().tolist() if self.multi_label else None,
            label_delimiter=data.label_delimiter)

    def top_rate(self) -> float:
        """The learning rate (the head's, the highest, with one rate per layer group)."""
        rates = self.learning_rate
        return float(max(rates) if isinstance(rates, list) else rates or 0)

    def _write_onnx(self, path: str) -> None:
        """The network's ONNX copy, for classifying without PyTorch (core.onnx_model)."""
        from ..packages.onnx_copy import export_onnx

        export_onnx(self.model, self.data.band_count, self.data.chip_size, path)

    def _weights(self) -> dict:
        return {k: v.detach().cpu() for k, v in self.model.state_dict().items()}

    def write_report(self, path: str, name: str = "", folder: str = "") -> None:
        """The training report: the model (its ``name``, settings and package ``folder``),
        data, chips, learning rate, epochs, confusion and results."""
        report.write_training_report(
            path, title=f"Training report: {name}" if name else "Training report",
            model_facts=self.model_facts(name, folder), summary=self.data.summary(),
            samples=self.data.sample(SAMPLE_TILES),
            lr_finder=self.lr_finder.to_dict() if self.lr_finder else None,
            history=[vars(row) for row in self.trainer.history], classes=self.data.classes,
            confusion=np.zeros((0, 0)) if self.multi_label else self.confusion_matrix(),
            per_class=self.per_class_metrics(), results=self.results(),
            calibration=self.calibration(), hard_examples=self.hard_examples(),
            multi_label=self.multi_label_scores() if self.multi_label else None)

    def model_facts(self, name: str = "", folder: str = "") -> list[tuple[str, str]]:
        """What the report says first: the model, how it was trained and where it is."""
        data, trainer, history = self.data, self.trainer, self.trainer.history
        chips = len(data.all_train_labels) + len(data.valid_labels)
        processes = world_size()
        shared = f" ({trainer.batch_size} on each of {processes} processes)" \
            if processes > 1 else ""
        rates = self.learning_rate if isinstance(self.learning_rate, list) else [
            self.learning_rate]
        rate = " / ".join(f"{r:.2e}" for r in rates) if self.learning_rate else "-"
        facts = [("Model name", name or "(not saved)"), ("Package", folder or "-"),
                 ("Backbone", self.backbone), ("Starting weights", self.start_weights),
                 ("Chips", f"{data.chip_size} px, {data.band_count} bands ({data.data_type})"),
                 ("Batch size", f"{data.batch_size}{shared}"),
                 ("Validation chips", f"{len(data.valid_labels)} of {chips} "
                                      f"({report.percent(len(data.valid_labels) / chips)})"),
                 ("Oversampling", "yes" if trainer.oversample else "no"),
                 ("Epochs", f"{len(history)} run of {self.epochs_asked} asked"),
                 ("Learning rate", rate + (" (found by the finder)" if self.lr_finder else "")),
                 ("Seed", str(data.seed)),
                 ("Processor", f"{trainer.device} ({trainer.network.precision})")]
        if history:
            kept = history[trainer.best_epoch - 1]
            top = max(history, key=lambda row: row.accuracy)
            rule = "the last" if not self.keep_best else (
                "highest accuracy" if self.monitor == "accuracy" else "lowest validation loss")
            facts.append(("Kept epoch", f"{kept.epoch} ({rule}): accuracy "
                                        f"{report.percent(kept.accuracy)}"))
            if top.epoch != kept.epoch:
                facts.append(("Highest accuracy of any epoch",
                              f"{report.percent(top.accuracy)} (epoch {top.epoch}; its "
                              "weights are not the ones kept)"))
        return facts
