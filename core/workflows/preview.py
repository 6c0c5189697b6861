"""A look at training data before training: random chips with their labels and the class
counts, as an HTML report; needs no PyTorch."""

from __future__ import annotations

import numpy as np

from ..data.imagery import read_image
from ..data.training_data import scan_folders, split_folder_list
from ..reports import report
from ..runtime.feedback import Feedback


def preview_training_data(folder: str, rows: int, report_path: str, seed: int = 42,
                          feedback: Feedback | None = None) -> dict:
    """Write a grid of random chips with labels and the class counts; needs no torch."""
    feedback = feedback or Feedback()
    scan = scan_folders(split_folder_list(folder))
    rng = np.random.default_rng(seed)
    samples, skipped = [], []
    for index in rng.permutation(len(scan.paths)):
        if len(samples) == rows * rows:
            break
        feedback.check_cancelled()
        try:
            samples.append((read_image(scan.paths[index]), scan.classes[scan.labels[index]]))
        except Exception as error:  # shown in the report, not fatal for a preview
            skipped.append([scan.paths[index], str(error)])
    counts = scan.class_counts()
    summary = {"folders": scan.folders, "classes": scan.classes, "class_counts": counts,
               "skipped": skipped, "chips_found": sum(counts.values()),
               "files_ignored": scan.ignored_files}
    if samples:
        summary.update(band_count=samples[0][0].shape[0], data_type=samples[0][0].dtype.name)
    report.write_preview_report(report_path, title="Training data preview", summary=summary,
                                samples=samples, rows=rows)
    return summary
