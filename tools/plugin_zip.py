"""Build the installable plugin: dist/scene_classifier-<version>.zip.

Laid out as QGIS's "Install from ZIP" and the official plugin repository expect: one top
folder, scene_classifier/, holding what the plugin needs at run time (metadata, licence,
README, the Python packages, the icon and the report templates) and nothing else: no tests,
benchmarks, docs, sample data, virtual environments, caches or development files.

    python3 tools/plugin_zip.py [--output dist]      (make package)
"""

from __future__ import annotations

import argparse
import configparser
import os
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


def build(output: Path, root: Path = ROOT) -> Path:
    """Write the zip (beside its target first, then moved into place); returns its path."""
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"{PLUGIN}-{version(root)}.zip"
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in runtime_files(root):
            archive.write(root / relative, f"{PLUGIN}/{relative.as_posix()}")
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
