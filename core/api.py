"""The notebook API, close to arcgis.learn's names (the Processing workflows are in core.workflows).

    data = prepare_data("NWPU-RESISC45", batch_size=64, val_split_pct=20, chip_size=224)
    classifier = SceneClassifier(data, backbone="resnet34", oversample=True)
    classifier.fit(20)                      # finds the learning rate first
    classifier.save("resisc45", "models")   # models/resisc45/resisc45.emd, .pth, .dlpk, report
    SceneClassifier.from_model("models/resisc45/resisc45.dlpk").predict("chip.jpg")
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import figures, report
from .backbones import DEFAULT_BACKBONE, create_model
from .checkpoint import (
    check_same_run,
    load_checkpoint,
    save_checkpoint,
)
from .classify import ClassifyOptions, FeatureClassifier
from .dataset import TrainingData, load_training_data, split_folder_list
from .feedback import Feedback
from .imagery import read_image, resize_chip
from .lr_finder import LRFinderResult
from .metrics import confusion_matrix, per_class_metrics
from .package import (
    ModelPackage,
    PackagePaths,
    check_package_target,
    load_package,
    model_definition,
    save_package,
)
from .training import Trainer

RESULT_TILES = 36
SAMPLE_TILES = 16


def prepare_data(path: str, batch_size: int = 64, val_split_pct: float = 20,
                 chip_size: int = 224, extra_folders: str | list[str] | None = None,
                 seed: int = 42, feedback: Feedback | None = None,
                 chip_storage: str | None = None) -> TrainingData:
    """Read ImageNet-layout chip folders, split and ready to train: decoded into memory, or
    streamed from disk when they would not fit (``chip_storage`` forces one of
    core.chip_store.MEMORY and core.chip_store.STREAM)."""
    from .deps import require_torch

    require_torch()
    return load_training_data(split_folder_list(path, extra_folders), chip_size, val_split_pct,
                              batch_size, seed, feedback, chip_storage)


class SceneClassifier:
    """A scene classifier: train it on TrainingData, or load it from a package to predict."""

    def __init__(self, data: TrainingData, backbone: str = DEFAULT_BACKBONE,
                 pretrained: bool = True, weights_file: str | None = None,
                 oversample: bool = False, device: str = "auto",
                 feedback: Feedback | None = None) -> None:
        import torch

        self.data = data
        self.backbone = backbone
        self.feedback = feedback or Feedback()
        with torch.random.fork_rng(devices=[]):  # seeded weights; the caller's state kept
            torch.manual_seed(data.seed)
            model = create_model(backbone, len(data.classes), data.band_count, pretrained,
                                 weights_file)
        self.trainer = Trainer(model, data, device, oversample, self.feedback)
        self.lr_finder: LRFinderResult | None = None
        self.learning_rate: float | None = None
        self._validation: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def model(self):
        return self.trainer.model

    # --- training ---------------------------------------------------------------------------
    def lr_find(self) -> float:
        """Sweep the learning rate; returns (and remembers) the suggested rate."""
        self.lr_finder = self.trainer.lr_find()
        self.feedback.log(f"Learning-rate finder suggests {self.lr_finder.suggestion:.2e}.")
        return self.lr_finder.suggestion

    def fit(self, epochs: int, lr: float | None = None, early_stopping: bool = True,
            checkpoint_folder: str | None = None, resume: bool = False) -> list[dict]:
        """Train; ``lr=None`` finds the learning rate first. Returns the epoch table.

        With ``checkpoint_folder`` the state is saved there after every epoch; ``resume``
        continues from the checkpoint found there (made with the same data and settings).
        """
        run = self._run_facts(epochs, lr, early_stopping)
        state = load_checkpoint(checkpoint_folder) if resume and checkpoint_folder else None
        if resume and state is None:
            self.feedback.log(f"RESUME: no checkpoint in {checkpoint_folder}; starting at "
                              "epoch 1.")
        if state is not None:
            check_same_run(state["run"], run, checkpoint_folder)
            self.learning_rate = state["learning_rate"]
            self.lr_finder = LRFinderResult(**state["lr_finder"]) if state["lr_finder"] else None
        else:
            self.learning_rate = lr if lr else self.lr_find()
        extras = {"run": run, "learning_rate": self.learning_rate,
                  "lr_finder": self.lr_finder.to_dict() if self.lr_finder else None}
        save = None if checkpoint_folder is None else (
            lambda trainer_state: save_checkpoint(checkpoint_folder, {**trainer_state, **extras}))
        history = self.trainer.fit(epochs, self.learning_rate, early_stopping, save, state)
        self._validation = None
        return [vars(row) for row in history]

    def _run_facts(self, epochs: int, lr: float | None, early_stopping: bool) -> dict:
        """What a resumed run must share with the interrupted one."""
        data = self.data
        return {"classes": data.classes, "training chips": len(data.train_labels),
                "validation chips": len(data.valid_labels), "chip size": data.chip_size,
                "bands": data.band_count, "batch size": data.batch_size, "seed": data.seed,
                "backbone": self.backbone, "epochs": epochs, "learning rate": lr or 0.0,
                "early stopping": early_stopping, "oversample": self.trainer.oversample}

    @property
    def best_accuracy(self) -> float:
        """Validation accuracy of the kept (best) epoch."""
        history = self.trainer.history
        return history[self.trainer.best_epoch - 1].accuracy if history else 0.0

    # --- results ----------------------------------------------------------------------------
    def validation_predictions(self) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, truth) on the validation chips, computed once per fit."""
        if self._validation is None:
            probabilities = self.trainer.predict().numpy()
            self._validation = probabilities, self.data.valid_labels.numpy()
        return self._validation

    def confusion_matrix(self) -> np.ndarray:
        probabilities, truth = self.validation_predictions()
        return confusion_matrix(truth, probabilities.argmax(axis=1), len(self.data.classes))

    def per_class_metrics(self) -> list[dict]:
        return per_class_metrics(self.confusion_matrix(), self.data.classes)

    def results(self, count: int = RESULT_TILES) -> list[tuple[np.ndarray, str, str, float]]:
        """Validation chips with truth, prediction and confidence, mistakes first."""
        probabilities, truth = self.validation_predictions()
        predicted = probabilities.argmax(axis=1)
        order = np.argsort(predicted == truth, kind="stable")[:count]
        classes = self.data.classes
        return [(self.data.valid_images[i].numpy(), classes[truth[i]], classes[predicted[i]],
                 float(probabilities[i, predicted[i]])) for i in order]

    def show_batch(self, rows: int = 4):
        """A figure of random training chips with their labels."""
        return figures.chip_grid_figure(self.data.sample(rows * rows), ncols=rows)

    def show_results(self, rows: int = 4):
        """A figure of validation chips: truth / prediction, mistakes first."""
        return figures.results_figure(self.results(rows * rows))

    def plot_confusion_matrix(self):
        """A figure of the validation confusion matrix."""
        return figures.confusion_figure(self.confusion_matrix(), self.data.classes)

    # --- saving -----------------------------------------------------------------------------
    def save(self, name: str, output_folder: str = ".", report_path: str | None = None,
             overwrite: bool = True) -> PackagePaths:
        """Write OUTPUT/<name>/ with .emd, .pth, .dlpk and an HTML report.

        An earlier package of that name is replaced (unless ``overwrite`` is False) once the
        new one is complete; a folder of that name that is not a package is never touched.
        """
        name = check_package_target(output_folder, name, overwrite, self.data.folders)
        per_class = self.per_class_metrics()
        summary = self.data.summary()
        definition = model_definition(
            name=name, backbone=self.backbone, classes=self.data.classes,
            chip_size=self.data.chip_size, band_count=self.data.band_count,
            data_type=self.data.data_type, normalization=self.data.normalization,
            learning_rate=float(self.learning_rate or 0), epochs_run=len(self.trainer.history),
            best_epoch=self.trainer.best_epoch, best_accuracy=self.best_accuracy,
            per_class=per_class, data_summary=summary)
        state = {k: v.detach().cpu() for k, v in self.model.state_dict().items()}
        paths = save_package(output_folder, name, state, definition, self.write_report,
                             overwrite, self.data.folders)
        if report_path:
            report.copy_report(paths.report, report_path)
            paths.report = report_path
        return paths

    def write_report(self, path: str) -> None:
        """The training report: data, chips, learning rate, epochs, confusion, results."""
        summary = dict(self.data.summary(), backbone=self.backbone,
                       device=str(self.trainer.device), learning_rate=self.learning_rate,
                       epochs_run=len(self.trainer.history), best_epoch=self.trainer.best_epoch,
                       best_accuracy=self.best_accuracy)
        report.write_training_report(
            path, title="Scene classifier training report", summary=summary,
            samples=self.data.sample(SAMPLE_TILES),
            lr_finder=self.lr_finder.to_dict() if self.lr_finder else None,
            history=[vars(row) for row in self.trainer.history], classes=self.data.classes,
            confusion=self.confusion_matrix(), per_class=self.per_class_metrics(),
            results=self.results())

    # --- inference --------------------------------------------------------------------------
    @classmethod
    def from_model(cls, path: str, device: str = "auto") -> LoadedClassifier:
        """Load a saved package (.emd or .dlpk) for prediction."""
        from .deps import require_torch

        require_torch()
        return LoadedClassifier(load_package(path), device)


class LoadedClassifier:
    """A classifier loaded from a package: ``predict`` one chip, ``classify`` features."""

    def __init__(self, package: ModelPackage, device: str = "auto") -> None:
        from .predictor import Predictor

        self.package = package
        self.predictor = Predictor(package, device)
        self.classes = package.classes

    @property
    def device(self):
        return self.predictor.device

    def predict(self, image: str | np.ndarray) -> tuple[str, float]:
        """(class name, confidence) for a file path or a (bands, H, W) array."""
        array = read_image(image) if isinstance(image, str) else np.asarray(image)
        if array.ndim == 2:
            array = array[np.newaxis]
        if array.shape[0] != self.package.band_count:
            raise ValueError(f"The model takes {self.package.band_count} bands, the image has "
                             f"{array.shape[0]}.")
        chip = resize_chip(array, self.package.chip_size)[np.newaxis]
        probabilities = self.predictor.probabilities(chip)[0]
        index = int(probabilities.argmax())
        return self.classes[index], float(probabilities[index])

    def classify(self, raster: str, geometries, options: ClassifyOptions | None = None,
                 feedback: Feedback | None = None) -> Iterator[tuple[str | None, float | None]]:
        """(class name or None, confidence or None) per WKB geometry, from the raster under it.

        Geometries are in the raster's CRS unless ``options.geometry_crs`` says otherwise.
        """
        options = options or ClassifyOptions(device=str(self.device))
        classifier = FeatureClassifier(self.package, raster, options, feedback)
        for prediction in classifier.classify(geometries):
            name = None if prediction.class_index is None else self.classes[prediction.class_index]
            yield name, prediction.confidence
