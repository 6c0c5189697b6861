"""Vector files read and written with OGR, for the command line (QGIS reads and writes its
own layers): the input features with their fields, and outputs written beside their target
and moved into place at the end (core.outputs.staged_file).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core.errors import DataError, OutputError
from ..core.runtime.outputs import check_vector_written, gdal_checked, staged_file, write_error

TEXT, INTEGER, REAL = "text", "integer", "real"
DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON",
           ".json": "GeoJSON", ".fgb": "FlatGeobuf", ".csv": "CSV"}
CLASS_FIELD_TYPES = ("OFTString", "OFTInteger", "OFTInteger64")


@dataclass(frozen=True)
class Field:
    """A new field of an output: its name and kind (TEXT, INTEGER or REAL)."""

    name: str
    kind: str


class VectorFile:
    """The first (or the named) layer of a vector file GDAL reads."""

    def __init__(self, path: str, what: str = "INPUT_FEATURES") -> None:
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
            raise DataError(f"{what} {path} is not a vector file GDAL reads (GeoPackage, "
                            "shapefile, GeoJSON …). Give the path of such a file.")
        self.layer = self.dataset.GetLayerByName(name) if name else self.dataset.GetLayer(0)
        if self.layer is None:
            raise DataError(f"{what} {path} has no layer named {name!r}.")
        self.path, self.what = path, what
        definition = self.layer.GetLayerDefn()
        self.field_definitions = [definition.GetFieldDefn(i)
                                  for i in range(definition.GetFieldCount())]

    @property
    def field_names(self) -> list[str]:
        return [field.GetName() for field in self.field_definitions]

    @property
    def crs_wkt(self) -> str | None:
        reference = self.layer.GetSpatialRef()
        return reference.ExportToWkt() if reference is not None else None

    @property
    def geometry_type(self) -> int:
        return self.layer.GetGeomType()

    def count(self) -> int:
        return self.layer.GetFeatureCount()

    def class_field(self, name: str, option: str) -> int:
        """The index of a text or integer field holding classes, or a clear error."""
        index = self.layer.GetLayerDefn().GetFieldIndex(name)
        if index < 0:
            raise DataError(f"{option} '{name}' is not a field of {self.what} ({self.path}); its "
                            f"fields are {', '.join(self.field_names) or 'none'}.")
        definition = self.field_definitions[index]
        type_name = definition.GetFieldTypeName(definition.GetType())
        from osgeo import ogr

        if definition.GetType() not in [getattr(ogr, kind) for kind in CLASS_FIELD_TYPES]:
            raise DataError(f"{option} '{name}' is a {type_name} field; choose a text or "
                            "integer field.")
        return index

    def features(self) -> Iterator[tuple[int, list, bytes | None]]:
        """(feature id, attribute values, WKB or None) of every feature, in the file's order."""
        self.layer.ResetReading()
        for feature in self.layer:
            geometry = feature.GetGeometryRef()
            wkb = bytes(geometry.ExportToIsoWkb()) if geometry is not None else None
            values = [feature.GetField(i) if feature.IsFieldSetAndNotNull(i) else None
                      for i in range(len(self.field_definitions))]
            yield feature.GetFID(), values, wkb


def write_vector(path: str, geometry_type: int, crs_wkt: str | None, input_fields: list,
                 new_fields: list[Field], rows: Iterable[tuple[list, bytes | None]],
                 what: str = "OUTPUT") -> int:
    """Write ``rows`` (attribute values, WKB) to a new vector file, its format from the
    extension; ``input_fields`` are OGR field definitions copied as they are, ``new_fields``
    follow them. Written beside the target and moved into place at the end, so a failed run
    leaves an earlier file intact. Returns the number of features written."""
    from osgeo import ogr, osr

    driver_name = DRIVERS.get(os.path.splitext(path)[1].lower())
    if driver_name is None:
        raise OutputError(f"{what} {path}: give a file ending in one of "
                          f"{', '.join(sorted(DRIVERS))}.")
    kinds = {TEXT: ogr.OFTString, INTEGER: ogr.OFTInteger, REAL: ogr.OFTReal}
    written = 0
    with staged_file(os.path.abspath(path), what,
                     lambda staged: check_vector_written(staged, written, what)) as staged:
        with gdal_checked(what, path):  # GDAL's write errors (a full disk) are raised
            dataset = ogr.GetDriverByName(driver_name).CreateDataSource(staged)
            if dataset is None:
                raise OutputError(f"{what} {path} cannot be created by GDAL's {driver_name} "
                                  "driver.")
            reference = None
            if crs_wkt:
                reference = osr.SpatialReference()
                reference.ImportFromWkt(crs_wkt)
            layer = dataset.CreateLayer(  # CSV: with a .csvt naming the types, as QGIS writes
                os.path.splitext(os.path.basename(path))[0], reference,
                geometry_type if driver_name != "CSV" else ogr.wkbNone,
                ["CREATE_CSVT=YES", "STRING_QUOTING=IF_NEEDED"] if driver_name == "CSV" else [])
            if layer is None:
                raise write_error(what, path, "GDAL could not create its layer")
            for definition in input_fields:
                layer.CreateField(definition)
            for field in new_fields:
                layer.CreateField(ogr.FieldDefn(field.name, kinds[field.kind]))
            layer_definition = layer.GetLayerDefn()
            layer.StartTransaction()
            for values, wkb in rows:
                feature = ogr.Feature(layer_definition)
                for index, value in enumerate(values):
                    if value is not None:
                        feature.SetField(index, value)
                if wkb is not None and driver_name != "CSV":
                    feature.SetGeometry(ogr.CreateGeometryFromWkb(wkb))
                if layer.CreateFeature(feature) != 0:
                    raise write_error(what, path, f"feature {written + 1} was refused")
                written += 1
            layer.CommitTransaction()
            dataset = layer = layer_definition = None  # closes the file: all is on disk
    return written
