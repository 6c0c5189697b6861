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

import math
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from .data.imagery import fit_chip, read_image
from .data.training_data import (
    MODELS_FOLDER,
    TrainingData,
    load_training_data,
    split_folder_list,
)
from .errors import ArgumentError, DataError, tr
from .inference.classifier import ClassifyOptions, RasterClassifier
from .inference.predictor import best_class, labels_present
from .models.backbones import BACKBONES, DEFAULT_BACKBONE
from .packages.read import ModelPackage, load_package
from .packages.write import PackagePaths
from .reports import figures
from .runtime.arguments import positive_number, whole_number
from .runtime.feedback import Feedback
from .runtime.inputs import not_a_file
from .workflows.training_run import TrainingRun

if TYPE_CHECKING:
    from collections.abc import Iterable

    from matplotlib.figure import Figure

    from .inference.predictor import Predictor


def prepare_data(path: str | list[str], class_mapping: None = None, chip_size: int = 224,
                 val_split_pct: float = 0.1, batch_size: int = 64, transforms: object = None,
                 seed: int = 42, dataset_type: str | None = "Imagenet",
                 resize_to: int | None = None, working_dir: str | None = None,
                 stratify: bool = True, extra_folders: str | list[str] | None = None,
                 feedback: Feedback | None = None,
                 chip_storage: str | None = None) -> TrainingData:
    """arcgis.learn's prepare_data for chip folders in ImageNet layout (``dataset_type``
    "Imagenet") or ArcGIS Pro's Labeled Tiles exports ("Labeled_Tiles"), and for chips of
    several labels each: a folder with a labels.csv (image path, labels joined by ';', '|',
    ',' or a space) or a Multi-labeled Tiles export ("MultiLabeled_Tiles"; data.multi_label
    is then True): read, split and ready to train. ``path`` is a folder or a list of
    folders. ``val_split_pct`` is the fraction kept for validation, as in arcgis.learn (0.1
    = 10 %, its default); the split is stratified by class unless ``stratify`` is False (a
    plain seeded random split; always, with several labels a chip).
    ``working_dir`` is where save() puts its models/ folder (default: the data folder).
    ``transforms`` None augments the chips as the tools do (core.data.augment), False not
    at all; fastai transforms cannot run here (noted). ``resize_to`` (pixels, at least
    ``chip_size``), as in arcgis.learn: every image is resized to it and then cropped to
    ``chip_size`` around its centre; the model keeps it (the .emd's resize_to) and cuts its
    chips the same way when it classifies. The chips are decoded into memory, or streamed from
    disk when they would not fit (``chip_storage`` forces one of core.chip_store.MEMORY and
    core.chip_store.STREAM)."""
    from .runtime.dependencies import require_torch

    notes = (feedback or Feedback.printing()).main_only()
    chip_size = whole_number("chip_size", chip_size, 8)
    batch_size = whole_number("batch_size", batch_size, 1)
    seed = whole_number("seed", seed, 0)
    folders = split_folder_list(path, extra_folders)
    check_dataset_type(dataset_type, folders)
    if class_mapping is not None:
        raise DataError(tr("class_mapping is not supported: the class names are the "
                           "sub-folder names."))
    if isinstance(val_split_pct, bool) or not isinstance(val_split_pct, (int, float)) or \
            not 0 < val_split_pct < 1:
        raise ArgumentError(tr("val_split_pct is the fraction of chips kept for "
                               "validation, as in arcgis.learn: 0.2 keeps 20 %. Got {}; "
                               "give a number between 0 and 1.").format(val_split_pct))
    if transforms is not None and transforms is not False:
        notes.log(tr("transforms=: fastai transforms do not run here; the chips get "
                     "Scene Classifier's own augmentation (flips, 90° turns, zoom, "
                     "brightness and colour). transforms=False trains without "
                     "augmentation."))
    require_torch()
    data = load_training_data(folders, chip_size, 100 * val_split_pct, batch_size, seed,
                              feedback, chip_storage, stratify, resize_to)
    data.augment = transforms is not False
    data.working_dir = None if working_dir is None else os.path.abspath(
        os.path.expanduser(working_dir))
    return data


DATASET_TYPES = {"imagenet": "Imagenet", "labeled_tiles": "Labeled_Tiles",
                 "multilabeled_tiles": "MultiLabeled_Tiles"}


def check_dataset_type(dataset_type: str | None, folders: list[str]) -> None:
    """Refuse a dataset_type Scene Classifier does not read, or one the folders are not."""
    from .data.labeled_tiles import is_labeled_tiles
    from .data.multi_label import is_multi_label

    if dataset_type is None:
        return
    kind = DATASET_TYPES.get(str(dataset_type).lower())
    if kind is None:
        raise DataError(tr("dataset_type '{}' is not supported: Scene Classifier reads "
                           "folders of chips by class (dataset_type='Imagenet', also "
                           "with a labels.csv of several labels a chip), ArcGIS Pro's "
                           "Labeled Tiles exports (dataset_type='Labeled_Tiles') and "
                           "Multi-labeled Tiles exports "
                           "(dataset_type='MultiLabeled_Tiles').").format(dataset_type))
    for folder in folders:
        if kind == "MultiLabeled_Tiles" and not is_multi_label(folder):
            raise DataError(tr("dataset_type is 'MultiLabeled_Tiles' but {} is no "
                               "Multi-labeled Tiles export (its "
                               "esri_accumulated_stats.json says MetaDataMode "
                               "MultiLabeled_Tiles) and has no labels.csv. Give the "
                               "dataset_type of the folder, or leave it out.").format(folder))
        if kind != "MultiLabeled_Tiles" and (kind == "Labeled_Tiles") != is_labeled_tiles(folder):
            found = "a Labeled Tiles export" if kind != "Labeled_Tiles" else \
                "no Labeled Tiles export (images/ with labels/*.xml)"
            raise DataError(tr("dataset_type is '{}' but {} is {}. Give the "
                               "dataset_type of the folder, or leave it out.").format(
                                kind, folder, found))


class FeatureClassifier(TrainingRun):
    """A scene classifier, as arcgis.learn's FeatureClassifier: built on TrainingData to
    train, or loaded from a package with ``from_model`` to predict and classify (and, given
    data, to train further).

    As in arcgis.learn, pretrained weights (ImageNet, ``weights_file`` or
    ``pretrained_path``) start with the body frozen: fit() trains the head and batch
    normalisation until unfreeze(). ``pretrained_path`` is a state dict of the backbone
    (a package's .pth), loaded like ``weights_file``.
    """

    supported_backbones = list(BACKBONES)  # and any timm model as "timm:<name>"

    def __init__(self, data: TrainingData, backbone: str = DEFAULT_BACKBONE,
                 pretrained_path: str | None = None, *, oversample: bool = False,
                 pretrained: bool = True, weights_file: str | None = None,
                 device: str = "auto", feedback: Feedback | None = None) -> None:
        if pretrained_path is not None:
            if weights_file is not None:
                raise DataError(tr("Give either pretrained_path= or weights_file=, not "
                                   "both."))
            if pretrained_path.lower().endswith((".emd", ".dlpk")):
                raise DataError(tr("pretrained_path= takes the weights (.pth) of a "
                                   "model; to train the package {} further, load it "
                                   "with FeatureClassifier.from_model(path, data=data).").format(
                                    pretrained_path))
            weights_file, pretrained = pretrained_path, False
        super().__init__(data, backbone or DEFAULT_BACKBONE, pretrained, weights_file,
                         oversample, device, feedback)
        if pretrained or weights_file:
            self._freeze_pretrained()

    def _freeze_pretrained(self) -> None:
        """Freeze the body of pretrained weights, as arcgis.learn does (and say so)."""
        self.trainer.freeze(True)
        self.feedback.log(tr("The pretrained body is frozen, as in arcgis.learn: fit() "
                             "trains the head (and batch normalisation); unfreeze() "
                             "trains the whole network."))

    @staticmethod
    def backbones() -> list[str]:
        """The backbones FeatureClassifier takes by name (torchvision's); any timm model
        is taken too, as ``"timm:<name>"``."""
        return list(BACKBONES)

    @classmethod
    def from_model(cls, emd_path: str | None = None, data: TrainingData | None = None,
                   device: str = "auto", feedback: Feedback | None = None,
                   path: str | None = None) -> FeatureClassifier:
        """Load a saved package (``emd_path``, as arcgis.learn names it, or ``path``: an
        .emd or .dlpk) to predict and classify; with ``data`` (the same classes, chip size,
        resize_to and bands) it can also be trained further, its body frozen at first as in
        arcgis.learn (unfreeze() trains the whole network)."""
        from .runtime.dependencies import require_torch

        if (emd_path is None) == (path is None):
            raise TypeError(tr("from_model() takes the model's .emd or .dlpk once: "
                               "from_model(emd_path) or from_model(path=...)."))
        require_torch()
        package = load_package(emd_path or path)
        model = None
        if data is not None:
            _check_same_shape(package, data)
            data.normalization = package.normalization  # the network learnt on these
            model = package.build_model()
        classifier = cls.__new__(cls)
        classifier._start(data, package.backbone, model, False, device, feedback, package)
        classifier.start_weights = f"the model {package.path}"
        if data is not None:
            classifier._freeze_pretrained()
        return classifier

    def unfreeze(self) -> None:
        """Train the whole network from the next fit() on (arcgis.learn's unfreeze)."""
        self._training().freeze(False)

    def lr_find(self, allow_plot: bool = True) -> float:
        """Sweep the learning rate; returns (and remembers) the suggested rate. With
        ``allow_plot`` the curve is drawn (``self.lr_figure``, shown inline in Jupyter)."""
        suggestion = self._find_rate()
        if allow_plot:
            self.lr_figure = figures.lr_figure(self.lr_finder.to_dict())
            _display(self.lr_figure)
        return suggestion

    def fit(self, epochs: int = 10, lr: float | slice | None = None, one_cycle: bool = True,
            early_stopping: bool = False, checkpoint: bool | str = True,
            tensorboard: bool = False, monitor: str = "valid_loss",
            checkpoint_folder: str | None = None, resume: bool = False) -> list[dict]:
        """Train, as arcgis.learn's fit. ``lr=None`` finds the learning rate first; a
        ``slice(low, high)`` gives discriminative rates (the body's first half at ``low``,
        its second half between, the head at ``high``; ``slice(high)``: high/10 for the
        body). ``one_cycle`` False trains at a constant rate. ``monitor`` ('valid_loss' or
        'accuracy') decides the kept epoch and early stopping; ``checkpoint`` True keeps
        the best epoch's weights, False the last epoch's, 'all' the best epoch's and every
        epoch's weights as ``epoch_<n>.pth`` in ``checkpoints`` beside the saved models
        (``<working_dir or data folder>/models/checkpoints``; each loads as
        ``pretrained_path``). ``tensorboard`` has no effect here
        (noted). Returns the epoch table.

        ``checkpoint_folder`` and ``resume`` are Scene Classifier's: the training state is
        saved there after every epoch, and ``resume`` continues from it (TrainingRun.fit).
        """
        self._training()
        epochs = whole_number("epochs", epochs, 1)
        if checkpoint not in (True, False, "all"):
            raise DataError(tr("checkpoint={!r} is not known: give True (keep the best "
                               "epoch), False (keep the last) or 'all' (keep the best "
                               "and write every epoch's weights).").format(checkpoint))
        epochs_folder = None
        if checkpoint == "all":
            epochs_folder = os.path.join(self.data.working_dir or self.data.folders[0],
                                         MODELS_FOLDER, "checkpoints")
            self.feedback.log(tr("checkpoint='all': every epoch's weights go to {} "
                                 "(epoch_<n>.pth).").format(epochs_folder))
        if tensorboard:
            self.feedback.log(tr("tensorboard=True: no effect here; the epoch table is "
                                 "printed and returned, and plot_losses() draws it."))
        return super().fit(epochs, discriminative_rates(lr), early_stopping, checkpoint_folder,
                           resume, one_cycle, monitor, keep_best=bool(checkpoint),
                           epochs_folder=epochs_folder)

    def show_batch(self, rows: int = 2) -> Figure | None:
        """A figure of random training chips with their labels."""
        self._training()
        return self.data.show_batch(whole_number("rows", rows, 1))

    def show_results(self, rows: int = 4) -> Figure | None:
        """A figure of validation chips: truth / prediction, mistakes first."""
        rows = whole_number("rows", rows, 1)
        return figures.results_figure(self.results(rows * rows))

    def plot_hard_examples(self, rows: int = 4) -> Figure | None:
        """A figure of the ``rows`` validation chips the model finds hardest (its confident
        mistakes first, then its least confident right answers), each beside its heatmap of
        where the predicted class came from, as arcgis.learn's plot_hard_examples."""
        rows = whole_number("rows", rows, 1)
        return figures.hard_examples_figure(self.hard_examples(rows))

    def plot_confusion_matrix(self) -> Figure | None:
        """A figure of the validation confusion matrix."""
        return figures.confusion_figure(self.confusion_matrix(), self.data.classes)

    def plot_losses(self) -> Figure | None:
        """A figure of the training and validation loss (and the accuracy) per epoch."""
        history = self._training().history
        if not history:
            raise DataError(tr("No epoch trained yet: call fit() before plot_losses()."))
        return figures.history_figure([vars(row) for row in history])

    def accuracy(self) -> float:
        """The validation accuracy of the current weights (after fit(): the kept epoch's)."""
        probabilities, truth = self.validation_predictions()
        return float(np.mean(probabilities.argmax(axis=1) == truth))

    def save(self, name_or_path: str, output_folder: str | None = None,
             report_path: str | None = None, overwrite: bool = True, *,
             framework: str = "PyTorch", publish: bool = False, gis: object = None,
             compute_metrics: bool = True, save_optimizer: bool = False,
             save_inference_file: bool = True) -> PackagePaths:
        """Write the package (.emd, .pth, .onnx, .dlpk and an HTML report), as arcgis.learn:
        a plain name goes into the ``models`` folder of prepare_data's ``working_dir`` (by
        default the data folder), a path with a folder part there (its last part is the
        model's name). arcgis.learn's other keywords are accepted; those without effect here
        say so in one line each. See TrainingRun.save for ``output_folder``, ``report_path``
        and ``overwrite``."""
        self._training()
        folder, name = os.path.split(os.path.expanduser(name_or_path))
        if folder and output_folder is not None:
            raise DataError(tr("Give the model's folder once: name_or_path={!r} has "
                               "one, and output_folder={!r} another.").format(
                                name_or_path, output_folder))
        output_folder = folder or output_folder
        if output_folder is None and self.data.working_dir is not None:
            output_folder = os.path.join(self.data.working_dir, MODELS_FOLDER)
        if output_folder is not None and os.path.abspath(output_folder) == os.path.abspath(
                os.path.join(self.data.folders[0], MODELS_FOLDER)):
            output_folder = None  # the data's own models folder, as by default
        self._note_save_keywords(framework, publish or gis is not None, compute_metrics,
                                 save_optimizer, save_inference_file)
        return super().save(name, output_folder, report_path, overwrite)

    def _note_save_keywords(self, framework: str, publish: bool, compute_metrics: bool,
                            save_optimizer: bool, save_inference_file: bool) -> None:
        """One line for each of save()'s arcgis.learn keywords that has no effect here."""
        if str(framework).lower() not in ("pytorch", "tf-onnx"):
            raise DataError(tr("framework={!r} is not offered: the package holds "
                               "PyTorch weights ('PyTorch') and an ONNX copy where onnx "
                               "is installed ('TF-ONNX' is noted, not needed).").format(framework))
        notes = [
            (str(framework).lower() == "tf-onnx", f"framework={framework!r}: no TensorFlow "
             "model is written; the package holds the PyTorch weights and an ONNX copy where "
             "onnx is installed."),
            (publish, "publish=/gis=: no effect here; packages are not published to ArcGIS "
             "Online or Enterprise (upload the .dlpk yourself)."),
            (not compute_metrics, "compute_metrics=False: no effect here; the accuracy and "
             "per-class metrics are always computed for the report and the .emd."),
            (save_optimizer, "save_optimizer=True: no effect here; the package holds the "
             "network's weights, and the optimizer's state is kept in the training checkpoint "
             "(fit(checkpoint_folder=...))."),
            (not save_inference_file, "save_inference_file=False: no effect here; our "
             "packages never hold inference code (they are data)."),
        ]
        for given, note in notes:
            if given:
                self.feedback.log(note)

    # --- inference --------------------------------------------------------------------------
    def _current_package(self) -> ModelPackage:
        """The loaded package, or the model as trained so far (not saved anywhere)."""
        if self.trainer is None or (self.package is not None and not self.trainer.history):
            return self.package
        return ModelPackage(self._definition("unsaved"), self._weights(), "(in memory)")

    def predictor(self) -> Predictor:
        """The batched predictor of core.predictor for the current weights."""
        from .inference.predictor import Predictor

        if self._predictor is None:
            self._predictor = Predictor(self._current_package(), self.device_name,
                                        feedback=self.feedback)
        return self._predictor

    def predict(self, image: str | np.ndarray, visualize: bool = False) -> tuple:
        """(class name, confidence) for a file path or a (bands, H, W) array; with
        ``visualize``, (class name, confidence, figure): the chip captioned with its class,
        also shown inline in Jupyter. A multi-label model gives (its labels present, their
        scores), likeliest first, as lists."""
        predictor = self.predictor()
        package = predictor.package
        array = _read_chip(image) if isinstance(image, (str, os.PathLike)) else \
            np.asarray(image)
        if array.ndim == 2:
            array = array[np.newaxis]
        if array.shape[0] != package.band_count:
            raise DataError(tr("The model takes {} bands, the image has {}.").format(
                                package.band_count, array.shape[0]))
        chip = fit_chip(array, package.chip_size, package.resize_to)[np.newaxis]
        scores = predictor.probabilities(chip)[0]
        best = best_class(scores)
        if best is None:
            raise DataError(tr("The model's output for this image is not a number (NaN "
                               "or infinite): the model is damaged; train or save it "
                               "again."))
        if package.multi_label:
            present = labels_present(scores, np.asarray(package.thresholds))
            name = [self.classes[label] for label in present]
            confidence = [float(scores[label]) for label in present]
            caption = package.label_delimiter.join(name) or "(no label)"
        else:
            name, confidence = self.classes[best[0]], best[1]
            caption = f"{name} ({confidence:.0%})"
        if not visualize:
            return name, confidence
        figure = figures.chip_grid_figure([(array, caption)], ncols=1)
        _display(figure)
        return name, confidence, figure

    def classify(self, raster: str, geometries: Iterable[bytes | None],
                 options: ClassifyOptions | None = None,
                 ) -> Iterator[tuple[str | None, float | None]]:
        """(class name or None, confidence or None) per WKB geometry, from the raster under it
        (a multi-label model: its labels present joined by its delimiter, likeliest first, and
        the likeliest one's score).

        Geometries are in the raster's CRS unless ``options.geometry_crs`` says otherwise.
        """
        options = options or ClassifyOptions(device=self.device_name)
        classifier = RasterClassifier(self._current_package(), raster, options, self.feedback)
        package, thresholds = classifier.package, classifier.thresholds
        for prediction in classifier.classify(geometries):
            if prediction.class_index is None:
                yield None, None
            elif package.multi_label:  # the labels present, likeliest first, joined
                present = labels_present(prediction.probabilities, thresholds)
                yield package.label_delimiter.join(self.classes[i] for i in present), \
                    prediction.confidence
            else:
                yield self.classes[prediction.class_index], prediction.confidence


def _check_same_shape(package: ModelPackage, data: TrainingData) -> None:
    """Data to train a loaded package further must have its classes, chip size, resize_to
    and bands."""
    ours = (package.classes, package.chip_size, package.band_count, package.resize_to)
    theirs = (data.classes, data.chip_size, data.band_count, data.resize_to)
    if ours != theirs:
        raise DataError(tr("The model {} has classes {}, {} px chips (resize_to {}) and "
                           "{} bands; the data has {}, {} px (resize_to {}) and {} "
                           "bands. Prepare the data with the model's classes, chip_size "
                           "and resize_to, or train a new FeatureClassifier.").format(
                            package.path, ours[0], ours[1], ours[3], ours[2], theirs[0],
                            theirs[1], theirs[3], theirs[2]))


def _read_chip(path: str | os.PathLike) -> np.ndarray:
    """The image at ``path``; a DataError naming it where it is missing or unreadable."""
    path = os.fspath(path)
    special = not_a_file(path)
    if special or not os.path.isfile(path):
        raise DataError(tr("{} is {}: give the path of an image file (or an array of "
                           "its pixels).").format(path, special or 'not there'))
    try:
        return read_image(path)
    except Exception as error:  # any decoder failure means "unreadable"
        raise DataError(tr("{} cannot be read as an image ({}: {}). Give a JPEG, "
                           "PNG, BMP or GeoTIFF chip.").format(
                            path, type(error).__name__, error)) from error


def discriminative_rates(lr: float | slice | None) -> float | list[float] | None:
    """arcgis.learn's (fastai's) learning rates: a number as it is; a slice(low, high) one
    rate per layer group (core.models.backbones.layer_groups: the body's two halves and the
    head), geometric from low to high; slice(high) high/10 for the body, high for the head."""
    if lr is None:
        return None
    if isinstance(lr, (list, tuple)):
        return [positive_number("learning_rate", rate) for rate in lr]
    if not isinstance(lr, slice):
        return positive_number("learning_rate", lr)
    if not all(bound is None or isinstance(bound, (int, float)) and math.isfinite(bound)
               for bound in (lr.start, lr.stop)) or lr.stop is None or lr.stop <= 0 or (
            lr.start is not None and not 0 < lr.start <= lr.stop):
        raise ArgumentError(tr("lr={} is not a range of learning rates: give slice(low, "
                               "high) with 0 < low <= high (e.g. slice(1e-5, 1e-3)), or "
                               "slice(high).").format(lr))
    if lr.start is None:
        return [lr.stop / 10, lr.stop / 10, float(lr.stop)]
    step = (lr.stop / lr.start) ** 0.5
    return [float(lr.start), float(lr.start * step), float(lr.stop)]


def _display(figure: Figure | None) -> None:
    """Show ``figure`` inline where IPython (Jupyter) runs; elsewhere the caller keeps it."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if figure is not None and get_ipython() is not None:
        display(figure)
