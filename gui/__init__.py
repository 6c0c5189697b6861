"""The plugin's own windows in the QGIS desktop (the algorithms use Processing's dialogs)."""
