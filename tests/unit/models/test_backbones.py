"""Backbones: every one builds for any band count; local weights; failed downloads."""

from __future__ import annotations

import urllib.error

import pytest
import torch
import torchvision

from core.errors import BackboneError
from core.models import backbones
from core.models.backbones import BACKBONES, create_model, head_name


@pytest.mark.parametrize("name", BACKBONES)
def test_every_backbone_takes_any_band_count(name):
    model = create_model(name, num_classes=5, band_count=4).eval()
    with torch.no_grad():
        out = model(torch.randn(2, 4, 64, 64))
    assert out.shape == (2, 5)


def test_local_weights_file_is_loaded_and_rgb_filters_are_spread_over_bands(tmp_path):
    torch.manual_seed(0)
    imagenet_like = torchvision.models.resnet18(weights=None)
    path = tmp_path / "resnet18_imagenet.pth"
    torch.save(imagenet_like.state_dict(), path)
    model = create_model("resnet18", num_classes=3, band_count=3, weights_file=str(path))
    assert torch.equal(model.layer4[1].conv2.weight, imagenet_like.layer4[1].conv2.weight)
    assert model.fc.out_features == 3
    four = create_model("resnet18", num_classes=3, band_count=4, weights_file=str(path))
    expected = imagenet_like.conv1.weight.mean(dim=1, keepdim=True) * 3 / 4
    assert torch.allclose(four.conv1.weight, expected.repeat(1, 4, 1, 1))


def test_weights_of_another_backbone_are_refused(tmp_path):
    path = tmp_path / "resnet34.pth"
    torch.save(torchvision.models.resnet34(weights=None).state_dict(), path)
    with pytest.raises(BackboneError, match="does not match backbone resnet18"):
        create_model("resnet18", 3, weights_file=str(path))


def test_missing_or_unreadable_weights_file(tmp_path):
    with pytest.raises(BackboneError, match="not found"):
        create_model("resnet18", 3, weights_file=str(tmp_path / "nope.pth"))
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(BackboneError, match="Cannot read weights file"):
        create_model("resnet18", 3, weights_file=str(junk))


def test_failed_download_says_what_to_do(monkeypatch):
    def offline(weights=None):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(torchvision.models, "resnet18", offline)
    with pytest.raises(BackboneError) as error:
        create_model("resnet18", 3, pretrained=True)
    assert "weights_file=" in str(error.value) and "pretrained=False" in str(error.value)
    from conftest import plugin_module

    namer = plugin_module("interface.settings").namer
    train = plugin_module("interface.tools").TRAIN
    in_qgis = error.value.spelled(namer(train, lambda spec: spec.name))
    assert "WEIGHTS_FILE" in in_qgis and "PRETRAINED off" in in_qgis


def test_pretrained_requests_torchvisions_default_weights(monkeypatch):
    asked = []
    real = torchvision.models.resnet18
    monkeypatch.setattr(torchvision.models, "resnet18",
                        lambda weights=None: asked.append(weights) or real(weights=None))
    create_model("resnet18", 3, pretrained=True)
    assert asked == ["DEFAULT"]


def test_unknown_backbone_and_head_name():
    with pytest.raises(BackboneError, match="Unknown backbone"):
        create_model("vgg16", 3)
    assert head_name(create_model("efficientnet_b0", 3)) == "classifier.1"
    assert backbones.DEFAULT_BACKBONE == "resnet34"


def test_weights_with_another_head_size_load_all_but_the_head(tmp_path):
    fine_tuned = torchvision.models.resnet18(weights=None, num_classes=10)
    path = tmp_path / "ten_classes.pth"
    torch.save(fine_tuned.state_dict(), path)
    model = create_model("resnet18", num_classes=4, weights_file=str(path))
    assert torch.equal(model.conv1.weight, fine_tuned.conv1.weight)
    assert model.fc.out_features == 4
