"""A ground length carried between CRSs (core.sources.geometry.length_in), as the change
tool reads its later raster at the earlier one's cell size."""

from __future__ import annotations

import pytest

from core.sources.geometry import length_in

MASSACHUSETTS = (229600.0, 894400.0)  # EPSG:26986, metres


def test_a_length_keeps_its_ground_size_in_another_crs():
    assert length_in(4.0, MASSACHUSETTS, "EPSG:26986", "EPSG:26986") == 4.0
    assert length_in(4.0, MASSACHUSETTS, "", "EPSG:32619") == 4.0  # unknown: as it is
    assert length_in(4.0, MASSACHUSETTS, "EPSG:26986", "EPSG:32619") == pytest.approx(4.0,
                                                                                      rel=1e-3)
    degrees = length_in(4.0, MASSACHUSETTS, "EPSG:26986", "EPSG:4326")
    # 4 m in degrees at 42.5° N: 1° of latitude ~111 km, of longitude ~82 km; their mean
    assert degrees == pytest.approx((4 / 111_000 + 4 / 82_000) / 2, rel=0.03)
