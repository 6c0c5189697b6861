"""User-facing exception types, how their messages name the user's settings, and how they
are translated (tr).

Every message says what is wrong and how to fix it. Where it names a setting, it names
core's (``setting("batch_size")``), and each front end says it in its own spelling when it
shows the message (``error.spelled(...)``): the tools their parameter ids (BATCH_SIZE), the
command line its options (--batch-size); ``str(error)`` gives the notebook API's keyword
(``batch_size=``). The Processing algorithms turn these errors into QgsProcessingException
and the command line into an exit code, both without a traceback.
"""

from __future__ import annotations

import re
from typing import Callable

_SETTING = re.compile("\u27e6([a-z_]+)(?:\\|(labelled|label|off))?\u27e7")  # ⟦batch_size|label⟧
# Where the notebook API's keyword differs from core's setting
PYTHON_NAMES = {"learning_rate": "lr", "model_name": "name", "input_folder": "path"}
NAME, LABELLED, LABEL, OFF = "", "labelled", "label", "off"  # how a message names a setting


def setting(name: str, labelled: bool = False) -> str:
    """A setting named in a message; ``labelled``: with its label where the front end has
    one ('Class label field' (CLASS_LABEL_FIELD))."""
    return f"\u27e6{name}{'|' + LABELLED if labelled else ''}\u27e7"


def label(name: str) -> str:
    """A setting's label alone in a message (Class label field)."""
    return f"\u27e6{name}|{LABEL}\u27e7"


def switched_off(name: str) -> str:
    """A yes/no setting named, in a message, as turned off: ``pretrained=False`` in Python,
    'PRETRAINED off' in the tools."""
    return f"\u27e6{name}|{OFF}\u27e7"


def python_name(name: str, how: str = NAME) -> str:
    """How the notebook API (and Python callers of core) name a setting: its keyword (with
    False where it is switched off), or, as a label, the setting in words."""
    if how == LABEL:
        return name.replace("_", " ")
    return f"{PYTHON_NAMES.get(name, name)}={'False' if how == OFF else ''}"


def spell(text: str, name_of: Callable[[str, str], str] = python_name) -> str:
    """``text`` with each setting() or label() in it named by ``name_of(setting, how)``
    (how: NAME, LABELLED or LABEL)."""
    return _SETTING.sub(lambda match: name_of(match.group(1), match.group(2) or NAME), text)


# --- translation: core's messages are tr(template).format(values), the template translated
# first (context CONTEXT in i18n/*.ts) by the front end that can (QGIS: translate_with), the
# values put in after; without a translator (the command line, notebooks) English.
CONTEXT = "SceneClassifierCore"
_translate: Callable[[str], str] | None = None


def tr(template: str) -> str:
    """``template`` in the user's language (as it is where no translator was given)."""
    return template if _translate is None else _translate(template)


def translate_with(translate: Callable[[str], str] | None) -> None:
    """Translate core's messages with ``translate(template)`` from now on (None: English)."""
    global _translate
    _translate = translate


class SceneClassifierError(Exception):
    """Base class for errors caused by the user's input or environment."""

    def spelled(self, name_of: Callable[[str, str], str]) -> str:
        """The message with its settings named by ``name_of(setting, how)`` (spell)."""
        return spell(super().__str__(), name_of)

    def __str__(self) -> str:
        return self.spelled(python_name)


class DataError(SceneClassifierError):
    """The training or input imagery cannot be used."""


class ArgumentError(DataError, ValueError):
    """An argument out of its range or of the wrong kind (a ValueError too, as Python
    callers expect of a bad argument)."""


class ModelPackageError(SceneClassifierError):
    """A model package (.emd/.pth/.dlpk) is missing, invalid or unsafe."""


class BackboneError(SceneClassifierError):
    """A backbone or its weights cannot be created or loaded."""


class DeviceError(SceneClassifierError):
    """The requested compute device is not available."""


class DependencyError(SceneClassifierError):
    """A required Python package (torch, torchvision) is missing."""


class Cancelled(SceneClassifierError):
    """The user cancelled the run."""

    def __init__(self, message: str = "Cancelled by the user; nothing was written.") -> None:
        super().__init__(message)


class OutputError(SceneClassifierError):
    """An output would replace or lose files that the run did not create, or cannot be
    written where it was asked to go."""
