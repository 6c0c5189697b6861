"""HTTP Basic credentials for a web raster's server, held in this process's memory only: never
part of a raster's name as messages, logs, reports, ``.emd`` files or ``chips.csv`` show it.

GDAL gets them per server (scheme, host and port): as a path-specific option of its
``/vsicurl/`` client (COGs, STAC items) and, through ``user_password``, in the GDAL_WMS and
GDAL_WMTS documents core.sources.services writes for tile and map services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

_HELD: dict[str, list[str]] = {}  # server ("scheme://host:port/") -> "user:password", last wins


def server_of(url: str) -> str:
    """The server part of an HTTP(S) URL, ``scheme://host:port/``."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/"


@contextmanager
def basic_credentials(url: str, user: str, password: str) -> Iterator[None]:
    """Send ``user`` and ``password`` (HTTP Basic) with every read from ``url``'s server
    during the ``with`` block, and to no other server."""
    server, pair = server_of(url), f"{user}:{password}"
    _HELD.setdefault(server, []).append(pair)
    _tell_vsicurl(server)
    try:
        yield
    finally:
        _HELD[server].remove(pair)
        if not _HELD[server]:
            del _HELD[server]
        _tell_vsicurl(server)


def user_password(url: str) -> str | None:
    """``user:password`` for ``url``'s server while credentials are held for it, else None."""
    held = _HELD.get(server_of(url))
    return held[-1] if held else None


def redact(text: str) -> str:
    """``text`` (e.g. an error message of GDAL's) with every held password replaced by ***."""
    for pairs in _HELD.values():
        for pair in pairs:
            password = pair.partition(":")[2]
            if password:
                text = text.replace(password, "***")
    return text


def _tell_vsicurl(server: str) -> None:
    from osgeo import gdal

    pair = user_password(server)
    prefix = "/vsicurl/" + server
    gdal.SetPathSpecificOption(prefix, "GDAL_HTTP_USERPWD", pair)
    gdal.SetPathSpecificOption(prefix, "GDAL_HTTP_AUTH", "BASIC" if pair else None)
