"""A web server for tests, on the loopback interface only and stopped within bounded time:
files with HTTP Range requests (as a COG needs), XYZ tiles cut on request from a local
raster, and faults on demand (an HTTP status, or a slow answer)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LIFETIME_S = 600  # the server stops by itself after this, whatever the test does
HALF = 20037508.342789244


class Loopback:
    """``with Loopback(folder, tiles_from=raster) as server:`` serves ``folder`` at
    ``server.url`` and, with ``tiles_from``, XYZ tiles at ``server.url + "/tiles/{z}/{x}/{y}.png"``.
    ``server.status = 500`` makes every request fail; ``server.delay_s`` slows each answer;
    ``server.requests`` counts the requests answered. Asked as a proxy (CONNECT host:port,
    or GET of an absolute URL), it records the target in ``server.proxied`` and refuses
    (403): it never forwards anything."""

    def __init__(self, folder: Path, tiles_from: Path | None = None) -> None:
        self.folder, self.tiles_from = Path(folder), tiles_from
        self.status, self.delay_s, self.requests = 200, 0.0, 0
        self.proxied: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._timer = threading.Timer(LIFETIME_S, self.server.shutdown)

    def __enter__(self) -> Loopback:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._timer.start()
        return self

    def __exit__(self, *_) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

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
                if owner.status != 200:
                    self.send_error(owner.status)
                    return
                path = self.path.split("?")[0]
                body = owner.tile(path) if path.startswith("/tiles/") else owner.file(path)
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

    def file(self, path: str) -> bytes | None:
        file = (self.folder / path.lstrip("/")).resolve()
        if file.is_dir():  # a folder answers with its index.html, as web servers do
            file = file / "index.html"
        if self.folder.resolve() not in file.parents or not file.is_file():
            return None
        return file.read_bytes()

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

