"""Every UI string goes through Qt's translation system and has a zh_CN text."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

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
