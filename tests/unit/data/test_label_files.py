"""Label files of Labeled Tiles are data from anywhere: read when small and plain, never
expanded through a document type's entities."""

from __future__ import annotations

from core.data.labeled_tiles import MAX_LABEL_BYTES, read_label

LABEL = "<annotation><object><name>{}</name></object></annotation>"
BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                  for i in range(1, 10))
        + ']><annotation><object><name>&lol9;</name></object></annotation>')


def test_a_label_file_gives_its_class_value(tmp_path):
    path = tmp_path / "000000001.xml"
    path.write_text(LABEL.format(" 3 "))
    assert read_label(str(path)) == "3"


def test_a_label_with_a_document_type_or_too_large_is_no_label(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BOMB)
    assert read_label(str(bomb)) is None  # not expanded (a billion 'lol's)
    big = tmp_path / "big.xml"
    big.write_text(LABEL.format("3") + " " * MAX_LABEL_BYTES)
    assert read_label(str(big)) is None
    assert read_label(str(tmp_path / "missing.xml")) is None
