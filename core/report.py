"""Self-contained HTML reports (training, data preview, learning rate finder).

Figures are drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``, never pyplot,
so this is safe in QGIS worker threads) and embedded as base64 PNG; pages are rendered with
jinja2 from the module-level templates below. No JavaScript and no external files.
"""

from __future__ import annotations

import base64
import io
import math
import os
import secrets
from datetime import datetime
from typing import Any

import numpy as np
from jinja2 import DictLoader, Environment
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
MAX_TILES = 64
MAX_SKIPPED = 50
DATA_KEYS = (
    "folders", "classes", "class_counts", "train_count", "valid_count",
    "band_count", "data_type", "chip_size", "skipped",
)
MODEL_KEYS = (
    "model_name", "backbone", "device", "learning_rate", "epochs_run", "best_epoch",
    "best_accuracy", "plugin_version",
)
TEXT_COLOR = "#1f2328"
CORRECT_COLOR = "#1a7f37"
MISTAKE_COLOR = "#cf222e"

# A grid tile: chip, title labels (joined by " / "), title suffix, title colour.
Tile = tuple[np.ndarray, list[str], str, str]

# --------------------------------------------------------------------------- templates

BASE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1f2328;
       background: #f6f8fa; margin: 0; padding: 24px; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; background: #fff; padding: 24px 32px;
       border: 1px solid #d0d7de; border-radius: 8px; }
h1 { margin: 0 0 4px 0; font-size: 1.8em; }
h2 { margin-top: 32px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; font-size: 1.3em; }
h3 { font-size: 1.05em; margin: 16px 0 6px 0; }
.meta { color: #656d76; margin: 0 0 8px 0; }
.note { color: #656d76; font-style: italic; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
table.defs th { background: #f6f8fa; width: 200px; font-weight: 600; }
table.num td.n, table.num th.n { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tr.best td { background: #fff3b0; font-weight: 600; }
tr.avg td { border-top: 2px solid #8c959f; font-weight: 600; background: #f6f8fa; }
img.fig { max-width: 100%; height: auto; display: block; margin: 8px 0; }
div.scroll { overflow-x: auto; }
div.scroll img { max-width: none; }
.big { font-size: 2.2em; font-weight: 700; color: #cf222e; margin: 8px 0; }
ul.paths { font-family: Consolas, monospace; font-size: 0.85em; margin: 4px 0; }
footer { margin-top: 32px; color: #8c959f; font-size: 0.85em; }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p class="meta">Generated {{ generated }}</p>
{% block content %}{% endblock %}
<footer>Scene Classifier report</footer>
</main>
</body>
</html>
"""

MACROS_TEMPLATE = """
{% macro image(png, alt, scroll=False) -%}
{% if scroll %}<div class="scroll">{% endif -%}
<img class="fig" src="data:image/png;base64,{{ png }}" alt="{{ alt }}">
{%- if scroll %}</div>{% endif %}
{%- endmacro %}

{% macro figure_or_note(png, alt, note) -%}
{% if png %}{{ image(png, alt) }}{% else %}<p class="note">{{ note }}</p>{% endif %}
{%- endmacro %}

{% macro defs_table(rows) -%}
<table class="defs">
{% for label, value in rows %}
<tr><th>{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}
</table>
{%- endmacro %}

{% macro data_summary(s) -%}
{{ defs_table(s.rows) }}
{% if s.folders %}
<h3>Folders</h3>
<ul class="paths">{% for f in s.folders %}<li>{{ f }}</li>{% endfor %}</ul>
{% endif %}
<h3>Images per class</h3>
{% if s.class_rows %}
<table class="num">
<thead><tr><th>Class</th><th class="n">Images</th><th class="n">Share</th></tr></thead>
<tbody>
{% for name, count, share in s.class_rows %}
<tr><td>{{ name }}</td><td class="n">{{ count }}</td><td class="n">{{ share }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="note">No classes.</p>{% endif %}
<h3>Skipped files ({{ s.skipped_count }})</h3>
{% if s.skipped %}
<table>
<thead><tr><th>File</th><th>Reason</th></tr></thead>
<tbody>
{% for p, reason in s.skipped %}<tr><td>{{ p }}</td><td>{{ reason }}</td></tr>{% endfor %}
</tbody>
</table>
{% if s.skipped_more %}<p class="note">… and {{ s.skipped_more }} more</p>{% endif %}
{% else %}<p class="note">No files skipped.</p>{% endif %}
{% if s.model_rows %}
<h3>Model</h3>
{{ defs_table(s.model_rows) }}
{% endif %}
{%- endmacro %}

{% macro accuracy_sections(what, overall_accuracy, confusion_png, per_class) -%}
<h2>Confusion matrix ({{ what }})</h2>
{% if confusion_png %}
<p>Overall accuracy: <strong>{{ overall_accuracy }}</strong>
 (rows: actual class, columns: predicted class)</p>
{{ image(confusion_png, "Confusion matrix", scroll=True) }}
{% else %}<p class="note">No confusion matrix.</p>{% endif %}

<h2>Per-class metrics</h2>
{% if per_class %}
<table class="num">
<thead><tr><th>Class</th><th class="n">Precision (user's accuracy)</th>
<th class="n">Recall (producer's accuracy)</th><th class="n">F1</th>
<th class="n">Support</th></tr></thead>
<tbody>
{% for r in per_class %}
<tr{% if r.avg %} class="avg"{% endif %}><td>{{ r.name }}</td><td class="n">{{ r.precision }}</td>
<td class="n">{{ r.recall }}</td><td class="n">{{ r.f1 }}</td>
<td class="n">{{ r.support }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p class="note">No per-class metrics.</p>{% endif %}
{%- endmacro %}
"""

TRAINING_TEMPLATE = """{% extends "base.html" %}
{% from "macros.html" import image, figure_or_note, data_summary, accuracy_sections %}
{% block content %}
<h2>Data summary</h2>
{{ data_summary(summary) }}

<h2>Training chips</h2>
{{ figure_or_note(samples_png, "Training chips", "No chips to show.") }}

<h2>Learning rate</h2>
{% if lr_png %}
<p>Suggested learning rate: <strong>{{ lr_suggestion }}</strong></p>
{{ image(lr_png, "Learning rate finder") }}
{% elif lr_note %}<p class="note">{{ lr_note }}</p>
{% else %}<p class="note">Learning rate given by the user, finder not run.</p>{% endif %}

<h2>Training</h2>
{% if epochs %}
<table class="num epochs">
<thead><tr><th class="n">epoch</th><th class="n">train_loss</th><th class="n">valid_loss</th>
<th class="n">accuracy</th><th class="n">time</th></tr></thead>
<tbody>
{% for e in epochs %}
<tr{% if e.best %} class="best"{% endif %}><td class="n">{{ e.epoch }}</td>
<td class="n">{{ e.train_loss }}</td><td class="n">{{ e.valid_loss }}</td>
<td class="n">{{ e.accuracy }}</td><td class="n">{{ e.time }}</td></tr>
{% endfor %}
</tbody>
</table>
<p class="note">Highlighted: best epoch (lowest validation loss).</p>
{{ figure_or_note(history_png, "Training curves", "No curves.") }}
{% else %}<p class="note">No epochs were run.</p>{% endif %}

{{ accuracy_sections("validation", overall_accuracy, confusion_png, per_class) }}

<h2>Validation results (mistakes first)</h2>
<p class="note">Tile titles: actual / predicted (confidence);
 <span style="color:#cf222e">red = mistake</span>,
 <span style="color:#1a7f37">green = correct</span>.</p>
{{ figure_or_note(results_png, "Validation results", "No chips to show.") }}
{% endblock %}
"""

PREVIEW_TEMPLATE = """{% extends "base.html" %}
{% from "macros.html" import figure_or_note, data_summary %}
{% block content %}
<h2>Data summary</h2>
{{ data_summary(summary) }}
<h2>Class counts</h2>
{{ figure_or_note(counts_png, "Images per class", "No classes.") }}
<h2>Chips</h2>
{{ figure_or_note(samples_png, "Sample chips", "No chips to show.") }}
{% endblock %}
"""

LR_TEMPLATE = """{% extends "base.html" %}
{% from "macros.html" import image, data_summary %}
{% block content %}
{% if summary %}
<h2>Data summary</h2>
{{ data_summary(summary) }}
{% endif %}
<h2>Learning rate finder</h2>
{% if lr_suggestion %}<p>Suggested learning rate</p>
<p class="big">{{ lr_suggestion }}</p>{% endif %}
{% if lr_png %}{{ image(lr_png, "Learning rate finder") }}
{% else %}<p class="note">{{ lr_note }}</p>{% endif %}
{% endblock %}
"""

EVALUATION_TEMPLATE = """{% extends "base.html" %}
{% from "macros.html" import defs_table, figure_or_note, accuracy_sections %}
{% block content %}
<h2>Summary</h2>
{{ defs_table(facts) }}
{% if unknown %}
<h3>Truth values that are not classes of the model (not counted)</h3>
<table class="num"><thead><tr><th>Value</th><th class="n">Samples</th></tr></thead><tbody>
{% for value, count in unknown %}<tr><td>{{ value }}</td><td class="n">{{ count }}</td></tr>
{% endfor %}</tbody></table>
{% endif %}
{% if skipped %}
<h3>Not evaluated</h3>
<table class="num"><thead><tr><th>Reason</th><th class="n">Samples</th></tr></thead><tbody>
{% for reason, count in skipped %}<tr><td>{{ reason }}</td><td class="n">{{ count }}</td></tr>
{% endfor %}</tbody></table>
{% endif %}

{{ accuracy_sections("ground truth", overall_accuracy, confusion_png, per_class) }}

<h2>Misclassified examples ({{ mistake_count }} in all)</h2>
<p class="note">Tile titles: actual / predicted (confidence).</p>
{{ figure_or_note(mistakes_png, "Misclassified chips", "No mistakes to show.") }}
{% endblock %}
"""

_ENV = Environment(
    loader=DictLoader({
        "base.html": BASE_TEMPLATE,
        "macros.html": MACROS_TEMPLATE,
        "training.html": TRAINING_TEMPLATE,
        "preview.html": PREVIEW_TEMPLATE,
        "lr.html": LR_TEMPLATE,
        "evaluation.html": EVALUATION_TEMPLATE,
    }),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)

# --------------------------------------------------------------------------- images


def _stretch(band: np.ndarray) -> np.ndarray:
    """Percentile (2-98) stretch of one band to uint8; constant or empty bands give 0."""
    band = band.astype(np.float64, copy=False)
    finite = band[np.isfinite(band)]
    out = np.zeros(band.shape, dtype=np.uint8)
    if finite.size == 0:
        return out
    lo, hi = np.percentile(finite, [2, 98])
    if hi <= lo:
        lo, hi = finite.min(), finite.max()
    if hi <= lo:
        return out
    scaled = (np.nan_to_num(band, nan=lo, posinf=hi, neginf=lo) - lo) / (hi - lo)
    return np.round(np.clip(scaled, 0.0, 1.0) * 255.0).astype(np.uint8)


def display_rgb(chip: np.ndarray) -> np.ndarray:
    """Chip (bands, height, width), any dtype -> (height, width, 3) uint8 for display.

    uint8 3-band: as is. 1 band: grey. >=3 bands: first three. Non-uint8 or 2/4+ band data:
    per-band 2-98 percentile stretch to 0..255 (constant bands -> 0). Two bands are shown
    as (band 1, band 2, mean of both).
    """
    chip = np.asarray(chip)
    if chip.ndim == 2:
        chip = chip[np.newaxis]
    if chip.ndim != 3 or chip.shape[0] == 0:
        raise ValueError(f"expected a (bands, height, width) chip, got shape {chip.shape}")
    n = chip.shape[0]
    if chip.dtype == np.uint8 and n in (1, 3):
        bands = [chip[0]] * 3 if n == 1 else list(chip)
    else:
        bands = [_stretch(b) for b in chip[: min(n, 3)]]
        if len(bands) == 1:
            bands = bands * 3
        elif len(bands) == 2:
            mean = ((bands[0].astype(np.uint16) + bands[1]) // 2).astype(np.uint8)
            bands = [bands[0], bands[1], mean]
    return np.ascontiguousarray(np.stack(bands, axis=-1), dtype=np.uint8)


def _png(fig: Figure) -> str:
    """Render a figure to a base64 PNG string."""
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _shorten(text: str, width: int) -> str:
    """Cut text to width characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _fit_title(labels: list[str], suffix: str, width: int) -> str:
    """'a / b' + suffix on one line when it fits, else one shortened label per line."""
    title = " / ".join(labels) + suffix
    if len(title) <= width:
        return title
    lines = [_shorten(label, width - 2) + " /" for label in labels[:-1]]
    lines.append(_shorten(labels[-1], width - len(suffix)) + suffix)
    return "\n".join(lines)


def _chip_grid(tiles: list[Tile], ncols: int) -> str | None:
    fig = _tile_figure(tiles, ncols)
    return None if fig is None else _png(fig)


def _sample_tiles(samples: list[tuple[np.ndarray, str]]) -> list[Tile]:
    return [(chip, [label], "", TEXT_COLOR) for chip, label in samples]


def _result_tiles(results: list[tuple[np.ndarray, str, str, float]]) -> list[Tile]:
    return [(chip, [truth, pred], f" ({conf:.0%})",
             CORRECT_COLOR if truth == pred else MISTAKE_COLOR)
            for chip, truth, pred, conf in results]


def chip_grid_figure(samples: list[tuple[np.ndarray, str]], ncols: int) -> Figure | None:
    """A figure of (chip, label) tiles (show_batch in notebooks)."""
    return _tile_figure(_sample_tiles(samples), ncols)


def results_figure(results: list[tuple[np.ndarray, str, str, float]]) -> Figure | None:
    """A figure of (chip, truth, predicted, confidence) tiles, mistakes in red."""
    return _tile_figure(_result_tiles(results), math.ceil(math.sqrt(len(results))))


def _tile_figure(tiles: list[Tile], ncols: int) -> Figure | None:
    """One figure with the chips in a grid, laid out by hand (fast for 64 tiles)."""
    tiles = tiles[:MAX_TILES]
    if not tiles:
        return None
    ncols = max(1, min(ncols, len(tiles)))
    nrows = math.ceil(len(tiles) / ncols)
    tile_in = min(2.2, 11.0 / ncols)
    fontsize = 8 if ncols <= 6 else 7
    width = max(8, int(tile_in * 72 / (fontsize * 0.6)))  # characters that fit over a tile
    titles = [_fit_title(labels, suffix, width) for _, labels, suffix, _ in tiles]
    line_in = fontsize * 1.25 / 72
    title_in = max(t.count("\n") + 1 for t in titles) * line_in + 0.06
    gap = 0.08
    cell_w, cell_h = tile_in + gap, tile_in + title_in + gap
    fig_w, fig_h = ncols * cell_w + gap, nrows * cell_h + gap
    fig = Figure(figsize=(fig_w, fig_h), dpi=DPI)
    for i, ((chip, _, _, color), title) in enumerate(zip(tiles, titles)):
        row, col = divmod(i, ncols)
        left = gap + col * cell_w
        bottom = fig_h - (row + 1) * cell_h
        ax = fig.add_axes((left / fig_w, bottom / fig_h, tile_in / fig_w, tile_in / fig_h))
        ax.set_axis_off()
        ax.imshow(display_rgb(chip), interpolation="nearest", aspect="auto")
        ax.set_title(title, fontsize=fontsize, color=color, pad=3, linespacing=1.1)
    return fig


def _lr_figure(lr_finder: dict) -> str | None:
    """Loss vs learning rate (log x) with the suggestion marked."""
    lrs = np.asarray(lr_finder.get("lrs") or [], dtype=float)
    losses = np.asarray(lr_finder.get("losses") or [], dtype=float)
    n = min(lrs.size, losses.size)
    if n == 0:
        return None
    lrs, losses = lrs[:n], losses[:n]
    fig = Figure(figsize=(7, 4), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.plot(lrs, losses, color="#0969da", linewidth=1.6)
    ax.set_xscale("log")
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
    return _png(fig)


def _history_figure(history: list[dict]) -> str | None:
    """Train/valid loss and accuracy vs epoch, side by side."""
    if not history:
        return None
    epochs = [h.get("epoch", i + 1) for i, h in enumerate(history)]
    fig = Figure(figsize=(10, 3.6), dpi=DPI, layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(epochs, [h.get("train_loss", np.nan) for h in history], "o-", label="train")
    loss_ax.plot(epochs, [h.get("valid_loss", np.nan) for h in history], "o-", label="valid")
    loss_ax.set_title("Loss")
    loss_ax.legend()
    acc_ax.plot(epochs, [h.get("accuracy", np.nan) for h in history], "o-", color="#1a7f37")
    acc_ax.set_title("Validation accuracy")
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("Epoch")
        ax.grid(True, alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def _confusion_png(confusion: np.ndarray, classes: list[str]) -> str | None:
    fig = confusion_figure(confusion, classes)
    return None if fig is None else _png(fig)


def confusion_figure(confusion: np.ndarray, classes: list[str]) -> Figure | None:
    """Confusion matrix heat map with counts; rows = actual, columns = predicted."""
    cm = np.asarray(confusion)
    n = len(classes)
    if n == 0 or cm.shape != (n, n):
        return None
    side = max(4.0, 0.35 * n)
    fig = Figure(figsize=(side + 1.5, side + 1.0), dpi=DPI, layout="constrained")
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


def _class_count_figure(class_counts: dict[str, int]) -> str | None:
    """Horizontal bar chart of images per class."""
    if not class_counts:
        return None
    names = list(class_counts)
    counts = [class_counts[c] for c in names]
    fig = Figure(figsize=(7, max(2.0, 0.28 * len(names) + 0.8)), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh(range(len(names)), counts, color="#0969da")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_xlabel("Images")
    ax.margins(x=0.12, y=0.01)
    ax.grid(True, axis="x", alpha=0.3)
    return _png(fig)


# --------------------------------------------------------------------------- context


def _fmt(key: str, value: Any) -> str:
    """Human friendly value for the definition tables."""
    if isinstance(value, float):
        if "accuracy" in key and 0.0 <= value <= 1.0:
            return f"{value:.2%}"
        if "learning_rate" in key or (value != 0 and abs(value) < 1e-3):
            return f"{value:.2e}"
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _summary_context(summary: dict) -> dict:
    """Turn the data summary dict into rows for the templates."""
    counts = dict(summary.get("class_counts") or {})
    classes = list(summary.get("classes") or counts)
    total = sum(counts.values())
    train, valid = summary.get("train_count"), summary.get("valid_count")
    rows = [("Classes", len(classes))]
    if train is not None:
        rows.append(("Training images", train))
    if valid is not None:
        rows.append(("Validation images", valid))
    rows.append(("Images (all)", total))
    for key, label in (("band_count", "Bands"), ("data_type", "Data type"),
                       ("chip_size", "Chip size (px)")):
        if key in summary:
            rows.append((label, summary[key]))
    skipped = list(summary.get("skipped") or [])
    rows.append(("Skipped files", len(skipped)))
    class_rows = [
        (c, counts.get(c, 0), f"{counts.get(c, 0) / total:.1%}" if total else "-")
        for c in classes
    ]
    extra = [k for k in MODEL_KEYS if k in summary]
    extra += sorted(k for k in summary if k not in DATA_KEYS and k not in MODEL_KEYS)
    model_rows = [(k.replace("_", " ").capitalize(), _fmt(k, summary[k])) for k in extra]
    return {
        "rows": rows,
        "folders": list(summary.get("folders") or []),
        "class_rows": class_rows,
        "skipped": [(str(s[0]), str(s[1]) if len(s) > 1 else "") for s in skipped[:MAX_SKIPPED]],
        "skipped_count": len(skipped),
        "skipped_more": max(0, len(skipped) - MAX_SKIPPED),
        "model_rows": model_rows,
    }


def _mmss(seconds: float) -> str:
    """Seconds -> mm:ss."""
    total = round(float(seconds or 0))
    return f"{total // 60:02d}:{total % 60:02d}"


def _epoch_rows(history: list[dict]) -> list[dict]:
    """fastai-like epoch table rows; the lowest validation loss is flagged as best."""
    valid = [h.get("valid_loss", np.nan) for h in history]
    finite = [v for v in valid if v is not None and np.isfinite(v)]
    best = valid.index(min(finite)) if finite else -1
    return [
        {
            "epoch": h.get("epoch", i + 1),
            "train_loss": f"{h.get('train_loss', np.nan):.6f}",
            "valid_loss": f"{h.get('valid_loss', np.nan):.6f}",
            "accuracy": f"{h.get('accuracy', np.nan):.6f}",
            "time": _mmss(h.get("seconds", 0.0)),
            "best": i == best,
        }
        for i, h in enumerate(history)
    ]


def _per_class_rows(per_class: list[dict]) -> list[dict]:
    """Per-class rows (3 decimals) plus a macro-average row."""
    rows = [
        {"name": r["name"], "precision": f"{r['precision']:.3f}", "recall": f"{r['recall']:.3f}",
         "f1": f"{r['f1']:.3f}", "support": int(r["support"]), "avg": False}
        for r in per_class
    ]
    if per_class:
        rows.append({
            "name": "macro average",
            "precision": f"{np.mean([r['precision'] for r in per_class]):.3f}",
            "recall": f"{np.mean([r['recall'] for r in per_class]):.3f}",
            "f1": f"{np.mean([r['f1'] for r in per_class]):.3f}",
            "support": int(sum(r["support"] for r in per_class)),
            "avg": True,
        })
    return rows


def _lr_context(lr_finder: dict | None) -> dict:
    """Learning rate figure, formatted suggestion and fallback note."""
    if lr_finder is None:
        return {"lr_png": None, "lr_suggestion": None,
                "lr_note": "Learning rate given by the user, finder not run."}
    suggestion = lr_finder.get("suggestion")
    return {
        "lr_png": _lr_figure(lr_finder),
        "lr_suggestion": f"{suggestion:.1e}" if suggestion else None,
        "lr_note": "The learning rate finder recorded no losses.",
    }


# --------------------------------------------------------------------------- writing


def write_atomic(path: str, text: str) -> None:
    """Write text to path via a temporary file in the same folder and os.replace."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.tmp-{secrets.token_hex(6)}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def copy_report(source: str, destination: str) -> None:
    """Copy a finished report to where the user asked for it, atomically."""
    with open(source, encoding="utf-8") as file:
        write_atomic(destination, file.read())


def _render(template: str, path: str, title: str, **context: Any) -> None:
    """Render a template with the common context and write it atomically."""
    generated = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    html = _ENV.get_template(template).render(title=title, generated=generated, **context)
    write_atomic(path, html)


def write_training_report(
    path: str, *, title: str, summary: dict, samples: list[tuple[np.ndarray, str]],
    lr_finder: dict | None, history: list[dict], classes: list[str], confusion: np.ndarray,
    per_class: list[dict], results: list[tuple[np.ndarray, str, str, float]],
) -> None:
    """Write the full training report (data, chips, LR, epochs, confusion, metrics, results)."""
    samples = samples[:MAX_TILES]
    results = results[:MAX_TILES]
    cm = np.asarray(confusion)
    total = cm.sum() if cm.size else 0
    _render(
        "training.html", path, title,
        summary=_summary_context(summary),
        samples_png=_chip_grid(_sample_tiles(samples), math.ceil(math.sqrt(len(samples)))),
        **_lr_context(lr_finder),
        epochs=_epoch_rows(history),
        history_png=_history_figure(history),
        confusion_png=_confusion_png(cm, classes),
        overall_accuracy=f"{np.trace(cm) / total:.2%}" if total else "-",
        per_class=_per_class_rows(per_class),
        results_png=_chip_grid(_result_tiles(results), math.ceil(math.sqrt(len(results)))),
    )


def write_preview_report(
    path: str, *, title: str, summary: dict, samples: list[tuple[np.ndarray, str]], rows: int,
) -> None:
    """Write the data preview report: summary, class counts chart and a rows x rows chip grid."""
    rows = max(1, int(rows))
    tiles = _sample_tiles(samples[: min(rows * rows, MAX_TILES)])
    _render(
        "preview.html", path, title,
        summary=_summary_context(summary),
        counts_png=_class_count_figure(dict(summary.get("class_counts") or {})),
        samples_png=_chip_grid(tiles, rows),
    )


def write_lr_report(
    path: str, *, title: str, lr_finder: dict, summary: dict | None = None,
) -> None:
    """Write the learning rate finder report: optional summary, curve, suggested rate."""
    _render(
        "lr.html", path, title,
        summary=_summary_context(summary) if summary else None,
        **_lr_context(lr_finder),
    )


def write_evaluation_report(
    path: str, *, title: str, facts: list[tuple[str, Any]], classes: list[str],
    confusion: np.ndarray, per_class: list[dict], unknown: dict[str, int],
    skipped: dict[str, int], mistakes: list[tuple[np.ndarray, str, str, float]],
    mistake_count: int,
) -> None:
    """Write the evaluation report: measures, confusion matrix, per-class table, mistakes."""
    cm = np.asarray(confusion)
    total = cm.sum() if cm.size else 0
    mistakes = mistakes[:MAX_TILES]
    _render(
        "evaluation.html", path, title,
        facts=[(label, _fmt(label.lower(), value)) for label, value in facts],
        unknown=sorted(unknown.items(), key=lambda item: -item[1]),
        skipped=sorted(skipped.items(), key=lambda item: -item[1]),
        confusion_png=_confusion_png(cm, classes),
        overall_accuracy=f"{np.trace(cm) / total:.2%}" if total else "-",
        per_class=_per_class_rows(per_class),
        mistakes_png=_chip_grid(_result_tiles(mistakes), math.ceil(math.sqrt(len(mistakes)))),
        mistake_count=mistake_count,
    )
