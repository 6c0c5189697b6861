"""The arcgis.learn notebook (../shared/seed: scene classification with FeatureClassifier)
runs with only its import line changed, on the bundled sample."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, SAMPLE_RSSCN7

# The reference notebook's calls, in its order; chip_size, a small batch, backbone and
# pretrained=False (no download here) keep it small and offline.
NOTEBOOK = textwrap.dedent("""
    import sys
    sys.path.insert(0, {parent!r})
    from scene_classifier import prepare_data, FeatureClassifier
    data_path = {data!r}
    data = prepare_data(path=data_path, dataset_type="Imagenet", batch_size=16,
                        val_split_pct=0.2, chip_size=32)
    batch = data.show_batch(rows=4)
    model = FeatureClassifier(data, oversample=True, backbone="resnet18", pretrained=False)
    lr = model.lr_find()
    model.fit(3, lr=lr)
    results = model.show_results(rows=4)
    matrix = model.plot_confusion_matrix()
    model_name = "Nwpu_model1"
    saved = model.save(model_name)
    print("FIGURES", [type(f).__name__ for f in (batch, results, matrix)], len(batch.axes))
    print("SAVED", __import__("os").fspath(saved))
    again = prepare_data(path=data_path, dataset_type="Imagenet", val_split_pct=0.2,
                         chip_size=32)  # the models folder inside the data is no class
    print("CLASSES", len(again.classes))
    loaded = FeatureClassifier.from_model(saved.definition)
    print("PREDICT", loaded.predict(data.valid_images[0].numpy())[0] in data.classes)
""")


def test_the_arcgis_learn_notebook_runs_with_its_import_changed(tmp_path):
    data = shutil.copytree(SAMPLE_RSSCN7, tmp_path / "rsscn7")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
    done = subprocess.run([sys.executable, "-c", NOTEBOOK.format(parent=str(tmp_path / "lib"),
                                                                 data=str(data))],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "Learning-rate finder suggests" in out
    assert "epoch  train_loss  valid_loss  accuracy  time" in out  # fit prints the table
    assert "FIGURES ['Figure', 'Figure', 'Figure'] 16" in out
    folder = data / "models" / "Nwpu_model1"
    assert f"SAVED {folder}" in out
    assert {p.name for p in folder.iterdir()} >= {"Nwpu_model1.emd", "Nwpu_model1.dlpk",
                                                 "Nwpu_model1.onnx"}
    assert "CLASSES 7" in out and "PREDICT True" in out


def test_val_split_pct_is_a_fraction_as_in_arcgis_learn():
    from core.api import prepare_data
    from core.errors import DataError

    with pytest.raises(DataError, match="0.2 keeps 20 %. Got 20"):
        prepare_data(str(SAMPLE_RSSCN7), val_split_pct=20)
    with pytest.raises(DataError, match="dataset_type 'PASCAL_VOC_rectangles' is not"):
        prepare_data(str(SAMPLE_RSSCN7), dataset_type="PASCAL_VOC_rectangles")
