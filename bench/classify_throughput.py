"""Classification throughput: the product against the model-only limit and a naive loop.

In one run, the median of --rounds alternating rounds (so that drifts in the machine's speed
hit all three alike), features/s of
  (a) the product end to end: RasterClassifier.classify over point WKBs (geometry parsing,
      windows, threaded GDAL reads, batches on the model, results in input order),
  (b) the same model on the same chips already in memory, batched (the model-only limit),
  (c) a naive per-feature loop: one GDAL read and a batch of one per feature.
The raster is a VRT of at least 100,000 x 100,000 px that repeats a real tile. With --scale N
the product also classifies N features, and the peak memory (RSS) is reported. With --engine
onnxruntime, (a) and (b) run on the package's ONNX copy in onnxruntime, and (a) also runs on
PyTorch in the same rounds, to compare the engines end to end. With --web, the product
instead classifies the real tile over web sources on a loopback HTTP server (127.0.0.1,
tests/loopback.py): XYZ tiles pre-rendered at zoom 17 and a Cloud-Optimized GeoTIFF, each as
a ratio of the same run over the same imagery as a local file, with an empty tile cache
(cold) and again with the tiles of the previous run cached (warm).

    .venv/bin/python bench/classify_throughput.py --web --features 2000

    .venv/bin/python bench/classify_throughput.py --device cpu --features 10000 \\
        --scale 1000000
Last line: ratio_vs_model_only=X ratio_vs_naive=Y
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.data.normalization import Normalization  # noqa: E402
from core.inference.classifier import ClassifyOptions, RasterClassifier  # noqa: E402
from core.models.backbones import create_model  # noqa: E402
from core.packages.definition import model_definition  # noqa: E402
from core.packages.onnx_copy import export_onnx  # noqa: E402
from core.packages.write import save_package  # noqa: E402
from core.sources.geometry import GeometryReader  # noqa: E402
from core.sources.raster import ChipReader  # noqa: E402

TILE = ROOT / "resources" / "sample" / "massachusetts" / "massachusetts_22978945_15.tif"
REPEATS_PER_LEVEL = 10


def mosaic_vrt(tile: Path, folder: Path, min_size: int) -> Path:
    """A VRT of at least min_size x min_size px: the tile repeated 10 x 10 in a level-1 VRT,
    which is repeated again (nested, so no VRT lists thousands of sources)."""
    from osgeo import gdal

    source = gdal.Open(str(tile))
    level1 = _repeat_vrt(source, str(tile.resolve()), REPEATS_PER_LEVEL, REPEATS_PER_LEVEL,
                         folder / "level1.vrt")
    inner = gdal.Open(str(level1))
    columns = -(-min_size // inner.RasterXSize)
    rows = -(-min_size // inner.RasterYSize)
    return _repeat_vrt(inner, str(level1), columns, rows, folder / "mosaic.vrt")


def _repeat_vrt(source, path: str, columns: int, rows: int, out: Path) -> Path:
    from osgeo import gdal

    width, height = source.RasterXSize, source.RasterYSize
    transform = source.GetGeoTransform()
    band = source.GetRasterBand(1)
    block_x, block_y = band.GetBlockSize()
    data_type = gdal.GetDataTypeName(band.DataType)
    nodata = band.GetNoDataValue()
    lines = [f'<VRTDataset rasterXSize="{width * columns}" rasterYSize="{height * rows}">',
             f"<SRS>{escape(source.GetProjection())}</SRS>",
             f"<GeoTransform>{', '.join(repr(v) for v in transform)}</GeoTransform>"]
    for number in range(1, source.RasterCount + 1):
        lines.append(f'<VRTRasterBand dataType="{data_type}" band="{number}">')
        if nodata is not None:
            lines.append(f"<NoDataValue>{nodata}</NoDataValue>")
        for row in range(rows):
            for column in range(columns):
                lines.append(
                    f'<SimpleSource><SourceFilename relativeToVRT="0">{escape(path)}'
                    f"</SourceFilename><SourceBand>{number}</SourceBand>"
                    f'<SourceProperties RasterXSize="{width}" RasterYSize="{height}" '
                    f'DataType="{data_type}" BlockXSize="{block_x}" BlockYSize="{block_y}"/>'
                    f'<SrcRect xOff="0" yOff="0" xSize="{width}" ySize="{height}"/>'
                    f'<DstRect xOff="{column * width}" yOff="{row * height}" xSize="{width}" '
                    f'ySize="{height}"/></SimpleSource>')
        lines.append("</VRTRasterBand>")
    lines.append("</VRTDataset>")
    out.write_text("\n".join(lines))
    return out


def untrained_package(folder: Path, backbone: str, chip_size: int) -> str:
    """A package with random weights: throughput does not depend on what the model learnt."""
    import torch

    torch.manual_seed(0)
    classes = [f"class{i}" for i in range(7)]
    network = create_model(backbone, len(classes))
    state = network.state_dict()
    definition = model_definition(
        name="bench", backbone=backbone, classes=classes, chip_size=chip_size, band_count=3,
        data_type="uint8", normalization=Normalization.imagenet(), learning_rate=0.0,
        epochs_run=0, best_epoch=0, best_accuracy=0.0, per_class=[],
        data_summary={"folders": [], "class_counts": {}, "train_count": 0, "valid_count": 0})
    return save_package(str(folder), "bench", state, definition, overwrite=True,
                        write_onnx=lambda path: export_onnx(network, 3, chip_size, path)).definition


def random_points(raster: str, count: int, margin_px: int, seed: int) -> Iterator[bytes]:
    """Uniform random points at least margin_px inside the raster, as WKB, made as needed."""
    import struct

    from osgeo import gdal

    dataset = gdal.Open(raster)
    x0, res_x, _, y0, _, res_y = dataset.GetGeoTransform()
    rng = np.random.default_rng(seed)
    for start in range(0, count, 10_000):
        size = min(10_000, count - start)
        columns = rng.uniform(margin_px, dataset.RasterXSize - margin_px, size)
        rows = rng.uniform(margin_px, dataset.RasterYSize - margin_px, size)
        for column, row in zip(columns, rows):
            yield struct.pack("<BIdd", 1, 1, x0 + column * res_x, y0 + row * res_y)


def product(model: str, raster: str, points: Iterable[bytes], total: int,
            options: ClassifyOptions) -> float:
    """(a) features/s of the product end to end (points are streamed, not held)."""
    classifier = RasterClassifier(model, raster, options)
    started = time.perf_counter()
    count = sum(1 for _ in classifier.classify(points, total))
    return count / (time.perf_counter() - started)


def model_only(model: str, raster: str, points: list[bytes], options: ClassifyOptions) -> float:
    """(b) features/s of the same predictor on the same chips already in memory."""
    classifier = RasterClassifier(model, raster, options)
    reader = ChipReader(classifier.source, classifier.settings)
    geometries = GeometryReader()
    footprints = [geometries.footprint(p) for p in points]
    windows = [classifier.source.window(f, classifier.settings) for f in footprints]
    size, bands = classifier.settings.chip_size, len(classifier.settings.bands)
    chips = np.empty((len(points), bands, size, size), np.uint8)
    reader.read_chips(windows, footprints, chips)
    predictor = classifier.predictor
    predictor.probabilities(chips[:predictor.batch_size])  # warm-up
    started = time.perf_counter()
    for start in range(0, len(chips), predictor.batch_size):
        predictor.probabilities(chips[start:start + predictor.batch_size])
    return len(chips) / (time.perf_counter() - started)


def naive(model: str, raster: str, points: list[bytes], device: str) -> float:
    """(c) features/s of a per-feature loop: GDAL read, normalise, batch of one."""
    import struct

    import torch
    from osgeo import gdal

    from core.packages.read import load_package

    package = load_package(model)
    network = package.build_model().to(device)
    normalization = package.normalization
    size = package.chip_size
    dataset = gdal.Open(raster)
    x0, res_x, _, y0, _, res_y = dataset.GetGeoTransform()
    started = time.perf_counter()
    with torch.inference_mode():
        for point in points:
            _, _, x, y = struct.unpack("<BIdd", point)
            column, row = round((x - x0) / res_x - size / 2), round((y - y0) / res_y - size / 2)
            chip = dataset.ReadAsArray(column, row, size, size, band_list=[1, 2, 3])
            batch = normalization.apply(torch.from_numpy(chip)[None].float().to(device))
            int(torch.softmax(network(batch), dim=1).argmax())
    return len(points) / (time.perf_counter() - started)


def xyz_tiles(tile: Path, folder: Path, zoom: int) -> Path:
    """The tile warped to EPSG:3857 on the grid of XYZ zoom ``zoom`` (the local file) and cut
    into 256 px PNG tiles under ``folder``/tiles/<zoom>/<x>/<y>.png (what a tile server
    holds); returns the local file."""
    from osgeo import gdal

    half = 20037508.342789244
    size = 2 * half / 2 ** zoom  # a tile's side in metres
    local = folder / f"zoom{zoom}.tif"
    warped = gdal.Warp(str(local), str(tile), dstSRS="EPSG:3857", xRes=size / 256,
                       yRes=size / 256, targetAlignedPixels=True, resampleAlg="average")
    x0, res, _, y0, _, _ = warped.GetGeoTransform()
    first_x, first_y = round((x0 + half) / size * 256), round((half - y0) / size * 256)
    for row in range(-(first_y % 256), warped.RasterYSize, 256):
        for column in range(-(first_x % 256), warped.RasterXSize, 256):
            x, y = (first_x + column) // 256, (first_y + row) // 256
            out = folder / "tiles" / str(zoom) / str(x) / f"{y}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            gdal.Translate(str(out), warped, format="PNG", srcWin=[column, row, 256, 256])
    return local


def web_ratios(model: str, tile: Path, workdir: Path, options: ClassifyOptions,
               chip_size: int, features: int, rounds: int) -> None:
    """Features/s over XYZ tiles and a COG served on 127.0.0.1 against the same imagery as a
    local file, cold (empty tile cache) and warm (the tiles of the run before cached)."""
    import shutil

    from osgeo import gdal

    sys.path.insert(0, str(ROOT / "tests"))
    from loopback import Loopback

    web = workdir / "web"
    shutil.rmtree(web, ignore_errors=True)
    web.mkdir(parents=True)
    zoom = 17
    local_tiles = xyz_tiles(tile, web, zoom)
    gdal.Translate(str(web / "photo.tif"), str(tile), format="COG")
    cell = (2 * 20037508.342789244 / 2 ** zoom) / 256
    with Loopback(web) as server:
        sources = {"xyz": (str(local_tiles), f"{server.url}/tiles/{{z}}/{{x}}/{{y}}.png",
                           replace(options, cell_size=cell)),
                   "cog": (str(web / "photo.tif"), f"{server.url}/photo.tif", options)}
        for name, (local, remote, chosen) in sources.items():
            points = list(random_points(local, features, chip_size, seed=3))
            rates: dict[str, list[float]] = {"local": [], "cold": [], "warm": []}
            for number in range(rounds):
                cache = web / f"cache-{name}-{number}"
                os.environ["XDG_CACHE_HOME"] = str(cache)  # an empty tile cache: cold
                gdal.VSICurlClearCache()
                rates["local"].append(product(model, local, points, len(points), chosen))
                rates["cold"].append(product(model, remote, points, len(points), chosen))
                rates["warm"].append(product(model, remote, points, len(points), chosen))
            local_rate, cold, warm = (statistics.median(rates[k]) for k in rates)
            print(f"{name}: local file {local_rate:8.1f}, web cold {cold:8.1f}, web warm "
                  f"{warm:8.1f} features/s ({features} points; rounds: local "
                  f"{_listed(rates['local'])}, cold {_listed(rates['cold'])}, warm "
                  f"{_listed(rates['warm'])})")
            print(f"{name}: ratio_cold={cold / local_rate:.3f} ratio_warm={warm / local_rate:.3f}")


def _listed(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--backbone", default="resnet18")
    parser.add_argument("--chip-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--engine", default="torch", choices=("torch", "onnxruntime"),
                        help="what runs (a) and (b); onnxruntime also times (a) on torch")
    parser.add_argument("--features", type=int, default=10_000,
                        help="features for (a) and (b)")
    parser.add_argument("--naive-features", type=int, default=500,
                        help="features for the naive loop (c)")
    parser.add_argument("--scale", type=int, default=0,
                        help="also classify this many features (e.g. 1000000) and report RSS")
    parser.add_argument("--rounds", type=int, default=5,
                        help="(a), (b) and (c) run alternately this many times; the median of "
                             "each is reported")
    parser.add_argument("--min-size", type=int, default=100_000, help="VRT side in pixels")
    parser.add_argument("--tile", default=str(TILE))
    parser.add_argument("--workdir", default=str(ROOT / "bench" / "output"))
    parser.add_argument("--web", action="store_true",
                        help="time web sources (XYZ, COG on 127.0.0.1) against local files")
    args = parser.parse_args()

    import torch

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    raster = str(mosaic_vrt(Path(args.tile), workdir, args.min_size))
    model = untrained_package(workdir, args.backbone, args.chip_size)
    from osgeo import gdal

    mosaic = gdal.Open(raster)
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, torch "
          f"{torch.__version__} ({torch.get_num_threads()} threads), GDAL {gdal.__version__}")
    if args.device == "cuda":
        print(f"GPU: {torch.cuda.get_device_name(0)}")
    print(f"raster: {mosaic.RasterXSize} x {mosaic.RasterYSize} px VRT repeating {args.tile}")
    print(f"model: {args.backbone}, {args.chip_size} px chips, batch {args.batch_size}, "
          f"device {args.device}")
    options = ClassifyOptions(batch_size=args.batch_size, device=args.device,
                              engine=args.engine)
    if args.web:
        web_ratios(model, Path(args.tile), workdir, options, args.chip_size, args.features,
                   args.rounds)
        return
    points = list(random_points(raster, args.features, args.chip_size, seed=1))
    print(f"engine: {RasterClassifier(model, raster, options).predictor.engine.describe()}")

    rates: dict[str, list[float]] = {"a": [], "b": [], "c": [], "t": []}
    for _ in range(args.rounds):  # alternating, so drifts in machine speed hit all three
        rates["a"].append(product(model, raster, points, len(points), options))
        if args.engine == "onnxruntime":
            rates["t"].append(product(model, raster, points, len(points),
                                      replace(options, engine="torch")))
        rates["b"].append(model_only(model, raster, points, options))
        rates["c"].append(naive(model, raster, points[:args.naive_features], args.device))
    rate_a, rate_b, rate_c = (statistics.median(rates[key]) for key in "abc")
    print(f"(a) product end to end:        {rate_a:10.1f} features/s ({args.features} points; "
          f"rounds: {_listed(rates['a'])})")
    print(f"(b) model only, chips in RAM:  {rate_b:10.1f} features/s (rounds: "
          f"{_listed(rates['b'])})")
    print(f"(c) naive per-feature loop:    {rate_c:10.1f} features/s ({args.naive_features} "
          f"points; rounds: {_listed(rates['c'])})")
    if rates["t"]:
        rate_t = statistics.median(rates["t"])
        print(f"(a) on PyTorch instead:        {rate_t:10.1f} features/s (rounds: "
              f"{_listed(rates['t'])}); onnxruntime / PyTorch = {rate_a / rate_t:.2f}")
    print(f"peak RSS so far: {peak_rss_mib():.0f} MiB")
    if args.scale:
        many = random_points(raster, args.scale, args.chip_size, seed=2)
        rate = product(model, raster, many, args.scale, options)
        print(f"scale: {args.scale} points: {rate:.1f} features/s (vs {rate_a:.1f} at "
              f"{args.features}); peak RSS {peak_rss_mib():.0f} MiB")
    print(f"ratio_vs_model_only={rate_a / rate_b:.3f} ratio_vs_naive={rate_a / rate_c:.2f}")


if __name__ == "__main__":
    main()
