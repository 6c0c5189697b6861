"""Headless runs of every algorithm through qgis_process.bin, from an isolated profile."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from core.packages.read import load_package


def test_provider_lists_the_algorithms(qgis_process):
    listing = qgis_process.call("list").stdout
    for algorithm in ("trainclassifier", "findlearningrate", "previewtrainingdata"):
        assert f"sceneclassifier:{algorithm}" in listing


def test_preview_training_data(qgis_process, rsscn7_small, tmp_path):
    report = tmp_path / "preview.html"
    done, result = qgis_process.run("previewtrainingdata", INPUT_FOLDER=rsscn7_small, ROWS=3,
                                    OUTPUT_REPORT=report)
    assert done.returncode == 0, done.stderr
    assert result["results"]["CLASS_COUNT"] == 7
    assert result["results"]["IMAGE_COUNT"] == 7 * 24
    html = report.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 2 and "dRiverLake" in html


def test_find_learning_rate(qgis_process, rsscn7_small, tmp_path):
    report = tmp_path / "lr.html"
    done, result = qgis_process.run("findlearningrate", INPUT_FOLDER=rsscn7_small, BACKBONE=0,
                                    PRETRAINED="false", CHIP_SIZE=24, BATCH_SIZE=16, DEVICE=1,
                                    OUTPUT_REPORT=report)
    assert done.returncode == 0, done.stderr
    rate = result["results"]["LEARNING_RATE"]
    assert 1e-7 < rate < 10
    html = report.read_text(encoding="utf-8")
    assert f'<p class="big">{rate:.1e}</p>' in html and "data:image/png;base64," in html


def test_train_classifier_finds_its_rate_and_writes_a_complete_package(qgis_process, tmp_path):
    from conftest import SAMPLE_RSSCN7

    extra_report = tmp_path / "copy" / "report.html"
    done, result = qgis_process.run(
        "trainclassifier", INPUT_FOLDER=SAMPLE_RSSCN7, BACKBONE=0, PRETRAINED="false",
        CHIP_SIZE=32, BATCH_SIZE=32, EPOCHS=6, LEARNING_RATE=0, DEVICE=1, MODEL_NAME="scenes",
        OUTPUT_FOLDER=tmp_path / "models", OUTPUT_REPORT=extra_report)
    assert done.returncode == 0, done.stdout + done.stderr
    results = result["results"]
    assert results["ACCURACY"] > 0.5
    assert 1e-7 < results["LEARNING_RATE"] < 10
    log = result["log"]["info"]
    assert any(line.startswith("Learning-rate finder suggests") for line in log)
    table = log.index("epoch  train_loss  valid_loss  accuracy  time")
    assert [line.split()[0] for line in log[table + 1:table + 7]] == ["1", "2", "3", "4", "5", "6"]
    folder = tmp_path / "models" / "scenes"
    assert results["MODEL_DEFINITION"] == str(folder / "scenes.emd")
    assert results["MODEL_PACKAGE"] == str(folder / "scenes.dlpk")
    assert sorted(os.listdir(folder)) == ["scenes.dlpk", "scenes.emd", "scenes.onnx", "scenes.pth",
                                          "scenes_report.html"]
    assert extra_report.read_text(encoding="utf-8").count("data:image/png") >= 4
    definition = json.loads((folder / "scenes.emd").read_text())
    assert definition["LearningRate"] == pytest.approx(results["LEARNING_RATE"])
    classes = sorted(p.name for p in SAMPLE_RSSCN7.iterdir() if p.is_dir())
    assert load_package(results["MODEL_PACKAGE"]).classes == classes
    with zipfile.ZipFile(folder / "scenes.dlpk") as archive:
        assert "scenes.pth" in archive.namelist()


@pytest.mark.parametrize("make_input, message", [
    (lambda folder: None, "Input folder is empty"),
    (lambda folder: [(folder / c).mkdir() or (folder / c / "a.txt").write_text("x")
                     for c in ("x", "y")], "usable image files"),
    (lambda folder: (folder / "only.jpg").write_bytes(b"x"), "no class sub-folders"),
])
def test_bad_folders_fail_cleanly_and_leave_no_package(qgis_process, tmp_path, make_input,
                                                       message):
    folder = tmp_path / "input"
    folder.mkdir()
    make_input(folder)
    output = tmp_path / "models"
    done, _ = qgis_process.run("trainclassifier", INPUT_FOLDER=folder, PRETRAINED="false",
                               DEVICE=1, OUTPUT_FOLDER=output)
    assert done.returncode != 0
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not output.exists() or not os.listdir(output)


def test_bad_model_name_fails_before_training(qgis_process, rsscn7_small, tmp_path):
    done, _ = qgis_process.run("trainclassifier", INPUT_FOLDER=rsscn7_small, PRETRAINED="false",
                               DEVICE=1, MODEL_NAME="../escape", OUTPUT_FOLDER=tmp_path / "m")
    assert done.returncode != 0
    assert "cannot be used as a file name" in done.stdout + done.stderr
    assert "reading chips" not in done.stdout


def test_modeler_chain_find_rate_then_train(qgis_process, rsscn7_small, tmp_path):
    """tests/models/find_then_train.model3: the finder's LEARNING_RATE feeds the trainer."""
    from conftest import ROOT

    model = ROOT / "tests" / "models" / "find_then_train.model3"
    done = qgis_process.call("run", str(model), "--json", "--", f"chips={rsscn7_small}",
                             f"train:models={tmp_path / 'models'}")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout[done.stdout.index("{"):])
    folder = result["results"]["train:models"]
    definition = json.loads(open(os.path.join(folder, "chained.emd")).read())
    log = "\n".join(result["log"]["info"])
    assert log.count("Learning-rate finder suggests") == 1  # the trainer did not search again
    assert f"suggests {definition['LearningRate']:.2e}" in log
    assert definition["EpochsRun"] == 2


def test_kill_9_then_resume_finishes_from_the_last_epoch(qgis_process, rsscn7_small, tmp_path):
    """A real SIGKILL of a headless training run: no package appears, and RESUME=true
    continues from the last checkpointed epoch and finishes."""
    import signal
    import subprocess
    import time

    from conftest import QGIS_PROCESS
    from core.training.checkpoint import load_checkpoint

    out = tmp_path / "models"
    args = [f"INPUT_FOLDER={rsscn7_small}", "BACKBONE=0", "PRETRAINED=false", "CHIP_SIZE=16",
            "BATCH_SIZE=16", "EPOCHS=10", "LEARNING_RATE=0.002", "EARLY_STOPPING=false",
            "DEVICE=1", "MODEL_NAME=m", f"OUTPUT_FOLDER={out}"]
    run = subprocess.Popen([QGIS_PROCESS, "run", "sceneclassifier:trainclassifier", "--", *args],
                           env=qgis_process.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    checkpoint = out / "m.partial" / "checkpoint.pth"
    deadline = time.monotonic() + 600
    while not checkpoint.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL, "training ended before it could be killed"
    finished = load_checkpoint(str(out / "m.partial"))["epoch"]
    assert 1 <= finished < 10
    assert not (out / "m").exists()  # no package, no .emd in the final place

    done, result = qgis_process.run("trainclassifier", RESUME="true",
                                    **dict(arg.split("=", 1) for arg in args))
    assert done.returncode == 0, done.stdout + done.stderr
    log = result["log"]["info"]
    assert f"Resuming at epoch {finished + 1} of 10." in log
    assert any(line.startswith("Taking over the lock of an earlier run") for line in log)
    assert sorted(os.listdir(out)) == ["m"]  # the checkpoint folder and the lock are gone
    assert load_package(str(out / "m" / "m.emd")).classes == sorted(
        p.name for p in rsscn7_small.iterdir())


def test_check_dependencies_reports_packages_and_the_gpu(qgis_process, tmp_path):
    done, result = qgis_process.run("checkdependencies", OUTPUT_REPORT=tmp_path / "deps.html")
    assert done.returncode == 0, done.stdout + done.stderr
    results = result["results"]
    assert results["TORCH"] is True and results["ONNXRUNTIME"] is True
    assert results["CUDA"] is False  # no GPU here (a GPU machine says True)
    html = (tmp_path / "deps.html").read_text(encoding="utf-8")
    for name in ("torch", "torchvision", "onnxruntime", "jinja2", "matplotlib"):
        assert f"<td>{name}</td><td>yes</td>" in html
    assert "PyTorch sees CUDA</th><td>no</td>" in html


def test_the_install_command_names_qgiss_python_with_a_shim_first_on_path(qgis_process,
                                                                            tmp_path):
    """A pyenv or conda shim first on PATH is what QGIS's Python takes as sys.executable;
    pip run through it would install for another Python. The commands the plugin gives name
    QGIS's own interpreter."""
    import re
    import subprocess

    from conftest import QGIS_PROCESS

    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "python3").write_text("#!/bin/sh\nexec /usr/bin/env python3 \"$@\"\n")
    (shims / "python3").chmod(0o755)
    report = tmp_path / "dependencies.html"
    done = subprocess.run(
        [QGIS_PROCESS, "run", "sceneclassifier:checkdependencies", "--",
         f"OUTPUT_REPORT={report}"], capture_output=True, text=True, timeout=600,
        env=dict({key: value for key, value in qgis_process.env.items()
                  if key != "PYTHONPATH"},  # a new user's QGIS: the commands are shown
                 PATH=f"{shims}{os.pathsep}{os.environ['PATH']}"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    html = report.read_text(encoding="utf-8")
    named = set(re.findall(r"(/[^\s\"&<>]*python[0-9.]*)(?:&#34;|\")? -m pip", html))
    assert named and str(shims) not in html, named
    assert all(os.path.isfile(path) and not path.startswith(str(tmp_path)) for path in named)


def test_check_dependencies_installs_offline_from_a_zip_of_wheels(tmp_path, monkeypatch):
    """INSTALL=2 (onnxruntime) WHEELS=<zip>: into the QGIS profile's plugin folder, with any
    network pip would try refused (a profile of its own: the install stays out of the
    session's)."""
    from conftest import NO_NETWORK, QgisProcess, imported_onnxruntime, offline_wheels

    qgis = QgisProcess(tmp_path / "profile")
    qgis.env.update(NO_NETWORK)
    done, result = qgis.run("checkdependencies", INSTALL=2, WHEELS=offline_wheels(tmp_path),
                            OUTPUT_REPORT=tmp_path / "deps.html")
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["results"]["ONNXRUNTIME"] is True
    target = tmp_path / "profile" / "profiles" / "default" / "python" / \
        "scene_classifier_packages"
    assert imported_onnxruntime(target) == "99.0"
    assert any("--no-index --find-links" in line for line in result["log"]["info"])


def train_pretrained_behind(tmp_path, rsscn7_small, proxy_type: str, host: str, port: int,
                            **env: str) -> str:
    """Train with PRETRAINED in qgis_process with QGIS's proxy set to ``proxy_type`` at
    host:port (QGIS3.ini, as Settings > Options > Network writes it); what it said, after
    checking that the download failed with a message that offers WEIGHTS_FILE."""
    from conftest import QgisProcess

    qgis = QgisProcess(tmp_path / "profile")
    settings = tmp_path / "profile" / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    with open(settings, "a", encoding="utf-8") as ini:
        ini.write(f"\n[proxy]\nproxyEnabled=true\nproxyType={proxy_type}\n"
                  f"proxyHost={host}\nproxyPort={port}\n")
    qgis.env.update(env)
    done, _ = qgis.run("trainclassifier", INPUT_FOLDER=rsscn7_small, BACKBONE=0,
                       PRETRAINED="true", CHIP_SIZE=32, EPOCHS=1, DEVICE=1,
                       OUTPUT_FOLDER=tmp_path / "models")
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Could not download the ImageNet weights for resnet18" in said
    assert "WEIGHTS_FILE" in said and "Traceback" not in said
    return said


def test_pretrained_weights_are_fetched_through_the_proxy_qgis_is_set_to(tmp_path,
                                                                         rsscn7_small):
    """QGIS's HTTP proxy (Settings > Options > Network) carries the download of ImageNet
    weights: a loopback proxy records the request and refuses it (it forwards nothing;
    a proxy in the environment points at a closed port, so nothing leaves this machine
    either way), and the failed download says what failed and offers WEIGHTS_FILE."""
    from loopback import Loopback

    with Loopback(tmp_path) as proxy:
        host, port = proxy.url[len("http://"):].split(":")
        said = train_pretrained_behind(
            tmp_path, rsscn7_small, "HttpProxy", host, int(port),
            HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
            https_proxy="http://127.0.0.1:9", http_proxy="http://127.0.0.1:9")
    assert proxy.proxied == ["download.pytorch.org:443"], said[-2000:]


def test_pretrained_weights_are_fetched_through_a_socks_proxy_qgis_is_set_to(tmp_path,
                                                                            rsscn7_small):
    """A SOCKS5 proxy in QGIS (which urllib cannot use): the download goes through QGIS's
    network, so the loopback SOCKS proxy records the target, and refuses it."""
    from conftest import NO_NETWORK
    from loopback import SocksRecorder

    with SocksRecorder() as proxy:
        said = train_pretrained_behind(tmp_path, rsscn7_small, "Socks5Proxy", "127.0.0.1",
                                       proxy.port, **NO_NETWORK)
    assert proxy.targets == ["download.pytorch.org:443"], said[-2000:]


def test_cores_messages_are_in_the_language_qgis_is_set_to(tmp_path):
    """QGIS set to French: an error raised by core comes in French (its translation in
    i18n/scene_classifier_fr.ts), the parameters named in the tool's words."""
    from conftest import TINY_PACKAGE, QgisProcess

    qgis = QgisProcess(tmp_path / "profile")
    settings = tmp_path / "profile" / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    with open(settings, "a", encoding="utf-8") as ini:
        ini.write("\n[locale]\noverrideFlag=true\nuserLocale=fr\n")
    done, _ = qgis.run("evaluateclassifier", MODEL=TINY_PACKAGE / f"{TINY_PACKAGE.name}.emd")
    said = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in said
    assert "Donnez soit 'Dossier d'imagettes étiquetées' (INPUT_FOLDER) seul, soit" in said, said
