"""Reading chip folders: layouts, formats, split, normalisation and every bad input."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import torch
from osgeo import gdal
from PIL import Image

from conftest import SAMPLE_RSSCN7, SAMPLE_SAT6, copy_subset
from core.data.training_data import (
    Normalization,
    load_training_data,
    scan_folders,
    split_folder_list,
    stratified_split,
)
from core.errors import DataError
from core.runtime.feedback import Feedback


def write_tif(path, array: np.ndarray) -> None:
    """Write a (bands, H, W) array as a GeoTIFF with GDAL."""
    kinds = {np.dtype("uint8"): gdal.GDT_Byte, np.dtype("uint16"): gdal.GDT_UInt16}
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), array.shape[2], array.shape[1],
                                                   array.shape[0], kinds[array.dtype])
    for band, values in enumerate(array, start=1):
        dataset.GetRasterBand(band).WriteArray(values)
    dataset = None


def two_class_folder(root, count=3, name="img", ext=".png", size=20):
    for label, value in (("a", 40), ("b", 200)):
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            Image.fromarray(np.full((size, size, 3), value + i, np.uint8)).save(
                root / label / f"{name}{i}{ext}")
    return root


def test_both_layouts_and_merge_by_class_name(tmp_path):
    plain = two_class_folder(tmp_path / "plain")
    two_class_folder(tmp_path / "nested" / "images", name="other")
    (tmp_path / "nested" / "labels").mkdir()  # ignored: classes come from images/
    scan = scan_folders(split_folder_list(str(plain), f" {tmp_path / 'nested'} ;"))
    assert scan.classes == ["a", "b"]
    assert scan.class_counts() == {"a": 6, "b": 6}


def test_a_folder_whose_name_holds_a_semicolon_stays_whole(tmp_path):
    for name in ("site;2024", "site", "other"):
        two_class_folder(tmp_path / name, name=name.replace(";", "_"))
    main = str(tmp_path / "other")
    extra = f"{tmp_path / 'site;2024'}; {tmp_path / 'site'}"
    assert split_folder_list(main, extra) == [main, str(tmp_path / "site;2024"),
                                              str(tmp_path / "site")]
    scan = scan_folders(split_folder_list(main, extra))
    assert scan.class_counts() == {"a": 9, "b": 9}  # 3 folders of 3 + 3 chips
    plain = split_folder_list(main, f"{tmp_path / 'site'};{tmp_path / 'other'}")
    assert plain == [main, str(tmp_path / "site"), main]  # no folder of the joined name


def test_reads_jpg_png_bmp_and_resizes(tmp_path):
    for ext in (".jpg", ".png", ".bmp"):
        two_class_folder(tmp_path, ext=ext, name=ext[1:], size=40)
    data = load_training_data([str(tmp_path)], chip_size=16, val_split_pct=30)
    assert data.train_images.dtype == torch.uint8
    assert tuple(data.train_images.shape[1:]) == (3, 16, 16)
    assert len(data.train_labels) + len(data.valid_labels) == 18
    assert data.normalization == Normalization.imagenet()


def test_multiband_16bit_tif_keeps_bands_and_values(tmp_path):
    rng = np.random.default_rng(0)
    for label, level in (("low", 1000), ("high", 30000)):
        (tmp_path / label).mkdir()
        for i in range(4):
            write_tif(tmp_path / label / f"{i}.tif",
                      (level + rng.integers(0, 500, (5, 12, 12))).astype(np.uint16))
    data = load_training_data([str(tmp_path)], chip_size=12, val_split_pct=50)
    assert data.band_count == 5 and data.data_type == "uint16"
    assert data.train_images.dtype == torch.float32
    assert float(data.train_images.max()) > 30000  # 16-bit values are not clipped to bytes
    assert data.normalization.scale == 1.0 and len(data.normalization.mean) == 5
    normalised = data.normalization.apply(data.train_images)
    assert abs(float(normalised.mean())) < 0.2


def test_sat6_four_band_byte_chips_get_their_own_statistics():
    data = load_training_data([str(SAMPLE_SAT6)], chip_size=28)
    assert data.band_count == 4 and data.data_type == "uint8"
    assert data.classes == sorted(p.name for p in SAMPLE_SAT6.iterdir() if p.is_dir())
    assert data.normalization.scale == 1.0 and len(data.normalization.std) == 4


def test_stratified_split_is_seeded_and_keeps_every_class():
    labels = [0] * 50 + [1] * 10 + [2] * 3
    train, valid = stratified_split(labels, 20, seed=7)
    again = stratified_split(labels, 20, seed=7)
    assert np.array_equal(valid, again[1])
    assert not set(train) & set(valid) and len(train) + len(valid) == len(labels)
    valid_labels = np.asarray(labels)[valid]
    assert [int((valid_labels == c).sum()) for c in range(3)] == [10, 2, 1]
    assert not np.array_equal(valid, stratified_split(labels, 20, seed=8)[1])


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        scan_folders([str(tmp_path / "nowhere")])


def test_empty_folder(tmp_path):
    with pytest.raises(DataError, match="is empty"):
        scan_folders([str(tmp_path)])


def test_no_class_subfolders(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "loose.png")
    with pytest.raises(DataError, match="no class sub-folders"):
        scan_folders([str(tmp_path)])


def test_fewer_than_two_classes(tmp_path):
    copy_subset(SAMPLE_RSSCN7, tmp_path, 3)
    for extra in list(tmp_path.iterdir())[1:]:
        shutil.rmtree(extra)
    with pytest.raises(DataError, match="at least 2 classes"):
        scan_folders([str(tmp_path)])


def test_class_with_one_image(tmp_path):
    two_class_folder(tmp_path)
    (tmp_path / "lonely").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "lonely" / "x.png")
    with pytest.raises(DataError, match="'lonely' \\(1\\)"):
        scan_folders([str(tmp_path)])


def test_folder_of_non_images(tmp_path):
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "notes.txt").write_text("not an image")
    with pytest.raises(DataError, match="at least 2 usable image files"):
        scan_folders([str(tmp_path)])


def test_corrupt_files_are_skipped_and_reported(tmp_path):
    two_class_folder(tmp_path, count=4)
    (tmp_path / "a" / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    (tmp_path / "b" / "empty.png").write_bytes(b"")
    (tmp_path / "b" / "readme.txt").write_text("ignored")
    truncated = (SAMPLE_RSSCN7 / "aGrass").iterdir().__next__().read_bytes()
    (tmp_path / "a" / "truncated.jpg").write_bytes(truncated[: len(truncated) // 3])
    lines = []
    data = load_training_data([str(tmp_path)], chip_size=8, feedback=Feedback(log=lines.append))
    assert sorted(p.rsplit("/", 1)[1] for p, _ in data.skipped) == [
        "broken.jpg", "empty.png", "truncated.jpg"]
    assert any(line.startswith("Skipped 3 files: ") for line in lines)
    assert any("1 files that are not images" in line for line in lines)
    assert len(data.train_labels) + len(data.valid_labels) == 8


def test_too_few_readable_images_after_skipping(tmp_path):
    two_class_folder(tmp_path, count=3)
    for i in range(2):
        (tmp_path / "a" / f"img{i}.png").write_bytes(b"broken")
    with pytest.raises(DataError, match="'a' \\(1\\).*Skipped 2 files"):
        load_training_data([str(tmp_path)], chip_size=8)


def test_chips_with_another_band_count_are_skipped_and_named(tmp_path):
    two_class_folder(tmp_path, count=2)
    write_tif(tmp_path / "b" / "four_bands.tif", np.zeros((4, 20, 20), np.uint8))
    lines = []
    data = load_training_data([str(tmp_path)], chip_size=8, feedback=Feedback(log=lines.append))
    assert data.band_count == 3
    assert [(p.rsplit("/", 1)[1], reason) for p, reason in data.skipped] == [
        ("four_bands.tif", f"4 bands where {tmp_path / 'a' / 'img0.png'} has 3 bands of "
                           "uint8 pixels")]
    assert any(line.startswith("Skipped 1 files: ") for line in lines)


def test_chips_of_another_data_type_are_skipped_and_named(tmp_path):
    """16-bit chips among 8-bit ones are not wrapped to 8 bits: skipped, and named."""
    two_class_folder(tmp_path, count=2)
    bright = np.full((3, 20, 20), 4000, np.uint16)  # 4000 would wrap to 160 as 8 bits
    write_tif(tmp_path / "b" / "sixteen_bits.tif", bright)
    lines = []
    data = load_training_data([str(tmp_path)], chip_size=8, feedback=Feedback(log=lines.append))
    assert data.data_type == "uint8" and len(data.train_labels) + len(data.valid_labels) == 4
    assert [(p.rsplit("/", 1)[1], reason) for p, reason in data.skipped] == [
        ("sixteen_bits.tif", f"uint16 pixels where {tmp_path / 'a' / 'img0.png'} has 3 bands "
                             "of uint8 pixels")]
    assert any("sixteen_bits.tif (uint16 pixels where" in line for line in lines)


def test_a_folder_given_twice_or_linked_counts_once(rsscn7_small, tmp_path):
    """The same chip never lands in training and validation at once."""
    from core.runtime.feedback import Feedback

    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "aGrass").symlink_to(rsscn7_small / "aGrass", target_is_directory=True)
    (linked / "zMore").symlink_to(rsscn7_small / "bField", target_is_directory=True)
    lines: list[str] = []
    once = load_training_data([str(rsscn7_small)], chip_size=16)
    data = load_training_data([str(rsscn7_small), str(rsscn7_small), str(linked)],
                              chip_size=16, feedback=Feedback(log=lines.append))
    assert len(data.train_labels) + len(data.valid_labels) == \
        len(once.train_labels) + len(once.valid_labels)
    assert any("found a second time" in line and "zMore held only such files" in line
               for line in lines), lines


def test_an_image_declaring_a_huge_size_is_skipped_by_its_header(rsscn7_small, tmp_path):
    """A few-kB sparse TIFF that declares 30,000 x 30,000 pixels is never decoded."""
    from core.runtime.feedback import Feedback

    chips = copy_subset(rsscn7_small, tmp_path / "chips", 6)
    huge = gdal.GetDriverByName("GTiff").Create(str(chips / "aGrass" / "huge.tif"), 30000,
                                                30000, 3, options=["SPARSE_OK=TRUE",
                                                                   "TILED=YES"])
    del huge  # closes the file
    assert (chips / "aGrass" / "huge.tif").stat().st_size < 1_000_000
    lines: list[str] = []
    data = load_training_data([str(chips)], chip_size=16, feedback=Feedback(log=lines.append))
    assert len(data.train_labels) + len(data.valid_labels) == 7 * 6
    assert any("huge.tif" in line and "declares 30000 x 30000 pixels" in line
               for line in lines), lines


def test_a_batch_of_one_chip_is_refused_for_training(rsscn7_small):
    """Batches of one chip cannot train (batch normalisation): refused before any chip is
    read, instead of a training loop that never gets a batch."""
    import pytest

    from core.data.training_data import load_training_data
    from core.errors import DataError

    with pytest.raises(DataError, match=r"A batch of 1 chip \(batch_size=\) is too small "):
        load_training_data([str(rsscn7_small)], chip_size=16, batch_size=1)


def test_links_out_of_the_folders_and_special_files_are_left_out(rsscn7_small, tmp_path):
    """A class folder linked to / is never walked (a chip linked from elsewhere is read, as
    sets assembled from links are), and a FIFO named like an image is not opened (it would
    block); the log says so."""
    chips = copy_subset(rsscn7_small, tmp_path / "chips", 6)
    (chips / "zRoot").symlink_to("/", target_is_directory=True)
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes((chips / "aGrass" / sorted(os.listdir(chips / "aGrass"))[0])
                          .read_bytes())
    (chips / "aGrass" / "linked.png").symlink_to(elsewhere)
    os.mkfifo(chips / "bField" / "pipe.png")
    scan = scan_folders([str(chips)])
    assert "zRoot" not in scan.classes and str(chips / "zRoot") in scan.outside
    assert scan.outside == [str(chips / "zRoot")] and scan.special_files == 1
    assert str(chips / "aGrass" / "linked.png") in scan.paths
    assert len(scan.paths) == 6 * len(scan.classes) + 1
    lines: list[str] = []
    load_training_data([str(chips)], chip_size=16, feedback=Feedback(log=lines.append))
    assert any("Left out 1 linked folders that lead out of the input folders" in line
               for line in lines)
    assert any("Left out 1 special files (FIFOs" in line for line in lines)
