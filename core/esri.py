"""Packages written by arcgis.learn's FeatureClassifier, read as data and run like ours.

arcgis.learn saves a fastai ``create_cnn`` network: the torchvision model's layers up to its
pooling as ``0.*``, and fastai's head as ``1.*``: AdaptiveConcatPool2d (max-pool and
average-pool to 1 x 1, concatenated in that order), Flatten, BatchNorm1d(2 x features),
Dropout, Linear(2 x features -> 512), ReLU, BatchNorm1d(512), Dropout, Linear(512 ->
classes), the Linear layers with or without biases by fastai version. The weights are that
state dict, or ``{"model": state, "opt": ...}``. Logit i is the i-th entry of ``Classes``;
inputs are scaled to [0, 1] and normalised with ImageNet's statistics. The package's
InferenceFunction (.py) and any other code in it are never imported or run.
"""

from __future__ import annotations

from .errors import ModelPackageError
from .normalization import Normalization

ESRI_CONFIGURATION = "_FeatureClassifier"
FASTAI_HEAD = "fastai"  # our key "Head": how build_model makes the classifier
FASTAI_BACKBONES = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")


def is_esri_definition(definition: dict) -> bool:
    """True for a model definition written by arcgis.learn rather than by us."""
    return "Backbone" not in definition and (
        str(definition.get("Framework", "")).startswith("arcgis.learn")
        or "ModelConfiguration" in definition and "ModelParameters" in definition)


def from_esri(definition: dict, source: str) -> tuple[dict, list[str]]:
    """Our model definition for an arcgis.learn one, and notes for the log; a clear error
    for anything this reader does not run."""
    configuration = definition.get("ModelConfiguration")
    if configuration != ESRI_CONFIGURATION:
        raise ModelPackageError(
            f"{source} is an arcgis.learn '{configuration}' model; Scene Classifier runs "
            f"FeatureClassifier packages (ModelConfiguration '{ESRI_CONFIGURATION}') only.")
    backbone = str((definition.get("ModelParameters") or {}).get("backbone", ""))
    if backbone not in FASTAI_BACKBONES:
        raise ModelPackageError(
            f"{source} uses the backbone '{backbone}'; Scene Classifier runs arcgis.learn "
            f"FeatureClassifier packages with {', '.join(FASTAI_BACKBONES)}.")
    if definition.get("IsMultispectral"):
        raise ModelPackageError(
            f"{source} is a multispectral arcgis.learn model: its normalisation "
            "(NormalizationStats) is not supported yet. RGB models are.")
    bands = definition.get("ExtractBands") or [0, 1, 2]
    converted = dict(definition, Backbone=backbone, BandCount=len(bands), ExtractBands=bands,
                     Head=FASTAI_HEAD, Normalization=Normalization.imagenet().to_dict(),
                     ModelName=definition.get("ModelName") or backbone)
    converted.setdefault("ImageWidth", definition.get("ImageHeight"))
    notes = [f"{source} was written by arcgis.learn (FeatureClassifier, {backbone}); its "
             "weights are read as data."]
    code = definition.get("InferenceFunction")
    if code:
        notes.append(f"Its InferenceFunction ({code}) and any other code in the package were "
                     "not run: Scene Classifier runs the network itself.")
    return converted, notes


def fastai_state(loaded: object) -> dict:
    """The network's state dict from a fastai Learner.save file (with or without "opt")."""
    if isinstance(loaded, dict) and isinstance(loaded.get("model"), dict):
        return loaded["model"]
    return loaded  # checked as a state dict of tensors by the caller


def fastai_classifier(backbone: str, num_classes: int, state: dict | None = None):
    """fastai's create_cnn network around a torchvision ``backbone``: body ``0``, head ``1``;
    Linear layers get biases where ``state`` has them."""
    import torch
    import torchvision
    from torch import nn

    class AdaptiveConcatPool2d(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mp, self.ap = nn.AdaptiveMaxPool2d(1), nn.AdaptiveAvgPool2d(1)

        def forward(self, x):
            return torch.cat([self.mp(x), self.ap(x)], 1)

    network = getattr(torchvision.models, backbone)(weights=None)
    features = network.fc.in_features
    body = nn.Sequential(*list(network.children())[:-2])

    def bias(key: str) -> bool:
        return state is None or key in state

    head = nn.Sequential(
        AdaptiveConcatPool2d(), nn.Flatten(), nn.BatchNorm1d(2 * features), nn.Dropout(0.25),
        nn.Linear(2 * features, 512, bias=bias("1.4.bias")), nn.ReLU(inplace=True),
        nn.BatchNorm1d(512), nn.Dropout(0.5),
        nn.Linear(512, num_classes, bias=bias("1.8.bias")))
    return nn.Sequential(body, head)
