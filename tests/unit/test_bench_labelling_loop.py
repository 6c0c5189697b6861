"""The labelling-loop benchmark (issue 25 part 5) runs end to end: a few seeds, tiny chips and
one epoch on the bundled sample, so that the script the documented figures came from keeps
working. It measures nothing here (the figures are in docs/benchmarks.md)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, SAMPLE_RSSCN7

CLASSES, START, BATCH, ROUNDS = 7, 1, 7, 2


def test_both_analysts_label_the_same_number_of_chips_from_one_start():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "labelling_loop.py"), "--data", str(SAMPLE_RSSCN7),
         "--chip-size", "32", "--pool", "12", "--start", str(START), "--batch", str(BATCH),
         "--rounds", str(ROUNDS), "--seeds", "2", "--jobs", "1", "--epochs", "1",
         "--refine-epochs", "1", "--held-out", "0.2"],
        capture_output=True, text=True, timeout=600, check=True)
    seeds = re.findall(r"^seed \d+: suggested ([\d. ]+) labels \[([\d, ]+)\]; "
                       r"random ([\d. ]+) labels \[([\d, ]+)\]", done.stdout, re.MULTILINE)
    assert len(seeds) == 2, done.stdout
    for suggested_text, suggested_labels, random_text, random_labels in seeds:
        suggested, random = ([float(a) for a in text.split()]
                             for text in (suggested_text, random_text))
        assert len(suggested) == len(random) == ROUNDS + 1
        assert suggested[0] == random[0]  # one first model for both
        assert all(0 <= a <= 1 for a in suggested + random)
        for counts in (suggested_labels, random_labels):
            counts = [int(c) for c in counts.split(",")]
            assert len(counts) == CLASSES and min(counts) >= START
            assert sum(counts) == CLASSES * START + ROUNDS * BATCH
    assert re.search(r"^gain=[+-]\d\.\d{4} sd=\d\.\d{4} se=\d\.\d{4}$", done.stdout, re.MULTILINE)
