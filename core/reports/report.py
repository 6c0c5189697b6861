"""Self-contained HTML reports (training, data preview, learning-rate finder, evaluation).

Pages are rendered with Jinja2 from the templates in resources/templates/ (autoescaped), with
the pictures of core.figures embedded as base64 PNG. No JavaScript and no external files.
Jinja2 and matplotlib are imported only when a report is written.
"""

from __future__ import annotations

import functools
import math
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import RESOURCES
from ..runtime.outputs import write_atomic
from . import figures
from .figures import MAX_TILES

if TYPE_CHECKING:
    import jinja2

    from ..runtime.dependencies import DependencyReport
    from .metrics import MultiLabelScores, Reliability

TEMPLATES = os.path.join(RESOURCES, "templates")
MAX_SKIPPED = 50


@functools.cache
def _environment() -> jinja2.Environment:
    from ..runtime.dependencies import require_report_libraries

    require_report_libraries()
    from jinja2 import Environment, FileSystemLoader

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                       lstrip_blocks=True)


# --------------------------------------------------------------------------- context


def percent(fraction: float) -> str:
    """A share as every report writes it: 86.90 %."""
    return f"{100 * fraction:.2f} %"


def _fmt(key: str, value: Any) -> str:
    """Human friendly value for the definition tables."""
    if isinstance(value, float):
        if "accuracy" in key and 0.0 <= value <= 1.0:
            return percent(value)
        if "learning_rate" in key or (value != 0 and abs(value) < 1e-3):
            return f"{value:.2e}"
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


DATA_ROWS = (("band_count", "Bands"), ("data_type", "Data type"),
             ("chip_size", "Chip size (px)"), ("chips_found", "Chips found"),
             ("files_ignored", "Other files ignored"))


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
    rows += [(label, summary[key]) for key, label in DATA_ROWS if key in summary]
    skipped = list(summary.get("skipped") or [])
    rows.append(("Skipped files", len(skipped)))
    class_rows = [
        (c, counts.get(c, 0), f"{counts.get(c, 0) / total:.1%}" if total else "-")
        for c in classes
    ]
    return {
        "rows": rows,
        "folders": list(summary.get("folders") or []),
        "class_rows": class_rows,
        "skipped": [(str(s[0]), str(s[1]) if len(s) > 1 else "") for s in skipped[:MAX_SKIPPED]],
        "skipped_count": len(skipped),
        "skipped_more": max(0, len(skipped) - MAX_SKIPPED),
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
            "accuracy": percent(h.get("accuracy", np.nan)),
            "time": _mmss(h.get("seconds", 0.0)),
            "best": i == best,
        }
        for i, h in enumerate(history)
    ]


def _per_class_rows(per_class: list[dict]) -> list[dict]:
    """Per-class rows (user's and producer's accuracy in %, F1 with 3 decimals) plus a
    macro-average row."""
    def row(name: str, precision: float, recall: float, f1: float, support: int,
            avg: bool) -> dict:
        return {"name": name, "precision": percent(precision), "recall": percent(recall),
                "f1": f"{f1:.3f}", "support": int(support), "avg": avg}

    rows = [row(r["name"], r["precision"], r["recall"], r["f1"], r["support"], False)
            for r in per_class]
    if per_class:
        rows.append(row("macro average", *(np.mean([r[key] for r in per_class])
                                           for key in ("precision", "recall", "f1")),
                        sum(r["support"] for r in per_class), True))
    return rows


def _lr_context(lr_finder: dict | None) -> dict:
    """Learning rate figure, formatted suggestion and fallback note."""
    if lr_finder is None:
        return {"lr_png": None, "lr_suggestion": None,
                "lr_note": "Learning rate given by the user, finder not run."}
    suggestion = lr_finder.get("suggestion")
    return {
        "lr_png": figures.lr_png(lr_finder),
        "lr_suggestion": f"{suggestion:.1e}" if suggestion else None,
        "lr_note": "The learning rate finder recorded no losses.",
    }


# --------------------------------------------------------------------------- writing


def copy_report(source: str, destination: str) -> None:
    """Copy a finished report to where the user asked for it, atomically."""
    with open(source, encoding="utf-8") as file:
        write_atomic(destination, file.read())


def _render(template: str, path: str, title: str, **context: Any) -> None:
    """Render a template with the common context and write it atomically."""
    generated = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    html = _environment().get_template(template).render(title=title, generated=generated,
                                                       **context)
    write_atomic(path, html)


def write_training_report(
    path: str, *, title: str, summary: dict, samples: list[tuple[np.ndarray, str]],
    lr_finder: dict | None, history: list[dict], classes: list[str], confusion: np.ndarray,
    per_class: list[dict], results: list[tuple[np.ndarray, str, str, float]],
    model_facts: list[tuple[str, str]] = (),
    calibration: tuple[float, Reliability, Reliability] | None = None,
    hard_examples: list[tuple[np.ndarray, str, str, float, np.ndarray]] = (),
    multi_label: MultiLabelScores | None = None,
) -> None:
    """Write the full training report: the model (name, settings, where it is), then data,
    chips, learning rate, epochs, confusion, metrics, the calibration of the confidence
    (temperature, ECE and reliability diagram before and after) and results; for a model of
    several labels a chip (``multi_label``), its per-label thresholds and scores instead of
    the confusion matrix, calibration and hardest examples."""
    samples = samples[:MAX_TILES]
    results = results[:MAX_TILES]
    cm = np.asarray(confusion)
    total = cm.sum() if cm.size else 0
    _render(
        "training.html", path, title,
        model_facts=list(model_facts),
        summary=_summary_context(summary),
        samples_png=figures.samples_png(samples, math.ceil(math.sqrt(len(samples)))),
        **_lr_context(lr_finder),
        epochs=_epoch_rows(history),
        history_png=figures.history_png(history),
        confusion_png=figures.confusion_png(cm, classes),
        overall_accuracy=percent(np.trace(cm) / total) if total else "-",
        per_class=_per_class_rows(per_class),
        results_png=figures.results_png(results),
        hard_png=figures.hard_examples_png(list(hard_examples)),
        multi_label=_labels_context(multi_label),
        calibration=None if calibration is None else {
            "temperature": f"{calibration[0]:.3g}", "ece_before": f"{calibration[1].ece:.3f}",
            "ece_after": f"{calibration[2].ece:.3f}",
            "png": figures.reliability_png(calibration[1], calibration[2])},
    )


def _labels_context(scores: MultiLabelScores | None) -> dict | None:
    """The per-label table and the F1s and Hamming loss of a multi-label model (None: a
    model of one class a chip)."""
    if scores is None:
        return None
    return {"micro_f1": f"{scores.micro_f1:.3f}", "macro_f1": f"{scores.macro_f1:.3f}",
            "hamming_loss": f"{scores.hamming_loss:.3f}",
            "labels": [dict(row, threshold=f"{label['threshold']:.2f}" if label else "")
                       for row, label in zip(_per_class_rows(scores.per_label),
                                             [*scores.per_label, None])]}


def write_preview_report(
    path: str, *, title: str, summary: dict, samples: list[tuple[np.ndarray, str]], rows: int,
) -> None:
    """Write the data preview report: summary, class counts chart and a rows x rows chip grid."""
    rows = max(1, int(rows))
    _render(
        "preview.html", path, title,
        summary=_summary_context(summary),
        counts_png=figures.class_count_png(dict(summary.get("class_counts") or {})),
        samples_png=figures.samples_png(samples[: min(rows * rows, MAX_TILES)], rows),
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
    mistake_count: int, hard_examples: list[tuple[np.ndarray, str, str, float, np.ndarray]] = (),
    multi_label: MultiLabelScores | None = None,
) -> None:
    """Write the evaluation report: measures, confusion matrix, per-class table, the hardest
    examples with their heatmaps, mistakes; for a multi-label model (``multi_label``) the
    per-label table instead of the confusion matrix."""
    cm = np.asarray(confusion)
    total = cm.sum() if cm.size else 0
    mistakes = mistakes[:MAX_TILES]
    _render(
        "evaluation.html", path, title,
        facts=[(label, _fmt(label.lower(), value)) for label, value in facts],
        unknown=sorted(unknown.items(), key=lambda item: -item[1]),
        skipped=sorted(skipped.items(), key=lambda item: -item[1]),
        confusion_png=figures.confusion_png(cm, classes),
        overall_accuracy=percent(np.trace(cm) / total) if total else "-",
        per_class=_per_class_rows(per_class),
        mistakes_png=figures.results_png(mistakes),
        mistake_count=mistake_count,
        hard_png=figures.hard_examples_png(list(hard_examples)),
        multi_label=_labels_context(multi_label),
    )


def write_dependency_report(path: str, report: DependencyReport, commands: list[str]) -> None:
    """What is installed for the plugin, what the GPU is, and the commands for the rest."""
    from ..runtime.dependencies import says

    _render("dependencies.html", path, "Scene Classifier dependencies", report=report,
            commands=commands, seen=says)
