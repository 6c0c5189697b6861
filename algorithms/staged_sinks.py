"""Vector outputs written beside their target and moved into place at the end.

A file destination (a GeoPackage, shapefile, CSV... given as a path) is written into a hidden
folder next to it under its own file name, so layer names inside stay right; once every
feature is written the sink is closed and its files replace the target's. A run that fails,
is cancelled or is killed before that leaves an earlier file of that name as it was. Other
destinations (memory layers, a table inside a database) are written by QGIS as usual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProperty,
    QgsWkbTypes,
)
from qgis.PyQt import sip

from ..core.runtime.outputs import check_vector_written, staged_file, write_error
from . import field_types

if TYPE_CHECKING:
    from .base import Parameters


_PROVIDER_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # memory:, ogr:, postgres://...


def file_destination(destination: str) -> str | None:
    """The absolute path of a destination that is a plain file path (a relative one, as
    ``make demo`` gives, taken from the working folder, where QGIS writes it), or None for a
    memory layer, a provider URI or a layer inside a file (``|layername=``)."""
    if not destination or "|" in destination or _PROVIDER_URI.match(destination):
        return None  # (a drive letter, C:\\, is one letter: not a provider)
    return os.path.abspath(destination)


@contextmanager
def staged_sink(alg: QgsProcessingAlgorithm, parameters: Parameters, context: QgsProcessingContext,
                name: str, fields: QgsFields, wkb_type: QgsWkbTypes.Type,
                crs: QgsCoordinateReferenceSystem, finish: Callable[[str], None] | None = None,
                ) -> Iterator[tuple[CheckedSink | None, str | None]]:
    """``with staged_sink(...) as (sink, destination):`` write features to ``sink``; the
    output ``name`` is in place at ``destination`` when the block ends without error. An
    output that was not asked for gives (None, None). ``finish(path)`` may add to a written
    file (a style) before it is moved into place."""
    destination = alg.parameterAsOutputLayer(parameters, name, context)
    if not destination:
        yield None, None
        return
    path = file_destination(destination)
    if path is None:
        sink, destination = _open(alg, parameters, context, name, fields, wkb_type, crs)
        yield CheckedSink(sink, name, destination), destination
        return
    destination = path
    with staged_file(destination, name,  # read back whole before it replaces anything
                     lambda staged: check_vector_written(staged, checked.count, name)) as staged:
        redirected = dict(parameters, **{name: _redirected(parameters.get(name), staged)})
        try:
            sink, staged_id = _open(alg, redirected, context, name, fields, wkb_type, crs)
        except QgsProcessingException as error:  # the place was checked: the writer failed
            raise write_error(name, destination, str(error)) from error
        checked = CheckedSink(sink, name, destination)
        yield checked, destination
        sip.delete(sink)  # closes the file: everything is on disk
        if finish is not None:
            finish(staged)
    _load_on_completion_from(context, staged_id, destination)


class CheckedSink:
    """A feature sink that raises, naming the output, when QGIS's writer refuses a feature
    (a full disk among the reasons), and counts the features it took."""

    def __init__(self, sink: QgsFeatureSink, name: str, destination: str) -> None:
        self.sink, self.name, self.destination, self.count = sink, name, destination, 0

    def addFeature(self, feature: QgsFeature,  # noqa: N802 (QGIS's name)
                   flags: QgsFeatureSink.Flags = QgsFeatureSink.Flag.FastInsert) -> bool:
        """Add ``feature``; a feature QGIS's writer refuses raises OutputError."""
        if not self.sink.addFeature(feature, flags):
            raise write_error(self.name, self.destination,
                              self.sink.lastError() or f"feature {feature.id()} was refused")
        self.count += 1
        return True


def _open(alg: QgsProcessingAlgorithm, parameters: Parameters, context: QgsProcessingContext,
          name: str, fields: QgsFields, wkb_type: QgsWkbTypes.Type,
          crs: QgsCoordinateReferenceSystem) -> tuple[QgsFeatureSink, str]:
    sink, destination = alg.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    return sink, destination


def _redirected(value: object, path: str) -> QgsProcessingOutputLayerDefinition | str:
    """The parameter value with its file replaced by ``path``, keeping what else it says
    (load into the project, under which name, with which encoding)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = QgsProcessingOutputLayerDefinition(value)
        value.sink = QgsProperty.fromValue(path)
        return value
    return path


def _load_on_completion_from(context: QgsProcessingContext, staged: str,
                             destination: str) -> None:
    """The layer QGIS loads once the algorithm finishes: the target, not the staged file."""
    layers = context.layersToLoadOnCompletion()
    if staged in layers:
        layers[destination] = layers.pop(staged)
        context.setLayersToLoadOnCompletion(layers)


def write_csv_types(path: str, fields: QgsFields) -> None:
    """For a CSV output, a .csvt file naming each column's type, so that GDAL and QGIS read
    numbers as numbers (other formats keep their types themselves)."""
    if not path.lower().endswith(".csv"):
        return
    kinds = {field_types.code(field_types.INT): "Integer",
             field_types.code(field_types.LONG_LONG): "Integer64",
             field_types.code(field_types.DOUBLE): "Real"}
    with open(os.path.splitext(path)[0] + ".csvt", "w", encoding="utf-8") as file:
        file.write(",".join(f'"{kinds.get(field_types.type_code(field), "String")}"'
                            for field in fields))
