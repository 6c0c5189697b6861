"""check-dependencies --install: into the plugin's folder of the default QGIS profile,
offline from a .zip of wheels with the network refused."""

from __future__ import annotations

from conftest import NO_NETWORK, imported_onnxruntime, offline_wheels, outputs, run_cli


def test_the_command_line_installs_offline_from_a_zip_of_wheels(tmp_path):
    archive = offline_wheels(tmp_path)
    done = run_cli(tmp_path, "check-dependencies", "--install", "onnxruntime", "--wheels",
                   archive, "--output-report", tmp_path / "deps.html", env=NO_NETWORK)
    assert outputs(done)["ONNXRUNTIME"] == "true"
    target = tmp_path / "home" / ".local" / "share" / "QGIS" / "QGIS3" / "profiles" / \
        "default" / "python" / "scene_classifier_packages"
    assert imported_onnxruntime(target) == "99.0", done.stderr[-2000:]
    assert "--no-index" in done.stderr and "Installed into" in done.stderr


def test_wheels_without_install_are_refused(tmp_path):
    archive = offline_wheels(tmp_path)
    done = run_cli(tmp_path, "check-dependencies", "--wheels", archive, "--output-report",
                   tmp_path / "deps.html")
    assert done.returncode == 1
    assert "--wheels is given but --install is nothing" in done.stderr
