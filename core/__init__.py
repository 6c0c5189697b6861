"""Scene Classifier core: data, models, training, packages and reports, without QGIS."""

import configparser
import os

PLUGIN_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(PLUGIN_FOLDER, "resources")


def _version() -> str:
    """The plugin's version, from metadata.txt (the one place QGIS also reads it from)."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(os.path.join(PLUGIN_FOLDER, "metadata.txt"), encoding="utf-8")
    return metadata.get("general", "version", fallback="0+unknown")


__version__ = _version()

# Before anything imports PyTorch (every path into it goes through this package): its CPU
# threads then sleep rather than spin when the machine is busy (core.runtime.threads).
from .runtime.threads import quiet_openmp_waits  # noqa: E402

quiet_openmp_waits()
