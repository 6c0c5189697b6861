"""Where outputs may go: no run deletes or replaces what it did not create, and no output
lands inside the data it reads."""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from ..errors import OutputError, tr

STAGING_PREFIX = ".scene_classifier-partial-"


def real(path: str) -> str:
    """The absolute path with links resolved (the same place, however it is written)."""
    return os.path.realpath(os.path.abspath(os.path.expanduser(path)))


def relation(path: str, folder: str) -> str | None:
    """How ``path`` relates to ``folder``: 'is', 'lies inside', 'contains', or None."""
    path, folder = real(path), real(folder)
    if path == folder:
        return "is"
    common = os.path.commonpath([path, folder])
    if common == folder:
        return "lies inside"
    if common == path:
        return "contains"
    return None


def within(path: str, folder: str) -> bool:
    """Whether ``path``, links resolved, is ``folder`` or lies inside it."""
    return relation(path, folder) in ("is", "lies inside")


def check_apart(output: str, output_label: str, inputs: Iterable[str],
                input_label: str) -> None:
    """Refuse an output that is, lies inside or contains one of the input folders."""
    for folder in inputs:
        how = relation(output, folder)
        if how:
            raise OutputError(
                tr("{} {} {} the {} {}: the results would mix with (or replace) the "
                   "data they are made from. Choose an {} outside the {}.").format(
                    output_label, real(output), how, input_label, real(folder), output_label,
                    input_label))


def work_folder(*parts: str) -> str:
    """A folder in the user's home for what the plugin makes when no place is given
    (``~/SceneClassifier/...``): unlike a temporary folder, it outlives the QGIS session."""
    return os.path.join(os.path.expanduser("~"), "SceneClassifier", *parts)


def default_models_folder() -> str:
    """Where trained model packages go unless told otherwise."""
    return work_folder("models")


def evaluation_paths(model_path: str) -> tuple[str, str]:
    """(report .html, confusion .csv) for an evaluation of ``model_path`` when no place is
    given: in ``~/SceneClassifier/evaluations``, named after the model and the time, so that
    no earlier evaluation is replaced."""
    name = os.path.splitext(os.path.basename(model_path))[0] or "model"
    stem = os.path.join(work_folder("evaluations"),
                        f"{name} {time.strftime('%Y-%m-%d %H%M%S')}")
    return f"{stem}.html", f"{stem} confusion.csv"


def new_folder(parent: str, prefix: str) -> str:
    """A new, uniquely named folder in ``parent`` with the user's normal permissions (their
    umask; tempfile.mkdtemp would make it private, 0700, and so the package moved from it)."""
    while True:
        path = os.path.join(parent, f"{prefix}{secrets.token_hex(6)}")
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue


def staging_folder(parent: str, prefix: str) -> str:
    """A new scratch folder in ``parent`` whose name says which run made it (``prefix``,
    then process id @ host), so that a later run can remove it when that run died
    (remove_stale_staging)."""
    return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}@{_host()}.", dir=parent)


def stale_staging(parent: str, prefix: str) -> list[str]:
    """The staging_folder()s with ``prefix`` in ``parent`` left by runs of this machine that
    no longer run (killed, crashed, the machine restarted); never another machine's, nor a
    live run's, nor a folder of another name."""
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    stale = []
    for name in names:
        owner = _STAGING_OWNER.match(name[len(prefix):]) if name.startswith(prefix) else None
        if owner and owner[2] == _host() and not _still_running(
                {"pid": int(owner[1]), "host": socket.gethostname()}):
            stale.append(os.path.join(parent, name))
    return stale


_STAGING_OWNER = re.compile(r"(\d+)@([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+$")


def _host() -> str:
    """This machine's name as it can stand in a folder name."""
    return re.sub(r"[^A-Za-z0-9-]", "_", socket.gethostname()) or "host"


def write_atomic(path: str, text: str) -> None:
    """Write text to path via a temporary file in the same folder and os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.tmp-{secrets.token_hex(6)}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def run_lock(folder: str, name: str, log: Callable[[str], None]) -> Iterator[str]:
    """One run at a time into ``folder/name`` (the package and its checkpoint): a lock file
    ``folder/.name.lock`` for as long as the block runs. Another live run's lock stops this
    one at once, naming it; the lock of a run that died is taken over (logged)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f".{name}.lock")
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _lock_holder(path)
            if holder is not None and _still_running(holder):
                raise OutputError(
                    tr("Another run is already writing the model {} in {} (process {} "
                       "on {}, started {}). Wait for it to finish or cancel it, or "
                       "choose another model name. If no such run exists, delete {}.").format(
                        name, folder, holder.get('pid'), holder.get('host'),
                        holder.get('started'), path)) from None
            log(f"Taking over the lock of an earlier run that ended without removing it "
                f"({path}).")
            _remove(path)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                   "started": time.strftime("%Y-%m-%d %H:%M:%S")}, file)
    try:
        yield path
    finally:
        _remove(path)


def _lock_holder(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as file:
            holder = json.load(file)
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _still_running(holder: dict) -> bool:
    """Whether the run that holds a lock lives (one on another machine is taken to)."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname():
        return True
    if not isinstance(pid, int) or pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would stop the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


FOLDER, FILE, TABLE = "folder", "file", "table"  # kinds of output: a table has no geometry
NO_TABLES = (".shp", ".shx", ".dbf")  # a shapefile "table" is a lone .dbf
SHAPEFILE_FIELD_NAME = 10  # characters a .dbf field name holds


def field_name_limit(path: str) -> int | None:
    """The longest field name an output format holds (10 for a shapefile and its .dbf, whose
    writer cuts longer names), or None."""
    return SHAPEFILE_FIELD_NAME if os.path.splitext(path)[1].lower() in NO_TABLES else None


def check_output_paths(outputs: list[tuple[str, str, str]],
                       inputs: list[tuple[str, str]]) -> None:
    """Before any work: refuse outputs (label, path, FOLDER, FILE or TABLE) that cannot be
    written there (a folder where a file goes or the reverse, a place under a file or not
    writable, a table in a format that holds none), two outputs at one path, or an output
    that would replace an input (label, path)."""
    seen: dict[str, str] = {}
    for label, path, kind in outputs:
        is_folder = kind == FOLDER
        if any(ord(character) < 32 or ord(character) == 127 for character in path):
            raise OutputError(tr("{} {!r} holds a control character (a line break, a "
                                 "tab or another invisible one); give the path without "
                                 "it.").format(label, path))
        if kind == TABLE and os.path.splitext(path)[1].lower() in NO_TABLES:
            raise OutputError(
                tr("{} {} is a table without geometry, which a shapefile cannot hold "
                   "(only its .dbf would be written, replacing the attribute table of "
                   "any shapefile of that name). Give a .csv or .gpkg file.").format(label, path))
        where = real(path)
        if where in seen:
            raise OutputError(tr("{} and {} are the same path ({}): give each output "
                                 "its own.").format(label, seen[where], path))
        seen[where] = label
        for input_label, input_path in inputs:
            if real(input_path) == where:
                raise OutputError(tr("{} ({}) is the input {}: writing it would replace "
                                     "the data being read. Choose another path.").format(
                                      label, path, input_label))
        if is_folder and os.path.isfile(where):
            raise OutputError(tr("{} {} is a file, not a folder. Choose a folder.").format(
                                  label, path))
        if not is_folder and os.path.isdir(where):
            raise OutputError(tr("{} {} is a folder; give a file name in it instead.").format(
                                  label, path))
        _check_writable(label, os.path.dirname(where))


def _check_writable(label: str, folder: str) -> None:
    """The folder, or its nearest existing parent (where it would be made), takes files."""
    existing = folder
    while existing and not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if existing and not os.path.isdir(existing):
        raise OutputError(tr("{} cannot be written: {} is a file, so no folder can be "
                             "made there. Choose another place.").format(label, existing))
    if existing and not os.access(existing, os.W_OK):
        raise OutputError(tr("{} cannot be written: the folder {} is not writable. "
                             "Choose another place.").format(label, existing))


FULL_DISK = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # no space, over quota, file too large
FULL_DISK_WORDS = ("No space left", "Disk quota exceeded", "File too large", "disk is full")
NEARLY_FULL_BYTES = 1 << 20  # a write that failed with less free than this: the disk is full


def describe_os_error(error: OSError, path: str | None = None) -> str:
    """A file-system error as a message naming the path (``path``, else the error's) and
    what to do; a full disk is named as such."""
    path = path or error.filename or "a file"
    if error.errno in FULL_DISK:
        return no_space_message(path)
    reason = error.strerror or str(error)
    return (f"Cannot use {path}: {reason}. Check that the place exists, is writable and has "
            "free space, or choose another one.")


def as_user_named(path: str) -> str:
    """The path the user gave for a staged copy (staged_file): ``<folder>/<name>`` for
    ``<folder>/.scene_classifier-partial-…/<name>``; other paths as they are."""
    staging = os.path.dirname(path)
    if os.path.basename(staging).startswith(STAGING_PREFIX):
        return os.path.join(os.path.dirname(staging), os.path.basename(path))
    return path


def no_space_message(path: str) -> str:
    """What a full disk (or quota, or file-size limit) means for a file at ``path``."""
    path = as_user_named(path)
    folder = _existing(os.path.dirname(os.path.abspath(path))) or os.path.dirname(path)
    try:
        free = f"{shutil.disk_usage(folder).free / 2**20:.1f} MiB free"
    except OSError:
        free = "free space unknown"
    return (f"No space left on the disk that holds {folder} ({free}): "
            f"{os.path.basename(path)} could not be written whole. Free some space there or "
            "choose another place; no earlier file was changed.")


def write_error(what: str, path: str, reason: str) -> OutputError:
    """An output that could not be written whole (the staged copy is dropped): a full
    disk is said as such."""
    path = as_user_named(path)
    folder = _existing(os.path.dirname(os.path.abspath(path)))
    try:
        nearly_full = bool(folder) and shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        nearly_full = False
    if nearly_full or any(words in reason for words in FULL_DISK_WORDS):
        return OutputError(no_space_message(path))
    reason = reason.strip()
    shown = reason if len(reason) <= 300 else reason[:300] + " …"
    return OutputError(tr("{} ({}) could not be written: {}. No earlier file was "
                          "changed.").format(what, path, shown))


def _existing(folder: str) -> str:
    """``folder`` or its nearest existing parent."""
    while folder and not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


@contextmanager
def gdal_checked(what: str, path: str) -> Iterator[None]:
    """``with gdal_checked("OUTPUT", path):`` GDAL/OGR writing (or reading back) ``what``;
    an error GDAL reports in the block, which it does not raise (a full disk among them),
    raises OutputError at its end."""
    from osgeo import gdal

    errors: list[str] = []

    def collect(level: int, _number: int, message: str) -> None:
        if level >= gdal.CE_Failure:
            errors.append(str(message))

    gdal.PushErrorHandler(collect)
    try:
        yield
    finally:
        gdal.PopErrorHandler()
    if errors:
        raise write_error(what, path, errors[0])


def check_vector_written(path: str, expected: int, what: str) -> None:
    """The vector file GDAL wrote at ``path`` reads back whole: it opens, and every one of
    the ``expected`` features is there."""
    from osgeo import ogr

    with gdal_checked(what, path):
        dataset = ogr.Open(path)
        stem = os.path.splitext(os.path.basename(path))[0]  # the layer, beside any styles
        layer = (dataset.GetLayerByName(stem) or dataset.GetLayer(0)) \
            if dataset is not None else None
        count = layer.GetFeatureCount(force=1) if layer is not None else -1
        layer = dataset = None
    if count != expected:
        raise write_error(what, path, f"{max(count, 0)} of {expected} features read back"
                          if count >= 0 else "GDAL cannot read it back")


def check_raster_written(path: str, what: str) -> None:
    """The raster GDAL wrote at ``path`` reads back whole: every pixel of every band."""
    from osgeo import gdal

    with gdal_checked(what, path):
        dataset = gdal.Open(path)
        if dataset is None:
            raise write_error(what, path, "GDAL cannot read it back")
        for number in range(1, dataset.RasterCount + 1):
            dataset.GetRasterBand(number).Checksum()
        dataset = None


@contextmanager
def staged_file(destination: str, what: str = "the output",
                check: Callable[[str], None] | None = None) -> Iterator[str]:
    """``with staged_file(path) as staged:`` write ``staged`` (and any side files beside it,
    of the same name); they replace the files at ``path`` when the block ends without
    error, and are removed when it does not. Before anything is replaced every staged file
    must hold something and ``check(staged)`` pass (e.g. check_vector_written), so a full
    disk or a writer's silent error never empties an earlier output; errors of the disk
    are OutputErrors naming ``what``."""
    folder = os.path.dirname(destination)
    try:
        os.makedirs(folder, exist_ok=True)
        for stale in stale_staging(folder, STAGING_PREFIX):  # a killed run's, never used again
            shutil.rmtree(stale, ignore_errors=True)
        staging = staging_folder(folder, STAGING_PREFIX)
    except OSError as error:
        raise OutputError(describe_os_error(error)) from error
    staged = os.path.join(staging, os.path.basename(destination))
    try:
        try:
            yield staged
            _check_staged(staging, what, destination)
            if check is not None:
                check(staged)
        except OSError as error:  # named by where it was to go, not the staged copy
            raise OutputError(describe_os_error(error, destination)) from error
        for file in os.listdir(staging):
            os.replace(os.path.join(staging, file), os.path.join(folder, file))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_staged(staging: str, what: str, destination: str) -> None:
    """Every file written into ``staging`` holds something (a full disk leaves 0 bytes)."""
    files = os.listdir(staging)
    if not files:
        raise write_error(what, destination, "nothing was written")
    for file in files:
        if os.path.getsize(os.path.join(staging, file)) == 0:
            raise write_error(what, destination, f"{file} is empty")
