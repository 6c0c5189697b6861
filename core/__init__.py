"""Scene Classifier core: data, models, training, packages and reports, without QGIS."""

import configparser
import os


def _version() -> str:
    """The plugin's version, from metadata.txt (the one place QGIS also reads it from)."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                               "metadata.txt"), encoding="utf-8")
    return metadata.get("general", "version", fallback="0+unknown")


__version__ = _version()
