"""Train (or find the learning rate) with core.workflows, as many processes as torchrun
starts: ``torchrun --standalone --nproc_per_node N train_script.py KEY=VALUE ...`` with the
fields of core.workflows.TrainSettings, and LR_REPORT=path to run the learning-rate finder
instead, CANCEL_AT_CHECKPOINT=true to cancel (every process) as soon as the first
checkpoint is written, and OUTCOMES=folder. Every process writes its outcome, or its error
(then the exit status is 1), to OUTCOMES/<rank>.json (the printed lines of several processes
may mix): tests/cli/test_distributed.py compares the processes, which the command line (the
main process speaks for all) does not show."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = os.path.abspath(os.path.join(HERE, "..", "..", ".."))  # tests/cli/distributed


def make_plugin_importable() -> str:
    """The plugin importable as the package ``scene_classifier``, as QGIS imports it: a
    link to the repository in a temporary folder put on sys.path; returns the folder."""
    parent = tempfile.mkdtemp(prefix="scene_classifier-")
    os.symlink(PLUGIN, os.path.join(parent, "scene_classifier"), target_is_directory=True)
    sys.path.insert(0, parent)
    return parent


def settings_from(arguments: list[str], settings_type):
    """KEY=VALUE arguments as settings of ``settings_type``, typed by its fields' defaults;
    the arguments it has no field for, apart."""
    fields = {field.name: field for field in dataclasses.fields(settings_type)}
    values, others = {}, {}
    for argument in arguments:
        key, value = argument.split("=", 1)
        key = key.lower()
        if key not in fields:
            others[key] = value
            continue
        default = fields[key].default
        if isinstance(default, bool):
            values[key] = value.lower() in ("1", "true", "yes")
        elif isinstance(default, (int, float)):
            values[key] = type(default)(value)
        else:
            values[key] = value
    return settings_type(**values), others


def main() -> int:
    from scene_classifier.core.errors import SceneClassifierError
    from scene_classifier.core.runtime import distributed
    from scene_classifier.core.runtime.feedback import Feedback
    from scene_classifier.core.training.checkpoint import CHECKPOINT_FILE, partial_folder
    from scene_classifier.core.workflows import train as workflows

    settings, others = settings_from(sys.argv[1:], workflows.TrainSettings)
    checkpoint = os.path.join(partial_folder(settings.output_folder, settings.model_name),
                              CHECKPOINT_FILE)
    at_checkpoint = others.get("cancel_at_checkpoint", "").lower() == "true"
    feedback = Feedback(log=lambda line: print(line, flush=True),
                        is_cancelled=lambda: at_checkpoint and os.path.isfile(checkpoint))
    try:
        with distributed.process_group():
            if "lr_report" in others:
                rate = workflows.find_learning_rate(settings, others["lr_report"], feedback)
                outcome = {"learning_rate": rate}
            else:
                done = workflows.train_classifier(settings, feedback)
                outcome = {"accuracy": done.accuracy, "folder": done.paths.folder,
                           "history": done.history}
    except SceneClassifierError as error:
        outcome = {"error": str(error)}
    path = os.path.join(others["outcomes"], f"{os.environ.get('RANK', '0')}.json")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(outcome, file)
    if "error" in outcome:  # torchrun stops the others once one fails: let them report first
        wait_for_outcomes(others["outcomes"])
        return 1
    return 0


def wait_for_outcomes(folder: str, seconds: float = 20.0) -> None:
    """Wait until every process has written its outcome (or ``seconds`` have passed)."""
    processes = int(os.environ.get("WORLD_SIZE", "1"))
    deadline = time.monotonic() + seconds
    while len(os.listdir(folder)) < processes and time.monotonic() < deadline:
        time.sleep(0.1)


if __name__ == "__main__":
    plugins = make_plugin_importable()
    from scene_classifier.cli.main import leave

    try:
        code = main()
    finally:
        shutil.rmtree(plugins, ignore_errors=True)
    leave(code)  # as the command line leaves (a gloo process can abort in a normal exit)
