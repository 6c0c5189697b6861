"""A look at training data before training: random chips with their labels and the class
counts, as an HTML report; needs no PyTorch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..data.imagery import parallel_decoders, read_image
from ..data.training_data import scan_folders, split_folder_list
from ..errors import tr
from ..reports import report
from ..runtime.feedback import Feedback

CHUNK = 256  # files decoded between two progress reports (and cancel checks)


def preview_training_data(folder: str, rows: int, report_path: str, seed: int = 42,
                          feedback: Feedback | None = None) -> dict:
    """Write a grid of random chips with labels and the class counts; needs no torch.

    Every file is decoded, as training would, so that the counts are of usable chips: a
    file that does not decode, or whose bands or data type differ from the first usable
    one's (training skips both), is counted among the skipped files, with its reason.
    """
    feedback = feedback or Feedback()
    scan = scan_folders(split_folder_list(folder))
    order = np.random.default_rng(seed).permutation(len(scan.paths))
    samples, skipped, usable = [], [], np.zeros(len(scan.classes), int)
    first: tuple[str, int, str] | None = None  # path, bands, data type

    def decode(index: int) -> np.ndarray | str:
        try:
            return read_image(scan.paths[index])
        except Exception as error:  # shown in the report, not fatal for a preview
            return str(error) or type(error).__name__

    with ThreadPoolExecutor(parallel_decoders()) as pool:
        for start in range(0, len(order), CHUNK):
            feedback.check_cancelled()
            chunk = order[start:start + CHUNK]
            for index, chip in zip(chunk, pool.map(decode, chunk)):
                path = scan.paths[index]
                if isinstance(chip, np.ndarray):
                    first = first or (path, chip.shape[0], chip.dtype.name)
                    if (chip.shape[0], chip.dtype.name) != first[1:]:
                        chip = (f"{chip.shape[0]} bands of {chip.dtype.name} pixels where "
                                f"{first[0]} has {first[1]} bands of {first[2]}")
                if not isinstance(chip, np.ndarray):
                    skipped.append([path, chip])
                    continue
                usable[[scan.classes.index(name) for name in scan.names(index)]] += 1
                if len(samples) < rows * rows:
                    samples.append((chip, scan.label_text(index)))
            done = min(start + CHUNK, len(order))
            feedback.report(done / max(1, len(order)), tr("checking chips {}/{}").format(
                                                           done, len(order)))
    counts = dict(zip(scan.classes, usable.tolist()))
    chips = len(order) - len(skipped)
    if skipped:
        feedback.log(tr("{} usable chips of {} image files; {} skipped (listed in the "
                        "report), e.g. {}: {}").format(
                         chips, len(order), len(skipped), skipped[0][0], skipped[0][1]))
    summary = {"folders": scan.folders, "classes": scan.classes, "class_counts": counts,
               "skipped": skipped, "chips_found": chips,
               "files_ignored": scan.ignored_files}
    if first:
        summary.update(band_count=first[1], data_type=first[2])
    report.write_preview_report(report_path, title="Training data preview", summary=summary,
                                samples=samples, rows=rows)
    return summary
