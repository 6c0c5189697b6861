"""timm backbones: any timm model trains, saves and classifies; tf_efficientnet_lite0 starts
from ImageNet weights shipped on the package registry, and they help."""

from __future__ import annotations

import json

import numpy as np

from conftest import MASSACHUSETTS_TIF, SAMPLE_RSSCN7
from core.api import FeatureClassifier, prepare_data
from core.inference.classifier import ClassifyOptions, RasterClassifier
from core.runtime.feedback import Feedback

LITE0 = "timm:tf_efficientnet_lite0"


def learning_curve_mean(pretrained: bool, epochs: int = 3) -> tuple[float, FeatureClassifier]:
    """Mean validation accuracy over the epochs: how fast a start learns, not where one
    lucky epoch of 42 validation chips ends (that varies with the CPU's arithmetic)."""
    data = prepare_data(str(SAMPLE_RSSCN7), batch_size=32, chip_size=64, seed=0)
    classifier = FeatureClassifier(data, backbone=LITE0, pretrained=pretrained, device="cpu",
                                   feedback=Feedback())
    classifier.fit(epochs, lr=1e-3, early_stopping=False)
    history = classifier.trainer.history
    return sum(row.accuracy for row in history) / len(history), classifier


def test_shipped_imagenet_weights_beat_training_from_scratch(tmp_path):
    pretrained, classifier = learning_curve_mean(True)
    scratch, _ = learning_curve_mean(False)
    assert classifier.data.normalization.mean == [0.5, 0.5, 0.5]  # lite0's [-1, 1] inputs
    assert pretrained > scratch + 0.15, (pretrained, scratch)
    paths = classifier.save("lite0", str(tmp_path))
    definition = json.loads(open(paths.definition).read())
    assert definition["Backbone"] == LITE0
    assert definition["ModelParameters"] == {"backbone": LITE0}
    points = [bytes.fromhex("0101000000") + np.array([x, y], "<f8").tobytes()
              for x, y in ((229518.0, 894470.0), (229700.0, 894300.0))]  # in the raster
    for engine in ("torch", "onnxruntime"):
        classify = RasterClassifier(paths.definition, str(MASSACHUSETTS_TIF),
                                    ClassifyOptions(device="cpu", engine=engine, cell_size=1.0))
        results = list(classify.classify(points))
        assert all(result.class_index is not None for result in results)


def test_train_classifier_takes_a_timm_backbone(qgis_process, rsscn7_small, tmp_path):
    done, result = qgis_process.run("trainclassifier", INPUT_FOLDER=rsscn7_small,
                                    TIMM_BACKBONE="tf_efficientnet_lite0", PRETRAINED="true",
                                    CHIP_SIZE=32, BATCH_SIZE=16, EPOCHS=1, LEARNING_RATE=0.001,
                                    DEVICE=1, MODEL_NAME="lite0", OUTPUT_FOLDER=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    definition = json.loads(open(result["results"]["MODEL_DEFINITION"]).read())
    assert definition["Backbone"] == LITE0
    assert "Training timm:tf_efficientnet_lite0 on cpu." in result["log"]["info"]
