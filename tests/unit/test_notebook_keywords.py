"""arcgis.learn's FeatureClassifier keywords in the notebook API (core.api), with their
meanings and arcgis.learn's defaults, on the bundled RSSCN7 sample at 32 px."""

from __future__ import annotations

import inspect
import os

import numpy as np
import pytest
import torch

from core.api import FeatureClassifier, discriminative_rates, prepare_data
from core.errors import DataError, SceneClassifierError
from core.models.backbones import head_name, layer_groups
from core.reports.report import percent
from core.runtime.feedback import Feedback
from core.training.checkpoint import load_checkpoint


@pytest.fixture(scope="module")
def data(rsscn7_small):
    """7 classes x 24 chips, arcgis.learn's default split (val_split_pct 0.1)."""
    return prepare_data(str(rsscn7_small), chip_size=32, batch_size=32, seed=1)


TINY = "timm:test_efficientnet"  # timm's smallest network: fast epochs on a CPU


def scratch(data, lines: list | None = None) -> FeatureClassifier:
    """A tiny network without pretrained weights (nothing frozen)."""
    feedback = Feedback(log=lines.append) if lines is not None else Feedback()
    return FeatureClassifier(data, backbone=TINY, pretrained=False, device="cpu",
                             feedback=feedback)


def parts(model) -> tuple:
    """The first convolution's, the first batch normalisation's and the head's weights."""
    modules = list(model.modules())
    return (next(m for m in modules if isinstance(m, torch.nn.Conv2d)).weight,
            next(m for m in modules if isinstance(m, torch.nn.BatchNorm2d)).weight,
            model.get_submodule(head_name(model)).weight)


def test_the_notebook_has_arcgis_learns_defaults(data):
    assert len(data.valid_labels) == 7 * 2  # round(24 x 10 %) of each class
    assert inspect.signature(prepare_data).parameters["val_split_pct"].default == 0.1
    fit = inspect.signature(FeatureClassifier.fit).parameters
    assert fit["epochs"].default == 10 and fit["early_stopping"].default is False
    assert fit["checkpoint"].default is True and fit["monitor"].default == "valid_loss"
    assert len(data.show_batch().axes) == 4  # rows=2
    # the tools' defaults stay theirs
    from core.workflows.training_run import TrainingRun

    assert inspect.signature(TrainingRun.fit).parameters["early_stopping"].default is True


def test_data_describes_its_classes(data, rsscn7_small):
    assert data.c == 7 == len(data.classes)
    assert data.class_mapping == dict(enumerate(data.classes))
    both = prepare_data([str(rsscn7_small), str(rsscn7_small)], chip_size=16, seed=1)
    assert both.folders == [str(rsscn7_small)] * 2  # a list of folders, as extra_folders


def test_stratify_transforms_and_working_dir(rsscn7_small, tmp_path):
    lines = []
    plain = prepare_data(str(rsscn7_small), chip_size=16, stratify=False, transforms=False,
                         working_dir=str(tmp_path), feedback=Feedback(log=lines.append))
    counts = torch.bincount(plain.valid_labels, minlength=7).tolist()
    assert sum(counts) == 17 and len(set(counts)) > 1  # 10 % of all, not of each class
    assert plain.augment is False and plain.working_dir == str(tmp_path)
    assert not lines
    augmented = prepare_data(str(rsscn7_small), chip_size=16, transforms=("flip",),
                             feedback=Feedback(log=lines.append))
    assert augmented.augment and len(lines) == 1 and lines[0].startswith("transforms=")


def test_resize_to_resizes_then_crops_in_training_and_in_the_saved_model(rsscn7_small,
                                                                         tmp_path):
    from core.data.imagery import fit_chip, read_image, resize_chip
    from core.data.training_data import scan_folders
    from core.packages.read import load_package

    data = prepare_data(str(rsscn7_small), chip_size=16, resize_to=24, batch_size=32, seed=1,
                        working_dir=str(tmp_path))
    image = read_image(scan_folders([str(rsscn7_small)]).paths[0])
    cropped = fit_chip(image, 16, 24)
    assert np.array_equal(cropped, resize_chip(image, 24)[:, 4:20, 4:20])
    assert not np.array_equal(cropped, resize_chip(image, 16))
    decoded = {bytes(chip.numpy()) for chip in [*data.train_images, *data.valid_images]}
    assert bytes(cropped) in decoded  # every chip is cut this way, whichever split it is in
    from core.data.chip_store import STREAM

    streamed = prepare_data(str(rsscn7_small), chip_size=16, resize_to=24, batch_size=32,
                            seed=1, chip_storage=STREAM)  # read from disk every epoch
    assert torch.equal(streamed.valid_images[0], data.valid_images[0])
    classifier = scratch(data)
    classifier.fit(1, lr=1e-3)
    paths = classifier.save("zoomed")
    package = load_package(paths.definition)
    assert package.definition["resize_to"] == 24 and package.resize_to == 24
    loaded = FeatureClassifier.from_model(paths.definition, device="cpu")
    probabilities = loaded.predictor().probabilities(cropped[np.newaxis])[0]
    assert loaded.predict(image)[1] == pytest.approx(float(probabilities.max()), abs=1e-6)
    plain = prepare_data(str(rsscn7_small), chip_size=16, batch_size=32, seed=1)
    with pytest.raises(DataError, match="resize_to 24.*resize_to None"):
        FeatureClassifier.from_model(paths.definition, data=plain)
    for wrong in (8, 5000, 20.5, True):
        with pytest.raises(DataError, match=f"resize_to={wrong!r}"):
            prepare_data(str(rsscn7_small), chip_size=16, resize_to=wrong)


def test_transforms_false_trains_on_the_chips_as_they_are(rsscn7_small, monkeypatch):
    import core.training.step as step

    plain = prepare_data(str(rsscn7_small), chip_size=16, transforms=False, batch_size=32)
    calls = []
    monkeypatch.setattr(step, "augment_batch", lambda images, generator: calls.append(1))
    scratch(plain).fit(1, lr=1e-3)
    assert not calls


def test_a_slice_gives_discriminative_rates_in_three_groups(data, tmp_path):
    assert discriminative_rates(slice(1e-3)) == pytest.approx([1e-4, 1e-4, 1e-3])
    assert discriminative_rates(slice(1e-5, 1e-3)) == pytest.approx([1e-5, 1e-4, 1e-3])
    classifier = scratch(data)
    groups = layer_groups(classifier.model)
    head = head_name(classifier.model)
    body = [p for name, p in classifier.model.named_parameters() if not name.startswith(head)]
    assert groups[0] + groups[1] == body and len(groups[1]) - len(groups[0]) in (0, 1)
    assert groups[2] == list(classifier.model.get_submodule(head).parameters())
    classifier.fit(1, lr=slice(1e-5, 1e-3), checkpoint_folder=str(tmp_path))
    saved = load_checkpoint(str(tmp_path))
    assert [g["max_lr"] for g in saved["optimizer"]["param_groups"]] == pytest.approx(
        [1e-5, 1e-4, 1e-3])
    assert saved["run"]["learning rate"] == pytest.approx([1e-5, 1e-4, 1e-3])
    assert classifier.top_rate() == pytest.approx(1e-3)
    with pytest.raises(DataError, match="slice"):
        classifier.fit(1, lr=slice(1e-2, 1e-4))


def test_one_cycle_false_trains_at_a_constant_rate(data, tmp_path):
    scratch(data).fit(2, lr=3e-4, one_cycle=False, checkpoint_folder=str(tmp_path))
    saved = load_checkpoint(str(tmp_path))
    assert [g["lr"] for g in saved["optimizer"]["param_groups"]] == [3e-4]
    assert saved["run"]["one cycle"] is False


def test_pretrained_bodies_start_frozen_until_unfreeze(data, tmp_path):
    from core.models.backbones import create_model

    weights = tmp_path / "weights.pth"
    torch.save(create_model(TINY, 1000).state_dict(), weights)
    lines = []
    classifier = FeatureClassifier(data, TINY, pretrained_path=str(weights), device="cpu",
                                   feedback=Feedback(log=lines.append))
    assert any("frozen" in line for line in lines)
    before = [weight.detach().clone() for weight in parts(classifier.model)]
    classifier.fit(1, lr=1e-2)
    conv, norm, head = parts(classifier.model)
    assert torch.equal(conv, before[0])
    assert not torch.equal(norm, before[1]) and not torch.equal(head, before[2])
    classifier.unfreeze()
    classifier.fit(1, lr=1e-2)
    assert not torch.equal(parts(classifier.model)[0], before[0])
    assert not scratch(data).trainer.frozen  # no pretrained weights: all trains
    with pytest.raises(DataError, match="from_model"):
        FeatureClassifier(data, TINY, pretrained_path="model.emd")


def test_a_loaded_model_trained_further_starts_frozen(data, tmp_path):
    trained = scratch(data)
    trained.fit(1, lr=1e-3)
    paths = trained.save(str(tmp_path / "first"))
    lines = []
    further = FeatureClassifier.from_model(paths.definition, data=data, device="cpu",
                                           feedback=Feedback(log=lines.append))
    assert further.trainer.frozen and any("frozen" in line for line in lines)
    before = parts(further.model)[0].detach().clone()
    further.fit(1, lr=1e-2)
    assert torch.equal(parts(further.model)[0], before)
    further.unfreeze()
    further.fit(1, lr=1e-2)
    assert not torch.equal(parts(further.model)[0], before)


def test_monitor_and_checkpoint_decide_the_kept_epoch(data):
    classifier = scratch(data)
    table = classifier.fit(3, lr=3e-3, monitor="accuracy")
    accuracies = [row["accuracy"] for row in table]
    assert classifier.trainer.best_epoch == accuracies.index(max(accuracies)) + 1
    assert classifier.accuracy() == pytest.approx(max(accuracies))
    table = classifier.fit(2, lr=3e-3, checkpoint=False)
    assert classifier.trainer.best_epoch == 2
    assert classifier.accuracy() == pytest.approx(table[-1]["accuracy"])
    assert ("Kept epoch", f"2 (the last): accuracy {percent(table[-1]['accuracy'])}"
            ) in classifier.model_facts()
    with pytest.raises(DataError, match="'valid_loss'.*'accuracy'"):
        classifier.fit(1, lr=1e-3, monitor="f1")
    with pytest.raises(DataError, match="True.*False.*'all'"):
        classifier.fit(1, lr=1e-3, checkpoint="every")


def test_checkpoint_all_writes_every_epochs_weights(rsscn7_small, tmp_path):
    data = prepare_data(str(rsscn7_small), chip_size=16, batch_size=32, seed=1,
                        working_dir=str(tmp_path))
    lines = []
    classifier = scratch(data, lines)
    table = classifier.fit(2, lr=1e-3, checkpoint="all", monitor="accuracy")
    folder = tmp_path / "models" / "checkpoints"
    assert sorted(os.listdir(folder)) == ["epoch_1.pth", "epoch_2.pth"]
    assert any(str(folder) in line for line in lines)
    epochs = [torch.load(folder / f"epoch_{n}.pth", weights_only=True) for n in (1, 2)]
    assert any(not torch.equal(epochs[0][key], epochs[1][key]) for key in epochs[0])
    kept_weights = epochs[classifier.trainer.best_epoch - 1]  # the kept (best) epoch's file
    assert all(torch.equal(kept_weights[key], value.cpu())
               for key, value in classifier.model.state_dict().items())
    kept = FeatureClassifier(data, TINY, pretrained_path=str(folder / "epoch_1.pth"),
                             device="cpu")
    assert kept.accuracy() >= 0 and len(table) == 2  # loads as weights, like a package's .pth


def test_figures_prediction_and_backbones(rsscn7_small):
    from matplotlib.figure import Figure

    data = prepare_data(str(rsscn7_small), chip_size=16, batch_size=4, seed=1)  # quick sweep
    classifier = scratch(data)
    suggestion = classifier.lr_find(allow_plot=True)
    assert suggestion > 0 and isinstance(classifier.lr_figure, Figure)
    classifier.fit(1, lr=1e-3)
    assert isinstance(classifier.plot_losses(), Figure)
    name, confidence, figure = classifier.predict(data.valid_images[0].numpy(), visualize=True)
    assert name in data.classes and 0 < confidence <= 1 and isinstance(figure, Figure)
    assert classifier.predict(data.valid_images[0].numpy()) == (name, confidence)
    assert "resnet34" in FeatureClassifier.backbones() == FeatureClassifier.supported_backbones
    with pytest.raises(DataError, match="fit"):
        scratch(data).plot_losses()


def test_save_where_arcgis_learn_saves_and_noting_the_rest(rsscn7_small, tmp_path):
    work = tmp_path / "work"
    data = prepare_data(str(rsscn7_small), chip_size=16, batch_size=32, working_dir=str(work))
    lines = []
    classifier = scratch(data, lines)
    classifier.fit(1, lr=1e-3, tensorboard=True)
    plain = classifier.save("plain", publish=True, compute_metrics=False, save_optimizer=True,
                            save_inference_file=False, framework="TF-ONNX")
    assert os.fspath(plain) == str(work / "models" / "plain")
    notes = [line.split(":")[0] for line in lines if "no effect" in line or "TensorFlow" in line]
    assert notes == ["tensorboard=True", "framework='TF-ONNX'", "publish=/gis=",
                     "compute_metrics=False", "save_optimizer=True",
                     "save_inference_file=False"]
    target = tmp_path / "elsewhere" / "absolute"
    paths = classifier.save(str(target))
    assert os.fspath(paths) == str(target) and os.path.isfile(target / "absolute.emd")
    loaded = FeatureClassifier.from_model(emd_path=paths.definition, device="cpu")
    assert loaded.classes == data.classes
    with pytest.raises(DataError, match="framework"):
        classifier.save("x", framework="Keras")


def test_unknown_keywords_are_still_type_errors(data):
    classifier = scratch(data)
    with pytest.raises(TypeError):
        prepare_data("folder", collate_fn=None)
    with pytest.raises(TypeError):
        FeatureClassifier(data, mixup=True)
    with pytest.raises(TypeError):
        classifier.fit(1, lr=1e-3, callbacks=[])
    with pytest.raises(TypeError):
        classifier.save("x", gis_folder="y")
    with pytest.raises(TypeError):
        FeatureClassifier.from_model()


def test_offline_pretrained_weights_name_the_python_arguments(data, monkeypatch):
    import torchvision

    def unreachable(weights=None):
        if weights:
            raise OSError("network unreachable")
        return torchvision.models.resnet.ResNet(torchvision.models.resnet.BasicBlock,
                                                [2, 2, 2, 2])

    monkeypatch.setattr(torchvision.models, "resnet18", unreachable)
    with pytest.raises(SceneClassifierError) as error:
        FeatureClassifier(data, backbone="resnet18", device="cpu")
    assert "weights_file=" in str(error.value) and "pretrained=False" in str(error.value)


@pytest.mark.parametrize("call, named", [
    (lambda d, c: prepare_data(d.folders[0], chip_size=16.5), "chip_size="),
    (lambda d, c: prepare_data(d.folders[0], chip_size=16, seed=-1), "seed="),
    (lambda d, c: prepare_data(d.folders[0], chip_size=16, batch_size=2.5), "batch_size="),
    (lambda d, c: prepare_data(d.folders[0], chip_size=16, val_split_pct=float("nan")),
     "val_split_pct"),
    (lambda d, c: c.fit(0, lr=1e-3), "epochs="),
    (lambda d, c: c.fit(2.5, lr=1e-3), "epochs="),
    (lambda d, c: c.fit(1, lr=float("nan")), "lr="),
    (lambda d, c: c.fit(1, lr=-1e-3), "lr="),
    (lambda d, c: c.fit(1, lr=float("inf")), "lr="),
    (lambda d, c: c.fit(1, lr=slice(float("nan"), 1e-3)), "lr="),
    (lambda d, c: c.show_results(rows=0), "rows="),
    (lambda d, c: c.show_batch(rows=1.5), "rows="),
])
def test_bad_numbers_are_value_errors_naming_the_argument_before_any_work(data, call, named):
    classifier = scratch(data)
    before = [weight.detach().clone() for weight in classifier.model.parameters()]
    with pytest.raises(ValueError, match=named) as raised:
        call(data, classifier)
    assert isinstance(raised.value, SceneClassifierError)  # a message, as the tools give
    assert not classifier.trainer.history  # nothing trained
    assert all(torch.equal(a, b) for a, b in zip(before, classifier.model.parameters()))


def test_a_missing_or_empty_image_is_named_by_predict(data, tmp_path):
    classifier = scratch(data)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="missing.jpg is not there"):
        classifier.predict(str(tmp_path / "missing.jpg"))
    with pytest.raises(DataError, match="empty.jpg cannot be read as an image"):
        classifier.predict(empty)
    with pytest.raises(DataError, match="is a folder"):
        classifier.predict(str(tmp_path))
