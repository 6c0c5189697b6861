"""A real WMS for tests: QGIS Server's development server (``qgis_mapserver``, Debian's
qgis-server-bin) serving a project that holds one raster, on the loopback interface only
and stopped within bounded time (its own ``timeout`` too, should the test die)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

LIFETIME_S = 900  # the server stops by itself after this, whatever the test does
PROJECT_SCRIPT = textwrap.dedent("""
    import sys
    from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    layer = QgsRasterLayer(sys.argv[1], "photo", "gdal")
    assert layer.isValid(), sys.argv[1]
    project.addMapLayer(layer)
    project.setCrs(layer.crs())
    extent = layer.extent()
    project.writeEntry("WMSExtent", "/", [repr(v) for v in (
        extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())])
    project.writeEntry("WMSCrsList", "/", [layer.crs().authid(), "EPSG:3857", "EPSG:4326"])
    assert project.write(sys.argv[2])
""")


class QgisServer:
    """``with QgisServer(folder, raster) as server:`` serves ``raster`` as WMS layer ``photo``
    at ``server.url`` (``server.wms_uri`` is the QGIS wms-provider source for it)."""

    def __init__(self, folder: Path, raster: Path) -> None:
        self.project = Path(folder) / "server.qgs"
        subprocess.run([sys.executable, "-c", PROJECT_SCRIPT, str(raster), str(self.project)],
                       check=True, capture_output=True, timeout=120,
                       env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    @property
    def wms_uri(self) -> str:
        return f"crs=EPSG:26986&format=image/png&layers=photo&styles=&url={self.url}"

    def __enter__(self) -> QgisServer:
        self.process = subprocess.Popen(
            ["timeout", str(LIFETIME_S), "qgis_mapserver", "-p", str(self.project),
             f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        while True:
            try:
                no_proxy.open(self.url + "?SERVICE=WMS&REQUEST=GetCapabilities", timeout=5)
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("qgis_mapserver did not start") from None
                time.sleep(0.3)

    def __exit__(self, *_) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
