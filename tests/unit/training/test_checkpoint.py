"""Checkpoints: a run interrupted after any epoch resumes to the same model, and a checkpoint
from other data or settings, or one that is not data, is refused."""

from __future__ import annotations

import os
import pickle

import pytest
import torch

from core.errors import Cancelled
from core.runtime.feedback import Feedback
from core.training.checkpoint import CheckpointError, load_checkpoint, partial_folder
from core.workflows.train import TrainSettings, train_classifier


def settings(folder, out, **changes) -> TrainSettings:
    values = dict(backbone="resnet18", pretrained=False, chip_size=16, batch_size=16, epochs=4,
                  learning_rate=2e-3, early_stopping=False, device="cpu",
                  output_folder=str(out), model_name="m")
    return TrainSettings(str(folder), **dict(values, **changes))


def cancel_after_epochs(epochs: int, lines: list) -> Feedback:
    """A feedback that cancels as soon as ``epochs`` rows of the epoch table are logged."""
    return Feedback(log=lines.append,
                    is_cancelled=lambda: sum(line.startswith("    ") for line in lines) >= epochs)


@pytest.fixture(params=["one class a chip", "several labels a chip"])
def chips(request, rsscn7_small, tmp_path_factory):
    """The small RSSCN7 folder, or mosaics with a labels.csv (tests/mosaics.py)."""
    if request.param == "one class a chip":
        return rsscn7_small
    from mosaics import mosaic_folder

    return mosaic_folder(tmp_path_factory.mktemp("mosaics"), 40, chips_used=slice(0, 20))


def test_a_resumed_run_ends_with_the_same_model(chips, tmp_path):
    whole = train_classifier(settings(chips, tmp_path / "whole"))
    lines = []
    with pytest.raises(Cancelled):
        train_classifier(settings(chips, tmp_path / "cut"),
                         cancel_after_epochs(2, lines))
    partial = partial_folder(str(tmp_path / "cut"), "m")
    assert load_checkpoint(partial)["epoch"] == 2
    assert not (tmp_path / "cut" / "m").exists()
    assert any("run again with resume= to continue" in line for line in lines)  # Python's word

    lines = []
    resumed = train_classifier(settings(chips, tmp_path / "cut", resume=True),
                               Feedback(log=lines.append))
    assert "Resuming at epoch 3 of 4." in lines
    assert [row["epoch"] for row in resumed.history] == [1, 2, 3, 4]
    for mine, theirs in zip(resumed.history, whole.history):
        assert mine["train_loss"] == pytest.approx(theirs["train_loss"], abs=1e-4)
        assert mine["accuracy"] == pytest.approx(theirs["accuracy"], abs=1e-4)
    assert not os.path.exists(partial)  # removed once the package is in place
    assert os.path.isfile(resumed.paths.definition) and os.path.isfile(resumed.paths.dlpk)


def test_resume_without_checkpoint_starts_at_epoch_one(rsscn7_small, tmp_path):
    lines = []
    outcome = train_classifier(settings(rsscn7_small, tmp_path, epochs=1, resume=True),
                               Feedback(log=lines.append))
    assert any(line.startswith("resume=: no checkpoint in ") for line in lines)
    assert len(outcome.history) == 1


def test_a_checkpoint_of_other_settings_is_refused(rsscn7_small, tmp_path):
    with pytest.raises(Cancelled):
        train_classifier(settings(rsscn7_small, tmp_path), cancel_after_epochs(1, []))
    with pytest.raises(CheckpointError, match="made with epochs = 4, this run has 6"):
        train_classifier(settings(rsscn7_small, tmp_path, epochs=6, resume=True))


def test_a_checkpoint_that_is_not_data_is_refused_and_never_runs(tmp_path):
    class Payload:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    folder = tmp_path / "m.partial"
    folder.mkdir()
    (folder / "checkpoint.pth").write_bytes(pickle.dumps({"epoch": 1, "run": Payload()}))
    with pytest.raises(CheckpointError, match="cannot be read \\(it needs code to load") \
            as refused:
        load_checkpoint(str(folder))
    assert not (tmp_path / "pwned").exists()
    assert "weights_only" not in str(refused.value)  # never PyTorch's advice to load unsafely
    torch.save([1, 2], folder / "checkpoint.pth")
    with pytest.raises(CheckpointError, match="is not a training checkpoint"):
        load_checkpoint(str(folder))
