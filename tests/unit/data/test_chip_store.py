"""Where training chips live: in memory or streamed, the same batches either way, and the
memory budget that chooses between them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import SAMPLE_SAT6
from core.data import chip_store
from core.data.chip_store import GPU, MEMORY, PINNED, STREAM, StreamedChips, chip_batches
from core.data.training_data import load_training_data
from core.models.backbones import create_model
from core.runtime import memory as free_memory
from core.runtime.feedback import Feedback
from core.training.trainer import Trainer


@pytest.fixture(scope="module")
def both_paths(rsscn7_small):
    """The same folder loaded into memory and streamed (the GPU-resident path is the
    in-memory path on another device: same tensors, same indexing)."""
    return {place: load_training_data([str(rsscn7_small)], chip_size=32, batch_size=16,
                                      chip_storage=place) for place in (MEMORY, STREAM)}


def test_streamed_chips_are_the_decoded_chips(both_paths):
    memory, streamed = both_paths[MEMORY], both_paths[STREAM]
    assert isinstance(streamed.train_images, StreamedChips)
    assert memory.chip_store.place == MEMORY and streamed.chip_store.place == STREAM
    assert torch.equal(memory.train_labels, streamed.train_labels)
    assert torch.equal(memory.valid_labels, streamed.valid_labels)
    assert streamed.train_images.shape == tuple(memory.train_images.shape)
    assert streamed.valid_images.dtype == memory.valid_images.dtype
    for index in (0, 7, len(memory.valid_labels) - 1):
        assert torch.equal(streamed.valid_images[index], memory.valid_images[index])


def test_every_path_gives_the_same_batches(both_paths):
    order = torch.randperm(len(both_paths[MEMORY].train_labels),
                           generator=torch.Generator().manual_seed(3))
    stats = {}
    for place, data in both_paths.items():
        stats[place] = [(float(images.float().mean()), float(images.float().std()),
                         labels.tolist())
                        for images, labels in chip_batches(data.train_images, data.train_labels,
                                                           16, order, torch.device("cpu"))]
    assert len(stats[MEMORY]) == -(-len(order) // 16)
    assert stats[MEMORY] == stats[STREAM]


@pytest.mark.parametrize("place", [MEMORY, STREAM])
def test_every_path_trains(both_paths, place):
    data = both_paths[place]
    torch.manual_seed(0)
    lines = []
    trainer = Trainer(create_model("resnet18", len(data.classes)), data, "cpu",
                      feedback=Feedback(log=lines.append))
    history = trainer.fit(2, 2e-3, early_stopping=False)
    assert len(history) == 2 and all(np.isfinite(row.train_loss) for row in history)
    assert trainer.predict().shape == (len(data.valid_labels), len(data.classes))
    count = len(data.train_labels) + len(data.valid_labels)
    assert f"Chip storage: {count} chips" in "\n".join(lines)


def test_the_same_seed_trains_the_same_model_on_either_path(both_paths):
    losses = {}
    for place, data in both_paths.items():
        torch.manual_seed(0)
        trainer = Trainer(create_model("resnet18", len(data.classes)), data, "cpu")
        losses[place] = [round(row.train_loss, 4) for row in trainer.fit(1, 2e-3, False)]
    assert losses[MEMORY] == losses[STREAM]


def test_chips_that_would_not_fit_are_streamed(monkeypatch, rsscn7_small):
    monkeypatch.setattr(free_memory, "available", lambda: 2 * 1024**2)  # 2 MiB free
    lines = []
    data = load_training_data([str(rsscn7_small)], chip_size=64,
                              feedback=Feedback(log=lines.append))
    assert data.chip_store.place == STREAM  # 168 chips x 12 KiB = 1.97 MiB > 1 MiB budget
    assert isinstance(data.train_images, StreamedChips)
    assert "read from disk every epoch" in data.chip_store.describe(168)
    small = load_training_data([str(rsscn7_small)], chip_size=32)
    assert small.chip_store.place == MEMORY  # 0.5 MiB fits


def test_gpu_budget_picks_gpu_memory_then_pinned_memory():
    assert chip_store.gpu_store(10 * 1024**3, free_gpu_bytes=40 * 1024**3).place == GPU
    pinned = chip_store.gpu_store(30 * 1024**3, free_gpu_bytes=40 * 1024**3)
    assert pinned.place == PINNED and pinned.budget == 20 * 1024**3
    assert "pinned host memory (budget 20.00 GiB)" in pinned.describe(25200)


def test_multiband_normalisation_matches_the_chips():
    data = load_training_data([str(SAMPLE_SAT6)], chip_size=28, chip_storage=STREAM)
    chips = torch.stack([data.train_images[i] for i in range(len(data.train_labels))])
    values = chips.double().transpose(0, 1).reshape(4, -1)
    assert np.allclose(data.normalization.mean, values.mean(dim=1).numpy())
    assert np.allclose(data.normalization.std, values.std(dim=1).numpy(), rtol=1e-3)
    assert data.data_type == "uint8" and data.band_count == 4
