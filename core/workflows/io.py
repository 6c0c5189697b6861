"""What a use case reads features from and writes them to, as each front end provides it: QGIS
layers and sinks (algorithms/adapters.py), OGR files (cli/vector_files.py), or a notebook's
own objects.

A FeatureSource gives features (id, attribute values, WKB geometry), and can give them
again, in the same order, to be written. A FeatureSink is opened once the results are
ready, with the fields to add, and writes each feature with their values; it holds nothing
in place until it is closed without error (core.runtime.outputs.staged_file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from ..errors import DataError, setting, tr
from .schemas import INTEGER, TEXT, Field


@dataclass
class Feature:
    """One feature: its id, its attribute values (None for NULL), its geometry as WKB (or
    None) and the front end's own object for it, which its sink writes from."""

    id: int
    attributes: list
    wkb: bytes | None = None
    native: object = None


Writer = Callable[[Feature, list], None]  # writes a feature with the added fields' values


class FeatureSource(Protocol):
    """Features to classify, export or evaluate."""

    crs_wkt: str | None  # the CRS of the WKB it gives; None: already the raster's
    fields: list[Field]  # its fields, of kind TEXT, INTEGER, REAL or another (not usable)

    def count(self) -> int | None:
        """How many features, or None where the source cannot tell cheaply."""

    def features(self, geometry: bool = True) -> Iterator[Feature]:
        """Every feature, in the same order each time; without ``geometry`` their WKB may be
        left out (they are being written, not cut)."""


@dataclass(frozen=True)
class Legend:
    """How a classified output is shown where the front end can style it: by the label
    field, in the model's class colours (Classes entries), named after the model."""

    label_field: str
    classes: list[dict]
    title: str


def first_label(field: str, delimiter: str) -> str:
    """A Legend's label field for labels joined by ``delimiter`` (a multi-label model's,
    likeliest first): the expression of the first of them in ``field``."""
    quoted = delimiter.replace("'", "''")
    return f"array_first(string_to_array(\"{field}\", '{quoted}'))"


class FeatureSink(Protocol):
    """Where a use case writes features; ``field_name_limit``: the longest field name its
    format holds (10 for a shapefile), or None."""

    field_name_limit: int | None

    def open(self, fields: list[Field], legend: Legend | None = None,
             crs_wkt: str | None = None) -> AbstractContextManager[Writer]:
        """``with sink.open(fields) as write:`` ``write(feature, values)`` writes a feature
        with its attributes followed by ``values``, under the sink's own fields (those of
        the input it keeps, if any) followed by ``fields``, and the feature's geometry (in
        ``crs_wkt`` where given, e.g. a grid's cells in the raster's CRS). In place only
        once the block ends without error."""


def class_field(source: FeatureSource, name: str, which: str) -> int:
    """The index of the text or integer field ``name`` of ``source`` that holds classes
    (``which``: the setting naming it, e.g. class_field), or a clear error."""
    names = [field.name for field in source.fields]
    if name not in names:
        raise DataError(tr("{} '{}' is not a field of {}; its fields are {}.").format(
                            setting(which), name, setting('features'), ', '.join(names) or 'none'))
    field = source.fields[names.index(name)]
    if field.kind not in (TEXT, INTEGER):
        raise DataError(tr("{} '{}' is a {} field; choose a text or integer field.").format(
                            setting(which), name, field.kind))
    return names.index(name)
