"""Rebuild the model package the tests classify with: tests/models/rsscn7 tiny/ (.emd, .pth,
.onnx, .dlpk and the training report, about 2.4 MB), so that no test run has to train a model
before it can classify one (tests/conftest.py's ``trained`` fixture loads it).

    .venv/bin/python tests/models/build_package.py

It trains here, on the CPU, from scratch on the bundled RSSCN7 sample (resources/sample/rsscn7;
see tests/models/NOTICE), seeded; it takes a minute or two. The backbone is timm's
test_efficientnet: an EfficientNet of 0.1 M parameters (400 kB of weights), which reaches
about 77 % validation accuracy on the sample at 32 px in 20 epochs (the resnet18 the tests
trained at their start, 6 epochs, reaches about 74 %). torchvision's smallest backbone in the
list (efficientnet_b0, 4 M parameters) would make a 65 MB package, its weights being in it
three times (.pth, .onnx, .dlpk). timm is a development requirement (requirements-dev.txt),
so every test run has it, while a user's install may lack it: this package serves the tests
only, and torchvision's networks keep theirs (tests/unit/models/test_backbones.py, the
training_run fixture's resnet18 and every test that trains).

Rebuild it when the package format changes or when timm changes test_efficientnet: the
``trained`` fixture then fails, saying what does not load.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NAME = "rsscn7 tiny"
BACKBONE = "timm:test_efficientnet"
DATA = dict(chip_size=32, batch_size=32, seed=1)
EPOCHS, LEARNING_RATE = 20, 5e-3


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from core.api import FeatureClassifier, prepare_data

    data = prepare_data(str(ROOT / "resources" / "sample" / "rsscn7"), **DATA)
    classifier = FeatureClassifier(data, backbone=BACKBONE, pretrained=False, device="cpu")
    classifier.fit(EPOCHS, lr=LEARNING_RATE, early_stopping=False)
    paths = classifier.save(NAME, str(HERE))  # replaces an earlier build, once complete
    print(f"{paths.folder}: validation accuracy {classifier.best_accuracy:.1%}")


if __name__ == "__main__":
    main()
