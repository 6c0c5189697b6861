"""Translatable text: the translators' template (i18n/scene_classifier.ts) is what the sources
give now, and no text is formatted before it is translated (tr(f"...") would never match a
translation)."""

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
                 for folder in ("algorithms", "gui", "interface", "cli")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    offenders += [f"{name}.py" for name in ("plugin", "provider")
                  if pattern.search((ROOT / f"{name}.py").read_text(encoding="utf-8"))]
    assert not offenders, offenders
