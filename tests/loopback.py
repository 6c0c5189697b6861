"""A web server for tests, on the loopback interface only and stopped within bounded time:
files with HTTP Range requests (as a COG needs), XYZ tiles cut on request from a local
raster, and faults on demand (an HTTP status, or a slow answer); optionally HTTP Basic
authentication in front of all of it, and a path forwarded to another loopback server."""

from __future__ import annotations

import base64
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

LIFETIME_S = 600  # the server stops by itself after this, whatever the test does
HALF = 20037508.342789244


class _Bounded:
    """A server on 127.0.0.1 (``self.server``, a socketserver) that serves in a thread for
    the ``with`` block and stops by itself after LIFETIME_S whatever the test does."""

    server: object

    def _bound(self) -> None:
        self._timer = threading.Timer(LIFETIME_S, self.server.shutdown)

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._timer.start()
        return self

    def __exit__(self, *_) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()


class Loopback(_Bounded):
    """``with Loopback(folder, tiles_from=raster) as server:`` serves ``folder`` at
    ``server.url`` and, with ``tiles_from``, XYZ tiles at ``server.url + "/tiles/{z}/{x}/{y}.png"``
    and the same tiles as a RESTful WMTS (layer ``photo``, tile matrix set
    ``GoogleMapsCompatible``) at ``server.url + "/wmts/WMTSCapabilities.xml"``.
    ``server.status = 500`` makes every request fail, ``server.fail_after = n`` every one after
    the n-th; ``server.delay_s`` slows each answer;
    ``server.requests`` counts the requests answered. Asked as a proxy (CONNECT host:port,
    or GET of an absolute URL), it records the target in ``server.proxied`` and refuses
    (403): it never forwards anything. ``server.basic_auth = (user, password)`` answers 401
    to any request without them; ``upstream`` (a URL on 127.0.0.1) answers what is under
    ``/upstream/`` (e.g. QGIS Server behind a password)."""

    def __init__(self, folder: Path, tiles_from: Path | None = None,
                 upstream: str | None = None) -> None:
        assert upstream is None or upstream.startswith("http://127.0.0.1:")
        self.folder, self.tiles_from, self.upstream = Path(folder), tiles_from, upstream
        self.basic_auth: tuple[str, str] | None = None
        self.refused = 0  # requests answered 401
        self.status, self.delay_s, self.requests = 200, 0.0, 0
        self.fail_after: int | None = None  # answer 500 once this many requests were served
        self.proxied: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._bound()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_) -> None:  # quiet
                pass

            def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
                self._answer(head=True)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.startswith(("http://", "https://")):
                    self.do_CONNECT()
                    return
                self._answer(head=False)

            def do_CONNECT(self) -> None:  # noqa: N802
                owner.proxied.append(self.path)
                self.send_error(403, "This test proxy forwards nothing")

            def _answer(self, head: bool) -> None:
                owner.requests += 1
                if owner.delay_s:
                    time.sleep(owner.delay_s)
                if owner.fail_after is not None and owner.requests > owner.fail_after:
                    self.send_error(500)  # the server stops working mid-run
                    return
                if owner.status != 200:
                    self.send_error(owner.status)
                    return
                if owner.basic_auth and self.headers.get("Authorization") != "Basic " + \
                        base64.b64encode(":".join(owner.basic_auth).encode()).decode():
                    owner.refused += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path = self.path.split("?")[0]
                if path.startswith("/upstream/") and owner.upstream:
                    body = owner.forward(self.path[len("/upstream/"):])
                elif path.startswith("/tiles/") and owner.tiles_from:
                    body = owner.tile(path)
                elif path == "/wmts/WMTSCapabilities.xml" and owner.tiles_from:
                    body = owner.wmts_capabilities()
                else:
                    body = owner.file(path)
                if body is None:
                    self.send_error(404)
                    return
                start, end = 0, len(body) - 1
                ranged = self.headers.get("Range", "")
                if ranged.startswith("bytes="):
                    first, _, last = ranged[6:].partition("-")
                    start, end = int(first), min(int(last) if last else end, end)
                self.send_response(206 if ranged else 200)
                self.send_header("Content-Length", str(end - start + 1))
                self.send_header("Accept-Ranges", "bytes")
                if ranged:
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
                self.end_headers()
                if not head:
                    self.wfile.write(body[start:end + 1])

        return Handler

    def forward(self, rest: str) -> bytes | None:
        """What ``upstream`` answers for ``rest`` (its links to itself pointed back here)."""
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            body = no_proxy.open(self.upstream + rest, timeout=60).read()
        except OSError:
            return None
        return body.replace(self.upstream.encode(), f"{self.url}/upstream/".encode())

    def file(self, path: str) -> bytes | None:
        file = (self.folder / path.lstrip("/")).resolve()
        if file.is_dir():  # a folder answers with its index.html, as web servers do
            file = file / "index.html"
        if self.folder.resolve() not in file.parents or not file.is_file():
            return None
        return file.read_bytes()

    def wmts_capabilities(self) -> bytes:
        """A WMTS 1.0.0 GetCapabilities document: the XYZ tiles (zoom 0 to 19) as layer
        ``photo`` in the standard web-mercator tile matrix set, bounded by ``tiles_from``."""
        from osgeo import gdal

        info = gdal.Info(str(self.tiles_from), format="json")["wgs84Extent"]["coordinates"][0]
        west, east = min(p[0] for p in info), max(p[0] for p in info)
        south, north = min(p[1] for p in info), max(p[1] for p in info)
        matrices = "".join(
            f"<TileMatrix><ows:Identifier>{z}</ows:Identifier>"
            f"<ScaleDenominator>{559082264.0287178 / 2 ** z!r}</ScaleDenominator>"
            f"<TopLeftCorner>{-HALF!r} {HALF!r}</TopLeftCorner><TileWidth>256</TileWidth>"
            f"<TileHeight>256</TileHeight><MatrixWidth>{2 ** z}</MatrixWidth>"
            f"<MatrixHeight>{2 ** z}</MatrixHeight></TileMatrix>" for z in range(20))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><Capabilities '
            'xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1" '
            'version="1.0.0"><Contents><Layer><ows:Title>photo</ows:Title>'
            f"<ows:WGS84BoundingBox><ows:LowerCorner>{west} {south}</ows:LowerCorner>"
            f"<ows:UpperCorner>{east} {north}</ows:UpperCorner></ows:WGS84BoundingBox>"
            "<ows:Identifier>photo</ows:Identifier><Style isDefault=\"true\">"
            "<ows:Identifier>default</ows:Identifier></Style><Format>image/png</Format>"
            "<TileMatrixSetLink><TileMatrixSet>GoogleMapsCompatible</TileMatrixSet>"
            "</TileMatrixSetLink><ResourceURL format=\"image/png\" resourceType=\"tile\" "
            f'template="{self.url}/tiles/{{TileMatrix}}/{{TileCol}}/{{TileRow}}.png"/>'
            "</Layer><TileMatrixSet><ows:Identifier>GoogleMapsCompatible</ows:Identifier>"
            "<ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>"
            f"{matrices}</TileMatrixSet></Contents></Capabilities>").encode()

    def tile(self, path: str) -> bytes | None:
        """The XYZ tile z/x/y (EPSG:3857, 256 px PNG) warped from ``tiles_from``."""
        from osgeo import gdal

        try:
            z, x, y = (int(part) for part in path[len("/tiles/"):].split(".")[0].split("/"))
        except ValueError:
            return None
        size = 2 * HALF / 2 ** z
        bounds = (-HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size,
                  HALF - y * size)
        name = f"/vsimem/tile_{threading.get_ident()}_{z}_{x}_{y}"
        gdal.Warp(name + ".tif", str(self.tiles_from), dstSRS="EPSG:3857",
                  outputBounds=bounds, width=256, height=256, resampleAlg="average",
                  dstAlpha=False)
        gdal.Translate(name + ".png", name + ".tif", format="PNG")
        handle = gdal.VSIFOpenL(name + ".png", "rb")
        data = gdal.VSIFReadL(1, gdal.VSIStatL(name + ".png").size, handle)
        gdal.VSIFCloseL(handle)
        gdal.Unlink(name + ".tif")
        gdal.Unlink(name + ".png")
        return data



class SocksRecorder(_Bounded):
    """``with SocksRecorder() as proxy:`` a SOCKS5 proxy on 127.0.0.1 at ``proxy.port`` that
    records each CONNECT's target (``proxy.targets``, 'host:port') and refuses it (rule set
    failure): it never connects anywhere. Stops by itself after LIFETIME_S."""

    def __init__(self) -> None:
        import socketserver

        owner = self
        self.targets: list[str] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                connection = self.request
                connection.settimeout(10)
                _, methods = connection.recv(2)
                connection.recv(methods)
                connection.sendall(b"\x05\x00")  # no authentication
                _, command, _, kind = connection.recv(4)
                if kind == 3:  # a domain name
                    host = connection.recv(connection.recv(1)[0]).decode()
                else:
                    raw = connection.recv(4 if kind == 1 else 16)
                    host = ".".join(map(str, raw)) if kind == 1 else raw.hex()
                port = int.from_bytes(connection.recv(2), "big")
                if command == 1:
                    owner.targets.append(f"{host}:{port}")
                connection.sendall(b"\x05\x02\x00\x01" + bytes(6))  # not allowed by rule set

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._bound()
