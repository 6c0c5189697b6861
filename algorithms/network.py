"""QGIS's network settings for what core fetches itself: torchvision's ImageNet weights are
downloaded through QGIS's own network (its proxy of any kind, HTTP or SOCKS, its SSL
settings and certificate authorities: qgis_fetch); its HTTP proxy (Settings ▸ Options ▸
Network) is also put in the environment, which GDAL's HTTP client (web rasters) and timm's
downloads read, for the run's duration; and a web layer's QGIS authentication configuration,
whose user name and password core.sources.credentials holds for the run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING
from urllib.parse import quote

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsBlockingNetworkRequest,
    QgsFeedback,
    QgsProcessingException,
    QgsProviderRegistry,
    QgsSettings,
)
from qgis.PyQt.QtCore import QCoreApplication, QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from ..core.errors import Cancelled

if TYPE_CHECKING:
    from qgis.core import QgsRasterLayer

PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
HTTP_PROXY_TYPES = ("HttpProxy", "HttpCachingProxy")  # what urllib and GDAL can use


def qgis_proxy_url() -> str | None:
    """QGIS's HTTP proxy as a URL (with its user and password), or None where QGIS uses
    none, the system's (already in the environment) or a SOCKS proxy."""
    settings = QgsSettings()
    if not settings.value("proxy/proxyEnabled", False, type=bool):
        return None
    if settings.value("proxy/proxyType", "", type=str) not in HTTP_PROXY_TYPES:
        return None
    host = settings.value("proxy/proxyHost", "", type=str).strip()
    if not host:
        return None
    port = settings.value("proxy/proxyPort", "", type=str).strip()
    user = settings.value("proxy/proxyUser", "", type=str)
    password = settings.value("proxy/proxyPassword", "", type=str)
    login = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
    return f"http://{login}{host}{':' + port if port else ''}"


@contextmanager
def qgis_proxy() -> Iterator[None]:
    """QGIS's HTTP proxy in the environment for the ``with`` block (it wins over one already
    there: it is what the user set in QGIS); the environment as it was afterwards."""
    url = qgis_proxy_url()
    if url is None:
        yield
        return
    saved = {name: os.environ.get(name) for name in PROXY_VARIABLES}
    os.environ.update(dict.fromkeys(PROXY_VARIABLES, url))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def qgis_fetch(feedback: QgsFeedback) -> Callable[[str, str], None]:
    """How core downloads a file in QGIS (core.runtime.downloads): through QGIS's network
    with its proxy and SSL settings, the progress shown and Cancel heard by ``feedback``."""
    def fetch(url: str, path: str) -> None:
        feedback.pushInfo(QCoreApplication.translate(
            "SceneClassifierAlgorithm", "Downloading {} through QGIS's network settings…"
        ).format(url))
        request = QgsBlockingNetworkRequest()
        code = request.get(QNetworkRequest(QUrl(url)), True, feedback)
        if feedback.isCanceled():
            raise Cancelled()
        if code != QgsBlockingNetworkRequest.ErrorCode.NoError:
            raise OSError(request.errorMessage())
        with open(path, "wb") as file:
            file.write(bytes(request.reply().content()))

    return fetch


def layer_credentials(layer: QgsRasterLayer, name: str) -> AbstractContextManager:
    """A ``with`` block during which reads of a web layer send the user name and password of
    its QGIS authentication configuration (Basic) to the layer's server; a layer without one
    needs nothing. Other methods (PKI, OAuth2, …) are refused with a message: GDAL reads
    the pixels, and QGIS gives it only Basic credentials."""
    from ..core.sources.credentials import basic_credentials

    fields = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    authcfg = str(fields.get("authcfg") or "")
    if not authcfg:
        return nullcontext()
    config = QgsAuthMethodConfig()
    manager = QgsApplication.authManager()
    if not manager.loadAuthenticationConfig(authcfg, config, True) or not config.isValid(True):
        raise QgsProcessingException(QCoreApplication.translate(
            "SceneClassifierAlgorithm",
            "{} '{}' uses the QGIS authentication configuration {}, which QGIS cannot open "
            "here: check that it exists (Settings ▸ Options ▸ Authentication) and that the "
            "master password is set.").format(name, layer.name(), authcfg))
    if config.method() != "Basic":
        raise QgsProcessingException(QCoreApplication.translate(
            "SceneClassifierAlgorithm",
            "{} '{}' uses a QGIS authentication configuration of method '{}'; Scene "
            "Classifier reads web layers through GDAL, which takes a user name and password "
            "(method 'Basic') only. Use a Basic configuration, or save the layer to a GeoTIFF "
            "first (Raster ▸ Conversion ▸ Translate).").format(name, layer.name(),
                                                               config.method()))
    url = str(fields.get("url") or "")
    return basic_credentials(url, config.config("username"), config.config("password"))
