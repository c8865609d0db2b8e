"""Scanning a data folder for numbers, byte by byte (shared by core and GUI tests; no Qt)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def file_bytes(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under ``folder`` (and every member of a zip file such as .xlsx), raw."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield str(path), data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path}!{member}", archive.read(member)


def encodings(text: str) -> list[bytes]:
    """``text`` as it could sit in a file: UTF-8, UTF-16 (both byte orders), full-width digits."""
    forms = {text, text.translate(_FULLWIDTH)}
    return [form.encode(codec) for form in forms for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def fragments(number: str, size: int) -> list[str]:
    digits = "".join(ch for ch in number if ch.isdigit() or ch in "Xx")
    return sorted({digits[i : i + size] for i in range(len(digits) - size + 1)})


def find_in_folder(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in any file of ``folder`` in any encoding."""
    found = []
    for name, data in file_bytes(folder):
        for needle in needles:
            if any(form in data for form in encodings(needle)):
                found.append((name, needle))
    return found
