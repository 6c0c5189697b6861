"""The pictures of the reports and notebooks: chip grids, the learning-rate curve, the epoch
curves, the confusion matrix and class counts.

Drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``, never pyplot, so this
is safe in QGIS worker threads); the report embeds them as base64 PNG. matplotlib is imported
only when a picture is drawn.
"""

from __future__ import annotations

import base64
import io
import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .metrics import Reliability

DPI = 100
MAX_TILES = 64
TEXT_COLOR = "#1f2328"
CORRECT_COLOR = "#1a7f37"
MISTAKE_COLOR = "#cf222e"

# A grid tile: chip, caption lines, caption colour.
Tile = tuple[np.ndarray, list[str], str]


def _figure(**kwargs) -> Figure:
    from ..runtime.dependencies import require_report_libraries

    require_report_libraries()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


Limits = list[tuple[float, float]]  # (low, high) raw values shown as black and white, per band


def display_limits(chips: list[np.ndarray]) -> Limits | None:
    """One stretch for a set of chips: per displayed band, the 2nd and 98th percentiles of
    its finite values over all the chips (so that flat water stays flat and chips can be
    compared). None when the chips are shown as they are (8-bit, 1 or 3 bands)."""
    chips = [np.asarray(chip)[np.newaxis] if np.ndim(chip) == 2 else np.asarray(chip)
             for chip in chips]
    if not chips or all(_shown_as_is(chip) for chip in chips):
        return None
    limits = []
    for band in range(min(3, max(chip.shape[0] for chip in chips))):
        values = np.concatenate([chip[band].ravel() for chip in chips
                                 if chip.shape[0] > band]).astype(np.float64)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            limits.append((0.0, 0.0))
            continue
        low, high = np.percentile(finite, [2, 98])
        if high <= low:
            low, high = finite.min(), finite.max()
        limits.append((float(low), float(high)))
    return limits


def _shown_as_is(chip: np.ndarray) -> bool:
    return chip.dtype == np.uint8 and chip.shape[0] in (1, 3)


def _stretch(band: np.ndarray, low: float, high: float) -> np.ndarray:
    """Raw values from low to high as 0..255; a band with nothing to stretch gives 0."""
    if high <= low:
        return np.zeros(band.shape, dtype=np.uint8)
    band = np.nan_to_num(band.astype(np.float64, copy=False), nan=low, posinf=high, neginf=low)
    return np.round(np.clip((band - low) / (high - low), 0.0, 1.0) * 255.0).astype(np.uint8)


def display_rgb(chip: np.ndarray, limits: Limits | None = None) -> np.ndarray:
    """Chip (bands, height, width), any dtype -> (height, width, 3) uint8 for display.

    uint8 3-band: as is. 1 band: grey. >=3 bands: first three. Non-uint8 or 2/4+ band data:
    stretched by ``limits`` (display_limits; by default those of this chip alone). Two bands
    are shown as (band 1, band 2, mean of both).
    """
    chip = np.asarray(chip)
    if chip.ndim == 2:
        chip = chip[np.newaxis]
    if chip.ndim != 3 or chip.shape[0] == 0:
        raise ValueError(tr("expected a (bands, height, width) chip, got shape {}").format(
                             chip.shape))
    if _shown_as_is(chip):
        bands = [chip[0]] * 3 if chip.shape[0] == 1 else list(chip)
    else:
        limits = limits or display_limits([chip])
        bands = [_stretch(band, *limits[i]) for i, band in enumerate(chip[:3])]
        if len(bands) == 1:
            bands = bands * 3
        elif len(bands) == 2:
            mean = ((bands[0].astype(np.uint16) + bands[1]) // 2).astype(np.uint8)
            bands = [bands[0], bands[1], mean]
    return np.ascontiguousarray(np.stack(bands, axis=-1), dtype=np.uint8)


def _png(fig: Figure) -> str:
    """Render a figure to a base64 PNG string."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _shorten(text: str, width: int) -> str:
    """Cut text to width characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _sample_tiles(samples: list[tuple[np.ndarray, str]]) -> list[Tile]:
    return [(chip, [label], TEXT_COLOR) for chip, label in samples]


def _result_tiles(results: list[tuple[np.ndarray, str, str, float]]) -> list[Tile]:
    """Two caption lines: the actual class, then the predicted one and its confidence."""
    return [(chip, [truth, f"→ {pred} ({conf:.0%})"],
             CORRECT_COLOR if truth == pred else MISTAKE_COLOR)
            for chip, truth, pred, conf in results]


def chip_grid_figure(samples: list[tuple[np.ndarray, str]], ncols: int) -> Figure | None:
    """A figure of (chip, label) tiles (show_batch in notebooks)."""
    return _tile_figure(_sample_tiles(samples), ncols)


def results_figure(results: list[tuple[np.ndarray, str, str, float]]) -> Figure | None:
    """A figure of (chip, truth, predicted, confidence) tiles, mistakes in red."""
    return _tile_figure(_result_tiles(results), math.ceil(math.sqrt(len(results))))


def hard_examples_figure(examples: list[tuple[np.ndarray, str, str, float, np.ndarray]]
                         ) -> Figure | None:
    """Each hard example as two tiles: the chip (truth, then prediction and confidence),
    then the chip with its heatmap over it (where the prediction came from)."""
    limits = display_limits([chip for chip, *_ in examples])
    tiles: list[Tile] = []
    for chip, truth, predicted, confidence, heatmap in examples:
        color = CORRECT_COLOR if truth == predicted else MISTAKE_COLOR
        tiles.append((chip, [truth, f"→ {predicted} ({confidence:.0%})"], color))
        tiles.append((heat_overlay(display_rgb(chip, limits), heatmap),
                      ["where it saw", predicted], color))
    return _tile_figure(tiles, 4)


def hard_examples_png(examples: list[tuple[np.ndarray, str, str, float, np.ndarray]]
                      ) -> str | None:
    """hard_examples_figure as a base64 PNG (None without examples)."""
    return _png_or_none(hard_examples_figure(examples)) if examples else None


def heat_overlay(rgb: np.ndarray, heatmap: np.ndarray, opacity: float = 0.5) -> np.ndarray:
    """A (3, H, W) uint8 tile: the (H, W, 3) display image with the 0..1 heatmap over it in
    the inferno colour map."""
    from ..runtime.dependencies import require_report_libraries

    require_report_libraries()
    from matplotlib import colormaps

    colours = colormaps["inferno"](np.clip(heatmap, 0, 1))[..., :3] * 255
    blended = (1 - opacity) * rgb.astype(np.float64) + opacity * colours
    return np.clip(blended, 0, 255).astype(np.uint8).transpose(2, 0, 1)


def results_png(results: list[tuple[np.ndarray, str, str, float]]) -> str | None:
    """results_figure as a base64 PNG (None without results)."""
    return _png_or_none(results_figure(results))


def samples_png(samples: list[tuple[np.ndarray, str]], ncols: int) -> str | None:
    """chip_grid_figure as a base64 PNG (None without samples)."""
    return _png_or_none(chip_grid_figure(samples, ncols))


def _png_or_none(fig: Figure | None) -> str | None:
    return None if fig is None else _png(fig)


PAGE_WIDTH_IN = 10.2  # what a report page shows at 100 % zoom (1,020 px at DPI)
CAPTION_PT = 10


def _tile_figure(tiles: list[Tile], ncols: int) -> Figure | None:
    """One figure with the chips in a grid, laid out by hand (fast for 64 tiles): as wide
    as a report page, so that captions stay legible (10 pt, one line per caption line,
    shortened with an ellipsis rather than wrapped); all chips in one stretch."""
    tiles = tiles[:MAX_TILES]
    if not tiles:
        return None
    ncols = max(1, min(ncols, len(tiles)))
    nrows = math.ceil(len(tiles) / ncols)
    gap = 0.1
    tile_in = min(2.2, (PAGE_WIDTH_IN - gap) / ncols - gap)
    width = max(6, int(tile_in * 72 / (CAPTION_PT * 0.55)))  # characters over a tile
    lines = max(len(caption) for _, caption, _ in tiles)
    title_in = lines * CAPTION_PT * 1.2 / 72 + 0.06
    cell_w, cell_h = tile_in + gap, tile_in + title_in + gap
    fig_w, fig_h = ncols * cell_w + gap, nrows * cell_h + gap
    fig = _figure(figsize=(fig_w, fig_h), dpi=DPI)
    limits = display_limits([chip for chip, _, _ in tiles])
    for i, (chip, caption, color) in enumerate(tiles):
        row, col = divmod(i, ncols)
        left = gap + col * cell_w
        bottom = fig_h - (row + 1) * cell_h
        ax = fig.add_axes((left / fig_w, bottom / fig_h, tile_in / fig_w, tile_in / fig_h))
        ax.set_axis_off()
        ax.imshow(display_rgb(chip, limits), interpolation="nearest", aspect="auto")
        ax.set_title("\n".join(_shorten(line, width) for line in caption),
                     fontsize=CAPTION_PT, color=color, pad=3, linespacing=1.1)
    return fig


def lr_png(lr_finder: dict) -> str | None:
    """lr_figure as a base64 PNG, or None without a sweep."""
    return _png_or_none(lr_figure(lr_finder))


def lr_figure(lr_finder: dict) -> Figure | None:
    """Loss vs learning rate (log x) with the suggestion marked."""
    lrs = np.asarray(lr_finder.get("lrs") or [], dtype=float)
    losses = np.asarray(lr_finder.get("losses") or [], dtype=float)
    n = min(lrs.size, losses.size)
    if n == 0:
        return None
    lrs, losses = lrs[:n], losses[:n]
    fig = _figure(figsize=(7, 4), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.plot(lrs, losses, color="#0969da", linewidth=1.6)
    ax.set_xscale("log")
    ax.set_ylim(*_useful_loss_range(losses))
    ax.set_xlabel("Learning rate")
    ax.set_ylabel("Loss (smoothed)")
    ax.grid(True, which="both", alpha=0.25)
    suggestion = lr_finder.get("suggestion")
    if suggestion and suggestion > 0 and np.all(lrs > 0):
        order = np.argsort(lrs)
        y = np.interp(np.log10(suggestion), np.log10(lrs[order]), losses[order])
        ax.axvline(suggestion, color="red", linestyle="--", linewidth=1)
        ax.plot([suggestion], [y], "o", color="red", markersize=8,
                label=f"suggested {suggestion:.1e}")
        ax.legend(loc="best")
    return fig


def _useful_loss_range(losses: np.ndarray) -> tuple[float, float]:
    """The y range where the choice is made: from a little below the lowest loss to a
    little above the starting loss, so that the final blow-up does not flatten the curve."""
    finite = losses[np.isfinite(losses)]
    if finite.size == 0:
        return 0.0, 1.0
    start, low = float(np.median(finite[:5])), float(finite.min())
    span = max(start - low, 1e-3 * max(abs(start), 1.0))
    return low - 0.1 * span, start + 0.3 * span


def history_png(history: list[dict]) -> str | None:
    """history_figure as a base64 PNG, or None without epochs."""
    return _png_or_none(history_figure(history))


def history_figure(history: list[dict]) -> Figure | None:
    """Train/valid loss and accuracy vs epoch, side by side."""
    if not history:
        return None
    epochs = [h.get("epoch", i + 1) for i, h in enumerate(history)]
    fig = _figure(figsize=(10, 3.6), dpi=DPI, layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(epochs, [h.get("train_loss", np.nan) for h in history], "o-", label="train")
    loss_ax.plot(epochs, [h.get("valid_loss", np.nan) for h in history], "o-", label="valid")
    loss_ax.set_title("Loss")
    loss_ax.legend()
    acc_ax.plot(epochs, [h.get("accuracy", np.nan) for h in history], "o-", color="#1a7f37")
    acc_ax.set_title("Validation accuracy")
    from matplotlib.ticker import PercentFormatter

    acc_ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("Epoch")
        ax.grid(True, alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def confusion_png(confusion: np.ndarray, classes: list[str]) -> str | None:
    """confusion_figure as a base64 PNG, or None when the matrix does not fit ``classes``."""
    return _png_or_none(confusion_figure(confusion, classes))


def confusion_figure(confusion: np.ndarray, classes: list[str]) -> Figure | None:
    """Confusion matrix heat map with counts; rows = actual, columns = predicted."""
    cm = np.asarray(confusion)
    n = len(classes)
    if n == 0 or cm.shape != (n, n):
        return None
    side = max(4.0, 0.35 * n)
    fig = _figure(figsize=(side + 1.5, side + 1.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(cm, cmap="Blues", interpolation="nearest", vmin=0)
    fontsize = 9 if n <= 12 else 7 if n <= 30 else 6
    threshold = cm.max() / 2 if cm.size and cm.max() > 0 else np.inf
    for i in range(n):
        for j in range(n):
            value = cm[i, j]
            if value == 0 and n > 12:
                continue  # keep big matrices readable
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=fontsize,
                    color="white" if value > threshold else "#1f2328")
    ax.set_xticks(range(n), classes, rotation=60, ha="right", rotation_mode="anchor",
                  fontsize=fontsize + 1)
    ax.set_yticks(range(n), classes, fontsize=fontsize + 1)
    ax.set_xlabel("Predicted")
    ax.set_ylabel("Actual")
    return fig


def reliability_png(before: Reliability, after: Reliability) -> str | None:
    """reliability_figure as a base64 PNG (None without chips)."""
    return _png_or_none(reliability_figure(before, after))


def reliability_figure(before: Reliability, after: Reliability) -> Figure | None:
    """Reliability diagram: each confidence bin's accuracy against its mean confidence,
    before and after calibration, with the diagonal a calibrated model follows."""
    if not before.counts.sum():
        return None
    fig = _figure(figsize=(5.2, 4.4), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#8c959f", linestyle="--", linewidth=1,
            label="calibrated (accuracy = confidence)")
    for bins, color, name in ((before, "#cf222e", "softmax"), (after, "#0969da", "calibrated")):
        used = bins.counts > 0
        ax.plot(bins.confidence[used], bins.accuracy[used], marker="o", color=color,
                label=f"{name} (ECE {bins.ece:.3f})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Confidence (mean of the bin)")
    ax.set_ylabel("Accuracy of the bin")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def class_count_png(class_counts: dict[str, int]) -> str | None:
    """Horizontal bar chart of images per class."""
    if not class_counts:
        return None
    names = list(class_counts)
    counts = [class_counts[c] for c in names]
    fig = _figure(figsize=(7, max(2.0, 0.28 * len(names) + 0.8)), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh(range(len(names)), counts, color="#0969da")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_xlabel("Images")
    ax.margins(x=0.12, y=0.01)
    ax.grid(True, axis="x", alpha=0.3)
    return _png(fig)
