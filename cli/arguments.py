"""The command line's arguments, built from the tools of interface.tools: each option is the
Processing parameter's name in lower case with dashes, with the same default; enums by
their short names, booleans as --x / --no-x. Values that cannot be right (a number out of
range, an input that does not exist, an unreadable extent) are refused here: exit code 2.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable

from ..core.runtime.inputs import not_a_file
from ..core.sources.web import names_no_file
from ..interface import parameters as interface
from ..interface.parameters import Parameter, Tool
from ..interface.tools import TOOLS

PROGRAM = "python3 -m scene_classifier"
EXTENT_FORMAT = "'xmin,xmax,ymin,ymax' or 'xmin,xmax,ymin,ymax [EPSG:4326]'"


def build_parser() -> argparse.ArgumentParser:
    """The parser: one sub-command per tool."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Scene Classifier without QGIS: train, classify and evaluate deep-learning "
                    "scene classifiers (GDAL reads the rasters and vectors). The options are "
                    "the Processing parameters of the QGIS tools of the same name. Many GPUs: "
                    "torchrun --nproc_per_node N -m scene_classifier train|classify|"
                    "classify-grid ...",
        epilog="Exit codes: 0 done, 1 failed (the message says why), 2 bad arguments.")
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)
    for tool in TOOLS:
        _add_command(commands, tool)
    return parser


def _add_command(commands: argparse._SubParsersAction, tool: Tool) -> None:
    text = plain(tool.help)
    command = commands.add_parser(
        tool.command, help=f"{tool.display_name} (QGIS: sceneclassifier:{tool.name})",
        description=f"{tool.display_name}\n\n{text}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    command.set_defaults(tool=tool)
    advanced = command.add_argument_group("advanced options")
    for spec in tool.parameters:
        group = advanced if spec.advanced else command
        group.add_argument(spec.option, dest=spec.name, **_argument(spec))


def _argument(spec: Parameter) -> dict:
    """argparse keywords for a parameter: type, choices, default, required, help."""
    default = spec.default_value()
    shown = f" Default: {default}." if default not in (None, "") else ""
    arguments = {"help": f"{spec.label}. {plain(spec.help)}{shown}".replace("%", "%%")}
    kind = spec.kind
    if kind == interface.BOOLEAN:
        return dict(arguments, action=argparse.BooleanOptionalAction, default=default)
    if kind == interface.ENUM:
        return dict(arguments, choices=[choice.name for choice in spec.choices],
                    default=spec.default)
    arguments["default"] = default
    arguments["required"] = default is None and not spec.optional
    if kind in (interface.INTEGER, interface.NUMBER, interface.DISTANCE):
        arguments["type"] = _number(int if kind == interface.INTEGER else float, spec)
        arguments["metavar"] = "N" if kind == interface.INTEGER else "X"
    elif kind in interface.INPUTS:
        arguments["type"] = _existing(kind)
        arguments["metavar"] = "FOLDER" if kind == interface.FOLDER else "PATH"
    elif kind == interface.EXTENT:
        arguments["type"] = parse_extent
        arguments["metavar"] = "EXTENT"
    elif kind in interface.OUTPUTS:
        arguments["metavar"] = "FOLDER" if kind == interface.FOLDER_OUT else "PATH"
    return arguments


def _number(kind: type, spec: Parameter) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {'a whole number' if kind is int else 'a number'}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number; got {text}")
        low, high = spec.minimum, spec.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            allowed = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"must be {allowed}; got {text}")
        return value

    return convert


def _existing(kind: str) -> Callable[[str], str]:
    def convert(text: str) -> str:
        path = os.path.expanduser(text.split("|")[0])
        if kind == interface.FOLDER and not os.path.isdir(path):
            raise argparse.ArgumentTypeError(
                f"{text} is not a folder" + (" (it is a file)" if os.path.isfile(path) else ""))
        if kind == interface.RASTER and names_no_file(text):
            return text  # a web or virtual raster: GDAL says whether it opens
        if kind != interface.FOLDER and not os.path.exists(path):
            raise argparse.ArgumentTypeError(f"{text} does not exist")
        special = not_a_file(path)
        if kind != interface.FOLDER and special not in (None, "a folder"):
            raise argparse.ArgumentTypeError(f"{text} is {special}, not a file")
        return os.path.expanduser(text)

    return convert


def parse_extent(text: str) -> tuple[float, float, float, float, str | None]:
    """QGIS's extent text, 'xmin,xmax,ymin,ymax [CRS]', as (min x, min y, max x, max y,
    CRS or None: the raster's)."""
    match = re.fullmatch(r"\s*([^\[]+?)\s*(?:\[(.+)\])?\s*", text)
    parts = match.group(1).split(",") if match else []
    try:
        x_min, x_max, y_min, y_max = (float(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an extent; give {EXTENT_FORMAT}") \
            from None
    if not (x_min < x_max and y_min < y_max):
        raise argparse.ArgumentTypeError(f"{text!r}: xmin must be below xmax and ymin below "
                                         "ymax")
    return x_min, y_min, x_max, y_max, match.group(2)


def option_name(setting: str, how: str = "") -> str:
    """A core setting as the command line names it (core.errors.spell): its option, its
    label, or both."""
    from ..interface.settings import namer

    return namer(None, lambda spec: spec.option)(setting, how)


def plain(help_text: str) -> str:
    """Help as a terminal shows it: QGIS's <br> as line breaks."""
    return help_text.replace("<br>", "\n")


def core_values(arguments: argparse.Namespace) -> dict[str, object]:
    """The parsed values by parameter name, enums as their Choice's value."""
    values = {}
    for spec in arguments.tool.parameters:
        value = getattr(arguments, spec.name)
        values[spec.name] = spec.choice(value).value if spec.kind == interface.ENUM else value
    return values
