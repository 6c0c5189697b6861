"""Training on real chips: the finder, the fit, reproducibility and the saved package."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from conftest import SAMPLE_SAT6
from core.api import FeatureClassifier, prepare_data
from core.data.augment import augment_batch
from core.errors import DeviceError
from core.runtime.devices import resolve_device
from core.training.lr_finder import suggest_learning_rate
from core.training.sampler import TrainingSampler


def test_training_beats_chance_clearly(training_run):
    classifier, _ = training_run
    chance = 1 / len(classifier.data.classes)
    assert classifier.best_accuracy > 0.5 > 3 * chance
    history = classifier.trainer.history
    assert [row.epoch for row in history] == list(range(1, len(history) + 1))
    assert history[-1].train_loss < history[0].train_loss
    best = min(history, key=lambda row: row.valid_loss)
    assert classifier.trainer.best_epoch == best.epoch
    assert classifier.best_accuracy == best.accuracy


def test_kept_weights_are_the_best_epoch(training_run):
    classifier, _ = training_run
    loss, accuracy = classifier.trainer.validate()
    best = classifier.trainer.history[classifier.trainer.best_epoch - 1]
    assert loss == pytest.approx(best.valid_loss, rel=1e-4)
    assert accuracy == pytest.approx(best.accuracy)


def test_lr_finder_returns_a_rate_inside_its_sweep(rsscn7_small):
    data = prepare_data(str(rsscn7_small), batch_size=16, chip_size=24)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    before = {k: v.clone() for k, v in classifier.model.state_dict().items()}
    result = classifier.trainer.lr_find(iterations=40)
    assert 1e-7 <= result.lrs[0] < result.suggestion < result.lrs[-1] <= 10
    assert len(result.lrs) == len(result.losses) >= 10
    after = classifier.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # weights restored


def test_suggestion_is_a_tenth_of_the_minimum():
    lrs = list(np.logspace(-6, 0, 61))
    losses = [2.0 - 0.1 * i if i <= 40 else 2.0 + i for i in range(61)]
    assert suggest_learning_rate(lrs, losses) == pytest.approx(lrs[40] / 10)


def test_cpu_training_is_reproducible_whatever_ran_before(rsscn7_small):
    def run(backbone="resnet18"):
        data = prepare_data(str(rsscn7_small), batch_size=16, chip_size=16, seed=3)
        classifier = FeatureClassifier(data, backbone=backbone, pretrained=False, device="cpu")
        return [(r.train_loss, r.valid_loss) for r in classifier.trainer.fit(2, 1e-3)]

    first = run()
    torch.manual_seed(12345)
    torch.rand(10_000)
    callers_state = torch.get_rng_state()
    assert run() == first
    assert torch.equal(torch.get_rng_state(), callers_state)  # the caller's numbers untouched
    # dropout (in mobilenet's head) draws from the run's own generator too
    with_dropout = run("mobilenet_v3_large")
    torch.rand(10_000)
    assert run("mobilenet_v3_large") == with_dropout


@pytest.mark.parametrize("bf16, amx, onednn, chip, expected", [
    (True, False, (3, 12), 32, torch.bfloat16),  # AVX512-BF16 without AMX
    (True, False, (3, 12), 31, None),  # one-pixel stages: float32
    (True, True, (3, 12), 224, None),  # AMX with oneDNN's K-tail fault: float32
    (True, True, None, 224, None),  # AMX, oneDNN version unknown: float32
    (True, True, (3, 14), 224, torch.bfloat16),  # AMX with the fixed oneDNN
    (False, False, (3, 12), 224, None),  # no native bf16
])
def test_cpu_precision_avoids_onednns_unsound_kernels(monkeypatch, bf16, amx, onednn, chip,
                                                      expected):
    import core.runtime.devices as devices

    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    monkeypatch.setattr(devices, "onednn_version", lambda: onednn)
    assert devices.mixed_precision(torch.device("cpu"), chip) == expected
    assert devices.cpu_precision(chip)[1].startswith("bfloat16" if expected else "float32")


def test_oversampling_balances_classes(rsscn7_small):
    data = prepare_data(str(rsscn7_small), chip_size=8)
    keep = torch.cat([torch.nonzero(data.train_labels == 0)[:2, 0],
                      torch.nonzero(data.train_labels != 0)[:, 0]])
    data.train_images, data.train_labels = data.train_images[keep], data.train_labels[keep]
    generator = torch.Generator().manual_seed(0)
    balanced = TrainingSampler(data, generator, oversample=True)
    drawn = torch.cat([data.train_labels[balanced.order()] for _ in range(50)])
    share = float((drawn == 0).float().mean())
    assert share == pytest.approx(1 / len(data.classes), rel=0.25)
    plain = data.train_labels[TrainingSampler(data, generator).order()]
    assert int((plain == 0).sum()) == 2


def test_multiband_training_runs():
    data = prepare_data(str(SAMPLE_SAT6), batch_size=16, chip_size=28)
    classifier = FeatureClassifier(data, backbone="mobilenet_v3_large", pretrained=False,
                                 device="cpu")
    history = classifier.fit(1, lr=1e-3)
    assert np.isfinite(history[0]["valid_loss"])


def test_augmentation_is_a_dihedral_copy_at_unit_zoom(monkeypatch):
    import core.data.augment as augment

    monkeypatch.setattr(augment, "SCALE_RANGE", (1.0, 1.0))
    monkeypatch.setattr(augment, "BRIGHTNESS_RANGE", (1.0, 1.0))
    monkeypatch.setattr(augment, "SATURATION_RANGE", (1.0, 1.0))
    monkeypatch.setattr(augment, "CONTRAST_RANGE", (1.0, 1.0))
    monkeypatch.setattr(augment, "GREY_PROBABILITY", 0.0)
    images = torch.arange(2 * 3 * 6 * 6, dtype=torch.float32).reshape(2, 3, 6, 6)
    out = augment_batch(images, torch.Generator().manual_seed(0))
    for original, augmented in zip(images, out):
        variants = [torch.rot90(v, k, dims=(1, 2)) for v in (original, original.flip(2))
                    for k in range(4)]
        assert any(torch.allclose(augmented, v, atol=1e-3) for v in variants)


def test_cuda_request_without_gpu_is_a_clear_error():
    if torch.cuda.is_available():
        assert resolve_device("cuda").type == "cuda"
        return
    with pytest.raises(DeviceError, match="sees no CUDA GPU"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"


def test_cancel_stops_training_and_writes_nothing(rsscn7_small, tmp_path):
    from core.errors import Cancelled
    from core.runtime.feedback import Feedback
    from core.workflows.train import TrainSettings, train_classifier

    texts = []
    feedback = Feedback(progress=lambda fraction, text: texts.append(text),
                        is_cancelled=lambda: any(re.match(r"epoch 1/50 · batch 3/17\b", text)
                                                 for text in texts),
                        text_interval_s=0)
    settings = TrainSettings(str(rsscn7_small), backbone="resnet18", pretrained=False,
                             chip_size=16, batch_size=8, epochs=50, learning_rate=1e-3,
                             device="cpu", output_folder=str(tmp_path / "out"))
    with pytest.raises(Cancelled):
        train_classifier(settings, feedback)
    assert any(text.startswith("epoch 1/50 · batch ") for text in texts)
    written = [p.name for p in (tmp_path / "out").rglob("*")] if (tmp_path / "out").exists() else []
    assert set(written) <= {"model.partial", "checkpoint.pth"}  # no package, only a checkpoint


def test_a_last_batch_of_one_chip_is_left_out(rsscn7_small):
    """BatchNorm cannot train on one chip: 7 x 24 chips, 20 % kept aside, leave 133 for
    training; batches of 12 end with one chip."""
    data = prepare_data(str(rsscn7_small), batch_size=12, chip_size=16, val_split_pct=0.2)
    assert len(data.train_labels) % 12 == 1
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    assert classifier.trainer.steps_per_epoch() == len(data.train_labels) // 12
    assert np.isfinite(classifier.fit(1, lr=1e-3)[0]["train_loss"])


def test_the_sampler_draws_every_chip_but_one_left_alone_in_its_batch(rsscn7_small):
    data = prepare_data(str(rsscn7_small), batch_size=12, chip_size=8, val_split_pct=0.2)
    sampler = TrainingSampler(data, torch.Generator().manual_seed(0))
    order = sampler.epoch().tolist()
    assert len(data.train_labels) % 12 == 1
    assert len(order) == len(set(order)) == len(data.train_labels) - 1
    assert len(sampler) == -(-len(order) // 12)


@pytest.mark.parametrize("epochs, batch_size", [(1, 16), (2, 70), (1, 200)])
def test_very_short_runs_train(rsscn7_small, epochs, batch_size):
    """A handful of steps in all (as with a few exported chips) still makes a schedule."""
    data = prepare_data(str(rsscn7_small), batch_size=batch_size, chip_size=16)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    history = classifier.fit(epochs, lr=1e-3)
    assert len(history) == epochs and np.isfinite(history[-1]["valid_loss"])


class RunsOutOfMemory(torch.nn.Module):
    """Wraps a model; raises CUDA's out-of-memory error for batches above ``limit`` chips."""

    def __init__(self, model, limit: int) -> None:
        super().__init__()
        self.model, self.limit, self.largest = model, limit, 0

    def forward(self, images):
        if len(images) > self.limit:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        self.largest = max(self.largest, len(images))
        return self.model(images)


def test_out_of_memory_halves_the_batch_and_training_goes_on(rsscn7_small):
    from core.models.backbones import create_model
    from core.runtime.feedback import Feedback
    from core.training.trainer import Trainer

    data = prepare_data(str(rsscn7_small), batch_size=16, chip_size=16)
    lines = []
    wrapped = RunsOutOfMemory(create_model("resnet18", len(data.classes)), limit=5)
    trainer = Trainer(wrapped, data, "cpu", feedback=Feedback(log=lines.append))
    history = trainer.fit(1, 1e-3)
    assert len(history) == 1 and history[0].train_loss > 0
    assert wrapped.largest <= 5 and trainer.batch_parts.parts == 4
    assert "Out of memory while training: halving the batch to 8 chips" in "\n".join(lines)


def test_out_of_memory_at_one_chip_fails_clearly(rsscn7_small):
    from core.errors import SceneClassifierError
    from core.models.backbones import create_model
    from core.training.trainer import Trainer

    data = prepare_data(str(rsscn7_small), batch_size=4, chip_size=16)
    trainer = Trainer(RunsOutOfMemory(create_model("resnet18", len(data.classes)), limit=0),
                      data, "cpu")
    with pytest.raises(SceneClassifierError, match="even with 2 chip\\(s\\) at a time"):
        trainer.fit(1, 1e-3)


def test_cancel_stops_inside_a_training_step(rsscn7_small):
    """Cancelled during the forward pass of the first batch: the run stops before that
    step changes a single weight (it does not wait for the end of the batch)."""
    from core.errors import Cancelled
    from core.models.backbones import create_model
    from core.runtime.feedback import Feedback
    from core.training.trainer import Trainer

    data = prepare_data(str(rsscn7_small), batch_size=16, chip_size=16)
    model = create_model("resnet18", len(data.classes))
    cancelled = []
    model.layer2.register_forward_hook(lambda *_: cancelled.append(True))
    trainer = Trainer(model, data, "cpu", feedback=Feedback(is_cancelled=lambda: bool(cancelled)))
    before = {name: value.clone() for name, value in model.named_parameters()}
    with pytest.raises(Cancelled):
        trainer.fit(1, 1e-3)
    assert cancelled == [True]  # layer2 ran once: the first forward pass was the last
    assert all(torch.equal(before[name], value) for name, value in model.named_parameters())


class TurnsNonFinite(torch.nn.Module):
    """Wraps a model; its outputs become NaN for the training calls in ``train_calls`` and
    for the validation passes from ``valid_pass`` on (a pass = one validate())."""

    def __init__(self, model, train_calls=(), valid_pass=None) -> None:
        super().__init__()
        self.model, self.train_calls, self.valid_pass = model, set(train_calls), valid_pass
        self.calls = 0
        self.passes = 0

    def forward(self, images):
        out = self.model(images)
        if self.training:
            self.calls += 1
            poisoned = self.calls in self.train_calls
        else:
            poisoned = self.valid_pass is not None and self.passes >= self.valid_pass
        return out * float("nan") if poisoned else out


def non_finite_trainer(rsscn7_small, **poison):
    from core.models.backbones import create_model
    from core.runtime.feedback import Feedback
    from core.training.trainer import Trainer

    data = prepare_data(str(rsscn7_small), batch_size=16, chip_size=16, val_split_pct=0.2)
    lines = []
    model = TurnsNonFinite(create_model("resnet18", len(data.classes)), **poison)
    trainer = Trainer(model, data, "cpu", feedback=Feedback(log=lines.append))
    validate = trainer.validate

    def counting_validate():
        result = validate()
        model.passes += 1
        return result

    trainer.validate = counting_validate
    return trainer, lines


def test_a_non_finite_step_is_skipped_and_logged(rsscn7_small):
    trainer, lines = non_finite_trainer(rsscn7_small, train_calls={3})
    history = trainer.fit(2, 1e-3)
    assert len(history) == 2
    assert all(np.isfinite([row.train_loss, row.valid_loss]).all() for row in history)
    assert "Epoch 1, batch 3: the training loss or its gradients are not finite; this step " \
           "is skipped." in lines
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())


def test_non_finite_losses_in_a_row_stop_training_at_the_best_epoch(rsscn7_small):
    steps = 9  # 134 training chips in batches of 16: 8 full ones and one of 6
    trainer, lines = non_finite_trainer(rsscn7_small, train_calls=range(steps + 1, 100))
    assert trainer.steps_per_epoch() == steps
    history = trainer.fit(4, 1e-3)
    assert [row.epoch for row in history] == [1] and trainer.best_epoch == 1
    log = "\n".join(lines)
    assert "Training stopped: 3 training steps in a row had a loss or gradients that are " \
           "not finite. Keeping epoch 1, the best finished one. Lower lr=" in log
    assert trainer.validate()[0] == pytest.approx(history[0].valid_loss, rel=1e-4)


def test_a_non_finite_validation_loss_is_never_the_best_epoch(rsscn7_small):
    trainer, lines = non_finite_trainer(rsscn7_small, valid_pass=1)
    history = trainer.fit(3, 1e-3)
    assert len(history) == 1 and trainer.best_epoch == 1
    assert np.isfinite(history[0].valid_loss)
    assert "Training stopped: the validation loss of epoch 2 is not finite." in "\n".join(lines)


def test_no_finite_epoch_at_all_is_a_clear_error(rsscn7_small):
    from core.errors import SceneClassifierError

    trainer, _ = non_finite_trainer(rsscn7_small, valid_pass=0)
    with pytest.raises(SceneClassifierError, match="no epoch finished with a finite "
                       "validation loss. Lower lr="):
        trainer.fit(2, 1e-3)


def test_a_package_never_holds_nan(tmp_path):
    from core.errors import ModelPackageError

    data = prepare_data(str(SAMPLE_SAT6), batch_size=16, chip_size=28)
    classifier = FeatureClassifier(data, backbone="resnet18", pretrained=False, device="cpu")
    classifier.learning_rate = float("nan")
    with pytest.raises(ModelPackageError, match="'LearningRate' is not a finite number"):
        classifier.save("m", str(tmp_path))
    assert not any(tmp_path.iterdir())


def test_the_predictor_halves_its_batches_out_of_memory_too(trained):
    """Trainer and predictor share one out-of-memory rule (core.runtime.devices.BatchParts)."""
    from core.inference.predictor import Predictor
    from core.packages.read import load_package
    from core.runtime.feedback import Feedback

    classifier, paths = trained
    chips = classifier.data.valid_images[:16].numpy()
    lines = []
    predictor = Predictor(load_package(paths.definition), "cpu", batch_size=16,
                          feedback=Feedback(log=lines.append))
    expected = predictor.probabilities(chips)
    wrapped = RunsOutOfMemory(predictor.engine.network.model, limit=5)
    predictor.engine.network.model = wrapped
    got = predictor.probabilities(chips)
    assert wrapped.largest <= 5 and predictor.batch_parts.parts == 4
    assert "Out of memory while classifying: halving the batch to 8 chips" in "\n".join(lines)
    assert np.allclose(got, expected, atol=1e-2)


def test_a_second_run_into_the_same_model_folder_stops_at_once(rsscn7_small, tmp_path):
    """One run at a time per model folder: a live run's lock stops another, naming it."""
    import json
    import os
    import socket

    from core.errors import OutputError
    from core.workflows.train import TrainSettings, train_classifier

    out = tmp_path / "models"
    out.mkdir()
    lock = out / ".m.lock"
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                "started": "2026-11-26 04:00:00"}))
    settings = TrainSettings(str(rsscn7_small), backbone="resnet18", pretrained=False,
                             chip_size=16, batch_size=16, epochs=1, learning_rate=1e-3,
                             device="cpu", model_name="m", output_folder=str(out))
    with pytest.raises(OutputError, match=f"Another run is already writing the model m in "
                       f"{out} \\(process {os.getpid()} on"):
        train_classifier(settings)
    assert sorted(p.name for p in out.iterdir()) == [".m.lock"]  # nothing else touched


def test_the_cpu_plans_batch_parts_that_fit_the_available_memory(monkeypatch):
    """Before the first batch on the CPU, a batch whose estimated memory exceeds half the
    available RAM runs in parts (logged); a failed CPU allocation counts as out of memory."""
    from core.runtime import devices, memory
    from core.runtime.feedback import Feedback

    lines = []
    monkeypatch.setattr(memory, "available", lambda: 4 * 1024**3)
    parts = devices.BatchParts(Feedback(log=lines.append), "cpu", chip_size=512)
    seen = []
    parts.run(64, "training", 2, lambda count: seen.append(count))
    assert seen == [32]  # parts of 2 chips: 2 x 512² px x 3000 B/px = 1.5 GiB, under 2 GiB
    assert "A batch of 64 chips of 512 px would need about 46.88 GiB" in lines[0]
    assert devices.is_out_of_memory(RuntimeError(
        "[enforce fail at alloc_cpu.cpp:127] DefaultCPUAllocator: can't allocate memory"))
    assert devices.BatchParts(Feedback(), "cuda", chip_size=512).run(
        64, "training", 2, lambda count: count) == 1  # GPUs: caught errors only
