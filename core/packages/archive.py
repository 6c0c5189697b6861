"""The .dlpk zip: written from a package folder, and read safely (entries that would leave
their folder, links and oversized content are refused before anything is written)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from ..errors import ModelPackageError, tr

MAX_PACKAGE_BYTES = 4 * 1024**3


def zip_folder(folder: str, zip_path: str) -> None:
    """The package's files (not an earlier .dlpk) into ``zip_path``, replaced at the end."""
    partial = zip_path + ".partial"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if os.path.isfile(path) and path not in (partial, zip_path) and \
                    not entry.lower().endswith(".dlpk"):
                archive.write(path, entry)
    os.replace(partial, zip_path)


def safe_extract(zip_path: str, target: str, max_bytes: int = MAX_PACKAGE_BYTES) -> None:
    """Extract a whole zip, refusing absolute paths, '..', links and oversized content
    (declared sizes checked before anything is written)."""
    root = os.path.realpath(target)
    with open_zip(zip_path) as archive:
        members = safe_members(archive, zip_path)
        declared = sum(info.file_size for info in members.values())
        if declared > max_bytes:
            raise ModelPackageError(tr("{} unpacks to more than {} MiB; refusing it.").format(
                                        zip_path, max_bytes >> 20))
        remaining = max_bytes
        for info in archive.infolist():
            if info.is_dir():
                os.makedirs(os.path.join(root, *PurePosixPath(info.filename).parts),
                            exist_ok=True)
            else:
                extract_member(archive, info, zip_path, root, remaining)
                remaining -= info.file_size


@contextmanager
def open_zip(zip_path: str) -> Iterator[zipfile.ZipFile]:
    """The zip, open; a damaged one raises ModelPackageError naming it."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModelPackageError(tr("{} is not a valid .dlpk (zip) file: {}.").format(
                                    zip_path, error)) from error
    try:
        with archive:
            yield archive
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError) as error:
        raise ModelPackageError(tr("{} is a damaged .dlpk (zip) file: {}.").format(
                                    zip_path, error)) from error
    except OSError as error:  # entries that clash (a file and a folder of one name), too long
        raise ModelPackageError(tr("{} cannot be unpacked: {} ({}).").format(
                                    zip_path, error.strerror,
                                    os.path.basename(error.filename or ''))) from error


def safe_members(archive: zipfile.ZipFile, zip_path: str) -> dict[str, zipfile.ZipInfo]:
    """The files of a zip by their normalised name; an entry that would leave the folder
    (absolute path, '..', a drive, a link) or has no name refuses the whole zip."""
    members = {}
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        if not parts or name.startswith("/") or ".." in parts or is_link or ":" in parts[0]:
            raise ModelPackageError(
                tr("{} has an unsafe entry '{}' (absolute path, '..' or link); refusing "
                   "to extract it.").format(zip_path, info.filename))
        if not info.is_dir():
            members[str(PurePosixPath(*parts))] = info
    return members


def extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: str,
                    root: str, max_bytes: int) -> str:
    """Write one checked member (safe_members) under ``root``, at most ``max_bytes``
    (declared and read); returns its path."""
    if info.file_size > max_bytes:
        raise ModelPackageError(tr("{}: '{}' unpacks to more than {} MiB; refusing it.").format(
                                    zip_path, info.filename, max_bytes >> 20))
    root = os.path.realpath(root)
    destination = os.path.join(root, *PurePosixPath(info.filename.replace("\\", "/")).parts)
    if not os.path.realpath(destination).startswith(root + os.sep):
        raise ModelPackageError(tr("{} has an unsafe entry '{}'; refusing to extract "
                                   "it.").format(zip_path, info.filename))
    os.makedirs(os.path.dirname(destination), exist_ok=True)
    written = 0
    with archive.open(info) as source, open(destination, "wb") as out:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                raise ModelPackageError(tr("{} unpacks to more than {} MiB; refusing "
                                           "it.").format(zip_path, max_bytes >> 20))
            out.write(chunk)
    return destination
