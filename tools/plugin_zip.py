"""Build the installable plugin: dist/scene_classifier-<version>.zip.

Laid out as QGIS's "Install from ZIP" and the official plugin repository expect: one top
folder, scene_classifier/, holding what the plugin needs at run time (metadata, licence,
README, the Python packages, the icon, the report templates and the compiled translations,
i18n/*.qm, made by lrelease from i18n/*.ts) and nothing else: no tests,
benchmarks, docs, sample data, virtual environments, caches or development files.

    python3 tools/plugin_zip.py [--output dist]      (make package)
"""

from __future__ import annotations

import argparse
import configparser
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "scene_classifier"
RUNTIME = ("metadata.txt", "LICENSE", "README.md", "__init__.py", "__main__.py", "plugin.py",
           "provider.py", "algorithms", "cli", "core", "gui", "interface", "resources/icon.svg",
           "resources/templates")
LEFT_OUT = ("__pycache__",)
LEFT_OUT_SUFFIXES = (".pyc", ".pyo")


def version(root: Path = ROOT) -> str:
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(root / "metadata.txt", encoding="utf-8")
    return metadata["general"]["version"]


def runtime_files(root: Path = ROOT) -> list[Path]:
    """The files the plugin needs at run time, relative to ``root``, sorted."""
    found = []
    for entry in RUNTIME:
        path = root / entry
        if path.is_file():
            found.append(Path(entry))
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(name for name in subfolders if name not in LEFT_OUT)
            found += [Path(folder, name).relative_to(root) for name in files
                      if not name.endswith(LEFT_OUT_SUFFIXES)]
    return sorted(found)


def translations(root: Path = ROOT) -> list[tuple[str, bytes]]:
    """Each translation (i18n/scene_classifier_<language>.ts) compiled by lrelease, as
    (scene_classifier_<language>.qm, its bytes): what QGIS loads."""
    lrelease = shutil.which("lrelease")
    sources = sorted((root / "i18n").glob(f"{PLUGIN}_*.ts"))
    if sources and lrelease is None:
        raise SystemExit("lrelease is needed to compile the translations (Debian: apt-get "
                         "install qttools5-dev-tools; make setup installs it).")
    compiled = []
    with tempfile.TemporaryDirectory() as folder:
        for source in sources:
            qm = Path(folder, source.with_suffix(".qm").name)
            subprocess.run([lrelease, "-silent", str(source), "-qm", str(qm)], check=True)
            compiled.append((qm.name, qm.read_bytes()))
    return compiled


def build(output: Path, root: Path = ROOT) -> Path:
    """Write the zip (beside its target first, then moved into place); returns its path."""
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"{PLUGIN}-{version(root)}.zip"
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in runtime_files(root):
            archive.write(root / relative, f"{PLUGIN}/{relative.as_posix()}")
        for name, compiled in translations(root):
            archive.writestr(f"{PLUGIN}/i18n/{name}", compiled)
    os.replace(partial, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "dist"), help="folder for the zip")
    target = build(Path(parser.parse_args().output))
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"{target} ({target.stat().st_size / 1024:.0f} KiB, {count} files)")


if __name__ == "__main__":
    main()
