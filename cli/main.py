"""``python3 -m scene_classifier <command> [options]``: parse, check the outputs before any
work, run the command (inside torchrun's process group when torchrun started it), print the
outputs. Exit codes: 0 done, 1 failed, 2 bad arguments."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from ..core.errors import Cancelled, SceneClassifierError
from ..core.runtime import dependencies, distributed
from ..interface import parameters as interface
from .arguments import build_parser, core_values, option_name
from .commands import COMMANDS
from .terminal import Terminal

FAILED, BAD_ARGUMENTS, INTERRUPTED = 1, 2, 130  # 130: a shell's code for a Ctrl+C


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (default sys.argv[1:]) and print its results; the exit
    code. A second Ctrl+C (Terminal.cancel_on_interrupt) stops at once, with a message."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("\nStopped at once (a second Ctrl+C): what this run was writing was removed or "
              "is left in a hidden partial folder that the next run removes; earlier outputs "
              "are unchanged.", file=sys.stderr)
        return INTERRUPTED


def _run(argv: list[str] | None) -> int:
    # what the Dependencies dialog and the messages' by-hand command install is seen here too
    dependencies.use_packages_folder(dependencies.plugin_packages_folder())
    parser = build_parser()
    arguments = parser.parse_args(argv)  # exits 2 with a message on bad arguments
    tool = arguments.tool
    values = core_values(arguments)
    try:
        _check_outputs(tool, values)
    except SceneClassifierError as error:
        parser.exit(BAD_ARGUMENTS,
                    f"{parser.prog} {tool.command}: error: {error.spelled(option_name)}\n")
    terminal = Terminal(name_of=option_name)
    terminal.cancel_on_interrupt()
    try:
        with distributed.process_group():
            if tool.needs == "torch":
                from ..core.runtime.dependencies import require_torch

                require_torch()
            results = COMMANDS[tool.command](values, terminal.feedback())
            main_process = distributed.is_main()
    except Cancelled:
        terminal.finish()
        print("Cancelled: nothing was written.", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        terminal.finish()
        raise
    except SceneClassifierError as error:
        terminal.finish()
        print(f"Error: {error.spelled(option_name)}", file=sys.stderr)
        return FAILED
    except OSError as error:
        from ..core.runtime.outputs import describe_os_error

        terminal.finish()
        print(f"Error: {describe_os_error(error)}", file=sys.stderr)
        return FAILED
    terminal.finish()
    if main_process:  # under torchrun, the first process speaks for all
        for name, value in results.items():
            if value is None:  # an optional output not asked for
                continue
            print(f"{name}: {json.dumps(value) if isinstance(value, bool) else value}")
    return 0


def leave(code: int) -> None:
    """Exit with ``code``. A process torchrun started leaves at once once its output is
    flushed (everything it wrote is closed by then): the C++ teardown at a normal exit
    can abort a gloo process ("terminate called without an active exception", exit -6),
    which torchrun reports as a failure of the whole run; so does a process whose cancelled
    run left reads waiting on a server (_reads_left_waiting). A Ctrl+C from here on is
    ignored: the run's outcome is decided and said."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if distributed.launched() or _reads_left_waiting():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _reads_left_waiting() -> bool:
    """Whether a cancelled run left reads waiting on a slow server (core.sources.feature_chips
    does not wait for them): Python would wait for them at exit, up to GDAL's HTTP timeout."""
    return any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
               if thread is not threading.main_thread())


def _check_outputs(tool: interface.Tool, values: dict) -> None:
    """Before any work: every output can be written where it is asked for, no two at one
    path, none replacing an input (core.outputs.check_output_paths)."""
    from ..core.runtime.outputs import FILE, FOLDER, TABLE, check_output_paths

    def output_kind(spec: interface.Parameter) -> str:
        if spec.kind == interface.FOLDER_OUT:
            return FOLDER
        return TABLE if spec.geometry == interface.NO_GEOMETRY else FILE

    outputs, inputs = [], []
    for spec in tool.parameters:
        value = values.get(spec.name)
        if not value or not isinstance(value, str):
            continue
        label = f"'{spec.label}' ({spec.option})"
        if spec.kind in interface.OUTPUTS:
            outputs.append((label, value, output_kind(spec)))
        elif spec.kind in interface.INPUTS:
            inputs.append((label, value.split("|")[0]))
    check_output_paths(outputs, inputs)
