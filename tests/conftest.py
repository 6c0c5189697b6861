"""Shared by every tier: paths of the sample data, helpers, small real data sets, a headless
qgis_process, and the markers that say each test's tier (pyproject.toml declares them)."""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import zipfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # on sys.path (pyproject.toml's pythonpath): core, algorithms, cli
TIERS = ("unit", "cli", "qgis", "gpu")  # the folders under tests/, in the order they run
SAMPLE_RSSCN7 = ROOT / "resources" / "sample" / "rsscn7"
SAMPLE_SAT6 = ROOT / "resources" / "sample" / "sat6"
SAMPLE_MASSACHUSETTS = ROOT / "resources" / "sample" / "massachusetts"
MASSACHUSETTS_TIF = SAMPLE_MASSACHUSETTS / "massachusetts_22978945_15.tif"
MASSACHUSETTS_BUILDINGS = SAMPLE_MASSACHUSETTS / "buildings.gpkg"
NB = ROOT / "resources" / "sample" / "new_brunswick"
NB_RASTER = NB / "new_brunswick_23322E759967N_clipped_2of2.tif"
NB_POLYGONS = NB / "baker_lake_2017.gpkg"
QGIS_PROCESS = shutil.which("qgis_process.bin") or "qgis_process.bin"
TINY_PACKAGE = TESTS / "models" / "rsscn7 tiny"  # rebuilt by tests/models/build_package.py


def tier_of(item: pytest.Item) -> str:
    """The tier of a collected test: the folder under tests/ that holds it."""
    parts = item.path.relative_to(TESTS).parts if TESTS in item.path.parents else ()
    if len(parts) < 2 or parts[0] not in TIERS:
        raise pytest.UsageError(f"{item.path} is in no tier, so no make target would run it: "
                                f"move it into one of tests/{{{','.join(TIERS)}}}.")
    return parts[0]


def pytest_configure(config: pytest.Config) -> None:
    """Where pytest-xdist runs the tests in several workers (make test), each worker and what
    it starts (the command line, qgis_process, torchrun) uses its share of the cores: PyTorch's
    and OpenMP's threads of two workers on two cores would otherwise take turns on them."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1 and "OMP_NUM_THREADS" not in os.environ:
        os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // workers))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, and with ``qgis`` where it runs qgis_process in
    another tier; the tiers run in TIERS order (the unit tier's quick answers first)."""
    for item in items:
        item.add_marker(tier_of(item))
        if "qgis_process" in item.fixturenames:
            item.add_marker("qgis")
    items.sort(key=lambda item: TIERS.index(tier_of(item)))


def plugin_module(name: str):
    """A module of the plugin imported as QGIS imports it, as ``scene_classifier.<name>``
    (the front ends, e.g. interface.tools, import core relatively and so need the package)."""
    if "scene_classifier" not in sys.modules:
        folder = Path(tempfile.mkdtemp(prefix="sceneclassifier-plugins-"))
        (folder / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
        sys.path.insert(0, str(folder))
    return importlib.import_module(f"scene_classifier.{name}")


def copy_subset(source: Path, target: Path, per_class: int) -> Path:
    """Copy the first ``per_class`` files of each class folder."""
    for class_dir in sorted(p for p in source.iterdir() if p.is_dir()):
        (target / class_dir.name).mkdir(parents=True, exist_ok=True)
        for file in sorted(class_dir.iterdir())[:per_class]:
            shutil.copy(file, target / class_dir.name / file.name)
    return target


@pytest.fixture(scope="session")
def rsscn7_small(tmp_path_factory) -> Path:
    """7 classes x 24 real RSSCN7 chips (128 px JPEG)."""
    return copy_subset(SAMPLE_RSSCN7, tmp_path_factory.mktemp("rsscn7_small"), 24)


def write_raster(path: Path, pixels, origin=(500000.0, 4000000.0), resolution=1.0,
                 epsg=32633, nodata=None) -> Path:
    """A north-up GeoTIFF of a (bands, rows, columns) numpy array."""
    import numpy as np
    from osgeo import gdal, gdal_array, osr

    pixels = np.asarray(pixels)
    bands, rows, columns = pixels.shape
    data_type = gdal_array.NumericTypeCodeToGDALTypeCode(pixels.dtype)
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), columns, rows, bands, data_type)
    dataset.SetGeoTransform((origin[0], resolution, 0, origin[1], 0, -resolution))
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(epsg)
    dataset.SetProjection(crs.ExportToWkt())
    for index in range(bands):
        band = dataset.GetRasterBand(index + 1)
        band.WriteArray(pixels[index])
        if nodata is not None:
            band.SetNoDataValue(nodata)
    dataset = None
    return path


def make_wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    """A minimal pure-Python wheel of ``name`` (one module that says its version)."""
    folder.mkdir(parents=True, exist_ok=True)
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"__version__ = {version!r}\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\n"
                            f"Name: {name}\nVersion: {version}\n"
                            + "".join(f"Requires-Dist: {r}\n" for r in requires),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\n".join(record + [f"{info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


# Every way pip could reach a network leads to a closed port on this machine: an install
# under these variables that needs the network fails.
NO_NETWORK = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "HTTP_PROXY": "http://127.0.0.1:9",
              "HTTPS_PROXY": "http://127.0.0.1:9", "PIP_RETRIES": "0", "PIP_TIMEOUT": "2"}


def offline_wheels(folder: Path) -> Path:
    """A .zip of wheels as a user brings it from a connected machine (in a sub-folder):
    onnxruntime 99.0 (a stand-in) and the numpy QGIS has; the wheels also lie in
    ``folder``/wheels."""
    import numpy

    wheels = folder / "wheels"
    make_wheel(wheels, "onnxruntime", "99.0", requires=("numpy>=1.20",))
    make_wheel(wheels, "numpy", numpy.__version__)
    archive = folder / "wheels.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for wheel in wheels.iterdir():
            out.write(wheel, f"downloaded/{wheel.name}")
    return archive


def imported_onnxruntime(folder: Path | str) -> str:
    """onnxruntime's version as a Python that looks in ``folder`` first imports it."""
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(folder)!r})"
                           "; import onnxruntime; print(onnxruntime.__version__)"],
                          capture_output=True, text=True, timeout=60)
    return done.stdout.strip()


# The start of a script run by QGIS's Python (format with plugins=<folder holding the plugin>,
# block_torch=True/False, then append what to run): the plugin's provider loaded, and
# run(algorithm id, parameters) -> (ok, results, feedback with .lines and .errors).
ALGORITHM_SCRIPT = textwrap.dedent("""
    import json, sys
    if {block_torch}:
        sys.modules["torch"] = None          # import torch now raises ImportError
        sys.modules["torchvision"] = None
    sys.path.insert(0, {plugins!r})
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback
    app = QgsApplication([], False)
    app.initQgis()
    import scene_classifier
    plugin = scene_classifier.classFactory(None)
    plugin.initProcessing()
    registry = QgsApplication.processingRegistry()

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines, self.errors = [], []
        def pushInfo(self, info):
            self.lines.append(info)
        def reportError(self, error, fatal=False):
            self.errors.append(error)

    def run(algorithm, parameters):
        feedback = Feedback()
        alg = registry.createAlgorithmById("sceneclassifier:" + algorithm)
        results, ok = alg.run(parameters, QgsProcessingContext(), feedback)
        return ok, results, feedback
""")


def run_algorithm_script(tmp_path: Path, script: str, block_torch: bool,
                         home: Path | None = None, **values) -> subprocess.CompletedProcess:
    """Run ALGORITHM_SCRIPT + ``script`` (formatted with ``values``) in QGIS's Python;
    ``home``: a HOME of its own (QGIS's profile, with its authentication database)."""
    plugins = tmp_path / f"plugins-{block_torch}"
    plugins.mkdir()
    (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    code = ALGORITHM_SCRIPT.format(plugins=str(plugins), block_torch=block_torch) + \
        textwrap.dedent(script).format(block_torch=block_torch, **values)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin",
                                            **({"HOME": str(home)} if home else {})})


# The command line as a user runs it (tests/cli, and the full-disk runs).
def cli_environment(folder: Path) -> dict:
    """PYTHONPATH holding the plugin as ``scene_classifier`` (as QGIS's plugins folder does)
    and a HOME of its own (default outputs land there)."""
    plugins = folder / "plugins"
    if not plugins.exists():
        plugins.mkdir(parents=True)
        (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    return dict(os.environ, PYTHONPATH=str(plugins), HOME=str(home), OMP_NUM_THREADS="1")


def run_cli(folder: Path, *arguments: str, processes: int = 1,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m scene_classifier ...``, or under ``torchrun --nproc_per_node processes``;
    ``env``: more environment variables."""
    if processes > 1:
        torchrun = Path(sys.executable).with_name("torchrun")
        command = [str(torchrun) if torchrun.exists() else shutil.which("torchrun"),
                   "--standalone", f"--nproc_per_node={processes}", "-m", "scene_classifier"]
    else:
        command = [sys.executable, "-m", "scene_classifier"]
    return subprocess.run(command + [str(a) for a in arguments], capture_output=True,
                          text=True, env=dict(cli_environment(folder), **(env or {})),
                          cwd=folder, timeout=900)


def outputs(result: subprocess.CompletedProcess) -> dict[str, str]:
    """The printed outputs, NAME: value per line."""
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)


def write_points(path: Path, field: str, value: str | None = None,
                 wkt: str = "POINT (229500 894500)", epsg: int = 26986) -> Path:
    """A GeoPackage of one point (in EPSG ``epsg``) with one text field."""
    from osgeo import ogr, osr

    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(epsg)
    layer = dataset.CreateLayer("points", crs, ogr.wkbPoint)
    layer.CreateField(ogr.FieldDefn(field, ogr.OFTString))
    feature = ogr.Feature(layer.GetLayerDefn())
    if value is not None:
        feature.SetField(0, value)
    feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    layer.CreateFeature(feature)
    return path


def feature_items(path) -> list[dict]:
    """Every feature's attributes by field name, in file order."""
    from osgeo import ogr

    dataset = ogr.Open(str(path))  # keep: its layer needs it
    return [feature.items() for feature in dataset.GetLayer(0)]


def features(path) -> list[tuple]:
    """Every feature's attributes and geometry (WKT), in file order."""
    from osgeo import ogr

    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    rows = []
    for feature in layer:
        geometry = feature.GetGeometryRef()
        rows.append((*(feature.GetField(i) for i in range(feature.GetFieldCount())),
                     geometry.ExportToWkt() if geometry else None))
    return rows


def stored_style(path) -> tuple[str, int, str]:
    """(name, use as default, QML) of the one style a GeoPackage stores for its layer."""
    from osgeo import ogr

    dataset = ogr.Open(str(path))  # keep: the result set needs it
    styles = dataset.ExecuteSQL("SELECT styleName, useAsDefault, styleQML FROM layer_styles")
    (style,) = [(f.GetField(0), f.GetField(1), f.GetField(2)) for f in styles]
    dataset.ReleaseResultSet(styles)
    return style


class QgisProcess:
    """Runs ``qgis_process.bin`` headless against an isolated profile with the plugin."""

    def __init__(self, profile: Path) -> None:
        plugins = profile / "profiles" / "default" / "python" / "plugins"
        plugins.mkdir(parents=True)
        (plugins / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
        self.home = profile / "home"  # where outputs without a given place go (~)
        self.home.mkdir()
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                        QGIS_CUSTOM_CONFIG_PATH=str(profile), HOME=str(self.home),
                        PYTHONPATH=sysconfig.get_paths()["purelib"])
        enable = self.call("plugins", "enable", "scene_classifier")
        assert enable.returncode == 0, enable.stdout + enable.stderr

    def call(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([QGIS_PROCESS, *args], env=self.env, capture_output=True,
                              text=True, timeout=900)

    def run(self, algorithm: str, **parameters) -> tuple[subprocess.CompletedProcess, dict]:
        """Run sceneclassifier:<algorithm>; returns the process and its JSON (or {})."""
        args = [f"{key}={value}" for key, value in parameters.items()]
        done = self.call("run", f"sceneclassifier:{algorithm}", "--json", "--", *args)
        try:
            result = json.loads(done.stdout[done.stdout.index("{"):])
        except ValueError:
            result = {}
        return done, result


@pytest.fixture(scope="session")
def qgis_process(tmp_path_factory) -> QgisProcess:
    if not shutil.which(QGIS_PROCESS):
        pytest.fail("qgis_process.bin not found: install QGIS (make setup does it)")
    return QgisProcess(tmp_path_factory.mktemp("qgis-profile"))


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """A classifier trained on the bundled RSSCN7 sample at 32 px, and its package: the one
    tests/models/build_package.py wrote (timm's test_efficientnet), copied to a temporary
    folder and loaded with that sample (batches of 32, seed 1), so that it can also show
    results, save and train further. No test run trains it."""
    from core.api import FeatureClassifier, prepare_data
    from core.packages.write import PackagePaths

    folder = tmp_path_factory.mktemp("models") / TINY_PACKAGE.name
    shutil.copytree(TINY_PACKAGE, folder)  # tests never change the checked-in files
    paths = PackagePaths.in_folder(str(folder), TINY_PACKAGE.name)
    data = prepare_data(str(SAMPLE_RSSCN7), batch_size=32, chip_size=32, seed=1)
    return FeatureClassifier.from_model(paths.definition, data=data, device="cpu"), paths


@pytest.fixture(scope="session")
def training_run(tmp_path_factory):
    """A resnet18 trained from scratch in this run on the bundled RSSCN7 sample (6 epochs at
    32 px), and the package it saved: for the tests of a training run itself (its epochs and
    accuracy, its report, the files it writes and how they load back), which a checked-in
    package cannot stand in for."""
    from core.api import FeatureClassifier, prepare_data

    data = prepare_data(str(SAMPLE_RSSCN7), batch_size=32, chip_size=32, seed=1)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    classifier.fit(6, lr=2e-3)
    paths = classifier.save("rsscn7 test", str(tmp_path_factory.mktemp("models")))
    return classifier, paths
