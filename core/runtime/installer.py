"""Installing PyTorch or onnxruntime without the Dependencies dialog (the checkdependencies
tool, the command line): pip run as the dialog runs it, into the plugin's folder, from the
package index or offline from a folder or .zip of wheels, with its output in the log and
Cancel stopping it."""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
import urllib.request
import zipfile
from pathlib import PurePosixPath

from ..errors import Cancelled, DependencyError, tr
from .builds import Choice
from .dependencies import (
    check,
    install_arguments,
    plugin_packages_folder,
    remove_shadowed_copies,
    use_packages_folder,
)
from .feedback import CANCEL_POLL_S, Feedback

MAX_WHEELS_BYTES = 16 * 1024**3  # a zip of wheels unpacks to at most this
PIP_STOP_S = 2.0  # after Cancel, pip is killed if it has not stopped by then
INDEX_TIMEOUT_S = 15.0  # how long PyTorch's package index may take to answer
SCRATCH_PREFIX = "scene_classifier_wheels_"  # temporary folders of unpacked wheels


def check_index(choice: Choice, timeout_s: float = INDEX_TIMEOUT_S) -> None:
    """Raise DependencyError where the index that holds ``choice``'s build (PyTorch's) does
    not answer: pip would then take PyPI's torch instead, on Linux the CUDA build of several
    GB, without a word."""
    if not choice.index:
        return
    url = choice.index.rstrip("/") + "/torch/"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"),
                                    timeout=timeout_s):  # nosec B310: an https URL of ours
            return
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise DependencyError(
            tr("PyTorch's package index ({}) cannot be reached ({}), so pip would "
               "install another build ({} was chosen). Check the network or the "
               "proxy (QGIS: Settings ▸ Options ▸ Network), or install offline from "
               "a folder of wheels (see the README).").format(
                choice.index, reason, choice.build)) from error


def pip_source(choice: Choice, wheels: str | None, scratch: str) -> list[str]:
    """pip's arguments for where ``choice`` comes from: only the folder or .zip ``wheels``
    (unpacked into ``scratch``), with no network; else the package index, checked to answer
    first (check_index)."""
    if wheels:
        return offline_arguments(wheels, scratch)
    check_index(choice)
    return []


def settle(folder: str) -> list[str]:
    """After pip installed into ``folder``: the folder on sys.path (what was installed is
    found) and the copies of what this Python already has removed; their names."""
    use_packages_folder(folder)
    return remove_shadowed_copies(folder)


def offline_arguments(wheels: str, scratch: str) -> list[str]:
    """pip's arguments to install only from ``wheels`` (a folder of .whl files, or a .zip of
    one, unpacked into ``scratch``), with no network."""
    if os.path.isdir(wheels):
        folder = wheels
    elif zipfile.is_zipfile(wheels):
        folder = _unpack_wheels(wheels, scratch)
    else:
        raise DependencyError(tr("{} is neither a folder of wheels nor a .zip of one.").format(
                                  wheels))
    if not any(name.lower().endswith(".whl") for name in os.listdir(folder)):
        raise DependencyError(tr("{} holds no wheels (.whl files). Prepare them on a "
                                 "connected machine with pip download (see the README).").format(
                                  wheels))
    return ["--no-index", "--find-links", folder]


def _unpack_wheels(zip_path: str, scratch: str) -> str:
    """The .whl files of a zip, written flat into ``scratch`` under their own file names
    (a member's folders are dropped, so no entry can leave it; links are refused)."""
    with zipfile.ZipFile(zip_path) as archive:
        wheels = [info for info in archive.infolist()
                  if not info.is_dir() and info.filename.lower().endswith(".whl")]
        if sum(info.file_size for info in wheels) > MAX_WHEELS_BYTES:
            raise DependencyError(tr("{} unpacks to more than {} GB of wheels; refusing "
                                     "it.").format(zip_path, MAX_WHEELS_BYTES >> 30))
        for info in wheels:
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise DependencyError(tr("{}: {} is a link; refusing it.").format(
                                          zip_path, info.filename))
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            with archive.open(info) as source, open(os.path.join(scratch, name), "wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
    return scratch


def install(what: str, feedback: Feedback, wheels: str | None = None,
            want_gpu: bool = True) -> list[str]:
    """Install ``what`` (TORCH: PyTorch, torchvision and onnx in the build for this
    computer; ONNXRUNTIME) into the plugin's folder, from the index or offline from
    ``wheels``; returns the pip command run. Raises Cancelled or DependencyError."""
    choice = check().choice(what, want_gpu)
    folder = plugin_packages_folder()
    feedback.log(choice.reason)
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX) as scratch:
        arguments = install_arguments(choice, folder, pip_source(choice, wheels, scratch))
        feedback.log("$ " + " ".join(arguments))
        run_pip(arguments, feedback)
    removed = settle(folder)
    if removed:
        feedback.log(tr("Removed the copies of {} that this Python already has in the "
                        "same version.").format(', '.join(removed)))
    feedback.log(tr("Installed into {}: restart QGIS to use it.").format(folder))
    return arguments


def run_pip(arguments: list[str], feedback: Feedback) -> None:
    """Run pip, its output line by line into the log; Cancel stops it (terminated, then
    killed after PIP_STOP_S) and raises Cancelled; a failure raises DependencyError with
    pip's last lines."""
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True, errors="replace")
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line.rstrip())
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    last: list[str] = []
    while True:
        if feedback.is_cancelled():
            _stop(process)
            raise Cancelled()
        try:
            line = lines.get(timeout=CANCEL_POLL_S)
        except queue.Empty:
            continue
        if line is None:
            break
        if line:
            feedback.log(line)
            last = (last + [line])[-5:]
    code = process.wait()
    if code != 0:
        raise DependencyError(tr("pip stopped with exit code {}: ").format(code) + " / ".join(last))


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(PIP_STOP_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
