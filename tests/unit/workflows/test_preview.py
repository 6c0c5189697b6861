"""Preview training data: the counts are of usable chips, as training would use them."""

from __future__ import annotations

import numpy as np
from PIL import Image

from conftest import write_raster
from core.runtime.feedback import Feedback
from core.workflows.preview import preview_training_data


def test_the_preview_counts_only_usable_chips_and_names_the_rest(tmp_path):
    root = tmp_path / "chips"
    for label, value in (("field", 60), ("forest", 120)):
        (root / label).mkdir(parents=True)
        for i in range(3):
            Image.fromarray(np.full((20, 20, 3), value + i, np.uint8)).save(
                root / label / f"{i}.jpg")
    (root / "field" / "empty.jpg").write_bytes(b"")
    (root / "forest" / "garbage.png").write_bytes(b"not a png at all")
    write_raster(root / "forest" / "four_bands.tif", np.zeros((4, 20, 20), np.uint8))
    lines = []
    summary = preview_training_data(str(root), 2, str(tmp_path / "preview.html"),
                                    feedback=Feedback(log=lines.append))
    assert summary["class_counts"] == {"field": 3, "forest": 3}
    assert summary["chips_found"] == 6 and summary["band_count"] == 3
    reasons = {path.rsplit("/", 1)[1]: reason for path, reason in summary["skipped"]}
    assert set(reasons) == {"empty.jpg", "garbage.png", "four_bands.tif"}
    assert reasons["four_bands.tif"].startswith("4 bands of uint8 pixels where")
    assert any("6 usable chips of 9 image files; 3 skipped" in line for line in lines)
    html = (tmp_path / "preview.html").read_text(encoding="utf-8")
    assert "<th>Chips found</th><td>6</td>" in html and "four_bands.tif" in html
