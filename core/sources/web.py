"""Rasters that are not local files, named as GDAL opens them, so that one read path (GDAL's
own drivers) serves every front end: a Cloud-Optimized GeoTIFF over HTTP(S) (``/vsicurl/``),
an asset of a STAC item (a ``.json`` file or URL), XYZ/TMS tiles, a WMS GetMap URL and a
WMTS (as documents of core.sources.services, with a tile cache on disk) and GDAL's other
names (``<GDAL_WMS>`` XML, any ``/vsi…`` path), which pass as they are.

Network reads go through GDAL's HTTP client with the settings of ``network_options``: a
User-Agent naming the plugin, retries with backoff on timeouts and HTTP 429/5xx, bounded
connections per host.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from ..errors import DataError, setting, tr
from .credentials import redact
from .services import USER_AGENT, XYZ_MAX_ZOOM, wms_document, wmts_document, xyz_document

STAC_ASSET_KEYS = ("visual", "rgb", "image", "data")  # the default asset, first found
_XYZ_FIELD = re.compile(r"\{(-?y|x|z)\}")


def network_options() -> dict[str, str]:
    """GDAL configuration for network reads (a user's own settings win: only options not
    already set are given). Only HTTP options: they are process-wide, and QGIS reads local
    files with the same GDAL (an option such as GDAL_DISABLE_READDIR_ON_OPEN would hide
    every local raster's .aux.xml and overviews from it)."""
    from osgeo import gdal

    wanted = {"GDAL_HTTP_USERAGENT": USER_AGENT, "GDAL_HTTP_MAX_RETRY": "4",
              "GDAL_HTTP_RETRY_DELAY": "1", "GDAL_HTTP_TIMEOUT": "60"}
    return {key: value for key, value in wanted.items() if gdal.GetConfigOption(key) is None}


def configure_network() -> None:
    """Apply ``network_options`` for this process (idempotent)."""
    from osgeo import gdal

    for key, value in network_options().items():
        gdal.SetConfigOption(key, value)


def is_url(text: str) -> bool:
    """Whether ``text`` is an HTTP(S) URL."""
    return urlsplit(text).scheme in ("http", "https")


def names_no_file(text: str) -> bool:
    """Whether a raster given as text is not a local path, so it cannot be checked to
    exist before GDAL opens it: a URL, a GDAL virtual path (/vsi…), a driver's connection
    string (WMS:, WMTS:, a GDAL_WMS document) or QGIS's XYZ source."""
    return (is_url(text) or text.startswith(("/vsi", "<GDAL_WMS>", "<GDAL_WMTS>"))
            or "type=xyz" in text
            or re.match(r"[A-Z][A-Z0-9_]+:", text) is not None)


def is_remote(name: str) -> bool:
    """Whether reading ``name`` (as gdal_name gives it) goes over the network."""
    return name.startswith(("/vsicurl", "WMS:", "WMTS:", "<GDAL_WMS>", "<GDAL_WMTS>")) \
        or is_url(name)


def gdal_name(source: str, cache_folder: str | None = None, asset: str = "") -> str:
    """What GDAL opens for a raster given as text: a local file or any GDAL name as it is;
    ``https://…`` as ``/vsicurl/https://…``; a STAC item (``item.json`` or its URL) as its
    asset (``asset``, or one named after ``#``, else its visual one); an XYZ template
    (``{z}/{x}/{y}``, or QGIS's ``type=xyz&url=…``), a WMS GetMap URL (``WMS:…``) or a
    WMTS (``WMTS:…``) as a GDAL_WMS or GDAL_WMTS document (tiles cached in
    ``cache_folder``)."""
    source = source.strip()
    xyz = _xyz_template(source)
    if xyz is not None:
        return xyz_document(*xyz, cache_folder=cache_folder)
    if source.startswith("WMS:"):
        return wms_document(source[len("WMS:"):], cache_folder) or source
    if source.startswith("WMTS:"):
        return wmts_document(source, cache_folder)
    base, _, fragment = source.partition("#")
    if is_stac_item(base):
        return gdal_name(stac_asset(base, asset or fragment or None))
    if asset:
        raise DataError(tr("{} '{}' is given, but {} is not a STAC item (a .json file "
                           "or URL): leave it empty for other rasters.").format(
                            setting('stac_asset'), asset, source))
    if is_url(source):
        return "/vsicurl/" + source
    return source


def is_stac_item(source: str) -> bool:
    """Whether a raster given as text names a STAC item (a .json file or URL)."""
    path = urlsplit(source).path if is_url(source) else source
    return path.lower().endswith(".json")


def stac_asset(item_source: str, key: str | None = None) -> str:
    """The href of a STAC item's asset (``key``, else the first of STAC_ASSET_KEYS it has,
    else its only GeoTIFF asset), resolved against the item's own location."""
    item = _read_json(item_source)
    assets = item.get("assets") if isinstance(item, dict) else None
    if not isinstance(assets, dict) or not assets or item.get("type") != "Feature":
        raise DataError(tr("{} is not a STAC item (a GeoJSON Feature with assets); give "
                           "the item's .json, or the raster itself.").format(item_source))
    rasters = [name for name, asset in assets.items()
               if isinstance(asset, dict) and "tif" in str(asset.get("type", "")).lower()]
    if key is None:
        key = next((k for k in STAC_ASSET_KEYS if k in assets), None) or (
            rasters[0] if len(rasters) == 1 else None)
    if key not in assets or not isinstance(assets[key], dict) or "href" not in assets[key]:
        choice = f"asset '{key}' is not in it" if key else "which asset to read is unclear"
        raise DataError(tr("STAC item {}: {}. Its assets: {}. Name one after '#', e.g. "
                           "{}#{}.").format(
                            item_source, choice, ', '.join(sorted(assets)), item_source,
                            sorted(assets)[0]))
    href = str(assets[key]["href"])
    if is_url(href) or os.path.isabs(href):
        return href
    if is_url(item_source):
        return urljoin(item_source, href)
    return os.path.join(os.path.dirname(os.path.abspath(item_source)), href)


def _read_json(source: str) -> dict:
    """A JSON document from a file or an HTTP(S) URL (GDAL's HTTP client: one network
    stack, its proxy and retry settings)."""
    from osgeo import gdal

    configure_network()
    name = "/vsicurl/" + source if is_url(source) else source
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        handle = gdal.VSIFOpenL(name, "rb")
        if handle is None:
            reason = redact(gdal.GetLastErrorMsg()) or "not found"
            raise DataError(tr("Cannot read {}: {}.").format(source, reason))
        try:
            stat = gdal.VSIStatL(name)
            data = gdal.VSIFReadL(1, min(stat.size if stat else 1 << 24, 1 << 24), handle)
        finally:
            gdal.VSIFCloseL(handle)
    finally:
        gdal.PopErrorHandler()
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise DataError(tr("{} is not JSON ({}).").format(source, error)) from error


def _xyz_template(source: str) -> tuple[str, int] | None:
    """(URL template, maximum zoom) of an XYZ source: QGIS's ``type=xyz&url=…&zmax=…`` or a
    URL with {x}, {y} (or {-y}) and {z}."""
    if "type=xyz" in source and not is_url(source):
        fields = dict(parse_qsl(source, keep_blank_values=True))
        if fields.get("type") == "xyz" and fields.get("url"):
            return fields["url"], int(fields.get("zmax") or XYZ_MAX_ZOOM)
        return None
    found = set(_XYZ_FIELD.findall(unquote(source)))
    if is_url(source) and {"x", "z"} <= found and found & {"y", "-y"}:
        return unquote(source), XYZ_MAX_ZOOM
    return None


def tile_cache_folder() -> str:
    """Where tiles are cached between runs: the user's cache folder (XDG_CACHE_HOME, else
    ~/.cache), scene_classifier/tiles."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scene_classifier", "tiles")
