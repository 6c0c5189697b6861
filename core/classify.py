"""Classify features from the raster under them: a streaming, bounded-memory pipeline.

    geometries (WKB) ─► footprints ─► windows, sorted raster-friendly within a chunk
        ─► chips read in background threads (one GDAL handle each) ─► batches on the model
        ─► one Prediction per input geometry, in the input's order

However many features there are, only one chunk of them (plus the batches being read ahead)
is held at a time.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .chips import (
    BOUNDING_BOX,
    FIXED,
    ChipOptions,
    ChipReader,
    ChipSettings,
    RasterSource,
    Window,
)
from .errors import DataError
from .features import Footprint, GeometryReader
from .feedback import Feedback
from .package import ModelPackage, load_package
from .predictor import Predictor

CLASSIFIED = "classified"
NO_GEOMETRY = "no geometry"
OUTSIDE_RASTER = "outside the raster"
NO_DATA = "only nodata under it"
OUTSIDE_EXTENT = "outside the processing extent"
REASONS = {OUTSIDE_EXTENT: "outside the processing extent",
           NO_GEOMETRY: "with a NULL or empty geometry",
           OUTSIDE_RASTER: "entirely outside the raster",
           NO_DATA: "with no raster pixels under their chip (nodata, or a fixed-size chip "
                    "that misses the raster)"}
CHUNK_BATCHES = 16  # features are re-ordered for reading within chunks of 16 batches


@dataclass
class ClassifyOptions(ChipOptions):
    """The chip options and how the model runs."""

    batch_size: int = 64
    device: str = "auto"
    tta: bool = False  # average the 8 flips/rotations
    workers: int | None = None  # chip-reading threads; 0 = read between batches; None = auto


@dataclass
class Prediction:
    """The result for one input geometry."""

    status: str
    class_index: int | None = None
    confidence: float | None = None
    area: float = 0.0
    chip: np.ndarray | None = None  # the chip read, when asked for (evaluation reports)


@dataclass
class ClassSummary:
    """Counts and areas per class, and how many features were not classified and why."""

    classes: list[str]
    values: list[int]
    counts: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)

    def add(self, prediction: Prediction) -> None:
        self.statuses[prediction.status] += 1
        if prediction.class_index is not None:
            self.counts[prediction.class_index] += 1
            self.areas[prediction.class_index] += prediction.area

    def rows(self) -> list[dict]:
        """One row per class: value, label, count, area and their shares of the classified."""
        total_count, total_area = sum(self.counts.values()), sum(self.areas.values())
        return [{"class_value": value, "class_label": name, "count": self.counts[index],
                 "area": self.areas[index],
                 "area_share": self.areas[index] / total_area if total_area else None,
                 "count_share": self.counts[index] / total_count if total_count else None}
                for index, (name, value) in enumerate(zip(self.classes, self.values))]

    def unclassified(self) -> dict[str, int]:
        """Features written with empty results, by reason."""
        return {status: count for status, count in self.statuses.items()
                if status not in (CLASSIFIED, OUTSIDE_EXTENT)}

    def unclassified_text(self) -> str:
        """A warning line, or '' when every feature in the extent was classified."""
        reasons = self.unclassified()
        if not reasons:
            return ""
        parts = ", ".join(f"{count} {REASONS[status]}" for status, count in reasons.items())
        return f"{sum(reasons.values())} features were written with NULL results: {parts}."

    def text(self) -> str:
        """The summary as lines for the log."""
        lines = [f"{row['class_label']}: {row['count']} features"
                 + (f", {row['area_share']:.1%} of the area" if row["area_share"] is not None
                    else "") for row in self.rows() if row["count"]]
        return "\n".join(lines)


class FeatureClassifier:
    """A model and a raster, checked against each other: classify geometries with it."""

    def __init__(self, model: str | ModelPackage, raster: str,
                 options: ClassifyOptions | None = None, feedback: Feedback | None = None) -> None:
        self.options = options = options or ClassifyOptions()
        self.feedback = feedback or Feedback()
        self.package = load_package(model) if isinstance(model, str) else model
        definition = self.package.definition
        if options.crop_mode is None:
            crop_mode = FIXED if definition.get("CropSizeFixed", 1) else BOUNDING_BOX
        else:
            crop_mode = options.crop_mode
        blacken = bool(definition.get("BlackenAroundFeature", 0)) if options.blacken is None \
            else options.blacken
        self.settings = ChipSettings(self.package.chip_size, tuple(definition["ExtractBands"]),
                                     crop_mode, options.padding, blacken, options.cell_size)
        self.source = RasterSource(raster, self.settings.bands, options.extent)
        _check_data_type(definition.get("DataType"), self.source)
        self.predictor = Predictor(self.package, options.device, options.batch_size,
                                   options.tta, self.feedback)
        self.geometries = GeometryReader(options.geometry_crs, self.source.crs_wkt or None)
        self.workers = options.workers if options.workers is not None else default_workers(
            self.predictor.device.type)
        self.batch_type = np.uint8 if self.source.dtype == np.uint8 else np.float32
        self._local = threading.local()

    @property
    def classes(self) -> list[str]:
        return self.package.classes

    @property
    def class_values(self) -> list[int]:
        return [int(entry["Value"]) for entry in self.package.definition["Classes"]]

    def summary(self) -> ClassSummary:
        return ClassSummary(self.classes, self.class_values)

    def classify(self, geometries: Iterable[bytes | None], total: int | None = None,
                 keep_chips: bool = False) -> Iterator[Prediction]:
        """One Prediction per geometry (WKB or None), in the order given; with
        ``keep_chips``, classified predictions carry their chip."""
        batch_size = self.predictor.batch_size
        chunks: deque[_Chunk] = deque()

        def batches() -> Iterator[tuple[_Chunk, list[int]]]:
            for items in _chunked(geometries, batch_size * CHUNK_BATCHES):
                chunk = self._plan(items)
                chunks.append(chunk)
                for start in range(0, len(chunk.order), batch_size):
                    yield chunk, chunk.order[start:start + batch_size]

        pool = ThreadPoolExecutor(self.workers, "chips") if self.workers else None
        submit = pool.submit if pool else _run_now
        reads = _read_ahead(batches(), lambda job: submit(
            self._read, [job[0].pending[p] for p in job[1]]), 2 * self.workers)
        done = 0
        try:
            for chunk, positions, future in reads:
                self.feedback.check_cancelled()
                chips, has_data = future.result()
                probabilities = self.predictor.probabilities(chips[has_data])
                chunk.fill(positions, has_data, probabilities, chips if keep_chips else None)
                done += len(positions)
                self._report(done, total)
                while chunks and chunks[0].complete:
                    yield from chunks.popleft().predictions
            while chunks:
                yield from chunks.popleft().predictions
        finally:
            if pool:
                pool.shutdown(wait=True, cancel_futures=True)

    def _plan(self, items: list[bytes | None]) -> _Chunk:
        """Predictions for what needs no chip; windows, in reading order, for the rest."""
        extent = self.options.extent
        chunk = _Chunk(len(items))
        for position, wkb in enumerate(items):
            footprint = self.geometries.footprint(wkb, extent, self.source.readable)
            if footprint is None:
                chunk.predictions[position] = Prediction(NO_GEOMETRY)
            elif not footprint.in_extent:
                chunk.predictions[position] = Prediction(OUTSIDE_EXTENT)
            else:
                window = self.source.window(footprint, self.settings)
                if window is None or not footprint.on_raster:
                    chunk.predictions[position] = Prediction(OUTSIDE_RASTER, area=footprint.area)
                else:
                    chunk.pending[position] = (window, footprint)
        chunk.order = sorted(chunk.pending, key=lambda p: chunk.pending[p][0].order_key())
        chunk.remaining = len(chunk.order)
        return chunk

    def _read(self, jobs: list[tuple[Window, Footprint]]) -> tuple[np.ndarray, np.ndarray]:
        """Runs in a reading thread: the chips of one batch and whether each has data."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = ChipReader(self.source, self.settings)
        windows = [window for window, _ in jobs]
        footprints = [footprint for _, footprint in jobs]
        size = self.settings.chip_size
        chips = np.empty((len(jobs), len(self.settings.bands), size, size), self.batch_type)
        has_data = reader.read_chips(windows, footprints, chips)
        return chips, has_data

    def _report(self, done: int, total: int | None) -> None:
        if total:
            self.feedback.report(done / total, f"classifying features {done}/{total}")
        else:
            self.feedback.report(0.0, f"classified {done} features")


class _Chunk:
    """Up to CHUNK_BATCHES batches of features, re-ordered for reading, answered in order."""

    def __init__(self, size: int) -> None:
        self.predictions: list[Prediction | None] = [None] * size
        self.pending: dict[int, tuple[Window, Footprint]] = {}
        self.order: list[int] = []
        self.remaining = 0

    @property
    def complete(self) -> bool:
        return self.remaining == 0

    def fill(self, positions: list[int], has_data: np.ndarray, probabilities: np.ndarray,
             chips: np.ndarray | None = None) -> None:
        rows = iter(probabilities)
        for index, (position, data) in enumerate(zip(positions, has_data)):
            area = self.pending.pop(position)[1].area
            if data:
                row = next(rows)
                best = int(row.argmax())
                chip = None if chips is None else chips[index]
                self.predictions[position] = Prediction(CLASSIFIED, best, float(row[best]), area,
                                                        chip)
            else:
                self.predictions[position] = Prediction(NO_DATA, area=area)
        self.remaining -= len(positions)


def default_workers(device_type: str) -> int:
    """Reading threads. On the CPU one: the model already uses every core, a second reader
    only slows its threads down, and one hides the waits of slow disks and network rasters
    (docs/benchmarks.md). On a GPU half the cores (1 to 8) read ahead while it computes."""
    if device_type == "cpu":
        return 1
    return max(1, min(8, (os.cpu_count() or 2) // 2))


def _run_now(function, *args) -> Future:
    """A finished Future: reading in the calling thread, between batches."""
    future: Future = Future()
    future.set_result(function(*args))
    return future


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _read_ahead(jobs: Iterator[tuple], submit, depth: int) -> Iterator[tuple]:
    """Yield (*job, future) in order, keeping ``depth`` reads in flight."""
    in_flight: deque[tuple[tuple, Future]] = deque()
    for job in jobs:
        in_flight.append((job, submit(job)))
        if len(in_flight) > depth:
            job, future = in_flight.popleft()
            yield (*job, future)
    while in_flight:
        job, future = in_flight.popleft()
        yield (*job, future)


def _check_data_type(model_type: str | None, source: RasterSource) -> None:
    if model_type and model_type != source.dtype.name:
        raise DataError(
            f"The model was trained on {model_type} imagery but {source.path} holds "
            f"{source.dtype.name} pixels; their values are not comparable. Classify a raster "
            f"of the model's type (e.g. gdal_translate -ot {_gdal_type(model_type)} -scale), or "
            "train a model on chips of this raster (Export training chips).")


def _gdal_type(numpy_type: str) -> str:
    return {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32",
            "int32": "Int32", "float32": "Float32", "float64": "Float64"}.get(numpy_type,
                                                                             numpy_type)


def classify_geometries(raster: str, geometries: Iterable[bytes | None],
                        model: str | ModelPackage, options: ClassifyOptions | None = None,
                        feedback: Feedback | None = None) -> Iterator[Prediction]:
    """Classify each geometry (WKB, raster CRS unless ``options.geometry_crs``) from the raster.

    ``model`` is a .emd/.dlpk path or a loaded package. Yields one Prediction per geometry.
    """
    return FeatureClassifier(model, raster, options, feedback).classify(geometries)
