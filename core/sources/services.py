"""Tile and map services as the documents GDAL's WMS and WMTS drivers open: XYZ/TMS tiles
(``{z}/{x}/{y}`` templates), a WMS GetMap URL (GDAL's ``WMS:`` name) and a WMTS (GDAL's
``WMTS:`` name). Every document names the plugin in its User-Agent, bounds connections per
server, caches tiles on disk and carries the server's HTTP Basic credentials while
core.sources.credentials holds them, so that they are never in the name a user sees.

These services have no native pixel: GDAL offers them as a very fine grid with one overview
per zoom level (halving), and reads a cell size from the coarsest level at least as fine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape

from .. import __version__
from ..errors import DataError, tr
from .credentials import user_password

if TYPE_CHECKING:
    from osgeo import gdal

USER_AGENT = f"SceneClassifier/{__version__} (QGIS plugin)"
TILE_DRIVERS = ("WMS", "WMTS")  # tile services: no native pixel, a zoom level per cell size
MAX_CONNECTIONS = 8  # per server
WEB_MERCATOR_HALF = 20037508.342789244  # the XYZ grid's half width in EPSG:3857 metres
XYZ_MAX_ZOOM = 19
WMS_SIZE = 1 << 30  # pixels along the longer side of a WMS layer's extent, as GDAL does
WMS_LEVELS = 20  # overviews, halving: the coarsest has 1024 pixels along the longer side
WMS_KEYS = {"SERVICE", "REQUEST", "VERSION", "LAYERS", "STYLES", "SRS", "CRS", "BBOX",
            "FORMAT", "TRANSPARENT", "WIDTH", "HEIGHT"}


def _common(url: str, cache_folder: str | None) -> str:
    """The elements every document ends with: connections, User-Agent, cache, credentials."""
    pair = user_password(url)
    return (f"<MaxConnections>{MAX_CONNECTIONS}</MaxConnections>"
            f"<UserAgent>{escape(USER_AGENT)}</UserAgent>"
            + ("" if cache_folder is None else
               f"<Cache><Path>{escape(cache_folder)}</Path></Cache>")
            + ("" if pair is None else f"<UserPwd>{escape(pair)}</UserPwd>"))


def xyz_document(template: str, max_zoom: int = XYZ_MAX_ZOOM,
                 cache_folder: str | None = None) -> str:
    """A GDAL_WMS document (TMS minidriver) for XYZ tiles in EPSG:3857: 256 px tiles, one
    overview per zoom level below ``max_zoom``."""
    origin = "bottom" if "{-y}" in template else "top"
    url = template.replace("{-y}", "${y}").replace("{x}", "${x}").replace(
        "{y}", "${y}").replace("{z}", "${z}")
    half = WEB_MERCATOR_HALF
    return (
        "<GDAL_WMS><Service name=\"TMS\"><ServerUrl>" + escape(url) + "</ServerUrl></Service>"
        f"<DataWindow><UpperLeftX>{-half}</UpperLeftX><UpperLeftY>{half}</UpperLeftY>"
        f"<LowerRightX>{half}</LowerRightX><LowerRightY>{-half}</LowerRightY>"
        f"<TileLevel>{int(max_zoom)}</TileLevel><TileCountX>1</TileCountX>"
        f"<TileCountY>1</TileCountY><YOrigin>{origin}</YOrigin></DataWindow>"
        "<Projection>EPSG:3857</Projection><BlockSizeX>256</BlockSizeX>"
        "<BlockSizeY>256</BlockSizeY><BandsCount>3</BandsCount>"
        + _common(template, cache_folder) + "</GDAL_WMS>")


def wms_document(get_map: str, cache_folder: str | None = None) -> str | None:
    """A GDAL_WMS document (WMS minidriver) for a GetMap URL naming LAYERS and BBOX (its
    layer's extent), or None for any other URL (GDAL reads it as it is: a GetCapabilities
    URL lists the service's layers)."""
    base, _, query = get_map.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    fields = {key.upper(): value for key, value in pairs}
    if fields.get("REQUEST", "").lower() != "getmap" or not fields.get("LAYERS") \
            or not fields.get("BBOX"):
        return None
    version = fields.get("VERSION") or "1.1.1"
    crs = fields.get("CRS") or fields.get("SRS") or "EPSG:4326"
    try:
        bbox = [float(value) for value in fields["BBOX"].split(",")]
    except ValueError:
        bbox = []
    if len(bbox) != 4:
        raise DataError(tr("WMS:{}: BBOX must be four numbers (min x, min y, max x, max "
                           "y), got '{}'.").format(get_map, fields['BBOX']))
    order = "xyXY"
    if version >= "1.3" and _northing_first(crs):  # WMS 1.3.0 gives these axes swapped
        order, bbox = "yxYX", [bbox[1], bbox[0], bbox[3], bbox[2]]
    left, bottom, right, top = bbox
    if not (right > left and top > bottom):
        raise DataError(tr("WMS:{}: BBOX is empty or inverted ({}).").format(
                            get_map, fields['BBOX']))
    width, height = right - left, top - bottom
    size_x = WMS_SIZE if width >= height else max(1, round(WMS_SIZE * width / height))
    size_y = WMS_SIZE if height > width else max(1, round(WMS_SIZE * height / width))
    kept = urlencode([(key, value) for key, value in pairs if key.upper() not in WMS_KEYS])
    transparent = fields.get("TRANSPARENT", "").upper() == "TRUE"
    axis = "CRS" if version >= "1.3" else "SRS"
    return (
        f"<GDAL_WMS><Service name=\"WMS\"><Version>{escape(version)}</Version>"
        f"<ServerUrl>{escape(base + '?' + kept)}</ServerUrl>"
        f"<Layers>{escape(fields['LAYERS'])}</Layers>"
        f"<Styles>{escape(fields.get('STYLES', ''))}</Styles>"
        f"<{axis}>{escape(crs)}</{axis}>"
        f"<ImageFormat>{escape(fields.get('FORMAT') or 'image/png')}</ImageFormat>"
        f"<Transparent>{'TRUE' if transparent else 'FALSE'}</Transparent>"
        f"<BBoxOrder>{order}</BBoxOrder></Service>"
        f"<DataWindow><UpperLeftX>{left!r}</UpperLeftX><UpperLeftY>{top!r}</UpperLeftY>"
        f"<LowerRightX>{right!r}</LowerRightX><LowerRightY>{bottom!r}</LowerRightY>"
        f"<SizeX>{size_x}</SizeX><SizeY>{size_y}</SizeY></DataWindow>"
        f"<BandsCount>{4 if transparent else 3}</BandsCount><BlockSizeX>1024</BlockSizeX>"
        f"<BlockSizeY>1024</BlockSizeY><OverviewCount>{WMS_LEVELS}</OverviewCount>"
        + _common(base, cache_folder) + "</GDAL_WMS>")


def wmts_document(name: str, cache_folder: str | None = None) -> str:
    """A GDAL_WMTS document for GDAL's WMTS name (``WMTS:<GetCapabilities URL>[,layer=…]
    [,tilematrixset=…][,style=…][,tilematrix=…|,zoom_level=…]``)."""
    url, *options = name[len("WMTS:"):].split(",")
    chosen = dict(option.partition("=")[::2] for option in options)
    elements = {"layer": "Layer", "style": "Style", "tilematrixset": "TileMatrixSet",
                "tms": "TileMatrixSet", "tilematrix": "TileMatrix", "zoom_level": "ZoomLevel",
                "zoomlevel": "ZoomLevel"}
    unknown = sorted(set(map(str.lower, chosen)) - set(elements))
    if unknown:
        raise DataError(tr("{}: unknown option(s) {}; GDAL's WMTS name takes layer, "
                           "tilematrixset, style, tilematrix or zoom_level.").format(
                            name, ', '.join(unknown)))
    parts = "".join(f"<{elements[key.lower()]}>{escape(value)}</{elements[key.lower()]}>"
                    for key, value in chosen.items())
    return (f"<GDAL_WMTS><GetCapabilitiesUrl>{escape(url)}</GetCapabilitiesUrl>{parts}"
            + _common(url, cache_folder) + "</GDAL_WMTS>")


def _northing_first(crs: str) -> bool:
    """Whether WMS 1.3.0 orders ``crs``'s axes northing (or latitude) first."""
    from osgeo import osr

    reference = osr.SpatialReference()
    if reference.SetFromUserInput(crs) != 0:
        return False
    return bool(reference.EPSGTreatsAsLatLong() or reference.EPSGTreatsAsNorthingEasting())


def is_tile_service(dataset: gdal.Dataset) -> bool:
    """Whether a GDAL dataset is a tile or map service (no native pixel; a zoom level per
    cell size)."""
    return dataset.GetDriver().ShortName in TILE_DRIVERS


def renders_any_scale(gdal_name: str) -> bool:
    """Whether a GDAL name is a WMS (a map service: it renders any scale, its levels are
    GDAL's halvings, not the server's)."""
    return gdal_name.startswith('<GDAL_WMS><Service name="WMS">')


def zoom_levels(dataset: gdal.Dataset) -> list[float]:
    """Cell sizes (map units per pixel) a tile service serves, finest first."""
    band = dataset.GetRasterBand(1)
    full = dataset.GetGeoTransform()[1]
    return [full] + [full * dataset.RasterXSize / band.GetOverview(i).XSize
                     for i in range(band.GetOverviewCount())]


def wms_name(url: str, layers: str, styles: str, crs: str, image_format: str,
             bbox: tuple[float, float, float, float]) -> str:
    """GDAL's name for a WMS layer (a GetMap URL, WMS 1.1.1: axes in x, y order) over
    ``bbox`` (min x, min y, max x, max y in ``crs``), as a QGIS WMS layer gives them."""
    query = urlencode({"SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap",
                       "LAYERS": layers, "STYLES": styles, "SRS": crs,
                       "BBOX": ",".join(repr(float(value)) for value in bbox),
                       "FORMAT": image_format or "image/png"}, safe=",:/")
    return "WMS:" + _with_query(url, query)


def wmts_name(url: str, layer: str, tile_matrix_set: str, style: str = "") -> str:
    """GDAL's name for a WMTS layer: its GetCapabilities URL (``url`` as QGIS keeps it, the
    KVP request added where it names none) and the layer, tile matrix set and style."""
    fields = {key.upper() for key, _ in parse_qsl(url.partition("?")[2])}
    if "REQUEST" not in fields and not url.lower().split("?")[0].endswith(".xml"):
        url = _with_query(url, "SERVICE=WMTS&REQUEST=GetCapabilities")
    chosen = [("layer", layer), ("tilematrixset", tile_matrix_set), ("style", style)]
    return "WMTS:" + url + "".join(f",{key}={value}" for key, value in chosen if value)


def _with_query(url: str, query: str) -> str:
    """``url`` with ``query`` added to whatever query it has (QGIS keeps service URLs
    ending in '?' or '&' as often as not)."""
    if url.endswith(("?", "&")):
        return url + query
    return url + ("&" if "?" in url else "?") + query
