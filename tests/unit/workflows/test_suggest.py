"""Suggest features to label (issue 25 part 4): uncertainty by margin or entropy, and the most
uncertain taken in turn, none nearer than the spacing to one taken before."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.errors import DataError
from core.workflows.suggest import ENTROPY, MARGIN, Candidate, spread_out, uncertainty


def test_uncertainty_is_0_when_sure_and_1_when_torn():
    assert uncertainty(np.array([1.0, 0.0, 0.0]), MARGIN) == pytest.approx(0.0)
    assert uncertainty(np.array([0.5, 0.5, 0.0]), MARGIN) == pytest.approx(1.0)
    assert uncertainty(np.array([0.7, 0.2, 0.1]), MARGIN) == pytest.approx(0.5)
    assert uncertainty(np.array([1.0, 0.0, 0.0]), ENTROPY) == pytest.approx(0.0, abs=1e-9)
    assert uncertainty(np.full(4, 0.25), ENTROPY) == pytest.approx(1.0)
    with pytest.raises(DataError, match="must be margin or entropy"):
        uncertainty(np.array([0.5, 0.5]), "variance")


def test_the_most_uncertain_are_taken_spread_out():
    rng = np.random.default_rng(0)
    candidates = [Candidate(index, float(rng.random()), (float(x), float(y)), "a", 0.5)
                  for index, (x, y) in enumerate(rng.random((500, 2)) * 100)]
    chosen = spread_out(candidates, 20, spacing=10.0)
    assert len(chosen) == 20
    assert all(a.uncertainty >= b.uncertainty for a, b in zip(chosen, chosen[1:]))
    assert all(math.dist(a.centre, b.centre) >= 10.0
               for i, a in enumerate(chosen) for b in chosen[i + 1:])
    # each skipped candidate more uncertain than the last taken is near one taken before it
    taken = {c.index for c in chosen}
    for skipped in candidates:
        if skipped.index not in taken and skipped.uncertainty > chosen[-1].uncertainty:
            assert any(math.dist(skipped.centre, c.centre) < 10.0 for c in chosen
                       if c.uncertainty >= skipped.uncertainty)
    assert [c.index for c in spread_out(candidates, 5, 0.0)] == [
        c.index for c in sorted(candidates, key=lambda c: -c.uncertainty)[:5]]
