"""Fill unfinished entries of a Qt .ts file from a JSON table {source: translation}.

    python scripts/fill_translations.py resources/i18n/seatside_zh_CN.ts table.json
    python scripts/fill_translations.py resources/i18n/seatside_zh_CN.ts --list   # what is left

Only entries still marked unfinished are touched; a source missing from the table is listed.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def unfinished(root: ET.Element) -> list[tuple[str, ET.Element]]:
    found = []
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and (translation.get("type") == "unfinished" or not (translation.text or "").strip()):
                found.append((name, message))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ts", type=Path)
    parser.add_argument("table", type=Path, nargs="?")
    parser.add_argument("--list", action="store_true", help="print the unfinished sources as a JSON table")
    args = parser.parse_args(argv)
    tree = ET.parse(args.ts)
    left = unfinished(tree.getroot())
    if args.list or args.table is None:
        json.dump({m.findtext("source", ""): "" for _, m in left}, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    table = json.loads(args.table.read_text(encoding="utf-8"))
    missing = []
    for context, message in left:
        source = message.findtext("source", "")
        text = table.get(source, "")
        if not text:
            missing.append(f"{context}: {source!r}")
            continue
        translation = message.find("translation")
        assert translation is not None
        translation.text = text
        translation.attrib.pop("type", None)
    tree.write(args.ts, encoding="utf-8", xml_declaration=True)
    for line in missing:
        print("untranslated:", line, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
