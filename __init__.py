"""Scene Classifier: deep-learning scene and object classification for QGIS Processing."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    """QGIS entry point; ``iface`` is None under qgis_process."""
    from .plugin import SceneClassifierPlugin

    return SceneClassifierPlugin(iface)
