"""Packages written by arcgis.learn's FeatureClassifier, read as data and run like ours.

arcgis.learn saves a fastai ``create_cnn`` network: the torchvision model's layers up to its
pooling as ``0.*``, and fastai's head as ``1.*``: AdaptiveConcatPool2d (max-pool and
average-pool to 1 x 1, concatenated in that order), Flatten, BatchNorm1d(2 x features),
Dropout, Linear(2 x features -> 512), ReLU, BatchNorm1d(512), Dropout, Linear(512 ->
classes), the Linear layers with or without biases by fastai version. The weights are that
state dict, or ``{"model": state, "opt": ...}``. Logit i is the i-th entry of ``Classes``;
RGB inputs are scaled to [0, 1] and normalised with ImageNet's statistics, multispectral ones
as their NormalizationStats say. The package's
InferenceFunction (.py) and any other code in it are never imported or run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..data.normalization import Normalization
from ..errors import ModelPackageError, tr

if TYPE_CHECKING:
    import torch

# arcgis.learn 2.x writes "_FeatureClassifier"; older versions (and Esri's published models)
# "FeatureClassifier", with Framework "PyTorch" rather than "arcgis.learn.models._inferencing"
ESRI_CONFIGURATIONS = ("_FeatureClassifier", "FeatureClassifier")
FASTAI_HEAD = "fastai"  # our key "Head": how build_model makes the classifier
FASTAI_BACKBONES = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
SUPPORTED = ("Scene Classifier runs object (scene) classification packages: its own, and "
             "arcgis.learn's FeatureClassifier (PyTorch, resnet18 to resnet152).")


def is_esri_definition(definition: dict) -> bool:
    """True for a model definition written by arcgis.learn rather than by us."""
    return "Backbone" not in definition and (
        str(definition.get("Framework", "")).startswith("arcgis.learn")
        or "ModelConfiguration" in definition and "ModelParameters" in definition)


def configuration_name(definition: dict) -> str:
    """ModelConfiguration as a name (Esri's Keras and TensorFlow examples give an object)."""
    configuration = definition.get("ModelConfiguration")
    if isinstance(configuration, dict):
        configuration = configuration.get("Name")
    return str(configuration or "none")


def describe(definition: dict) -> str:
    """What an .emd says it is: model type, configuration and framework."""
    return (f"a model of type {definition.get('ModelType') or 'not stated'} "
            f"({configuration_name(definition)}, framework "
            f"{definition.get('Framework') or 'not stated'})")


def refuse_foreign(definition: dict, source: str, ours: str) -> None:
    """Refuse, naming what it is, a definition that is neither ours (ModelConfiguration
    `ours`) nor arcgis.learn's (e.g. Esri's Keras, TensorFlow, CNTK or ONNX examples,
    detection or pixel models)."""
    if "Backbone" in definition or definition.get("ModelConfiguration") == ours:
        return  # ours (a damaged one is named by validate_definition)
    raise ModelPackageError(tr("{} is {}. {}").format(source, describe(definition), SUPPORTED))


def from_esri(definition: dict, source: str) -> tuple[dict, list[str]]:
    """Our model definition for an arcgis.learn one, and notes for the log; a clear error
    for anything this reader does not run."""
    if configuration_name(definition) not in ESRI_CONFIGURATIONS or \
            definition.get("ModelType", "ObjectClassification") != "ObjectClassification":
        raise ModelPackageError(tr("{} is an arcgis.learn package: {}. {}").format(
                                    source, describe(definition), SUPPORTED))
    backbone = str((definition.get("ModelParameters") or {}).get("backbone", ""))
    if backbone not in FASTAI_BACKBONES:
        raise ModelPackageError(
            tr("{} uses the backbone '{}'; Scene Classifier runs arcgis.learn "
               "FeatureClassifier packages with {}.").format(
                source, backbone, ', '.join(FASTAI_BACKBONES)))
    bands = definition.get("ExtractBands") or [0, 1, 2]
    normalization = multispectral_normalization(definition, bands, source) \
        if definition.get("IsMultispectral") else Normalization.imagenet()
    converted = dict(definition, Backbone=backbone, BandCount=len(bands), ExtractBands=bands,
                     Head=FASTAI_HEAD, Normalization=normalization.to_dict(),
                     ModelName=definition.get("ModelName") or backbone)
    converted.setdefault("ImageWidth", definition.get("ImageHeight"))
    notes = [f"{source} was written by arcgis.learn (FeatureClassifier, {backbone}); its "
             "weights are read as data."]
    code = definition.get("InferenceFunction")
    if code:
        notes.append(f"Its InferenceFunction ({code}) and any other code in the package were "
                     "not run: Scene Classifier runs the network itself.")
    return converted, notes


STATS_KEYS = ("band_min_values", "band_max_values", "scaled_mean_values", "scaled_std_values")


def multispectral_normalization(definition: dict, bands: list[int],
                                source: str) -> Normalization:
    """arcgis.learn's multispectral normalisation, ((x - min) / (max - min) - scaled mean) /
    scaled std per band, as ours: (x - mean) / std with mean = min + scaled mean x range and
    std = scaled std x range (scale 1). Esri keeps the statistics of every band of the
    training data and indexes them by the ExtractBands (``bands``): the model's band i uses
    the statistics at position ``bands[i]``. Statistics of exactly the extracted bands, where
    they do not reach that far, are taken in order."""
    stats = definition.get("NormalizationStats") or {}
    try:
        low, high, mean, std = ([float(v) for v in stats[key]] for key in STATS_KEYS)
    except (KeyError, TypeError, ValueError) as error:
        raise ModelPackageError(tr("{} is multispectral but its NormalizationStats "
                                   "lack {} ({}).").format(
                                    source, ', '.join(STATS_KEYS), error)) from error
    count = len(low)
    if not all(len(values) == count for values in (high, mean, std)):
        raise ModelPackageError(tr("{}: the lists of NormalizationStats differ in "
                                   "length.").format(source))
    if count > max(bands):
        chosen = list(bands)  # Esri's way: by band index
    elif count == len(bands):
        chosen = list(range(count))
    else:
        raise ModelPackageError(
            tr("{}: NormalizationStats hold {} bands, too few for ExtractBands {} (one "
               "value per band of the training data, indexed by the band).").format(
                source, count, bands))
    low, high, mean, std = ([values[i] for i in chosen] for values in (low, high, mean, std))
    ranges = [h - lo for lo, h in zip(low, high)]
    return Normalization(1.0, [lo + m * r for lo, m, r in zip(low, mean, ranges)],
                         [s * r for s, r in zip(std, ranges)])


def fastai_state(loaded: object) -> dict:
    """The network's state dict from a fastai Learner.save file (with or without "opt")."""
    if isinstance(loaded, dict) and isinstance(loaded.get("model"), dict):
        return loaded["model"]
    return loaded  # checked as a state dict of tensors by the caller


def fastai_classifier(backbone: str, num_classes: int, state: dict | None = None,
                      bands: int = 3) -> torch.nn.Sequential:
    """fastai's create_cnn network around a torchvision ``backbone`` taking ``bands`` bands:
    body ``0``, head ``1``; Linear layers get biases where ``state`` has them."""
    import torch
    import torchvision
    from torch import nn

    class AdaptiveConcatPool2d(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mp, self.ap = nn.AdaptiveMaxPool2d(1), nn.AdaptiveAvgPool2d(1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.cat([self.mp(x), self.ap(x)], 1)

    network = getattr(torchvision.models, backbone)(weights=None)
    if bands != 3:
        network.conv1 = nn.Conv2d(bands, 64, kernel_size=7, stride=2, padding=3, bias=False)
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
