"""Between a tool's parameters and core's settings, both ways: the values a front end read
become core's settings dataclass (settings_from), and the settings core's messages name
(core.errors.setting) become the front end's spelling of them (namer)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from ..core.errors import LABEL, LABELLED, NAME, OFF
from .parameters import Parameter, Tool
from .tools import TOOLS

Settings = TypeVar("Settings")


def settings_from(tool: Tool, kind: type[Settings], value: Callable[[str], object],
                  **given: object) -> Settings:
    """``kind`` (a settings dataclass of core) filled with ``value(parameter id)`` of every
    parameter of ``tool`` that gives one of its fields (enums as their Choice's value);
    ``given`` fields are taken as they are (what the front end had to work out, such as
    the extent in the raster's CRS)."""
    fields = {field.name for field in dataclasses.fields(kind)}
    values = {spec.setting: value(spec.name) for spec in tool.parameters
              if spec.setting in fields and spec.setting not in given}
    return kind(**values, **given)


def namer(tool: Tool | None, spell: Callable[[Parameter], str],
          label: Callable[[Parameter], str] = lambda spec: spec.label,
          ) -> Callable[[str, str], str]:
    """How a front end names core's settings in messages (core.errors.spell): the parameter
    that gives the setting, from ``tool`` first, else from any tool, as ``spell(parameter)``
    (its id, or its command-line option), as ``label(parameter)`` where the message wants
    only its label, and as both ('Label' (ID)) where it wants it labelled, with "off" after
    it where the message has it switched off; a setting no tool has keeps core's name."""
    def name_of(setting: str, how: str = NAME) -> str:
        if how == OFF:
            return f"{name_of(setting)} off"
        parameter = _giving(tool, setting)
        if parameter is None:
            return setting
        if how == LABEL:
            return label(parameter)
        if how == LABELLED:
            return f"'{label(parameter)}' ({spell(parameter)})"
        return spell(parameter)

    return name_of


def _giving(tool: Tool | None, setting: str) -> Parameter | None:
    for candidate in ((tool,) if tool else ()) + TOOLS:
        for parameter in candidate.parameters:
            if parameter.setting == setting:
                return parameter
    return None
