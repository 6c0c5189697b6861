"""Special files given as inputs are named for what they are, never opened (a FIFO would
block the run for ever) and never called missing."""

from __future__ import annotations

import os

import pytest

from core.errors import DataError, ModelPackageError
from core.packages.read import load_package
from core.runtime.inputs import not_a_file
from core.sources.raster import RasterSource


def test_a_fifo_is_named_not_opened(tmp_path):
    fifo = tmp_path / "model.emd"
    os.mkfifo(fifo)
    assert not_a_file(str(fifo)) == "a FIFO (named pipe)"
    assert not_a_file(str(tmp_path)) == "a folder"
    assert not_a_file(str(tmp_path / "nothing")) is None
    with pytest.raises(ModelPackageError, match=r"model.emd is a FIFO \(named pipe\), not a "
                                                r"model file"):
        load_package(str(fifo))
    with pytest.raises(DataError, match=r"it is a FIFO \(named pipe\), not a file"):
        RasterSource(str(fifo), (0,))
    with pytest.raises(DataError, match="it is a character device"):
        RasterSource("/dev/zero", (0,))
