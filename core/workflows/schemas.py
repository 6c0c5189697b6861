"""The fields the outputs hold, declared once for every front end (each maps the kinds to its
own field types): the result fields a classification adds, the class summary table, the
misclassified features of an evaluation and the cells of a grid; and the one rule for the
names of added fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DataError, label, setting, tr

TEXT, INTEGER, REAL = "text", "integer", "real"


@dataclass(frozen=True)
class Field:
    """A field of an output: its name and kind (TEXT, INTEGER or REAL)."""

    name: str
    kind: str


# The result fields: the setting naming each, and its kind
RESULT_KINDS = (("label_field", TEXT), ("value_field", INTEGER), ("confidence_field", REAL))
SUMMARY_FIELDS = (Field("class_value", INTEGER), Field("class_label", TEXT),
                  Field("count", INTEGER), Field("area", REAL), Field("area_share", REAL),
                  Field("count_share", REAL))
ERROR_FIELDS = (Field("truth", TEXT), Field("predicted", TEXT), Field("confidence", REAL))
GRID_FIELDS = (Field("cell_id", INTEGER), Field("row", INTEGER), Field("col", INTEGER))
# A change between two dates: each date's label, value and confidence, the changed flag (1, 0,
# NULL: not counted), "from → to" and the outcome; and the summary of each class at both dates
CHANGE_FIELDS = (Field("Before", TEXT), Field("ValBefore", INTEGER), Field("ConfBefore", REAL),
                 Field("After", TEXT), Field("ValAfter", INTEGER), Field("ConfAfter", REAL),
                 Field("Changed", INTEGER), Field("Change", TEXT), Field("Outcome", TEXT))
CHANGE_SUMMARY_FIELDS = (Field("class_value", INTEGER), Field("class_label", TEXT),
                         Field("count_before", INTEGER), Field("count_after", INTEGER),
                         Field("area_before", REAL), Field("area_after", REAL),
                         Field("area_change", REAL))


def check_new_fields(existing: list[str], new: list[tuple[str, str, str]]) -> None:
    """Refuse a new field name that an input field (or an earlier new field) already has,
    in any case. ``new`` holds (name, what it is, how to fix it)."""
    taken = {name.lower(): name for name in existing}
    for name, what, fix in new:
        if name.lower() in taken:
            raise DataError(tr("{} clashes with the field '{}'. {}").format(
                                what, taken[name.lower()], fix))
        taken[name.lower()] = name


def result_fields(names: dict[str, str], existing: list[str],
                  name_limit: int | None = None) -> list[Field]:
    """The class label, value and confidence fields, named as ``names`` (setting -> name,
    stripped) asks; each refused when empty or when it clashes with ``existing`` fields or
    another of them. Where the output cuts field names to ``name_limit`` characters (a
    shapefile), a longer result name, or an input field cut to a result's name, is refused
    too: the input's old values would stand under the result's name."""
    chosen = [(key, str(names.get(key) or "").strip(), kind) for key, kind in RESULT_KINDS]
    for key, name, _ in chosen:
        if not name:
            raise DataError(tr("{} ({}) is empty; give a field name.").format(
                                label(key), setting(key)))
        if name_limit is not None:
            _check_cut_names(key, name, existing, name_limit)
    check_new_fields(existing, [
        (name, f"{label(key)} '{name}' ({setting(key)})",
         f"Choose another name for {setting(key)}.") for key, name, _ in chosen])
    return [Field(name, kind) for _, name, kind in chosen]


def _check_cut_names(key: str, name: str, existing: list[str], limit: int) -> None:
    """Refuse a result field name the output would cut, or one an input field becomes when
    cut to ``limit`` characters."""
    fix = f"write a GeoPackage (.gpkg) instead of a shapefile, or choose another name for " \
        f"{setting(key)}"
    if len(name) > limit:
        raise DataError(tr("{} '{}' ({}) is longer than the {} characters of a "
                           "shapefile's field names and would be cut; {}.").format(
                            label(key), name, setting(key), limit, fix))
    for field in existing:
        if len(field) > limit and field[:limit].lower() == name.lower():
            raise DataError(tr("The input field '{}' is cut to '{}' in a shapefile, the "
                               "name of {} ({}): the output would show the input's "
                               "values under it; {}.").format(
                                field, field[:limit], label(key), setting(key), fix))


def score_field_name(label: str) -> str:
    """The field of a label's score: its name with characters other than letters, digits
    and '_' as '_' (a leading digit after 's_')."""
    name = re.sub(r"\W", "_", label.strip(), flags=re.ASCII) or "label"
    return f"s_{name}" if name[0].isdigit() else name


def multi_label_fields(names: dict[str, str], classes: list[str], existing: list[str],
                       name_limit: int | None = None) -> list[Field]:
    """A multi-label model's result fields: the labels present (text, the label field) and
    one 0–1 score field per label (score_field_name); each refused by name when it clashes
    with an input field or another, or is longer than the output's field names allow."""
    labels_field = str(names.get("label_field") or "").strip()
    if not labels_field:
        raise DataError(tr("{} is empty; give a field name.").format(setting('label_field')))
    fields = [Field(labels_field, TEXT)] + [Field(score_field_name(name), REAL)
                                           for name in classes]
    if name_limit is not None:
        long = [field.name for field in fields if len(field.name) > name_limit]
        if long:
            raise DataError(tr("The field '{}' (the score of a label, or {}) is longer "
                               "than the {} characters of a shapefile's field names and "
                               "would be cut; write a GeoPackage (.gpkg) instead.").format(
                                long[0], setting('label_field'), name_limit))
    check_new_fields(existing, [
        (field.name, f"The result field '{field.name}'" if number else
         f"{label('label_field')} '{field.name}' ({setting('label_field')})",
         "Rename that input field, or write the labels under another "
         f"{setting('label_field')}." if not number else
         "Rename that input field (a label's score field is named after the label).")
        for number, field in enumerate(fields)])
    return fields


def check_error_fields(existing: list[str]) -> None:
    """The misclassified features keep their fields and add ERROR_FIELDS: refused before any
    work when one of those is taken."""
    check_new_fields(existing, [
        (field.name, f"{setting('errors_output')}'s field '{field.name}'",
         f"Rename that field of {setting('features')}, or leave {setting('errors_output')} "
         "empty.") for field in ERROR_FIELDS])
