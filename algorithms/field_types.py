"""Field types in every QGIS: QMetaType.Type from QGIS 3.38 on (QGIS 4's Qt 6 has no
QVariant.Type), QVariant.Type before; fields' types compared by their number, which both
share."""

from __future__ import annotations

from qgis.core import Qgis, QgsField
from qgis.PyQt.QtCore import QMetaType, QVariant

USES_METATYPE = Qgis.QGIS_VERSION_INT >= 33800


def _type(metatype: str, variant: str) -> object:
    return getattr(QMetaType.Type, metatype) if USES_METATYPE else getattr(QVariant.Type, variant)


STRING = _type("QString", "String")
INT = _type("Int", "Int")
LONG_LONG = _type("LongLong", "LongLong")
UINT = _type("UInt", "UInt")
ULONG_LONG = _type("ULongLong", "ULongLong")
DOUBLE = _type("Double", "Double")


def code(field_type: object) -> int:
    """A type's number (Qt 6's enums are Python enums, Qt 5's are ints)."""
    return field_type.value if hasattr(field_type, "value") else int(field_type)


def type_code(field: QgsField) -> int:
    """The number of a field's type, in any QGIS."""
    return code(field.type())
