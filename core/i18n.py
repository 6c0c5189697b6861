"""Core's messages in the user's language: each is written as tr(template).format(values),
so the template is what is translated and the values go in after. Core never imports qgis:
the front end that can translate (QGIS, core.i18n.translate_with) gives the translator;
without one (the command line, notebooks) the English template is used."""

from __future__ import annotations

from collections.abc import Callable

CONTEXT = "SceneClassifierCore"  # the context of core's texts in i18n/*.ts
_translate: Callable[[str], str] | None = None


def tr(template: str) -> str:
    """``template`` in the user's language (as it is where no translator was given)."""
    return template if _translate is None else _translate(template)


def translate_with(translate: Callable[[str], str] | None) -> None:
    """Translate core's messages with ``translate(template)`` from now on (None: English)."""
    global _translate
    _translate = translate
