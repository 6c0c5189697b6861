"""Vector files read and written with OGR, as core's FeatureSource and FeatureSink
(core.workflows.io) for the command line (QGIS reads and writes its own layers): the input
features with their fields, and outputs written beside their target and moved into place at
the end (core.runtime.outputs.staged_file), read back whole first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..core.errors import DataError, OutputError, setting
from ..core.runtime.outputs import (
    check_vector_written,
    field_name_limit,
    gdal_checked,
    staged_file,
    write_error,
)
from ..core.workflows.io import Feature, Legend
from ..core.workflows.schemas import INTEGER, REAL, TEXT, Field

if TYPE_CHECKING:
    from osgeo import ogr

    from ..core.workflows.io import Writer

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON",
           ".json": "GeoJSON", ".fgb": "FlatGeobuf", ".csv": "CSV"}


class VectorFile:
    """The first (or the named) layer of a vector file GDAL reads, as a FeatureSource."""

    def __init__(self, path: str, what: str = "features") -> None:
        from osgeo import gdal, ogr

        name = None
        if "|layername=" in path:
            path, name = path.split("|layername=", 1)
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            self.dataset = ogr.Open(path)
        finally:
            gdal.PopErrorHandler()
        if self.dataset is None or self.dataset.GetLayerCount() == 0:
            raise DataError(f"{setting(what)} {path} is not a vector file GDAL reads "
                            "(GeoPackage, shapefile, GeoJSON …). Give the path of such a file.")
        self.layer = self.dataset.GetLayerByName(name) if name else self.dataset.GetLayer(0)
        if self.layer is None:
            raise DataError(f"{setting(what)} {path} has no layer named {name!r}.")
        self.path = path
        definition = self.layer.GetLayerDefn()
        self.field_definitions = [definition.GetFieldDefn(i)
                                  for i in range(definition.GetFieldCount())]
        self.fields = [Field(field.GetName(), _kind(field)) for field in self.field_definitions]

    @property
    def crs_wkt(self) -> str | None:
        """The layer's CRS as WKT, or None where it has none."""
        reference = self.layer.GetSpatialRef()
        return reference.ExportToWkt() if reference is not None else None

    @property
    def geometry_type(self) -> int:
        """The layer's OGR geometry type."""
        return self.layer.GetGeomType()

    def count(self) -> int:
        """The number of features in the layer."""
        return self.layer.GetFeatureCount()

    def features(self, geometry: bool = True) -> Iterator[Feature]:
        """Every feature in the file's order, with its WKB in the file's CRS."""
        self.layer.ResetReading()
        for feature in self.layer:
            shape = feature.GetGeometryRef()
            values = [feature.GetField(i) if feature.IsFieldSetAndNotNull(i) else None
                      for i in range(len(self.field_definitions))]
            yield Feature(feature.GetFID(), values,
                          bytes(shape.ExportToIsoWkb()) if shape is not None else None)


def _kind(field: ogr.FieldDefn) -> str:
    """TEXT or INTEGER for fields core can read classes from; others OGR's type name (for
    messages)."""
    from osgeo import ogr

    kinds = {ogr.OFTString: TEXT, ogr.OFTInteger: INTEGER, ogr.OFTInteger64: INTEGER}
    return kinds.get(field.GetType(), field.GetFieldTypeName(field.GetType()))


class FileSink:
    """An output vector file as a FeatureSink; ``kept``: the input's OGR field definitions
    every written feature keeps (before the fields core adds). Its format comes from the
    extension; an optional output left empty (``path`` None) writes nothing."""

    def __init__(self, path: str | None, geometry_type: int, crs_wkt: str | None = None,
                 kept: list | None = None, what: str = "output") -> None:
        self.path, self.geometry_type, self.crs_wkt = path, geometry_type, crs_wkt
        self.kept, self.what = kept or [], what
        self.field_name_limit = field_name_limit(path) if path else None

    @contextmanager
    def open(self, fields: list[Field], legend: Legend | None = None,
             crs_wkt: str | None = None) -> Iterator[Writer]:
        """``with sink.open(fields) as write:`` as core.workflows.io.FeatureSink says."""
        if not self.path:
            yield lambda feature, values: None
            return
        with vector_writer(self.path, self.geometry_type, crs_wkt or self.crs_wkt, self.kept,
                           fields, self.what) as add:
            yield lambda feature, values: add(list(feature.attributes) + list(values),
                                              feature.wkb)


@contextmanager
def vector_writer(path: str, geometry_type: int, crs_wkt: str | None, input_fields: list,
                  new_fields: list[Field], what: str = "output",
                  ) -> Iterator[Callable[[list, bytes | None], None]]:
    """``with vector_writer(...) as add:`` ``add(attribute values, WKB)`` writes features to
    a new vector file, its format from the extension; ``input_fields`` are OGR field
    definitions copied as they are, ``new_fields`` follow them. Written beside the target,
    read back whole and moved into place at the end, so a failed run (a full disk among the
    reasons) leaves an earlier file intact."""
    from osgeo import ogr, osr

    driver_name = DRIVERS.get(os.path.splitext(path)[1].lower())
    if driver_name is None:
        raise OutputError(f"{setting(what)} {path}: give a file ending in one of "
                          f"{', '.join(sorted(DRIVERS))}.")
    kinds = {TEXT: ogr.OFTString, INTEGER: ogr.OFTInteger, REAL: ogr.OFTReal}
    written = 0
    with staged_file(os.path.abspath(path), setting(what),
                     lambda staged: check_vector_written(staged, written, setting(what))
                     ) as staged:
        with gdal_checked(setting(what), path):  # GDAL's write errors (a full disk) are raised
            dataset = ogr.GetDriverByName(driver_name).CreateDataSource(staged)
            if dataset is None:
                raise OutputError(f"{setting(what)} {path} cannot be created by GDAL's "
                                  f"{driver_name} driver.")
            reference = None
            if crs_wkt:
                reference = osr.SpatialReference()
                reference.ImportFromWkt(crs_wkt)
            layer = dataset.CreateLayer(  # CSV: with a .csvt naming the types, as QGIS writes
                os.path.splitext(os.path.basename(path))[0], reference,
                geometry_type if driver_name != "CSV" else ogr.wkbNone,
                ["CREATE_CSVT=YES", "STRING_QUOTING=IF_NEEDED"] if driver_name == "CSV" else [])
            if layer is None:
                raise write_error(setting(what), path, "GDAL could not create its layer")
            for definition in input_fields:
                layer.CreateField(definition)
            for field in new_fields:
                layer.CreateField(ogr.FieldDefn(field.name, kinds[field.kind]))
            layer_definition = layer.GetLayerDefn()
            layer.StartTransaction()

            def add(values: list, wkb: bytes | None) -> None:
                nonlocal written
                feature = ogr.Feature(layer_definition)
                for index, value in enumerate(values):
                    if value is not None:
                        feature.SetField(index, value)
                if wkb is not None and driver_name != "CSV":
                    feature.SetGeometry(ogr.CreateGeometryFromWkb(wkb))
                if layer.CreateFeature(feature) != 0:
                    raise write_error(setting(what), path, f"feature {written + 1} was refused")
                written += 1

            yield add
            layer.CommitTransaction()
            dataset = layer = layer_definition = None  # closes the file: all is on disk
