"""QGIS's proxy (Settings ▸ Options ▸ Network) for what core fetches itself: Python's urllib
(pretrained weights) and GDAL's HTTP client (web rasters) read the proxy from the
environment, so a run gets QGIS's proxy there for its duration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from qgis.core import QgsSettings

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
