"""Every UI string goes through Qt's translation system and has a zh_CN text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QLocale

from desktop.app import install_translator
from desktop.core.seat.settings import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "seatside_zh_CN.ts"


def sources(ts: Path) -> set[tuple[str, str]]:
    tree = ET.parse(ts)
    return {
        (context.findtext("name"), message.findtext("source"))
        for context in tree.iter("context")
        for message in context.iter("message")
    }


def test_every_string_in_the_code_is_in_the_ts_file(tmp_path):
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    fresh = tmp_path / "fresh.ts"
    files = sorted(str(p) for p in (ROOT / "desktop").rglob("*.py"))
    subprocess.run([lupdate, *files, "-ts", str(fresh), "-locations", "none"], check=True, capture_output=True)
    missing = sources(fresh) - sources(TS)
    assert not missing, f"run `make translations` and translate: {sorted(missing)}"


def test_every_message_is_translated():
    tree = ET.parse(TS)
    unfinished = [
        m.findtext("source") for m in tree.iter("message") if m.find("translation").get("type") == "unfinished"
    ]
    assert unfinished == []


def test_every_context_is_one_qt_looks_up():
    """``obj.tr()`` looks its text up under the class of ``obj``; lupdate files a call on
    another object (``panel.tr``) under that variable's name, where it is never found."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "desktop").rglob("*.py"))
    classes = set(re.findall(r"^\s*class (\w+)", code, re.MULTILINE))
    explicit = set(re.findall(r"\btranslate\(\s*\"(\w+)\"", code))
    contexts = {context.findtext("name") for context in ET.parse(TS).iter("context")}
    assert contexts <= classes | explicit, sorted(contexts - classes - explicit)


def test_one_ts_file_per_language_english_is_the_source(qapp):
    """English is the language of the source strings: it needs no translation file, and
    every other language the setting offers has one, which loads."""
    expected = {f"seatside_{language}.ts" for language in LANGUAGES if not language.startswith("en")}
    assert {p.name for p in TS.parent.glob("*.ts")} == expected
    locale = QLocale()
    try:
        for language in LANGUAGES:
            translators = install_translator(qapp, language)
            for translator in translators:
                qapp.removeTranslator(translator)
            assert bool(translators) == (not language.startswith("en")), language
    finally:
        QLocale.setDefault(locale)
