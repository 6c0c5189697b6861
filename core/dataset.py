"""Training chips from folders in ImageNet layout.

``<folder>/images/<class>/*`` or ``<folder>/<class>/*``; classes are the sub-folder names,
merged by name across folders and sorted. Every usable chip is decoded once, resized to the
chip size and kept in memory, so epochs never decode JPEGs again.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .errors import DataError
from .feedback import Feedback
from .imagery import is_image_file, read_image

LAYOUT_HINT = (
    "Expected one sub-folder per class: <folder>/<class>/*.jpg or <folder>/images/<class>/*.jpg "
    "(jpg, jpeg, png, bmp, tif, tiff)."
)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
MIN_IMAGES_PER_CLASS = 2


@dataclass
class FolderScan:
    """Image files found in one or more ImageNet-layout folders."""

    folders: list[str]
    classes: list[str]
    paths: list[str]
    labels: list[int]
    ignored_files: int = 0

    def class_counts(self) -> dict[str, int]:
        counts = Counter(self.labels)
        return {name: counts.get(index, 0) for index, name in enumerate(self.classes)}


def split_folder_list(folder: str, extra_folders: str | Sequence[str] | None = None) -> list[str]:
    """The main folder plus extra folders given as a list or a ';'-separated string."""
    if isinstance(extra_folders, str):
        extra_folders = extra_folders.split(";")
    folders = [folder] + [f.strip() for f in (extra_folders or []) if f and f.strip()]
    return [os.path.abspath(os.path.expanduser(f)) for f in folders]


def class_root(folder: str) -> str:
    """The folder that holds the class sub-folders (``images/`` when present)."""
    images = os.path.join(folder, "images")
    return images if os.path.isdir(images) else folder


def scan_folders(folders: Sequence[str], for_training: bool = True) -> FolderScan:
    """Find the classes and image files; raise DataError when the layout is unusable.

    For training, at least 2 classes of at least 2 images each; else any labelled image.
    """
    files_by_class: dict[str, list[str]] = {}
    ignored = 0
    for folder in folders:
        if not os.path.isdir(folder):
            raise DataError(f"Input folder does not exist: {folder}. {LAYOUT_HINT}")
        if not os.listdir(folder):
            raise DataError(f"Input folder is empty: {folder}. {LAYOUT_HINT}")
        root = class_root(folder)
        class_dirs = sorted(e.name for e in os.scandir(root) if e.is_dir() and e.name[0] != ".")
        if not class_dirs:
            raise DataError(f"Input folder has no class sub-folders: {root}. {LAYOUT_HINT}")
        for name in class_dirs:
            for directory, subdirs, files in os.walk(os.path.join(root, name)):
                subdirs.sort()
                for file in sorted(files):
                    if is_image_file(file):
                        files_by_class.setdefault(name, []).append(os.path.join(directory, file))
                    else:
                        ignored += 1
            files_by_class.setdefault(name, [])
    classes = sorted(files_by_class)
    if not for_training:
        classes = [name for name in classes if files_by_class[name]]
        if not classes:
            raise DataError(f"No images found in {', '.join(folders)}. {LAYOUT_HINT}")
    elif len(classes) < 2:
        raise DataError(
            f"Found {len(classes)} class ({', '.join(classes)}) in {', '.join(folders)}; "
            f"a classifier needs at least 2 classes. {LAYOUT_HINT}"
        )
    paths = [p for name in classes for p in files_by_class[name]]
    labels = [i for i, name in enumerate(classes) for _ in files_by_class[name]]
    scan = FolderScan(list(folders), classes, paths, labels, ignored)
    if for_training:
        _check_class_sizes(scan.class_counts(), "image files")
    return scan


def _check_class_sizes(counts: dict[str, int], what: str, skipped_note: str = "") -> None:
    small = [f"'{name}' ({count})" for name, count in counts.items()
             if count < MIN_IMAGES_PER_CLASS]
    if small:
        raise DataError(
            f"Each class needs at least {MIN_IMAGES_PER_CLASS} usable {what}; too few in: "
            f"{', '.join(small)}. Add images to these class folders or remove them."
            f"{skipped_note}"
        )


def stratified_split(labels: Sequence[int], val_split_pct: float,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded per-class split into (train indices, validation indices).

    Every class keeps at least one training and one validation chip.
    """
    if not 0 < val_split_pct < 100:
        raise DataError(f"Validation split must be between 0 and 100 %, got {val_split_pct}.")
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    train, valid = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_valid = int(round(len(members) * val_split_pct / 100.0))
        n_valid = min(max(n_valid, 1), len(members) - 1)
        valid.append(members[:n_valid])
        train.append(members[n_valid:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(valid))


@dataclass
class Normalization:
    """``(pixel / scale - mean) / std`` per band, as the model was trained."""

    scale: float
    mean: list[float]
    std: list[float]

    @classmethod
    def imagenet(cls) -> Normalization:
        return cls(255.0, list(IMAGENET_MEAN), list(IMAGENET_STD))

    @classmethod
    def from_chips(cls, chips) -> Normalization:
        """Per-band statistics of a (N, bands, H, W) tensor of raw pixel values."""
        import torch

        values = chips.transpose(0, 1).reshape(chips.shape[1], -1).to(torch.float64)
        mean = values.mean(dim=1)
        std = values.std(dim=1).clamp_min(1e-6)
        return cls(1.0, [float(v) for v in mean], [float(v) for v in std])

    def to_dict(self) -> dict:
        return {"Scale": self.scale, "Mean": self.mean, "Std": self.std}

    @classmethod
    def from_dict(cls, values: dict) -> Normalization:
        return cls(float(values["Scale"]), [float(v) for v in values["Mean"]],
                   [float(v) for v in values["Std"]])

    def apply(self, images):
        """Normalise a float tensor (N, bands, H, W) of raw pixel values."""
        import torch

        mean = torch.tensor(self.mean, device=images.device, dtype=images.dtype)
        std = torch.tensor(self.std, device=images.device, dtype=images.dtype)
        return (images / self.scale - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)


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

    def summary(self) -> dict:
        """Facts about the data, for the report and the model definition."""
        import torch

        counts = torch.bincount(torch.cat([self.train_labels, self.valid_labels]),
                                minlength=len(self.classes))
        return {
            "folders": self.folders,
            "classes": self.classes,
            "class_counts": {c: int(n) for c, n in zip(self.classes, counts)},
            "train_count": int(len(self.train_labels)),
            "valid_count": int(len(self.valid_labels)),
            "band_count": self.band_count,
            "data_type": self.data_type,
            "chip_size": self.chip_size,
            "skipped": [list(item) for item in self.skipped],
        }

    def sample(self, count: int, seed: int | None = None) -> list[tuple[np.ndarray, str]]:
        """Random training chips with their class names (show_batch)."""
        rng = np.random.default_rng(self.seed if seed is None else seed)
        picks = rng.choice(len(self.train_labels), size=min(count, len(self.train_labels)),
                           replace=False)
        return [(self.train_images[i].numpy(), self.classes[int(self.train_labels[i])])
                for i in picks]

    def train_order(self, generator, oversample: bool = False):
        """Indices for one training epoch: shuffled, or class-balanced with replacement."""
        import torch

        labels = self.train_labels
        if not oversample:
            return torch.randperm(len(labels), generator=generator)
        counts = torch.bincount(labels, minlength=len(self.classes)).clamp_min(1)
        weights = (1.0 / counts.double())[labels]
        return torch.multinomial(weights, len(labels), replacement=True, generator=generator)


def batches(images, labels, batch_size: int, order) -> Iterator[tuple[object, object]]:
    """Yield (images, labels) batches in the given order of indices."""
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        yield images[index], labels[index]


def load_training_data(folders: Sequence[str], chip_size: int = 224, val_split_pct: float = 20,
                       batch_size: int = 64, seed: int = 42,
                       feedback: Feedback | None = None) -> TrainingData:
    """Scan, decode, resize and split the chips; compute the normalisation."""
    import torch

    feedback = feedback or Feedback()
    if chip_size < 8:
        raise DataError(f"Chip size must be at least 8 pixels, got {chip_size}.")
    scan = scan_folders(folders)
    if scan.ignored_files:
        feedback.log(f"Ignored {scan.ignored_files} files that are not images.")
    chips, labels, skipped = _decode_all(scan, chip_size, feedback)
    if skipped:
        shown = "; ".join(f"{path} ({reason})" for path, reason in skipped[:5])
        more = f" … and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        feedback.log(f"Skipped {len(skipped)} unreadable files: {shown}{more}")
    counts = Counter(labels)
    _check_class_sizes({c: counts.get(i, 0) for i, c in enumerate(scan.classes)},
                       "images", f" Skipped {len(skipped)} unreadable files." if skipped else "")
    band_counts = {chip.shape[0] for chip, _ in chips}
    if len(band_counts) > 1:
        first_bands = chips[0][0].shape[0]
        odd_bands, odd = next((c.shape[0], p) for c, p in chips if c.shape[0] != first_bands)
        raise DataError(
            f"Images have different band counts: {chips[0][1]} has {first_bands} bands but "
            f"{odd} has {odd_bands}. All chips must have the same bands."
        )
    source_types = Counter(chip.dtype.name for chip, _ in chips)
    all_bytes = set(source_types) == {"uint8"}
    images = torch.from_numpy(np.stack([
        chip if all_bytes else chip.astype(np.float32) for chip, _ in chips]))
    del chips
    labels_tensor = torch.tensor(labels, dtype=torch.int64)
    train_index, valid_index = stratified_split(labels, val_split_pct, seed)
    train_index, valid_index = torch.from_numpy(train_index), torch.from_numpy(valid_index)
    band_count = images.shape[1]
    train_images = images[train_index]
    if band_count == 3 and all_bytes:
        normalization = Normalization.imagenet()
    else:
        normalization = Normalization.from_chips(train_images)
    return TrainingData(
        classes=scan.classes, train_images=train_images, train_labels=labels_tensor[train_index],
        valid_images=images[valid_index], valid_labels=labels_tensor[valid_index],
        normalization=normalization, chip_size=chip_size, band_count=band_count,
        data_type=source_types.most_common(1)[0][0], folders=list(scan.folders),
        batch_size=batch_size, skipped=skipped, seed=seed)


def _decode_all(scan: FolderScan, chip_size: int, feedback: Feedback):
    """Decode and resize every file in threads; unreadable files are skipped."""
    total = len(scan.paths)

    def decode(path: str):
        try:
            return resize_chip(read_image(path), chip_size), None
        except Exception as error:  # any decoder failure means "unreadable"
            return None, f"{type(error).__name__}: {error}".strip()

    chips, labels, skipped = [], [], []
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        for done, (path, label, (chip, problem)) in enumerate(
                zip(scan.paths, scan.labels, pool.map(decode, scan.paths)), start=1):
            if chip is None:
                skipped.append((path, problem))
            else:
                chips.append((chip, path))
                labels.append(label)
            if done % 64 == 0 or done == total:
                feedback.check_cancelled()
                feedback.report(done / total, f"reading chips {done}/{total}")
    return chips, labels, skipped


def resize_chip(chip: np.ndarray, size: int) -> np.ndarray:
    """Resize (bands, H, W) to (bands, size, size) with antialiased bilinear resampling."""
    import torch
    import torch.nn.functional as F

    if chip.shape[1:] == (size, size):
        return chip
    tensor = torch.from_numpy(chip.astype(np.float32, copy=False))[None]
    resized = F.interpolate(tensor, size=(size, size), mode="bilinear", antialias=True,
                            align_corners=False)[0]
    if chip.dtype == np.uint8:
        return resized.round_().clamp_(0, 255).to(torch.uint8).numpy()
    return resized.numpy().astype(chip.dtype if chip.dtype.kind == "f" else np.float32)
