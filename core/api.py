"""The notebook API, in arcgis.learn's names, over the same use cases the tools run
(core.workflows).

    data = prepare_data("NWPU-RESISC45", batch_size=64, val_split_pct=0.2, chip_size=224)
    classifier = FeatureClassifier(data, backbone="resnet34", oversample=True)
    classifier.fit(20)                      # finds the learning rate first
    classifier.save("resisc45")   # NWPU-RESISC45/models/resisc45/: .emd, .pth, .onnx, .dlpk
    FeatureClassifier.from_model("models/resisc45/resisc45.dlpk").predict("chip.jpg")

One class, FeatureClassifier, does every job a notebook has: train, show, save, load, predict
chips and classify features (the last through core.inference.classifier.RasterClassifier).
It trains as the tools do (core.workflows.training_run.TrainingRun).

A script run by torchrun (several processes, one per GPU) trains the same way, every process
calling the same methods: ``batch_size`` is the batch of all processes together (see
core.training), and only the main process logs and writes (checkpoints, the package).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .data.imagery import read_image, resize_chip
from .data.training_data import TrainingData, load_training_data, split_folder_list
from .errors import DataError
from .inference.classifier import ClassifyOptions, RasterClassifier
from .packages.read import ModelPackage, load_package
from .reports import figures
from .runtime.feedback import Feedback
from .workflows.training_run import TrainingRun


def prepare_data(path: str, class_mapping: None = None, chip_size: int = 224,
                 val_split_pct: float = 0.2, batch_size: int = 64,
                 dataset_type: str | None = "Imagenet", seed: int = 42,
                 extra_folders: str | list[str] | None = None,
                 feedback: Feedback | None = None,
                 chip_storage: str | None = None) -> TrainingData:
    """arcgis.learn's prepare_data for chip folders in ImageNet layout (``dataset_type``
    "Imagenet") or ArcGIS Pro's Labeled Tiles exports ("Labeled_Tiles"): read, split and
    ready to train. ``val_split_pct`` is the fraction kept for validation, as in
    arcgis.learn (0.2 = 20 %). The chips are decoded into memory, or streamed from disk when
    they would not fit (``chip_storage`` forces one of core.chip_store.MEMORY and
    core.chip_store.STREAM)."""
    from .runtime.dependencies import require_torch

    folders = split_folder_list(path, extra_folders)
    check_dataset_type(dataset_type, folders)
    if class_mapping is not None:
        raise DataError("class_mapping is not supported: the class names are the sub-folder "
                        "names.")
    if not 0 < val_split_pct < 1:
        raise DataError(f"val_split_pct is the fraction of chips kept for validation, as in "
                        f"arcgis.learn: 0.2 keeps 20 %. Got {val_split_pct}; give a number "
                        "between 0 and 1.")
    require_torch()
    return load_training_data(folders, chip_size, 100 * val_split_pct, batch_size, seed,
                              feedback, chip_storage)


DATASET_TYPES = {"imagenet": "Imagenet", "labeled_tiles": "Labeled_Tiles"}


def check_dataset_type(dataset_type: str | None, folders: list[str]) -> None:
    """Refuse a dataset_type Scene Classifier does not read, or one the folders are not."""
    from .data.labeled_tiles import is_labeled_tiles

    if dataset_type is None:
        return
    kind = DATASET_TYPES.get(str(dataset_type).lower())
    if kind is None:
        raise DataError(f"dataset_type '{dataset_type}' is not supported: Scene Classifier "
                        "reads folders of chips by class (dataset_type='Imagenet') and ArcGIS "
                        "Pro's Labeled Tiles exports (dataset_type='Labeled_Tiles').")
    for folder in folders:
        if (kind == "Labeled_Tiles") != is_labeled_tiles(folder):
            found = "a Labeled Tiles export" if kind != "Labeled_Tiles" else \
                "no Labeled Tiles export (images/ with labels/*.xml)"
            raise DataError(f"dataset_type is '{kind}' but {folder} is {found}. Give the "
                            "dataset_type of the folder, or leave it out.")




class FeatureClassifier(TrainingRun):
    """A scene classifier, as arcgis.learn's FeatureClassifier: built on TrainingData to
    train, or loaded from a package with ``from_model`` to predict and classify (and, given
    data, to train further)."""

    @classmethod
    def from_model(cls, path: str, data: TrainingData | None = None, device: str = "auto",
                   feedback: Feedback | None = None) -> FeatureClassifier:
        """Load a saved package (.emd or .dlpk) to predict and classify; with ``data`` (the
        same classes, chip size and bands) it can also be trained further."""
        from .runtime.dependencies import require_torch

        require_torch()
        package = load_package(path)
        model = None
        if data is not None:
            _check_same_shape(package, data)
            data.normalization = package.normalization  # the network learnt on these
            model = package.build_model()
        classifier = cls.__new__(cls)
        classifier._start(data, package.backbone, model, False, device, feedback, package)
        classifier.start_weights = f"the model {package.path}"
        return classifier

    def show_batch(self, rows: int = 4):
        """A figure of random training chips with their labels."""
        self._training()
        return self.data.show_batch(rows)

    def show_results(self, rows: int = 4):
        """A figure of validation chips: truth / prediction, mistakes first."""
        return figures.results_figure(self.results(rows * rows))

    def plot_confusion_matrix(self):
        """A figure of the validation confusion matrix."""
        return figures.confusion_figure(self.confusion_matrix(), self.data.classes)

    # --- inference --------------------------------------------------------------------------
    def _current_package(self) -> ModelPackage:
        """The loaded package, or the model as trained so far (not saved anywhere)."""
        if self.trainer is None or (self.package is not None and not self.trainer.history):
            return self.package
        return ModelPackage(self._definition("unsaved"), self._weights(), "(in memory)")

    def predictor(self):
        """The batched predictor of core.predictor for the current weights."""
        from .inference.predictor import Predictor

        if self._predictor is None:
            self._predictor = Predictor(self._current_package(), self.device_name,
                                        feedback=self.feedback)
        return self._predictor

    def predict(self, image: str | np.ndarray) -> tuple[str, float]:
        """(class name, confidence) for a file path or a (bands, H, W) array."""
        predictor = self.predictor()
        package = predictor.package
        array = read_image(image) if isinstance(image, str) else np.asarray(image)
        if array.ndim == 2:
            array = array[np.newaxis]
        if array.shape[0] != package.band_count:
            raise DataError(f"The model takes {package.band_count} bands, the image has "
                            f"{array.shape[0]}.")
        chip = resize_chip(array, package.chip_size)[np.newaxis]
        probabilities = predictor.probabilities(chip)[0]
        index = int(probabilities.argmax())
        return self.classes[index], float(probabilities[index])

    def classify(self, raster: str, geometries, options: ClassifyOptions | None = None,
                 ) -> Iterator[tuple[str | None, float | None]]:
        """(class name or None, confidence or None) per WKB geometry, from the raster under it.

        Geometries are in the raster's CRS unless ``options.geometry_crs`` says otherwise.
        """
        options = options or ClassifyOptions(device=self.device_name)
        classifier = RasterClassifier(self._current_package(), raster, options, self.feedback)
        for prediction in classifier.classify(geometries):
            name = None if prediction.class_index is None else self.classes[prediction.class_index]
            yield name, prediction.confidence


def _check_same_shape(package: ModelPackage, data: TrainingData) -> None:
    """Data to train a loaded package further must have its classes, chip size and bands."""
    ours = (package.classes, package.chip_size, package.band_count)
    theirs = (data.classes, data.chip_size, data.band_count)
    if ours != theirs:
        raise DataError(f"The model {package.path} has classes {ours[0]}, {ours[1]} px chips "
                        f"and {ours[2]} bands; the data has {theirs[0]}, {theirs[1]} px and "
                        f"{theirs[2]} bands. Prepare the data with the model's classes and "
                        "chip_size, or train a new FeatureClassifier.")
