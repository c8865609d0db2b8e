"""Finding the header row and mapping its columns to fields."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from desktop.core.packs.importer.columns import (
    _ALIAS_TO_FIELD,
    _HEADER_BRACKETS_RE,
    _HEADER_DROP_RE,
    FIELD_LABELS,
    HEADER_ALIASES,
    HEADER_SEARCH_ROWS,
    REQUIRED_FIELDS,
    SILENTLY_IGNORED_HEADERS,
)
from desktop.core.packs.importer.reading import _Table
from desktop.core.packs.importer.results import RowProblem

# -- the header -----------------------------------------------------------------


def _header_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).casefold()
    key = _HEADER_BRACKETS_RE.sub("", key)
    return _HEADER_DROP_RE.sub("", key)


def field_for_header(text: str) -> str | None:
    """The field a column header names (``"场景名称"`` → ``"scenario"``), or None."""
    return _ALIAS_TO_FIELD.get(_header_key(text))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # field → column index
    names: dict[str, str]  # field → header text as written


def _find_header(table: _Table, problems: list[RowProblem]) -> _Header | None:
    candidates = table.rows[:HEADER_SEARCH_ROWS]
    best = None
    for number, cells in candidates:
        recognised = sum(1 for c in cells if field_for_header(c))
        if recognised >= 2:
            best = (number, cells)
            break
        if recognised and best is None:
            best = (number, cells)
    if best is None:
        known = "、".join(HEADER_ALIASES[f][0] for f in HEADER_ALIASES)
        problems.append(RowProblem(
            1, None,
            f"no header row: the first row must name the columns, e.g. 场景, 步骤, 话术 (known: {known})",
        ))
        return None
    number, cells = best
    header = _Header(number, {}, {})
    fatal = False
    for index, text in enumerate(cells):
        name = text.strip()
        if not name:
            continue
        field_name = field_for_header(name)
        if field_name is None:
            if _header_key(name) not in SILENTLY_IGNORED_HEADERS:
                problems.append(RowProblem(number, name, f"column {column_letter(index)} is not a known column; ignored", "warning"))
            continue
        if field_name in header.columns:
            other = header.columns[field_name]
            problems.append(RowProblem(
                number, name,
                f"columns {column_letter(other)} ('{header.names[field_name]}') and {column_letter(index)} "
                f"both mean {FIELD_LABELS[field_name]}; keep one",
            ))
            fatal = True
            continue
        header.columns[field_name] = index
        header.names[field_name] = name
    for field_name in REQUIRED_FIELDS:
        if field_name not in header.columns:
            aliases = "、".join(HEADER_ALIASES[field_name])
            problems.append(RowProblem(
                number, FIELD_LABELS[field_name].split(" ")[0],
                f"missing required column {FIELD_LABELS[field_name]}; name it one of: {aliases}",
            ))
            fatal = True
    return None if fatal else header


