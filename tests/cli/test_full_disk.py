"""A full disk never empties an earlier output: on a small real file system (a tmpfs mounted
in a mount namespace of the test's own, so no root is needed), each writer is run once to make
earlier outputs, the disk is filled to a few kB, and the same run again must fail saying "No
space left" with every earlier file byte for byte as it was and no staged copy left behind.
Also: a table output given a shapefile name is refused before any work."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MASSACHUSETTS_TIF, QGIS_PROCESS, cli_environment

DISK_KB = 3072
NO_SPACE = "No space left on the disk that holds"
HASH_ALL = "find . -type f ! -name .filler -print0 | sort -z | xargs -0 sha256sum"


def on_a_small_disk(tmp_path: Path, env: dict, first: list[str], again: list[str],
                    free_kb: int, disk_kb: int = DISK_KB) -> dict:
    """Mount a ``disk_kb`` tmpfs at tmp_path/disk, run ``first`` there, fill the disk up to
    ``free_kb`` kB, run ``again``; returns both outputs, the exit code of ``again``, the
    disk's files (hashes before and after) and what is left there."""
    if not shutil.which("unshare"):
        pytest.fail("unshare (util-linux) is needed to mount the small disk")
    disk, log = tmp_path / "disk", tmp_path / "log"
    disk.mkdir()
    log.mkdir()
    script = f"""
        set -u
        mount -t tmpfs -o size={disk_kb}k tmpfs {disk} || exit 90
        {shlex.join(first)} > {log}/first.out 2>&1 || exit 91
        (cd {disk} && {HASH_ALL} > {log}/before)
        avail=$(df --output=avail -k {disk} | tail -n 1)
        if [ "$avail" -gt {free_kb} ]; then
            dd if=/dev/zero of={disk}/.filler bs=1k count=$((avail - {free_kb})) 2>/dev/null
        fi
        {shlex.join(again)} > {log}/again.out 2>&1
        echo $? > {log}/rc
        (cd {disk} && {HASH_ALL} > {log}/after && ls -A > {log}/files)
    """
    done = subprocess.run(["unshare", "-rm", "bash", "-c", script], env=env,
                          capture_output=True, text=True, timeout=600)
    read = {name: (log / name).read_text() if (log / name).exists() else ""
            for name in ("first.out", "again.out", "before", "after", "files", "rc")}
    assert done.returncode == 0 and read["rc"], (done.returncode, done.stderr, read)
    return read


def cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "scene_classifier", *arguments]


def grid_arguments(model: str, disk: Path) -> list[str]:
    return ["classify-grid", "--input-raster", str(MASSACHUSETTS_TIF), "--model", model,
            "--grid-size", "60", "--cell-size", "2", "--device", "cpu",
            "--output", f"{disk}/grid.geojson", "--output-summary", f"{disk}/summary.csv",
            "--output-raster", f"{disk}/map.tif"]


def assert_nothing_lost(run: dict) -> None:
    assert run["rc"].strip() == "1", run
    assert NO_SPACE in run["again.out"] and "no earlier file was changed" in run["again.out"]
    assert "Traceback" not in run["again.out"], run["again.out"]
    assert run["after"] == run["before"] and run["before"].count("\n") >= 3, run
    left = run["files"].split()
    assert not [name for name in left if name.startswith(".") and name != ".filler"], left


@pytest.mark.parametrize("free_kb", [0, 60])
def test_the_command_line_keeps_earlier_outputs_on_a_full_disk(trained, tmp_path, free_kb):
    model = trained[1].definition
    arguments = grid_arguments(model, tmp_path / "disk")
    run = on_a_small_disk(tmp_path, cli_environment(tmp_path), cli(*arguments),
                          cli(*arguments), free_kb)
    assert "CELL_COUNT: 300" in run["first.out"], run["first.out"]
    assert_nothing_lost(run)


@pytest.mark.parametrize("free_kb", [0, 40])
def test_the_tools_keep_earlier_outputs_on_a_full_disk(qgis_process, trained, tmp_path,
                                                       free_kb):
    disk = tmp_path / "disk"
    command = [QGIS_PROCESS, "run", "sceneclassifier:classifygrid", "--",
               f"INPUT_RASTER={MASSACHUSETTS_TIF}", f"MODEL={trained[1].definition}",
               "GRID_SIZE=60", "CELL_SIZE=2", "DEVICE=1", f"OUTPUT={disk}/grid.gpkg",
               f"OUTPUT_SUMMARY={disk}/summary.csv", f"OUTPUT_RASTER={disk}/map.tif"]
    run = on_a_small_disk(tmp_path, qgis_process.env, command, command, free_kb)
    assert "CELL_COUNT:\t300" in run["first.out"], run["first.out"]
    assert_nothing_lost(run)


def test_a_model_package_is_replaced_only_whole(trained, tmp_path):
    """Saving over an earlier package on a full disk: the weights cannot be written, and the
    earlier package stays (notebook API; the tools save through the same code)."""
    disk = tmp_path / "disk"
    save = cli_python(f"""
        from scene_classifier.core.packages.definition import ONNX_KEY
        from scene_classifier.core.packages.read import load_package
        from scene_classifier.core.packages.write import save_package
        package = load_package({trained[1].definition!r})
        package.definition.pop(ONNX_KEY)  # saved without its ONNX copy: smaller
        save_package({str(disk)!r}, "model", package.state_dict, package.definition,
                     overwrite=True)
    """)
    weights_kb = Path(trained[1].weights).stat().st_size // 1024
    run = on_a_small_disk(tmp_path, cli_environment(tmp_path), save, save, 4,
                          disk_kb=3 * weights_kb + 1024)
    assert run["rc"].strip() == "1", run
    assert NO_SPACE in run["again.out"], run["again.out"]
    assert run["after"] == run["before"]
    assert run["files"].split() == [".filler", "model"]


def cli_python(code: str) -> list[str]:
    """Python running ``code`` with the plugin importable as scene_classifier; an
    OutputError prints its message and exits 1, as the front ends do."""
    import textwrap

    wrapped = ("import sys\nfrom scene_classifier.core.errors import OutputError\ntry:\n" +
               textwrap.indent(textwrap.dedent(code), "    ") +
               "\nexcept OutputError as error:\n    print(error)\n    sys.exit(1)\n")
    return [sys.executable, "-c", wrapped]


@pytest.mark.parametrize("summary", ["summary.shp", "SUMMARY.DBF"])
def test_a_table_to_a_shapefile_is_refused_before_any_work(qgis_process, trained, tmp_path,
                                                           summary):
    from conftest import run_cli

    existing = tmp_path / "parcels.dbf"
    existing.write_bytes(b"the attribute table of someone's shapefile")
    arguments = ["--input-raster", MASSACHUSETTS_TIF, "--model", trained[1].definition,
                 "--grid-size", 60]
    done = run_cli(tmp_path, "classify-grid", *arguments, "--output", tmp_path / "g.gpkg",
                   "--output-summary", tmp_path / summary)
    assert done.returncode == 2, done.stderr
    assert "is a table without geometry, which a shapefile cannot hold" in done.stderr
    done, _ = qgis_process.run("classifygrid", INPUT_RASTER=MASSACHUSETTS_TIF,
                               MODEL=trained[1].definition, GRID_SIZE=60,
                               OUTPUT=tmp_path / "g.gpkg", OUTPUT_SUMMARY=tmp_path / summary)
    assert done.returncode != 0
    assert "is a table without geometry, which a shapefile cannot hold" in done.stdout + \
        done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["parcels.dbf"]
    assert existing.read_bytes() == b"the attribute table of someone's shapefile"
