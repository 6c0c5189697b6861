"""Regenerate i18n/scene_classifier.ts, the template translators start from: every text the
plugin shows, taken from the sources. pylupdate5 (Debian's pyqt5-dev-tools) collects the
tr() and translate() calls of the QGIS-side code (algorithms/, gui/, plugin.py, provider.py);
the tools' labels, help, choices and outputs, declared as data in interface/tools.py, are
added from there (in the context of algorithms/base.py, whose tr() translates them); core's
message templates, tr("...") of core.errors, are read from core/ (context SceneClassifierCore).

    python3 tools/i18n_template.py          (make i18n)
    python3 tools/i18n_template.py --check  exit 1 if the template is not up to date
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "i18n" / "scene_classifier.ts"
CONTEXT = "SceneClassifierAlgorithm"  # algorithms/base.py's tr() context
CORE_CONTEXT = "SceneClassifierCore"  # core.errors.tr's (core's messages)
CODE = ("algorithms", "gui", "plugin.py", "provider.py")


def interface_texts() -> list[str]:
    """Every user-visible text the tools declare, in order, without repeats."""
    with tempfile.TemporaryDirectory() as plugins:
        (Path(plugins) / "scene_classifier").symlink_to(ROOT, target_is_directory=True)
        sys.path.insert(0, plugins)
        tools = importlib.import_module("scene_classifier.interface.tools")
        base = importlib.import_module("scene_classifier.algorithms.base")
    texts = list(base.SceneClassifierAlgorithm.GROUPS.values())
    for tool in tools.TOOLS:
        texts += [tool.display_name, tool.help]
        for parameter in tool.parameters:
            texts += [parameter.label, parameter.help]
            texts += [choice.label for choice in parameter.choices]
        texts += [output.label for output in tool.outputs]
    return list(dict.fromkeys(text for text in texts if text))


def core_texts() -> list[tuple[str, str, int]]:
    """Core's message templates, tr("...") (core.errors), with their file and line."""
    import ast

    found = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id == "tr" and node.args and isinstance(node.args[0], ast.Constant):
                found.append((node.args[0].value, f"../{path.relative_to(ROOT)}", node.lineno))
    return sorted(found, key=lambda item: (item[1], item[2]))


def _add(root: ET.Element, name: str, texts: list[tuple[str, str, int | None]]) -> None:
    """``texts`` (text, file, line) as messages of context ``name``, each once."""
    context = next((c for c in root.findall("context") if c.findtext("name") == name), None)
    if context is None:
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
    known = {message.findtext("source") for message in context.findall("message")}
    for text, filename, line in texts:
        if text in known:
            continue
        known.add(text)
        message = ET.SubElement(context, "message")
        where = {"filename": filename} if line is None else {"filename": filename,
                                                             "line": str(line)}
        ET.SubElement(message, "location", **where)
        ET.SubElement(message, "source").text = text
        ET.SubElement(message, "translation", type="unfinished")


def code_template(path: Path) -> None:
    """pylupdate5's template of the tr() calls in the QGIS-side code (``path`` in i18n/, so
    that its locations are relative to it, as lupdate writes them)."""
    pylupdate = shutil.which("pylupdate5")
    if pylupdate is None:
        raise SystemExit("pylupdate5 not found: install Debian's pyqt5-dev-tools "
                         "(apt-get install pyqt5-dev-tools).")
    sources = [str(file.relative_to(ROOT)) for entry in CODE for file in sorted(
        (ROOT / entry).rglob("*.py") if (ROOT / entry).is_dir() else [ROOT / entry])]
    subprocess.run([pylupdate, "-noobsolete", *sources, "-ts", str(path)], check=True,
                   cwd=ROOT, capture_output=True)


def template() -> bytes:
    """The template as the sources give it now."""
    TEMPLATE.parent.mkdir(exist_ok=True)
    code = TEMPLATE.with_name(".code.ts")
    try:
        code_template(code)
        tree = ET.parse(code)
    finally:
        code.unlink(missing_ok=True)
    root = tree.getroot()
    _add(root, CONTEXT, [(text, "../interface/tools.py", None) for text in interface_texts()])
    _add(root, CORE_CONTEXT, core_texts())
    ET.indent(tree)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def main(arguments: list[str]) -> int:
    text = template()
    if arguments == ["--check"]:
        if TEMPLATE.is_file() and TEMPLATE.read_bytes() == text:
            return 0
        print(f"{TEMPLATE.relative_to(ROOT)} is not up to date: run make i18n.")
        return 1
    TEMPLATE.write_bytes(text)
    print(f"{TEMPLATE.relative_to(ROOT)}: {text.count(b'<message>')} texts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
