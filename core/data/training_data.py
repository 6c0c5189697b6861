"""Training chips from folders in ImageNet layout, or ArcGIS Pro Labeled Tiles exports.

``<folder>/images/<class>/*`` or ``<folder>/<class>/*``: classes are the sub-folder names; a
Labeled Tiles export (core.data.labeled_tiles): the class names of its label files, with the
export's class values and colours kept for the model. Classes are merged by name across
folders and sorted. Every usable chip is decoded once and resized to
the chip size; the chips are kept in memory, so epochs never decode JPEGs again, unless they
would not fit (core.chip_store): then they are read from disk every epoch.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import DataError, setting, tr
from ..runtime.distributed import all_gather, rank, world_size
from ..runtime.feedback import Feedback
from ..runtime.outputs import within
from .chip_store import STREAM, ChipStore, StreamedChips, host_store
from .imagery import (
    MAX_CHIP_SIZE,
    ChipMismatch,
    is_image_file,
    parallel_decoders,
    read_image,
    training_chip,
)
from .labeled_tiles import is_labeled_tiles, read_labeled_tiles
from .multi_label import is_multi_label, read_label_sets
from .normalization import Normalization

if TYPE_CHECKING:
    import torch
    from matplotlib.figure import Figure
    from numpy.typing import DTypeLike

LAYOUT_HINT = (
    "Expected one sub-folder per class: <folder>/<class>/*.jpg or <folder>/images/<class>/*.jpg "
    "(jpg, jpeg, png, bmp, tif, tiff), or an ArcGIS Pro Labeled Tiles export (images/, "
    "labels/)."
)
MIN_IMAGES_PER_CLASS = 2


@dataclass
class FolderScan:
    """Image files found in one or more ImageNet-layout folders."""

    folders: list[str]
    classes: list[str]
    paths: list[str]
    labels: list[int] | np.ndarray  # class indices; several labels: (chips, classes) 0/1
    ignored_files: int = 0
    repeated_files: int = 0  # found again through a repeated folder or a link: used once
    repeated_classes: list[str] = field(default_factory=list)  # classes made only of those
    exported_classes: dict[str, dict] = field(default_factory=dict)  # name -> Labeled Tiles'
    unlabelled_tiles: int = 0  # Labeled Tiles images without a label file: left out
    outside: list[str] = field(default_factory=list)  # folder links leaving them: not walked
    special_files: int = 0  # FIFOs, devices and sockets with an image's name: left out
    delimiter: str | None = None  # several labels a chip: how they were joined

    @property
    def multi_label(self) -> bool:
        """Whether chips have several labels each."""
        return self.delimiter is not None

    def class_counts(self) -> dict[str, int]:
        """{class name: image files found (with that label)}, in the order of ``classes``."""
        return dict(zip(self.classes, label_counts(self.labels, len(self.classes))))

    def names(self, index: int) -> list[str]:
        """The class of image ``index`` (a list of one), or its labels."""
        if self.multi_label:
            return [name for name, has in zip(self.classes, self.labels[index]) if has > 0]
        return [self.classes[self.labels[index]]]

    def label_text(self, index: int) -> str:
        """The class of image ``index``, or its labels joined by their delimiter."""
        return (self.delimiter or "").join(self.names(index))


def label_counts(labels: object, class_count: int) -> list[int]:
    """How many chips have each class: of class indices, or of rows of 0/1 (several labels;
    -1, a chip that no longer reads, is no label)."""
    values = np.asarray(labels)
    if values.ndim == 2:
        return [int(n) for n in (values > 0).sum(axis=0)]
    return [int(n) for n in np.bincount(values.astype(np.int64), minlength=class_count)]


def split_folder_list(folder: str | Sequence[str],
                      extra_folders: str | Sequence[str] | None = None) -> list[str]:
    """The main folder (or a list of folders, the first the main one) plus extra folders
    given as a list or a ';'-separated string (split_paths: a folder whose name holds ';'
    stays whole)."""
    if isinstance(extra_folders, str):
        extra_folders = split_paths(extra_folders)
    if isinstance(folder, str):
        folder = [folder]
    if not folder:
        raise DataError(tr("No training folder given: give a folder, or a list of "
                           "folders."))
    folders = list(folder) + [f.strip() for f in (extra_folders or []) if f and f.strip()]
    return [os.path.abspath(os.path.expanduser(f)) for f in folders]


def split_paths(text: str) -> list[str]:
    """The folders of a ';'-separated list. A folder whose own name holds ';' is kept whole:
    at each place the longest run of pieces that names an existing folder is taken."""
    pieces, paths, start = text.split(";"), [], 0
    while start < len(pieces):
        end = next((end for end in range(len(pieces), start + 1, -1) if os.path.isdir(
            os.path.expanduser(";".join(pieces[start:end]).strip()))), start + 1)
        paths.append(";".join(pieces[start:end]))
        start = end
    return paths


def class_root(folder: str) -> str:
    """The folder that holds the class sub-folders (``images/`` when present)."""
    images = os.path.join(folder, "images")
    return images if os.path.isdir(images) else folder


MODELS_FOLDER = "models"  # where arcgis.learn's save() puts packages, inside the data folder


def is_models_folder(path: str) -> bool:
    """A ``models`` folder of saved packages (.emd files) inside a chip folder: not a class."""
    return os.path.basename(path) == MODELS_FOLDER and any(
        name.lower().endswith(".emd") for _, _, files in os.walk(path) for name in files)


def scan_folders(folders: Sequence[str], for_training: bool = True) -> FolderScan:
    """Find the classes and image files of ImageNet-layout folders and ArcGIS Pro Labeled
    Tiles exports (core.data.labeled_tiles); raise DataError when the layout is unusable.

    For training, at least 2 classes of at least 2 images each; else any labelled image.
    """
    files_by_class: dict[str, list[str]] = {}
    ignored = repeated = unlabelled = special = 0
    outside: list[str] = []
    given = list(folders)  # folder links stay in these
    seen: set[str] = set()  # real paths: a folder given twice, or linked, counts once
    repeated_in: set[str] = set()

    def add(name: str, path: str) -> None:
        """One image of class ``name``; a file found a second time is counted, not added."""
        nonlocal repeated
        if os.path.realpath(path) in seen:
            repeated += 1
            repeated_in.add(name)
        else:
            seen.add(os.path.realpath(path))
            files_by_class.setdefault(name, []).append(path)
    exported: dict[str, dict] = {}
    for folder in folders:
        if not os.path.isdir(folder):
            raise DataError(tr("Input folder does not exist: {}. {}").format(folder, LAYOUT_HINT))
        if not os.listdir(folder):
            raise DataError(tr("Input folder is empty: {}. {}").format(folder, LAYOUT_HINT))
    if any(is_multi_label(folder) for folder in folders):
        return _scan_multi_label(folders, for_training)
    for folder in folders:
        if is_labeled_tiles(folder):
            tiles = read_labeled_tiles(folder)
            unlabelled += len(tiles.unlabelled)
            _merge_exported(exported, tiles.entries, folder)
            for path, name in zip(tiles.paths, tiles.names):
                add(name, path)
            continue
        root = class_root(folder)
        class_dirs = sorted(e.name for e in os.scandir(root) if e.is_dir() and e.name[0] != "."
                            and not is_models_folder(e.path))
        if not class_dirs:
            raise DataError(tr("Input folder has no class sub-folders: {}. {}").format(
                                root, LAYOUT_HINT))
        for name in class_dirs:
            if not _within(os.path.join(root, name), given):
                outside.append(os.path.join(root, name))  # e.g. a link to / : never walked
                continue
            for directory, subdirs, files in os.walk(os.path.join(root, name)):
                subdirs.sort()
                for file in sorted(files):
                    path = os.path.join(directory, file)
                    if not is_image_file(file):
                        ignored += 1
                    elif not os.path.isfile(path):
                        special += 1
                    else:
                        add(name, path)
            files_by_class.setdefault(name, [])
    only_repeats = sorted(name for name in repeated_in if not files_by_class.get(name))
    for name in only_repeats:  # a linked copy of another class: no class of its own
        del files_by_class[name]
    classes = sorted(files_by_class)
    if not for_training:
        classes = [name for name in classes if files_by_class[name]]
        if not classes:
            raise DataError(tr("No images found in {}. {}").format(', '.join(folders), LAYOUT_HINT))
    elif len(classes) < 2:
        raise DataError(
            tr("Found {} class ({}) in {}; a classifier needs at least 2 classes. {}").format(
                len(classes), ', '.join(classes), ', '.join(folders), LAYOUT_HINT)
        )
    paths = [p for name in classes for p in files_by_class[name]]
    labels = [i for i, name in enumerate(classes) for _ in files_by_class[name]]
    scan = FolderScan(list(folders), classes, paths, labels, ignored, repeated, only_repeats,
                      {name: exported[name] for name in classes if name in exported},
                      unlabelled, outside, special)
    if for_training:
        _check_class_sizes(scan.class_counts(), "image files")
    return scan


def _scan_multi_label(folders: Sequence[str], for_training: bool) -> FolderScan:
    """The chips of multi-label folders (core.data.multi_label), all of them such; classes
    are every label used, sorted; a chip's labels are a row of 0/1."""
    plain = [folder for folder in folders if not is_multi_label(folder)]
    if plain:
        raise DataError(tr("{} has one class per chip, the other folders several (a "
                           "labels.csv or a Multi-labeled Tiles export): train on "
                           "folders of one kind.").format(plain[0]))
    sets = [read_label_sets(folder) for folder in folders]
    delimiters = {found.delimiter for found in sets}
    paths, names, exported, seen, repeated, unlabelled = [], [], {}, set(), 0, 0
    for folder, found in zip(folders, sets):
        _merge_exported(exported, found.entries, folder)
        unlabelled += len(found.unlabelled)
        for path, labels in zip(found.paths, found.labels):
            if os.path.realpath(path) in seen:
                repeated += 1
                continue
            seen.add(os.path.realpath(path))
            paths.append(path)
            names.append(labels)
    classes = sorted({name for labels in names for name in labels})
    if for_training and len(classes) < 2:
        raise DataError(tr("Found {} label ({}) in {}; a classifier needs at least 2.").format(
                            len(classes), ', '.join(classes), ', '.join(folders)))
    if not paths:
        raise DataError(tr("No labelled chips found in {}.").format(', '.join(folders)))
    index = {name: number for number, name in enumerate(classes)}
    rows = np.zeros((len(paths), len(classes)), np.float32)
    for row, labels in enumerate(names):
        rows[row, [index[name] for name in labels]] = 1.0
    scan = FolderScan(list(folders), classes, paths, rows, repeated_files=repeated,
                      exported_classes={name: exported[name] for name in classes
                                        if name in exported},
                      unlabelled_tiles=unlabelled, delimiter=sorted(delimiters)[0])
    if for_training:
        _check_class_sizes(scan.class_counts(), "image files")
    return scan


def _within(path: str, folders: list[str]) -> bool:
    """Whether ``path``, its links resolved, lies in one of ``folders``."""
    return any(within(path, folder) for folder in folders)


def _merge_exported(exported: dict[str, dict], entries: dict[str, dict], folder: str) -> None:
    """Add one export's class entries; a class given two values by two exports is refused."""
    for name, entry in entries.items():
        known = exported.setdefault(name, entry)
        if known["Value"] != entry["Value"]:
            raise DataError(tr("The class '{}' has the value {} in one export and {} in "
                               "{}: export with the same classes, or train on the "
                               "folders one at a time.").format(
                                name, known['Value'], entry['Value'], folder))


def _check_class_sizes(counts: dict[str, int], what: str, skipped_note: str = "") -> None:
    small = [f"'{name}' ({count})" for name, count in counts.items()
             if count < MIN_IMAGES_PER_CLASS]
    if small:
        raise DataError(
            tr("Each class needs at least {} usable {}; too few in: {}. Add images to "
               "these class folders or remove them.{}").format(
                MIN_IMAGES_PER_CLASS, what, ', '.join(small), skipped_note)
        )


def stratified_split(labels: Sequence[int], val_split_pct: float,
                     seed: int, stratify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Seeded per-class split into (train indices, validation indices).

    Every class keeps at least one training and one validation chip. Without ``stratify``,
    a plain seeded random split of all chips (a class may then miss from either part).
    """
    if not 0 < val_split_pct < 100:
        raise DataError(tr("Validation split must be between 0 and 100 %, got {}.").format(
                            val_split_pct))
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    if not stratify:
        members = rng.permutation(len(labels))
        n_valid = min(max(int(round(len(members) * val_split_pct / 100.0)), 1),
                      len(members) - 1)
        return np.sort(members[n_valid:]), np.sort(members[:n_valid])
    train, valid = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_valid = int(round(len(members) * val_split_pct / 100.0))
        n_valid = min(max(n_valid, 1), len(members) - 1)
        valid.append(members[:n_valid])
        train.append(members[n_valid:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(valid))


@dataclass
class TrainingData:
    """Decoded chips, split into training and validation, ready for a model."""

    classes: list[str]
    train_images: object  # torch.Tensor (N, bands, S, S), uint8 or float32
    train_labels: object  # torch.Tensor (N,), int64
    valid_images: object
    valid_labels: object
    normalization: Normalization
    chip_size: int
    band_count: int
    data_type: str
    folders: list[str]
    batch_size: int = 64
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seed: int = 42
    chip_store: ChipStore | None = None
    cell_sizes: tuple[float, float] | None = None  # (min, max) ground size of a chip pixel
    # under torchrun, where train_* are this process's share: the labels of every share
    shared_train_labels: object = None
    exported_classes: dict[str, dict] = field(default_factory=dict)  # Labeled Tiles' entries
    augment: bool = True  # whether training chips are augmented (core.data.augment)
    working_dir: str | None = None  # where the notebook's save() puts models/ (default folders[0])
    resize_to: int | None = None  # arcgis.learn's: images resized to it, then cropped to chip_size
    label_delimiter: str | None = None  # several labels a chip (rows of 0/1): how joined

    @property
    def multi_label(self) -> bool:
        """Whether each chip has several labels (its labels a row of 0/1 over the classes)."""
        return self.label_delimiter is not None

    @property
    def c(self) -> int:
        """The number of classes (arcgis.learn's data.c)."""
        return len(self.classes)

    @property
    def class_mapping(self) -> dict[int, str]:
        """{class value: class name} (arcgis.learn's data.class_mapping): the values of a
        Labeled Tiles export, else 0 to n-1 in the order of ``classes``."""
        return {int(self.exported_classes[name]["Value"]) if name in self.exported_classes
                else index: name for index, name in enumerate(self.classes)}

    @property
    def all_train_labels(self) -> torch.Tensor:
        """The labels of all training chips, of every process under torchrun (where
        ``train_labels`` are this process's share)."""
        return self.train_labels if self.shared_train_labels is None else \
            self.shared_train_labels

    def summary(self) -> dict:
        """Facts about the data (all of it, under torchrun too), for the report and the model
        definition."""
        import torch

        counts = label_counts(torch.cat([self.all_train_labels, self.valid_labels]).numpy(),
                              len(self.classes))
        return {
            "folders": self.folders,
            "classes": self.classes,
            "class_counts": {c: int(n) for c, n in zip(self.classes, counts)},
            "train_count": int(len(self.all_train_labels)),
            "valid_count": int(len(self.valid_labels)),
            "band_count": self.band_count,
            "data_type": self.data_type,
            "chip_size": self.chip_size,
            "resize_to": self.resize_to,
            "cell_sizes": self.cell_sizes,
            "skipped": [list(item) for item in self.skipped],
            "label_delimiter": self.label_delimiter,
        }

    def show_batch(self, rows: int = 2) -> Figure | None:
        """A figure of rows x rows random training chips with their labels (arcgis.learn's
        data.show_batch); shown inline in Jupyter."""
        from ..reports.figures import chip_grid_figure

        return chip_grid_figure(self.sample(rows * rows), ncols=rows)

    def sample(self, count: int, seed: int | None = None) -> list[tuple[np.ndarray, str]]:
        """Random training chips with their class names (show_batch)."""
        rng = np.random.default_rng(self.seed if seed is None else seed)
        picks = rng.choice(len(self.train_labels), size=min(count, len(self.train_labels)),
                           replace=False)
        return [(self.train_images[i].numpy(), self.label_text(self.train_labels[i]))
                for i in picks]

    def label_text(self, label: torch.Tensor) -> str:
        """A chip's label as text: its class, or its classes joined by the delimiter."""
        if not self.multi_label:
            return self.classes[int(label)]
        return self.label_delimiter.join(name for name, present in zip(self.classes, label)
                                         if present > 0)


def check_resize_to(resize_to: int | None, chip_size: int) -> None:
    """Refuse a ``resize_to`` that is no whole number from ``chip_size`` to MAX_CHIP_SIZE
    pixels."""
    if resize_to is None:
        return
    if isinstance(resize_to, bool) or not isinstance(resize_to, (int, np.integer)) or \
            not chip_size <= resize_to <= MAX_CHIP_SIZE:
        raise DataError(tr("resize_to={!r}: give a whole number of pixels from "
                           "chip_size ({}) to {}; the images are resized to it and then "
                           "cropped to chip_size around their centre (or leave it out).").format(
                            resize_to, chip_size, MAX_CHIP_SIZE))


def training_cell_sizes(folders: Sequence[str], chip_size: int) -> tuple[float, float] | None:
    """(smallest, largest) ground size of a training chip's pixel once resized to
    ``chip_size`` (the resize_to size, where there is one), from the chips.csv that Export
    training chips writes (chip bounds in map units); None when no folder has one."""
    import csv

    sizes = []
    for folder in folders:
        try:
            with open(os.path.join(folder, "chips.csv"), newline="", encoding="utf-8") as table:
                for row in csv.DictReader(table):
                    sizes.append((float(row["max_x"]) - float(row["min_x"])) / chip_size)
        except (OSError, KeyError, ValueError):
            continue
    sizes = [size for size in sizes if size > 0]
    return (min(sizes), max(sizes)) if sizes else None


def load_training_data(folders: Sequence[str], chip_size: int = 224, val_split_pct: float = 20,
                       batch_size: int = 64, seed: int = 42, feedback: Feedback | None = None,
                       chip_storage: str | None = None, stratify: bool = True,
                       resize_to: int | None = None) -> TrainingData:
    """Scan, split, decode and resize the chips (to ``chip_size``, or to ``resize_to`` and
    then cropped to ``chip_size``: imagery.fit_chip); compute the normalisation.

    Every file is decoded once. The chips are kept in host memory when they fit its budget
    (see core.chip_store), else they are only checked now and read from disk every epoch.
    ``chip_storage`` forces core.chip_store.MEMORY or core.chip_store.STREAM. The split is
    stratified by class unless ``stratify`` is False (stratified_split).

    Under torchrun ``batch_size`` is the global batch, shared by the processes, and each
    process decodes and keeps only its share of the training files (every N-th, so each gets
    some of every class; as many chips for all, see _TrainingShares.each) and all the
    validation chips; checks, normalisation and counts are those of all the data.
    """
    feedback = (feedback or Feedback()).main_only()
    process_batch_size(batch_size)  # refused before any chip is read
    if chip_size < 8:
        raise DataError(tr("Chip size must be at least 8 pixels, got {}.").format(chip_size))
    check_resize_to(resize_to, chip_size)
    scan = scan_folders(folders)
    if scan.ignored_files:
        feedback.log(tr("Ignored {} files that are not images.").format(scan.ignored_files))
    if scan.outside:
        feedback.log(tr("Left out {} linked folders that lead out of the input folders "
                        "(not walked), e.g. {}.").format(len(scan.outside), scan.outside[0]))
    if scan.special_files:
        feedback.log(tr("Left out {} special files (FIFOs, devices, sockets) with an "
                        "image's name.").format(scan.special_files))
    if scan.unlabelled_tiles:
        feedback.log(tr("Left out {} tiles of a Labeled Tiles export that have no label "
                        "file (labels/<tile>.xml) naming their class.").format(
                         scan.unlabelled_tiles))
    if scan.repeated_files:
        dropped = (f"; {', '.join(scan.repeated_classes)} held only such files and is no "
                   "class" if scan.repeated_classes else "")
        feedback.log(tr("Warning: {} image files were found a second time (a folder "
                        "given twice, or a linked folder) and are used once, so that no "
                        "chip lands in both training and validation{}.").format(
                         scan.repeated_files, dropped))
    train_index, valid_index = stratified_split(
        np.zeros(len(scan.paths)) if scan.multi_label else scan.labels, val_split_pct, seed,
        stratify and not scan.multi_label)
    first_path, first = _first_readable(scan.paths, np.concatenate([train_index, valid_index]))
    mine = train_index[rank()::world_size()]  # the training files this process decodes
    order = np.concatenate([mine, valid_index])
    bands, source_type = first.shape[0], first.dtype
    keep_type = np.uint8 if source_type == np.uint8 else np.float32
    imagenet_like = bands == 3 and source_type == np.uint8
    chip_bytes = len(order) * bands * chip_size * chip_size * np.dtype(keep_type).itemsize
    store = host_store(chip_bytes, chip_storage)
    decoded = _decode_all([scan.paths[i] for i in order], chip_size,
                          (first_path, bands, source_type),
                          keep_type, store.place != STREAM, not imagenet_like, feedback,
                          resize_to=resize_to)
    labels = np.asarray(scan.labels)[order][decoded.kept]
    shares = _TrainingShares.gather(scan, mine, decoded, labels)
    if shares.skipped:
        shown = "; ".join(f"{p} ({reason})" for p, reason in shares.skipped[:5])
        more = f" … and {len(shares.skipped) - 5} more" if len(shares.skipped) > 5 else ""
        feedback.log(tr("Skipped {} files: {}{}").format(len(shares.skipped), shown, more))
    _check_class_sizes(
        dict(zip(scan.classes, label_counts(np.concatenate([shares.labels, shares.valid_labels]),
                                            len(scan.classes)))),
        "images", f" Skipped {len(shares.skipped)} files that could not be used."
        if shares.skipped else "")
    untrained = [name for name, count in zip(scan.classes, label_counts(
        shares.labels, len(scan.classes))) if not count]
    if untrained:
        raise DataError(tr("No readable training chips left in: {} (their other chips "
                           "were set aside for validation). Add images to these classes "
                           "or replace the unreadable ones.").format(', '.join(untrained)))
    if imagenet_like:
        normalization = Normalization.imagenet()
    else:
        normalization = Normalization.from_sums(shares.band_sums, chip_size * chip_size)
    n_train = shares.each(feedback)  # this process's training chips: the first n_train
    n_mine = shares.decoded_here
    if store.place == STREAM:
        kept_paths = [scan.paths[i] for i in order[decoded.kept]]
        train_images = StreamedChips(kept_paths[:n_train], chip_size, bands, keep_type,
                                     resize_to)
        valid_images = StreamedChips(kept_paths[n_mine:], chip_size, bands, keep_type,
                                     resize_to)
    else:
        train_images, valid_images = decoded.images[:n_train], decoded.images[n_mine:]
    import torch

    labels_tensor = torch.from_numpy(labels.astype(np.float32 if scan.multi_label else
                                                 np.int64))
    return TrainingData(
        classes=scan.classes, train_images=train_images, train_labels=labels_tensor[:n_train],
        valid_images=valid_images, valid_labels=labels_tensor[n_mine:],
        normalization=normalization, chip_size=chip_size, band_count=bands,
        data_type=source_type.name, folders=list(scan.folders), batch_size=batch_size,
        skipped=shares.skipped, seed=seed,
        chip_store=ChipStore(store.place, len(labels) * chip_bytes // len(order), store.budget),
        cell_sizes=training_cell_sizes(folders, resize_to or chip_size), resize_to=resize_to,
        shared_train_labels=shares.kept_labels(n_train), exported_classes=scan.exported_classes,
        label_delimiter=scan.delimiter)


@dataclass
class _TrainingShares:
    """What every process decoded of the training files (all of them outside torchrun),
    gathered, so that checks, normalisation and counts are those of all the data."""

    parts: list[tuple[np.ndarray, np.ndarray, list]]  # per process: labels, band sums, skipped
    valid_labels: np.ndarray
    valid_skipped: list
    decoded_here: int  # training chips this process decoded and kept

    @classmethod
    def gather(cls, scan: FolderScan, mine: np.ndarray, decoded: _Decoded,
               labels: np.ndarray) -> _TrainingShares:
        here = int(np.count_nonzero(decoded.kept < len(mine)))
        training = {scan.paths[i] for i in mine}
        skipped = [item for item in decoded.skipped if item[0] in training]
        parts = all_gather((labels[:here], decoded.band_sums[:here], skipped))
        return cls(parts, labels[here:],
                   [item for item in decoded.skipped if item[0] not in training], here)

    @functools.cached_property
    def labels(self) -> np.ndarray:
        return np.concatenate([labels for labels, _, _ in self.parts])

    @functools.cached_property
    def band_sums(self) -> np.ndarray:
        return np.concatenate([sums for _, sums, _ in self.parts])

    @functools.cached_property
    def skipped(self) -> list:
        return [item for _, _, skipped in self.parts for item in skipped] + self.valid_skipped

    def each(self, feedback: Feedback) -> int:
        """The training chips every process trains on: as many for all (each runs as many
        steps), the few more some decoded left out (logged)."""
        fewest = min(len(labels) for labels, _, _ in self.parts)
        processes, total = len(self.parts), len(self.labels)
        if processes > 1 and fewest < 2:
            raise DataError(tr("{} training chips cannot be shared by {} processes: "
                               "each needs at least 2. Start fewer processes, or add "
                               "chips.").format(total, processes))
        if total > fewest * processes:
            feedback.log(tr("{} of the {} training chips are left out so that each of "
                            "the {} processes trains on {}.").format(
                             total - fewest * processes, total, processes, fewest))
        return fewest

    def kept_labels(self, each: int) -> torch.Tensor | None:
        """Under torchrun, the labels of the training chips of every process (for counts),
        else None: the process's own are all."""
        if len(self.parts) == 1:
            return None
        import torch

        labels = np.concatenate([labels[:each] for labels, _, _ in self.parts])
        return torch.from_numpy(labels if labels.ndim == 2 else labels.astype(np.int64))


def process_batch_size(batch_size: int) -> int:
    """This process's part of the global ``batch_size`` (all of it outside torchrun); a
    DataError for a batch under 2 chips, or when the processes cannot share it evenly, with
    at least 2 chips each (batch normalisation needs 2)."""
    processes = world_size()
    if batch_size < 2:
        raise DataError(tr("A batch of {} chip ({}) is too small to train: batch "
                           "normalisation needs at least 2 chips a step. Choose 2 or "
                           "more.").format(batch_size, setting('batch_size')))
    if processes > 1 and (batch_size % processes or batch_size < 2 * processes):
        near = max(2, batch_size // processes) * processes
        raise DataError(
            tr("A batch of {} chips ({}) cannot be shared by the {} processes torchrun "
               "started: {} is the batch of all of them together, and each needs the "
               "same number of chips, at least 2. Choose a multiple of {} (e.g. {} or "
               "{}), or another --nproc_per_node.").format(
                batch_size, setting('batch_size'), processes, setting('batch_size'), processes,
                near, near + processes))
    return batch_size // processes


def _first_readable(paths: Sequence[str], order: np.ndarray) -> tuple[str, np.ndarray]:
    """The first decodable file in split order: it sets the band count and data type."""
    for index in order:
        try:
            return paths[index], read_image(paths[index])
        except Exception:  # noqa: BLE001 - reported with the others by _decode_all
            continue
    raise DataError(tr("None of the image files could be read; see the skipped files "
                       "above."))


@dataclass
class _Decoded:
    images: object  # torch.Tensor (kept, bands, S, S), or None when only checked
    kept: np.ndarray  # positions (in the decoding order) of the readable files
    band_sums: np.ndarray  # (kept, 2, bands): per-chip sum and sum of squares per band
    skipped: list[tuple[str, str]]


def _decode_all(paths: list[str], chip_size: int, first: tuple[str, int, np.dtype],
                keep_type: DTypeLike, keep: bool, band_sums: bool, feedback: Feedback,
                resize_to: int | None = None) -> _Decoded:
    """Decode and resize every file in threads, into one preallocated tensor when ``keep``;
    per-band sums for the normalisation when ``band_sums``.

    Unreadable files, and files whose band count or data type differs from the first
    file's, are skipped (named in the log).
    """
    import torch

    first_path, bands, source_type = first
    total = len(paths)
    images = torch.empty((total if keep else 0, bands, chip_size, chip_size),
                         dtype=torch.uint8 if keep_type == np.uint8 else torch.float32)
    # filled through numpy: a torch copy of a chip wakes torch's thread pool for every chip,
    # whose spinning threads take the cores from the decoders (RSSCN7 at 224 px on 2 cores:
    # 507 images/s that way, 727 this way)
    slots = images.numpy()

    def decode(path: str) -> tuple[np.ndarray | None, np.ndarray | str]:
        try:
            chip = training_chip(path, chip_size, bands, keep_type, source_type, resize_to)
        except ChipMismatch as error:
            return None, (f"{error.found} where {first_path} has {bands} bands of "
                          f"{source_type.name} pixels")
        except Exception as error:  # any decoder failure means "unreadable"
            return None, f"{type(error).__name__}: {error}".strip()
        if not band_sums:
            return chip, np.zeros((2, bands))
        values = chip.reshape(bands, -1).astype(np.float64)
        return chip, np.stack([values.sum(axis=1), np.square(values).sum(axis=1)])

    kept, sums, skipped = [], [], []
    with ThreadPoolExecutor(max_workers=parallel_decoders()) as pool:
        for position, (path, (chip, result)) in enumerate(zip(paths, pool.map(decode, paths))):
            if chip is None:
                skipped.append((path, result))
            else:
                if keep:
                    slots[len(kept)] = chip
                kept.append(position)
                sums.append(result)
            done = position + 1
            if done % 64 == 0 or done == total:
                feedback.check_cancelled()
                feedback.report(done / total, tr("reading chips {}/{}").format(done, total))
    return _Decoded(images[:len(kept)] if keep else None, np.asarray(kept, dtype=np.int64),
                    np.asarray(sums).reshape(len(kept), 2, bands), skipped)
