"""``python3 -m scene_classifier <command>``: the command line (cli/), with the folder that
holds the plugin on PYTHONPATH, as in QGIS."""

from .cli.main import leave, main

leave(main())
