"""Scene Classifier core: data, models, training, packages and reports, without QGIS."""

__version__ = "0.1.0"
