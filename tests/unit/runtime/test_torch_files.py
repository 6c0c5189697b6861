"""PyTorch files read as data, bounded: a file that would expand beyond what a weights file
may, or packed like a zip bomb, is refused before torch.load reads it."""

from __future__ import annotations

import zipfile

import pytest
import torch

from core.runtime.torch_files import NotData, check_expanded_size, load_data


def test_a_zip_bomb_pth_is_refused_before_loading(tmp_path):
    bomb = tmp_path / "bomb.pth"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\0" * (64 * 1024**2))  # 64 MB into ~64 kB
    assert bomb.stat().st_size < 200_000
    with pytest.raises(NotData, match="archive/data.pkl is packed 67,108,864 bytes into"):
        load_data(str(bomb))


def test_weights_larger_than_the_limit_are_refused_and_real_ones_load(tmp_path):
    weights = tmp_path / "weights.pth"
    torch.save({"w": torch.zeros(1000)}, weights)
    assert torch.equal(load_data(str(weights))["w"], torch.zeros(1000))
    with pytest.raises(NotData, match="would expand to 0.0 GB in memory, more than"):
        check_expanded_size(str(weights), limit=1000)
