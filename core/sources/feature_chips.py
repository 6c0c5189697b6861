"""One feature path: for each feature, its chip window or the reason it has none, and the
chunked, threaded reader that cuts the chips. Classify, evaluate and export all run on it.

    features (key, WKB) ─► footprints ─► windows, sorted raster-friendly within a chunk
        ─► chips read in background threads (one GDAL handle each), a batch at a time
        ─► the caller's work on each batch ─► one FeatureChip per feature, in input order

However many features there are, only one chunk of them (plus the batches being read ahead)
is held at a time.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Cancelled
from ..runtime.feedback import CANCEL_POLL_S, Feedback
from .geometry import Extent, Footprint, GeometryReader
from .raster import ChipReader, ChipSettings, RasterSource, Window

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

CHUNK_BATCHES = 16  # features are re-ordered for reading within chunks of 16 batches


class Status(Enum):
    """What became of a feature; each value is the text the summaries show after a count."""

    CHIPPED = "with a chip"
    NO_GEOMETRY = "with a NULL or empty geometry"
    OUTSIDE_EXTENT = "outside the processing extent"
    OUTSIDE_RASTER = "entirely outside the raster"
    NO_DATA = ("with no raster pixels under their chip (nodata, or a fixed-size chip that "
               "misses the raster)")
    NOT_FINITE = ("whose model output was not a number (NaN or infinite: the model is damaged "
                  "or overflows on their pixels)")


def decide(geometries: GeometryReader, wkb: bytes | None, extent: Extent | None,
           source: RasterSource, settings: ChipSettings,
           ) -> tuple[Status, Footprint | None, Window | None]:
    """A feature's chip window, or the reason it has none (NO_DATA is known only once read)."""
    footprint = geometries.footprint(wkb, extent, source.readable)
    if footprint is None:
        return Status.NO_GEOMETRY, None, None
    if not footprint.in_extent:
        return Status.OUTSIDE_EXTENT, footprint, None
    window = source.window(footprint, settings)
    if window is None or not footprint.on_raster:
        return Status.OUTSIDE_RASTER, footprint, None
    return Status.CHIPPED, footprint, window


@dataclass
class FeatureChip:
    """One feature's outcome: its key, status, footprint and window, and what the caller's
    batch work returned for its chip (CHIPPED only)."""

    key: object
    status: Status
    footprint: Footprint | None = None
    window: Window | None = None
    result: object = None


class FeatureChips:
    """Cuts the chips of features from a raster, in batches, reading ahead in threads."""

    def __init__(self, source: RasterSource, settings: ChipSettings, geometries: GeometryReader,
                 extent: Extent | None, batch_size: int, workers: int, dtype: DTypeLike,
                 feedback: Feedback | None = None) -> None:
        self.source, self.settings, self.geometries = source, settings, geometries
        self.extent = extent
        self.batch_size = max(1, batch_size)
        self.workers = workers
        self.dtype = dtype
        self.feedback = feedback or Feedback()
        self._local = threading.local()

    def run(self, features: Iterable[tuple[object, bytes | None]],
            work: Callable[[np.ndarray], list],
            progress: Callable[[int], None] | None = None) -> Iterator[FeatureChip]:
        """One FeatureChip per (key, WKB), in the order given. ``work(chips)`` gets each
        batch's chips that have data and returns one result per chip; ``progress(done)``
        hears how many features are through."""
        chunks: deque[_Chunk] = deque()

        def batches() -> Iterator[tuple[_Chunk, list[int]]]:
            for items in _chunked(features, self.batch_size * CHUNK_BATCHES):
                chunk = self._plan(items)
                chunks.append(chunk)
                yield chunk, []  # the chunk's features that need no chip
                for start in range(0, len(chunk.order), self.batch_size):
                    yield chunk, chunk.order[start:start + self.batch_size]

        pool = ThreadPoolExecutor(self.workers, "chips") if self.workers else None
        submit = pool.submit if pool else _run_now
        reads = _read_ahead(batches(), lambda job: submit(self._read, job[0], job[1]),
                            2 * max(1, self.workers))
        done, abandon = 0, False
        try:
            for chunk, positions, future in reads:
                self.feedback.check_cancelled()
                chips, has_data = _result(future, self.feedback)
                with_data = [chunk.results[p] for p, data in zip(positions, has_data) if data]
                for feature, result in zip(with_data, work(chips[has_data])):
                    feature.result = result
                for position, data in zip(positions, has_data):
                    if not data:
                        chunk.results[position].status = Status.NO_DATA
                chunk.remaining -= len(positions)
                done += len(positions) or len(chunk.results) - len(chunk.order)
                if progress:
                    progress(done)
                while chunks and chunks[0].remaining == 0:
                    yield from chunks.popleft().results
        except Cancelled:
            abandon = True  # reads still waiting on a slow server end by themselves
            raise
        finally:
            if pool:
                pool.shutdown(wait=not abandon, cancel_futures=True)

    def _plan(self, items: list[tuple[object, bytes | None]]) -> _Chunk:
        """Every feature decided; the windows to read sorted in reading order."""
        chunk = _Chunk()
        for key, wkb in items:
            status, footprint, window = decide(self.geometries, wkb, self.extent, self.source,
                                               self.settings)
            chunk.results.append(FeatureChip(key, status, footprint, window))
        chunk.order = sorted((p for p, f in enumerate(chunk.results)
                              if f.status is Status.CHIPPED),
                             key=lambda p: chunk.results[p].window.order_key())
        chunk.remaining = len(chunk.order)
        return chunk

    def _read(self, chunk: _Chunk, positions: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Runs in a reading thread: the chips of one batch and whether each has data."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = ChipReader(self.source, self.settings)
        features = [chunk.results[p] for p in positions]
        size = self.settings.chip_size
        chips = np.empty((len(features), len(self.settings.bands), size, size), self.dtype)
        if not features:
            return chips, np.zeros(0, bool)
        has_data = reader.read_chips([f.window for f in features],
                                     [f.footprint for f in features], chips)
        return chips, np.asarray(has_data, bool)


class _Chunk:
    """Up to CHUNK_BATCHES batches of features, re-ordered for reading, answered in order."""

    def __init__(self) -> None:
        self.results: list[FeatureChip] = []
        self.order: list[int] = []
        self.remaining = 0


def _run_now(function: Callable[..., object], *args: object) -> Future:
    """A finished Future: reading in the calling thread, between batches."""
    future: Future = Future()
    future.set_result(function(*args))
    return future


def _result(future: Future, feedback: Feedback) -> object:
    """The read's result, waited for in steps of CANCEL_POLL_S so that Cancel is heard while
    a read waits on a slow server (GDAL's HTTP timeout is a minute, with retries)."""
    while True:
        try:
            return future.result(timeout=CANCEL_POLL_S)
        except TimeoutError:
            feedback.check_cancelled()


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _read_ahead(jobs: Iterator[tuple], submit: Callable[[tuple], Future],
                depth: int) -> Iterator[tuple]:
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
