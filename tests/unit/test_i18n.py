"""Translatable text: the translators' template (i18n/scene_classifier.ts) is what the sources
give now, and no text is formatted before it is translated (tr(f"...") would never match a
translation); core's messages are templates translated first and formatted after
(core.errors.tr),
also when they are raised."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_the_translation_template_is_up_to_date():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "i18n_template.py"), "--check"],
                          capture_output=True, text=True, timeout=300,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr


def test_text_is_translated_before_it_is_formatted():
    pattern = re.compile(r"\btr\(\s*f[\"']|translate\([^,]+,\s*f[\"']")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for folder in ("algorithms", "gui", "interface", "cli", "core")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    offenders += [f"{name}.py" for name in ("plugin", "provider")
                  if pattern.search((ROOT / f"{name}.py").read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_cores_messages_are_templates_not_formatted_text():
    """An error, a log line or a warning of core is tr("template").format(values): an
    f-string there could not be translated."""
    pattern = re.compile(r"(Error\(|\.log\(|\.warning\()\s*f[\"']")
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)!r}"
                 for path in sorted((ROOT / "core").rglob("*.py"))
                 for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_a_core_message_is_translated_then_formatted():
    from core.errors import DataError, translate_with
    from core.workflows.evaluate import check_ground_truth

    french = {"Give either {} alone, or {}, {} and {} together: one of the two ways, not both "
              "and not neither.": "Donnez soit {} seul, soit {}, {} et {} ensemble : l'une des "
                                  "deux façons, pas les deux ni aucune."}
    translate_with(lambda text: french.get(text, text))
    try:
        try:
            check_ground_truth(False, False, False, False)
        except DataError as error:
            said = str(error)
    finally:
        translate_with(None)
    assert said.startswith("Donnez soit path= seul, soit raster=, features= et "
                           "truth_field= ensemble"), said
