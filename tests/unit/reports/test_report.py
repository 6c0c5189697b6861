"""Tests for core.reports (HTML reports and chip display)."""

from __future__ import annotations

import numpy as np
import pytest

from core.reports.figures import display_rgb
from core.reports.report import write_lr_report, write_preview_report, write_training_report

IMG = '<img class="fig" src="data:image/png;base64,'
CLASSES = ["forest", "water", "urban", "crops", "<script>"]


def _summary(skipped: int = 3, **extra: object) -> dict:
    counts = {c: 10 + i for i, c in enumerate(CLASSES)}
    return {
        "folders": ["/data/train", "/data/more"],
        "classes": CLASSES,
        "class_counts": counts,
        "train_count": 48,
        "valid_count": 12,
        "band_count": 4,
        "data_type": "uint16",
        "chip_size": 32,
        "skipped": [[f"/data/bad_{i}.tif", "unreadable"] for i in range(skipped)],
        **extra,
    }


def _chips(n: int, bands: int, dtype: type, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    high = 255 if dtype == np.uint8 else 4000
    return [rng.integers(0, high, (bands, 32, 32)).astype(dtype) for _ in range(n)]


def _lr_finder() -> dict:
    lrs = list(np.logspace(-6, 0, 40))
    losses = list(2.0 - np.sin(np.linspace(0, 3, 40)))
    return {"lrs": lrs, "losses": losses, "suggestion": 1.2e-3}


def _history() -> list[dict]:
    return [
        {"epoch": 1, "train_loss": 1.5, "valid_loss": 1.2, "accuracy": 0.55, "seconds": 65.0},
        {"epoch": 2, "train_loss": 0.9, "valid_loss": 0.7, "accuracy": 0.8125, "seconds": 61.4},
        {"epoch": 3, "train_loss": 0.6, "valid_loss": 0.75, "accuracy": 0.79, "seconds": 3.0},
    ]


def _no_tmp_left(tmp_path) -> None:
    assert not list(tmp_path.rglob("*.tmp-*"))


@pytest.mark.parametrize("bands", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_display_rgb_shape_and_dtype(bands: int, dtype: type) -> None:
    chip = _chips(1, bands, dtype)[0]
    rgb = display_rgb(chip)
    assert rgb.shape == (32, 32, 3)
    assert rgb.dtype == np.uint8


def test_display_rgb_uint8_rgb_unchanged_and_grey() -> None:
    chip = _chips(1, 3, np.uint8)[0]
    assert np.array_equal(display_rgb(chip), chip.transpose(1, 2, 0))
    grey = display_rgb(chip[:1])
    assert np.array_equal(grey[..., 0], grey[..., 2])


def test_chips_of_one_figure_share_one_stretch() -> None:
    """Flat water stays flat beside bright land: one stretch for all chips, not one each."""
    from core.reports.figures import display_limits

    water = np.full((4, 8, 8), 300, np.uint16) + np.arange(8, dtype=np.uint16)  # 300-307
    land = np.full((4, 8, 8), 3000, np.uint16) + 50 * np.arange(8, dtype=np.uint16)
    limits = display_limits([water, land])
    shown = display_rgb(water, limits)
    assert shown.max() - shown.min() <= 5  # alone, it would span 0-255
    assert display_rgb(water).max() - display_rgb(water).min() > 200
    assert display_rgb(land, limits).mean() > 200
    assert display_limits([np.zeros((3, 8, 8), np.uint8)]) is None  # 8-bit RGB: as it is


def test_the_learning_rate_plot_shows_the_useful_range() -> None:
    from core.reports.figures import _useful_loss_range

    losses = np.concatenate([np.full(20, 2.0), np.linspace(2.0, 0.5, 40), [3.0, 40.0, 900.0]])
    low, high = _useful_loss_range(losses)
    assert low < 0.5 and 2.0 < high < 3.0  # the blow-up to 900 is cut off


def test_result_captions_are_two_legible_lines() -> None:
    from core.reports.figures import CAPTION_PT, results_figure

    chip = np.zeros((3, 8, 8), np.uint8)
    figure = results_figure([(chip, "dRiverLake", "eForest", 0.93)] * 36)
    titles = [axes.title for axes in figure.axes]
    assert titles[0].get_text() == "dRiverLake\n→ eForest (93%)"
    assert all(title.get_fontsize() == CAPTION_PT for title in titles)
    assert figure.get_figwidth() * figure.dpi <= 1030  # shown at 100 %, not scaled down


def test_display_rgb_stretch_and_constant_band() -> None:
    chip = _chips(1, 4, np.uint16)[0].astype(np.float32)
    chip[1] = 7.0  # constant band
    chip[2, 0, 0] = np.nan
    rgb = display_rgb(chip)
    assert rgb[..., 0].min() == 0 and rgb[..., 0].max() == 255
    assert not rgb[..., 1].any()


def test_training_report(tmp_path) -> None:
    n = len(CLASSES)
    rng = np.random.default_rng(1)
    confusion = rng.integers(0, 20, (n, n))
    per_class = [
        {"name": c, "precision": 0.5 + i / 20, "recall": 0.6, "f1": 0.55, "support": 12}
        for i, c in enumerate(CLASSES)
    ]
    chips = _chips(10, 4, np.uint16)
    results = [(chips[i], CLASSES[i % n], CLASSES[(i * 2) % n], 0.9) for i in range(10)]
    path = tmp_path / "sub" / "report.html"
    write_training_report(
        str(path), title="Training <run>", summary=_summary(60),
        model_facts=[("Model name", "scenes"), ("Backbone", "resnet18")],
        samples=[(c, CLASSES[i % n]) for i, c in enumerate(_chips(9, 3, np.uint8))],
        lr_finder=_lr_finder(), history=_history(), classes=CLASSES, confusion=confusion,
        per_class=per_class, results=results,
    )
    html = path.read_text(encoding="utf-8")
    assert html.count(IMG) == 5  # chips, lr, curves, confusion, results
    headings = ["Model", "Data summary", "Training chips", "Learning rate", "Training",
                "Confusion matrix (validation)", "Per-class metrics",
                "Validation results (mistakes first)"]
    positions = [html.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    for name in CLASSES[:-1]:
        assert name in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Training &lt;run&gt;" in html
    assert "<h3>Model</h3>" not in html  # the data summary holds only data
    for value in ("1.200000", "0.700000", "81.25 %", "01:05", "00:03"):
        assert value in html
    assert html.count('class="best"') == 1
    assert "1.2e-03" in html
    assert "macro average" in html and "resnet18" in html
    assert "… and 10 more" in html
    _no_tmp_left(tmp_path)


def test_training_report_without_finder_and_chips(tmp_path) -> None:
    path = tmp_path / "report.html"
    write_training_report(
        str(path), title="t", summary=_summary(0), samples=[], lr_finder=None, history=[],
        classes=CLASSES, confusion=np.zeros((5, 5), int), per_class=[], results=[],
    )
    html = path.read_text(encoding="utf-8")
    assert "finder not run" in html
    assert "No chips to show." in html
    assert html.count(IMG) == 1  # only the confusion matrix
    _no_tmp_left(tmp_path)


def test_preview_report(tmp_path) -> None:
    path = tmp_path / "preview.html"
    samples = [(c, CLASSES[i % 5]) for i, c in enumerate(_chips(12, 4, np.uint16))]
    write_preview_report(str(path), title="Preview", samples=samples, rows=3,
                         summary=_summary(chips_found=60, files_ignored=2))
    html = path.read_text(encoding="utf-8")
    assert "Model" not in html  # a preview is about data: no model heading over its counts
    assert "<th>Chips found</th><td>60</td>" in html
    assert "<th>Other files ignored</th><td>2</td>" in html
    assert html.count(IMG) == 2  # class counts + chip grid
    assert "/data/bad_0.tif" in html and "&lt;script&gt;" in html
    _no_tmp_left(tmp_path)


def test_lr_report(tmp_path) -> None:
    path = tmp_path / "lr.html"
    write_lr_report(str(path), title="LR", lr_finder=_lr_finder())
    html = path.read_text(encoding="utf-8")
    assert html.count(IMG) == 1
    assert "1.2e-03" in html and "Data summary" not in html
    write_lr_report(str(path), title="LR", lr_finder=_lr_finder(), summary=_summary())
    assert "Data summary" in path.read_text(encoding="utf-8")
    _no_tmp_left(tmp_path)


def test_missing_report_libraries_are_named_with_the_install_command(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.modules['matplotlib'] = None\n"
              "from core.errors import DependencyError\n"
              "from core.reports.report import write_lr_report\n"
              "try:\n"
              f"    write_lr_report({str(tmp_path / 'lr.html')!r}, title='t',\n"
              "    lr_finder={'lrs': [1e-3], 'losses': [1.0], 'suggestion': 1e-4})\n"
              "except DependencyError as error:\n"
              "    print(error)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "reports need Jinja2 and matplotlib" in done.stdout
    assert f'"{sys.executable}" -m pip install --target "' in done.stdout
    assert '/python/scene_classifier_packages" jinja2 matplotlib "numpy==' in done.stdout
    assert not (tmp_path / "lr.html").exists()
