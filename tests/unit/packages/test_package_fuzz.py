"""Property-based tests: random model definitions and random .dlpk zips give clean
ModelPackageErrors (or a valid package), never a crash and never a write outside the
temporary folder."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import ModelPackageError
from core.packages.definition import validate_definition
from core.packages.read import load_package

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
KEYS = st.sampled_from(["Framework", "ModelType", "ModelFile", "ModelName", "ImageHeight",
                        "ImageWidth", "ExtractBands", "Classes", "Backbone", "BandCount",
                        "Normalization", "Scale", "Mean", "Std", "Name", "Value"])
VALID = {
    "Framework": "PyTorch", "ModelType": "ObjectClassification", "ModelFile": "m.pth",
    "ModelName": "m", "ImageHeight": 32, "ImageWidth": 32, "ExtractBands": [0, 1, 2],
    "Classes": [{"Value": 1, "Name": "a"}, {"Value": 2, "Name": "b"}], "Backbone": "resnet18",
    "BandCount": 3, "Normalization": {"Scale": 255.0, "Mean": [0.5] * 3, "Std": [0.2] * 3},
}
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(st.dictionaries(KEYS, JSON, max_size=12) | JSON)
def test_random_definitions_only_raise_clean_errors(definition):
    try:
        validate_definition(definition)
    except ModelPackageError:
        pass


@FUZZ
@given(st.dictionaries(KEYS, JSON, max_size=4))
def test_mutated_valid_definitions_only_raise_clean_errors(changes):
    try:
        validate_definition(dict(VALID, **changes))
    except ModelPackageError:
        pass


ENTRY_NAMES = st.one_of(
    st.text(min_size=1, max_size=30), st.text("ab/", min_size=1, max_size=6),
    st.just("n" * 300),
    st.builds(lambda parts: "/".join(parts),
              st.lists(st.sampled_from(["..", ".", "", "a", "m.emd", "m.pth", "/", "\\..",
                                        "C:", "x"]), min_size=1, max_size=5)))


@st.composite
def zips(draw) -> bytes:
    """A zip of random entries: names that climb out, links, random bytes, a random .emd."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for _ in range(draw(st.integers(0, 5))):
            info = zipfile.ZipInfo(draw(ENTRY_NAMES))
            if draw(st.booleans()):
                info.external_attr = (0o120777 if draw(st.booleans()) else 0o040755) << 16
            content = draw(st.binary(max_size=64) | JSON.map(lambda v: json.dumps(v).encode())
                           | st.dictionaries(KEYS, JSON).map(
                               lambda d: json.dumps(dict(VALID, **d)).encode()))
            archive.writestr(info, content)
    data = buffer.getvalue()
    if draw(st.booleans()):  # damage it
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=16))
    return data


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    return buffer.getvalue()


@FUZZ
@given(zips())
@example(zip_of("a", "a/b"))  # a file, then a folder of the same name
@example(zip_of("a/", "a"))
@example(zip_of("n" * 300))  # longer than a file name may be
@example(zip_of("../../x", "m.emd"))
@example(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00!\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         b"\x00\x00\x00\x00\x00\x00\x00\x00PK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x00\x00!"
         b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         b"\x00\x00\x00\x00\x00\x80\x01\x00\x00\x00\x00PK\x05\x06\x00\x00\x00\x00\x01\x00\x01"
         b"\x00.\x00\x00\x00\x1e\x00\x00\x00\x00\x00")  # an entry without a name
def test_random_dlpk_only_raise_clean_errors_and_write_nothing_outside(data):
    with tempfile.TemporaryDirectory() as base:
        base = Path(base)
        work = base / "a" / "b" / "c"
        (work / "tmp").mkdir(parents=True)
        package = work / "model.dlpk"
        package.write_bytes(data)
        before = files_under(base)
        saved = tempfile.tempdir
        tempfile.tempdir = str(work / "tmp")  # where load_package extracts
        try:
            load_package(str(package))
        except ModelPackageError:
            pass
        finally:
            tempfile.tempdir = saved
        assert files_under(base) == before
        assert not os.listdir(work / "tmp")
