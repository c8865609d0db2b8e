"""Scanning a data folder for numbers, byte by byte (shared by core and GUI tests; no Qt)."""

from __future__ import annotations

import random
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_NOT_DIGIT_RE = re.compile(r"[^0-9X]+")


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


def digit_streams(data: bytes) -> list[str]:
    """The digits in ``data`` read as UTF-8 and UTF-16, with every written form made a
    digit again (NFKC, Chinese numerals, 叉 as X) and everything else dropped: a number
    spread over separators, invisible characters or numerals is found as its digits."""
    from desktop.core.privacy.masking import CHINESE_NUMERALS

    numerals = str.maketrans(CHINESE_NUMERALS)
    streams = []
    for codec in ("utf-8", "utf-16-le", "utf-16-be"):
        text = unicodedata.normalize("NFKC", data.decode(codec, errors="ignore")).translate(numerals)
        streams.append(_NOT_DIGIT_RE.sub("", text.upper()))
    return streams


def find_digits_in_folder(folder: Path, numbers: list[str]) -> list[tuple[str, str]]:
    """(file, number) for every number whose digits a file holds in any written form."""
    found = []
    for name, data in file_bytes(folder):
        streams = digit_streams(data)
        found += [(name, number) for number in numbers if any(number.upper() in s for s in streams)]
    return found


def find_digits_in_tables(db_path: Path, numbers: list[str]) -> list[tuple[str, str]]:
    """(table.column, number) for every number whose digits a column holds, reading its
    values one after the other in row order: a number stored in two rows (two transcript
    segments) is found as well."""
    import sqlite3

    found = []
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                try:
                    values = conn.execute(f'SELECT "{column}" FROM "{table}" ORDER BY rowid').fetchall()
                except sqlite3.OperationalError:  # a table without rowid
                    values = conn.execute(f'SELECT "{column}" FROM "{table}"').fetchall()
                joined = "".join(str(v[0]) for v in values if v[0] is not None)
                streams = digit_streams(joined.encode())
                found += [(f"{table}.{column}", n) for n in numbers if any(n.upper() in s for s in streams)]
    finally:
        conn.close()
    return found


def written_number(rng: random.Random) -> tuple[str, str]:
    """(the number's digits, how a seat, a caller or speech-to-text wrote it): a card,
    an ID or a mobile in any style of ``benchmarks.privacy_corpus``, or plain, grouped,
    glued to a word, full-width."""
    from benchmarks.privacy_corpus import (
        STYLES,
        card_number,
        first_generation_id,
        grouped,
        mobile,
        off_scheme_card,
        resident_id,
        styled,
    )

    kind = rng.choice(["card", "id", "mobile"])
    if kind == "card":
        number = card_number(rng)
        forms = [number, " ".join(number[i : i + 4] for i in range(0, len(number), 4)), grouped(number, [6]),
                 "card" + number, "卡号" + number]
    elif kind == "id":
        number = resident_id(rng, bad_check=rng.random() < 0.3)
        forms = [number, grouped(number, [6, 8]), "ID" + number, "身份证号" + number]
    else:
        number = mobile(rng)
        forms = [number, grouped(number, [3, 4], "-"), "tel" + number, "+86 " + number, "0086-" + number]
    if rng.random() < 0.5:  # as people say it and speech-to-text writes it
        return number, styled(rng, number, rng.choice(STYLES))
    if rng.random() < 0.15:
        number = rng.choice([off_scheme_card(rng), "0" + mobile(rng), first_generation_id(rng)])
        forms = [number, " ".join(number[i : i + 4] for i in range(0, len(number), 4))]
    form = rng.choice(forms)
    if rng.random() < 0.2:
        form = form.translate(_FULLWIDTH)
    return number, form
