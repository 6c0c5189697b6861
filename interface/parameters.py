"""What a tool is made of: parameters (with their choices) and outputs.

A parameter's ``name`` is its Processing id (interface.ids: INPUT_FOLDER); the command line
spells it in lower case with dashes (--input-folder) and enum choices by their short names
(--crop-mode bbox). Its ``setting`` is the field of core's settings it gives (input_folder),
which is also how core's messages name it (core.errors.setting), each front end then
saying it in its own spelling.

Help is the text QGIS shows: lines are separated by <br>; <folder>-style placeholders are
shown as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Parameter kinds: inputs, values, outputs
FOLDER, FILE, RASTER, FEATURES, FIELD = "folder", "file", "raster", "features", "field"
STRING, INTEGER, NUMBER, BOOLEAN, ENUM, DISTANCE, EXTENT = (
    "string", "integer", "number", "boolean", "enum", "distance", "extent")
FOLDER_OUT, FILE_OUT, FEATURES_OUT, RASTER_OUT = (
    "folder_out", "file_out", "features_out", "raster_out")
INPUTS = (FOLDER, FILE, RASTER, FEATURES)
OUTPUTS = (FOLDER_OUT, FILE_OUT, FEATURES_OUT, RASTER_OUT)

# Geometry types of feature inputs and outputs
POLYGONS_OR_POINTS, ANY_GEOMETRY, POLYGONS, NO_GEOMETRY = (
    "polygons or points", "any", "polygons", "none")

# Kinds of results a tool returns besides its parameter outputs
NUMBER_RESULT, FILE_RESULT, BOOLEAN_RESULT = "number", "file", "boolean"


@dataclass(frozen=True)
class Choice:
    """An enum choice: its value for core, its name on the command line, its label."""

    value: object
    name: str
    label: str


@dataclass(frozen=True)
class Parameter:
    """One parameter of a tool."""

    name: str  # the Processing id, e.g. INPUT_FOLDER (interface.ids)
    label: str
    kind: str
    help: str = ""
    default: object = None  # for ENUM: the Choice's name; may be a function of nothing
    optional: bool = False
    advanced: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    file_filter: str = ""  # FILE and FILE_OUT: "HTML files (*.html)"
    parent: str = ""  # FIELD: its layer; DISTANCE: the raster giving the unit
    geometry: str = ""  # FEATURES and FEATURES_OUT
    create_by_default: bool = True  # optional outputs: written unless left empty
    setting: str = ""  # the field of core's settings it gives (core.errors.setting)
    decimals: int | None = None  # NUMBER: decimals the dialog shows (QGIS's default: 6)

    @property
    def option(self) -> str:
        """The command-line option: --input-folder."""
        return "--" + self.name.lower().replace("_", "-")

    def default_value(self) -> object:
        """The default value; a default given as a function is called for it."""
        return self.default() if callable(self.default) else self.default

    def choice(self, name: str) -> Choice:
        """The choice named ``name``."""
        return next(choice for choice in self.choices if choice.name == name)

    def default_index(self) -> int:
        """The position of the default choice (Processing's enum value)."""
        return [choice.name for choice in self.choices].index(self.default)


@dataclass(frozen=True)
class Output:
    """A result a tool returns that is not a parameter: a number, a file or a flag."""

    name: str  # the output id (interface.ids)
    label: str
    kind: str  # NUMBER_RESULT, FILE_RESULT or BOOLEAN_RESULT


@dataclass(frozen=True)
class Tool:
    """A Processing algorithm and the command that does the same."""

    name: str  # the algorithm id (sceneclassifier:<name>)
    command: str  # the command-line command
    display_name: str
    group: str  # training, classification or setup
    help: str
    needs: str | None  # "torch", "engine" (PyTorch or onnxruntime) or None
    parameters: tuple[Parameter, ...] = field(default=())
    outputs: tuple[Output, ...] = field(default=())

    def parameter(self, name: str) -> Parameter:
        """The parameter named ``name``."""
        return next(p for p in self.parameters if p.name == name)

    def has(self, name: str) -> bool:
        """True when the tool has a parameter named ``name``."""
        return any(p.name == name for p in self.parameters)


def choices(*entries: tuple[object, str, str]) -> tuple[Choice, ...]:
    """Choices from (value, name, label) triples."""
    return tuple(Choice(*entry) for entry in entries)
