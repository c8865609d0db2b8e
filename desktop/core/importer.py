"""Import a team lead's spreadsheet 话术库 (.xlsx or CSV) into scenario packs.

One row per phrase: scenario, step, phrase, and optionally ids, tags, keywords,
mandatory, facts, guidance and description. :func:`import_table` reads and
checks the whole table and reports every problem by spreadsheet row;
:func:`write_pack` writes one YAML pack per scenario, all or nothing;
:func:`run_import` is what ``seatside packs import`` runs.

Nothing is written unless the whole table is valid, or ``skip_invalid`` is
given, in which case invalid rows are left out and reported as skipped. The
YAML is checked by loading it back with :func:`desktop.core.packs.load_pack_file`
before anything is written.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

import yaml

from desktop.core.atomic import atomic_write
from desktop.core.packs import ID_RE, load_pack_file
from desktop.core.placeholders import KNOWN_PLACEHOLDERS, placeholders_in
from desktop.core.scenarios import PackInfo, Phrase, Scenario, Step

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELL_CHARS = 2_000
#: An .xlsx whose parts would expand to more than this is refused (zip bombs).
MAX_XLSX_EXPANDED_BYTES = 400 * 1024 * 1024
#: The header row is looked for among this many first non-blank rows (a title row may come first).
HEADER_SEARCH_ROWS = 10
#: Reading stops after this many blank rows in a row (sheets formatted down to row 1,048,576).
MAX_BLANK_RUN = 10_000
MAX_ID_CHARS = 60

PREFERRED_SHEETS = ("话术库", "phrases")

#: Field → header names it is recognised by, compared after :func:`_header_key`.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "scenario": ("场景", "场景名称", "场景名", "业务场景", "scenario", "scenarioname"),
    "scenario_id": ("场景编号", "场景id", "场景代码", "scenarioid"),
    "step": ("步骤", "步骤名称", "步骤名", "环节", "step", "stepname", "steptitle"),
    "step_id": ("步骤编号", "步骤id", "stepid"),
    "phrase": ("话术", "话术内容", "话术文本", "标准话术", "phrase", "phrases", "text", "phrasetext"),
    "tags": ("标签", "tags", "tag"),
    "keywords": ("关键词", "关键字", "keywords", "keyword"),
    "mandatory": ("必做", "是否必做", "mandatory", "required"),
    "facts": ("要点", "facts", "fact", "keypoints"),
    "guidance": ("说明", "步骤说明", "提示", "guidance"),
    "description": ("描述", "场景描述", "场景说明", "description"),
}
#: How a field is named in messages.
FIELD_LABELS: dict[str, str] = {
    "scenario": "场景 (scenario)",
    "scenario_id": "场景编号 (scenario id)",
    "step": "步骤 (step)",
    "step_id": "步骤编号 (step id)",
    "phrase": "话术 (phrase)",
    "tags": "标签 (tags)",
    "keywords": "关键词 (keywords)",
    "mandatory": "必做 (mandatory)",
    "facts": "要点 (facts)",
    "guidance": "说明 (guidance)",
    "description": "描述 (description)",
}
REQUIRED_FIELDS = ("scenario", "step", "phrase")
MULTI_VALUE_FIELDS = ("tags", "keywords", "facts")
#: Columns nobody needs to be told are ignored.
SILENTLY_IGNORED_HEADERS = {"序号", "no", "#", "行号"}

_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_MULTI_SPLIT_RE = re.compile(r"[，,、;；|｜\n\r\u2028\u2029]+")
_HEADER_BRACKETS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_HEADER_DROP_RE = re.compile(r"[\s_\-*＊.:：/]+")
_SPACE_RUN_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
_FULLWIDTH_PLACEHOLDER_RE = re.compile(r"｛([^｛｝\s]{1,20})｝")
_PLACEHOLDER_SPAN_RE = re.compile(r"\{[^{}\s]{1,20}\}")
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
_MERGE_REF_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)\"")
_SHEETDATA_END_RE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_TRUE_WORDS = {"是", "y", "yes", "true", "1", "必做", "√", "✓", "✔"}
_FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}


# -- public types ---------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One problem with the table, located as the spreadsheet shows it."""

    row: int  # 1-based, the header is row 1 (or the row it is on)
    column: str | None  # the column's header as written in the file, or None
    message: str
    severity: str = "error"  # or "warning"

    def format(self, file: str, *, skipped: bool = False) -> str:
        column = f"[{self.column}] " if self.column else ""
        prefix = "warning: " if self.severity == "warning" else ""
        suffix = " (row skipped)" if skipped and self.severity == "error" else ""
        return f"{file}:{self.row}: {column}{prefix}{self.message}{suffix}"

    def __str__(self) -> str:
        return self.format("")[1:]


class ImportRefused(Exception):
    """:func:`write_pack` would not write: problems in the import, or files in the way."""


@dataclass
class ImportResult:
    """What :func:`import_table` found. ``files`` is what :func:`write_pack` writes."""

    source: Path
    scenarios: list[Scenario] = field(default_factory=list)  # as loaded back from ``files``
    files: dict[str, str] = field(default_factory=dict)  # file name → YAML text, in sheet order
    problems: list[RowProblem] = field(default_factory=list)  # sorted by row
    skipped_rows: list[int] = field(default_factory=list)
    rows_read: int = 0  # non-blank rows under the header
    unreadable: bool = False  # the file could not be read at all (exit code 2)
    sheet: str | None = None  # the worksheet read, for .xlsx
    pack: PackInfo = field(default_factory=PackInfo)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def blocking(self) -> list[RowProblem]:
        """Errors that stop the import (those of skipped rows do not)."""
        skipped = set(self.skipped_rows)
        return [p for p in self.errors if p.row not in skipped]

    @property
    def ok(self) -> bool:
        return not self.unreadable and bool(self.files) and not self.blocking

    def report_lines(self, file: str | None = None) -> list[str]:
        """``FILE:ROW: [column] message`` for every problem, in row order."""
        label = str(self.source) if file is None else file
        skipped = set(self.skipped_rows)
        return [p.format(label, skipped=p.row in skipped) for p in self.problems]

    def summary(self, file: str | None = None) -> str:
        label = str(self.source) if file is None else file
        steps = sum(len(s.steps) for s in self.scenarios)
        phrases = sum(len(st.phrases) for s in self.scenarios for st in s.steps)
        parts = [f"{self.rows_read} {_plural(self.rows_read, 'row')} read"]
        if self.sheet is not None:
            parts[0] += f" from sheet '{self.sheet}'"
        if self.ok:
            parts.append(
                f"{len(self.scenarios)} {_plural(len(self.scenarios), 'scenario')}, "
                f"{steps} {_plural(steps, 'step')}, {phrases} {_plural(phrases, 'phrase')}"
            )
        parts.append(
            f"{len(self.errors)} {_plural(len(self.errors), 'error')}, "
            f"{len(self.warnings)} {_plural(len(self.warnings), 'warning')}"
        )
        if self.skipped_rows:
            parts.append(f"{len(self.skipped_rows)} {_plural(len(self.skipped_rows), 'row')} skipped")
        return f"{label}: " + "; ".join(parts)


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


# -- reading --------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.row = row
        self.message = message


@dataclass
class _Table:
    rows: list[tuple[int, list[str]]]  # (row number, cell texts), blank rows left out
    problems: list[RowProblem] = field(default_factory=list)
    sheet: str | None = None
    # For .xlsx: how to find formulas whose result the file does not hold.
    formula_lookup: Any = None


def cell_text(value: Any) -> str:
    """A cell's value as text: numbers without a spurious ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _is_blank(cells: Iterable[str]) -> bool:
    return all(not c.strip() for c in cells)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _Unreadable(_bad_utf8_message(raw, exc)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _Unreadable("the file starts like UTF-16 text but does not decode; save it as 'CSV UTF-8'") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A UTF-8 file with a few broken bytes would decode as GB18030 mojibake: say so instead.
        lenient = raw.decode("utf-8", errors="replace")
        bad = lenient.count("\ufffd")
        wide = sum(1 for ch in lenient if ch >= "\u0800" and ch != "\ufffd")
        if wide >= 10 * bad:
            raise _Unreadable(_bad_utf8_message(raw, exc)) from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            f"the file is neither UTF-8 nor GBK/GB18030 text (undecodable bytes on line {line}); "
            "in Excel save it as 'CSV UTF-8 (逗号分隔)'",
            line,
        ) from None


def _bad_utf8_message(raw: bytes, exc: UnicodeDecodeError) -> str:
    line = raw[: exc.start].count(b"\n") + 1
    return f"the file is UTF-8 text with invalid bytes on line {line}; fix or re-save it as 'CSV UTF-8'"


def _delimiter(text: str, suffix: str) -> str:
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in ",\t;"}
    if suffix in (".tsv", ".tab") and counts["\t"]:
        return "\t"
    best = max(counts, key=lambda d: counts[d])  # ties: the first, i.e. the comma
    if counts[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def _read_csv(path: Path, raw: bytes) -> _Table:
    text = _decode(raw)
    if "\x00" in text:
        raise _Unreadable("the file contains NUL bytes, so it is not CSV text; save it from Excel as 'CSV UTF-8'")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, path.suffix.lower()))
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, 1):
            cells = [cell_text(c) for c in record]
            if _is_blank(cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
    except csv.Error as exc:
        raise _Unreadable(f"CSV error: {exc}", number + 1) from None
    return _Table(rows)


def _too_many_rows() -> _Unreadable:
    return _Unreadable(f"the file has more than {MAX_ROWS:,} rows; split it into smaller files")


def _open_workbook(path: Path, data_only: bool):
    import openpyxl  # imported here: it is slow to import and only this needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def _pick_sheet(workbook):
    sheets = list(workbook.worksheets)
    if not sheets:
        raise _Unreadable("the workbook has no worksheet")
    for sheet in sheets:
        if sheet.title.strip().casefold() in PREFERRED_SHEETS:
            return sheet
    return sheets[0]


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """``(min_col, min_row, max_col, max_row)`` of merged cells; read-only mode hides them."""
    from openpyxl.utils.cell import range_boundaries

    get_source = getattr(sheet, "_get_source", None)  # openpyxl internals: best effort
    if get_source is None:
        return []
    try:
        source = get_source()
        try:
            tail = b""
            rest = None
            while chunk := source.read(1 << 20):
                buf = tail + chunk
                match = _SHEETDATA_END_RE.search(buf)
                if match:
                    rest = buf[match.end():] + source.read()
                    break
                tail = buf[-64:]
        finally:
            source.close()
        if rest is None:
            return []
        ranges = []
        for ref in _MERGE_REF_RE.findall(rest)[:10_000]:
            try:
                ranges.append(range_boundaries(ref.decode("ascii")))
            except ValueError:
                continue
        return ranges
    except Exception:  # noqa: BLE001 - merged cells are a convenience, never a reason to fail
        return []


def _fill_merged(rows: list[tuple[int, list[str]]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every row of a vertically merged cell the value shown in it (the top one)."""
    by_number = {number: cells for number, cells in rows}
    last = rows[-1][0] if rows else 0
    for min_col, min_row, _max_col, max_row in ranges:
        top = by_number.get(min_row)
        if max_row <= min_row or top is None or len(top) < min_col or not top[min_col - 1].strip():
            continue
        value = top[min_col - 1]
        for number in range(min_row + 1, min(max_row, last) + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            if len(cells) < min_col:
                cells.extend([""] * (min_col - len(cells)))
            if not cells[min_col - 1].strip():
                cells[min_col - 1] = value


def _read_xlsx(path: Path) -> _Table:
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Unreadable(f"not a readable .xlsx workbook ({exc})") from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise _Unreadable(f"the workbook unpacks to {expanded:,} bytes (limit {MAX_XLSX_EXPANDED_BYTES:,}); split it")
    try:
        workbook = _open_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise _Unreadable(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheet = _pick_sheet(workbook)
        title = sheet.title
        sheet.reset_dimensions()  # the stored dimension is often wrong; read what is there
        rows: list[tuple[int, list[str]]] = []
        problems: list[RowProblem] = []
        blank_run = 0
        iterator = sheet.iter_rows(values_only=True)
        number = 0
        try:
            for number, values in enumerate(iterator, 1):
                cells = [cell_text(v) for v in values]
                if _is_blank(cells):
                    blank_run += 1
                    if blank_run >= MAX_BLANK_RUN:
                        if next(iterator, None) is not None:
                            problems.append(RowProblem(
                                number, None,
                                f"stopped reading after {MAX_BLANK_RUN:,} blank rows; anything further down is ignored",
                                "warning",
                            ))
                        break
                    continue
                blank_run = 0
                rows.append((number, cells))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows()
        except _Unreadable:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _Unreadable(f"the sheet '{title}' cannot be read ({type(exc).__name__}: {exc})", number + 1) from None
        _fill_merged(rows, _merged_ranges(sheet))
    finally:
        workbook.close()
    return _Table(rows, problems, sheet=title, formula_lookup=lambda wanted: _formulas(path, title, wanted))


def _formulas(path: Path, title: str, wanted: set[int]) -> dict[tuple[int, int], str]:
    """Formulas in the ``wanted`` rows: a cell that is empty with ``data_only`` may hold one."""
    found: dict[tuple[int, int], str] = {}
    if not wanted:
        return found
    try:
        workbook = _open_workbook(path, data_only=False)
        try:
            sheet = workbook[title]
            sheet.reset_dimensions()
            last = max(wanted)
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                if number > last:
                    break
                if number in wanted:
                    for col, value in enumerate(values, 1):
                        if isinstance(value, str) and value.startswith("="):
                            found[(number, col)] = value
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - only used to explain an empty cell better
        return found
    return found


def _read_table(path: Path) -> _Table:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise _Unreadable(
            f"the file is too large ({size:,} bytes, limit {MAX_FILE_BYTES:,}); split it into smaller files"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Unreadable(
            "this is an old .xls workbook or a password-protected one; "
            "in Excel save it as .xlsx (Excel 工作簿) or CSV UTF-8, without a password"
        )
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK"):
            raise _Unreadable("the file is named .xlsx but is not an Excel workbook")
        return _read_xlsx(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    return _read_csv(path, raw)


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


# -- ids ------------------------------------------------------------------------


def slug(text: str) -> str:
    """A lowercase dash-separated id from a name; Chinese becomes pinyin (吞卡处理 → tun-ka-chu-li)."""
    text = unicodedata.normalize("NFKC", text)
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        parts = [text]
    else:
        parts = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    words = []
    for part in parts:
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii").lower()
        words.extend(w for w in re.split(r"[^a-z0-9]+", ascii_part) if w)
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > MAX_ID_CHARS:
            break
        result = candidate
    return result or (words[0][:MAX_ID_CHARS] if words else "")


def _unique_id(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


# -- the rows -------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    scenario: str
    scenario_id: str
    step: str
    step_id: str
    phrase: str
    tags: list[str]
    keywords: list[str]
    facts: list[str]
    mandatory: bool | None
    guidance: str
    description: str


def _one_line(text: str) -> str:
    return _SPACE_RUN_RE.sub(" ", text).strip()


def _split_multi(text: str) -> list[str]:
    out: list[str] = []
    for item in _MULTI_SPLIT_RE.split(text):
        item = _one_line(item)
        if item and item not in out:
            out.append(item)
    return out


def _known_placeholders() -> str:
    return "、".join("{%s}" % k for k in KNOWN_PLACEHOLDERS)


class _Importer:
    def __init__(self, table: _Table, header: _Header, problems: list[RowProblem]):
        self.table = table
        self.header = header
        self.problems = problems
        self.invalid: set[int] = set()

    def error(self, row: int, field_name: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, self._column(field_name), message))
        self.invalid.add(row)

    def warn(self, row: int, field_name: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, self._column(field_name), message, "warning"))

    def _column(self, field_name: str | None) -> str | None:
        if field_name is None:
            return None
        return self.header.names.get(field_name) or FIELD_LABELS[field_name].split(" ")[0]

    # -- one row on its own ---------------------------------------------------------
    def rows(self) -> tuple[list[_Row], int]:
        data = [(n, cells) for n, cells in self.table.rows if n > self.header.row]
        columns = self.header.columns
        picked = []
        for number, cells in data:
            values = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
            if _is_blank(values.values()):
                continue
            picked.append((number, values))
        if len(picked) > MAX_ROWS:
            raise _too_many_rows()
        formulas: dict[tuple[int, int], str] = {}
        if self.table.formula_lookup is not None:
            wanted = {n for n, values in picked if any(not values[f].strip() for f in REQUIRED_FIELDS)}
            if wanted:
                formulas = self.table.formula_lookup(wanted)
        rows = []
        for number, values in picked:
            row = self.check_row(number, values, formulas)
            if row is not None:
                rows.append(row)
        return rows, len(picked)

    def check_row(self, number: int, values: dict[str, str], formulas: dict[tuple[int, int], str]) -> _Row | None:
        cleaned: dict[str, str] = {}
        for field_name, raw in values.items():
            text = raw.strip()
            if text in _EXCEL_ERRORS:
                self.error(number, field_name, f"the cell shows the formula error {text}")
                text = ""
            if len(text) > MAX_CELL_CHARS:
                self.error(number, field_name, f"the cell has {len(text):,} characters (limit {MAX_CELL_CHARS:,})")
                text = text[:MAX_CELL_CHARS]
            if _CONTROL_RE.search(text):
                self.warn(number, field_name, "invisible control characters removed")
                text = _CONTROL_RE.sub("", text)
            cleaned[field_name] = text.strip()

        def required(field_name: str, what: str) -> str:
            text = cleaned[field_name]
            if not text:
                formula = formulas.get((number, self.header.columns[field_name] + 1))
                if formula:
                    self.error(number, field_name, f"the cell holds the formula {formula[:60]} but the file has no "
                               "computed value for it; open the file in Excel or WPS and save it again")
                else:
                    self.error(number, field_name, f"missing {what}")
            return text

        scenario = _one_line(required("scenario", "the scenario name"))
        step = _one_line(required("step", "the step name"))
        phrase = required("phrase", "the phrase text")
        scenario_id = self.check_id(number, "scenario_id", cleaned.get("scenario_id", ""))
        step_id = self.check_id(number, "step_id", cleaned.get("step_id", ""))
        mandatory = None
        raw_mandatory = cleaned.get("mandatory", "")
        if raw_mandatory:
            word = unicodedata.normalize("NFKC", raw_mandatory).strip().casefold()
            if word in _TRUE_WORDS:
                mandatory = True
            elif word in _FALSE_WORDS:
                mandatory = False
            else:
                self.error(number, "mandatory", f"'{_short(raw_mandatory)}' is not a 必做 value: write 是 or 否 (Y/N, true/false, 1/0)")
        if phrase:
            self.check_placeholders(number, phrase)
        if number in self.invalid:
            return None
        return _Row(
            number=number,
            scenario=scenario,
            scenario_id=scenario_id,
            step=step,
            step_id=step_id,
            phrase=phrase,
            tags=_split_multi(cleaned.get("tags", "")),
            keywords=_split_multi(cleaned.get("keywords", "")),
            facts=_split_multi(cleaned.get("facts", "")),
            mandatory=mandatory,
            guidance=cleaned.get("guidance", ""),
            description=cleaned.get("description", ""),
        )

    def check_id(self, number: int, field_name: str, text: str) -> str:
        if not text:
            return ""
        if ID_RE.match(text):
            return text
        suggestion = slug(text)
        hint = f", e.g. '{suggestion}'" if suggestion else ""
        self.error(number, field_name, f"'{_short(text)}' is not a valid id: use lowercase letters, digits and dashes{hint}")
        return ""

    def check_placeholders(self, number: int, phrase: str) -> None:
        for name in placeholders_in(phrase):
            if name not in KNOWN_PLACEHOLDERS:
                self.error(number, "phrase", f"unknown placeholder '{{{name}}}' (known: {_known_placeholders()})")
        rest = _PLACEHOLDER_SPAN_RE.sub("", phrase)
        if "{" in rest or "}" in rest:
            self.warn(number, "phrase", "braces that are not a placeholder stay as they are; "
                      f"a placeholder is a name in braces without spaces (known: {_known_placeholders()})")
        for name in _FULLWIDTH_PLACEHOLDER_RE.findall(phrase):
            if name in KNOWN_PLACEHOLDERS:
                self.warn(number, "phrase", f"'｛{name}｝' has full-width braces and is not filled in; write {{{name}}}")

    # -- rows together ----------------------------------------------------------------
    def resolve(self, rows: list[_Row]) -> list[_Row]:
        """Give every row its scenario and step id; rows that contradict earlier ones are errors."""
        rows = self._resolve_scenarios(rows)
        return self._resolve_steps(rows)

    def _resolve_scenarios(self, rows: list[_Row]) -> list[_Row]:
        ids: dict[str, tuple[str, int]] = {}  # name → (explicit id, row)
        owners: dict[str, tuple[str, int]] = {}  # explicit id → (name, row)
        kept = []
        for row in rows:
            if row.scenario_id:
                if row.scenario in ids and ids[row.scenario][0] != row.scenario_id:
                    given, at = ids[row.scenario]
                    self.error(row.number, "scenario_id",
                               f"scenario '{row.scenario}' already has the id '{given}' (row {at})")
                    continue
                if row.scenario_id in owners and owners[row.scenario_id][0] != row.scenario:
                    other, at = owners[row.scenario_id]
                    self.error(row.number, "scenario_id",
                               f"the id '{row.scenario_id}' is already used for scenario '{other}' (row {at})")
                    continue
                ids.setdefault(row.scenario, (row.scenario_id, row.number))
                owners.setdefault(row.scenario_id, (row.scenario, row.number))
            kept.append(row)
        used = set(owners)
        chosen: dict[str, str] = {}
        for row in kept:
            if row.scenario not in chosen:
                if row.scenario in ids:
                    chosen[row.scenario] = ids[row.scenario][0]
                else:
                    chosen[row.scenario] = _unique_id(slug(row.scenario) or "scenario", used)
                    used.add(chosen[row.scenario])
            row.scenario_id = chosen[row.scenario]
        return kept

    def _resolve_steps(self, rows: list[_Row]) -> list[_Row]:
        ids: dict[tuple[str, str], tuple[str, int]] = {}  # (scenario id, title) → (explicit id, row)
        owners: dict[tuple[str, str], tuple[str, int]] = {}  # (scenario id, explicit id) → (title, row)
        mandatory: dict[tuple[str, str], tuple[bool, int]] = {}  # (scenario id, title) → (value, row)
        kept = []
        for row in rows:
            key = (row.scenario_id, row.step)
            if row.step_id:
                if key in ids and ids[key][0] != row.step_id:
                    given, at = ids[key]
                    self.error(row.number, "step_id", f"step '{row.step}' already has the id '{given}' (row {at})")
                    continue
                owner = owners.get((row.scenario_id, row.step_id))
                if owner and owner[0] != row.step:
                    self.error(row.number, "step_id",
                               f"the step id '{row.step_id}' is already used for step '{owner[0]}' "
                               f"of this scenario (row {owner[1]})")
                    continue
            if row.mandatory is not None:
                if key in mandatory and mandatory[key][0] != row.mandatory:
                    value, at = mandatory[key]
                    self.error(row.number, "mandatory",
                               f"step '{row.step}' is marked {'是' if value else '否'} in row {at}; one step, one value")
                    continue
            if row.step_id:
                ids.setdefault(key, (row.step_id, row.number))
                owners.setdefault((row.scenario_id, row.step_id), (row.step, row.number))
            if row.mandatory is not None:
                mandatory.setdefault(key, (row.mandatory, row.number))
            kept.append(row)
        used: dict[str, set[str]] = {}
        for scenario_id, step_id in owners:
            used.setdefault(scenario_id, set()).add(step_id)
        chosen: dict[tuple[str, str], str] = {}
        for row in kept:
            key = (row.scenario_id, row.step)
            if key not in chosen:
                if key in ids:
                    chosen[key] = ids[key][0]
                else:
                    taken = used.setdefault(row.scenario_id, set())
                    chosen[key] = _unique_id(slug(row.step) or "step", taken)
                    taken.add(chosen[key])
            row.step_id = chosen[key]
            if row.mandatory is None and key in mandatory:
                row.mandatory = mandatory[key][0]
        return kept

    def build(self, rows: list[_Row]) -> list[_Draft]:
        scenarios: dict[str, _Draft] = {}
        for row in rows:
            draft = scenarios.get(row.scenario_id)
            if draft is None:
                draft = scenarios[row.scenario_id] = _Draft(row.scenario_id, row.scenario, row.number)
            self._first_text(draft.text, "description", row, "description")
            _extend(draft.keywords, row.keywords)
            step = draft.steps.get(row.step_id)
            if step is None:
                step = draft.steps[row.step_id] = _StepDraft(row.step_id, row.step, bool(row.mandatory))
            self._first_text(step.text, "guidance", row, "guidance")
            _extend(step.facts, row.facts)
            duplicate = next((p for p in step.phrases if p.text == row.phrase), None)
            if duplicate is not None:
                self.warn(row.number, "phrase", f"the same phrase as row {duplicate.row} in step '{row.step}'; left out")
                _extend(duplicate.tags, row.tags)
                continue
            step.phrases.append(_PhraseDraft(row.phrase, list(row.tags), row.number))
            if "工作日" in placeholders_in(row.phrase) and not draft.warned_workdays:
                draft.warned_workdays = True
                self.warn(row.number, "phrase",
                          "{工作日} is filled from the scenario's defaults, which a spreadsheet cannot set; "
                          f"after importing add 'defaults: {{工作日: \"3\"}}' to {row.scenario_id}.yaml, "
                          "or such phrases cannot be copied")
        return list(scenarios.values())

    def _first_text(self, store: dict[str, tuple[str, int]], key: str, row: _Row, field_name: str) -> None:
        value = getattr(row, key)
        if not value:
            return
        if key not in store:
            store[key] = (value, row.number)
        elif store[key][0] != value:
            self.warn(row.number, field_name, f"differs from the {self._column(field_name)} in row {store[key][1]}; "
                      "the first one is kept")


def _short(text: str, limit: int = 40) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _extend(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


@dataclass
class _PhraseDraft:
    text: str
    tags: list[str]
    row: int


@dataclass
class _StepDraft:
    id: str
    title: str
    mandatory: bool
    text: dict[str, tuple[str, int]] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)
    phrases: list[_PhraseDraft] = field(default_factory=list)


@dataclass
class _Draft:
    id: str
    name: str
    row: int
    text: dict[str, tuple[str, int]] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    steps: dict[str, _StepDraft] = field(default_factory=dict)
    warned_workdays: bool = False

    def model(self, source: str) -> Scenario:
        steps = tuple(
            Step(
                id=s.id,
                title=s.title,
                guidance=s.text.get("guidance", ("", 0))[0],
                mandatory=s.mandatory,
                facts=tuple(s.facts),
                phrases=tuple(Phrase(f"{s.id}-{i}", p.text, tuple(p.tags)) for i, p in enumerate(s.phrases, 1)),
            )
            for s in self.steps.values()
        )
        return Scenario(
            id=self.id,
            name=self.name,
            description=self.text.get("description", ("", 0))[0],
            keywords=tuple(self.keywords),
            steps=steps,
            source=source,
        )


# -- YAML -----------------------------------------------------------------------


class _FlowList(list):
    """A short list written on one line: ``[吞卡, 取款机]``."""


_DumperBase: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_DumperBase):  # type: ignore[misc, valid-type]
    pass


def _represent_flow(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_str(dumper, data):
    style = "|" if "\n" in data else None  # the emitter falls back to quotes if a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(_FlowList, _represent_flow)
_Dumper.add_representer(str, _represent_str)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {"id": scenario.id, "name": scenario.name}
    if scenario.description:
        out["description"] = scenario.description
    if scenario.keywords:
        out["keywords"] = _FlowList(scenario.keywords)
    steps = []
    for step in scenario.steps:
        item: dict[str, Any] = {"id": step.id, "title": step.title}
        if step.guidance:
            item["guidance"] = step.guidance
        item["mandatory"] = step.mandatory
        if step.facts:
            item["facts"] = list(step.facts)
        phrases = []
        for phrase in step.phrases:
            entry: dict[str, Any] = {"id": phrase.id, "text": phrase.text}
            if phrase.tags:
                entry["tags"] = _FlowList(phrase.tags)
            phrases.append(entry)
        item["phrases"] = phrases
        steps.append(item)
    out["steps"] = steps
    return out


def pack_yaml(info: PackInfo, scenario: Scenario, source_name: str) -> str:
    """The text of one pack file holding ``scenario``."""
    data = {
        "pack": {
            "id": info.id,
            "name": info.name,
            "version": info.version,
            "author": info.author,
            "updated": info.updated,
        },
        "scenarios": [_scenario_dict(scenario)],
    }
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    origin = _CONTROL_RE.sub("", _one_line(source_name))
    return f"# 由 {origin} 导入 (seatside packs import)，{info.updated}\n{body}"


def _today() -> str:
    return date.today().isoformat()


def _round_trip(files: dict[str, str], expected: dict[str, Scenario], rows: dict[str, int],
                problems: list[RowProblem]) -> list[Scenario]:
    """Load every generated file back: a loader error, or anything that reads back
    differently from what was imported, is an error; loader warnings stay warnings."""
    loaded: list[Scenario] = []
    with tempfile.TemporaryDirectory(prefix="seatside-import-") as tmp:
        for name, text in files.items():
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8", newline="")  # scratch copy, read back at once
            _, scenarios, pack_problems = load_pack_file(path, display=name)
            row = rows[name]
            for problem in pack_problems:
                problems.append(RowProblem(row, None, f"the generated {name} does not load cleanly: "
                                           f"line {problem.line}: {problem.message}", problem.severity))
            if any(p.severity == "error" for p in pack_problems):
                continue
            if len(scenarios) != 1 or scenarios[0] != expected[name]:
                problems.append(RowProblem(row, None, f"the generated {name} does not read back as imported "
                                           "(please report this)"))
                continue
            loaded.append(scenarios[0])
    return loaded


# -- the API --------------------------------------------------------------------


def import_table(path: Path, *, skip_invalid: bool = False) -> ImportResult:
    """Read and check a spreadsheet; nothing is written. See :class:`ImportResult`."""
    path = Path(path)
    result = ImportResult(source=path)
    problems: list[RowProblem] = []
    try:
        table = _read_table(path)
    except _Unreadable as exc:
        result.unreadable = True
        result.problems = [RowProblem(exc.row, None, exc.message)]
        return result
    result.sheet = table.sheet
    problems.extend(table.problems)
    if not table.rows:
        problems.append(RowProblem(1, None, "the file is empty" if table.sheet is None
                                   else f"the sheet '{table.sheet}' is empty"))
        result.problems = problems
        return result
    header = _find_header(table, problems)
    if header is None:
        result.problems = _sorted(problems)
        return result
    importer = _Importer(table, header, problems)
    try:
        rows, result.rows_read = importer.rows()
    except _Unreadable as exc:
        result.unreadable = True
        result.problems = [RowProblem(exc.row, None, exc.message)]
        return result
    rows = importer.resolve(rows)
    drafts = importer.build(rows)
    if skip_invalid:
        result.skipped_rows = sorted(importer.invalid)
    if result.rows_read == 0:
        problems.append(RowProblem(header.row, None, "there are no rows under the header"))
    elif not drafts and skip_invalid:
        problems.append(RowProblem(header.row, None, "no valid rows to import: every row has a problem"))
    result.problems = problems
    if result.blocking or not drafts:
        result.problems = _sorted(problems)
        return result

    result.pack = PackInfo(
        id=slug(path.stem) or "imported",
        name=path.name,
        version="1",
        author="",
        updated=_today(),
    )
    files: dict[str, str] = {}
    expected: dict[str, Scenario] = {}
    first_rows: dict[str, int] = {}
    for draft in drafts:
        name = f"{draft.id}.yaml"
        expected[name] = draft.model(name)
        files[name] = pack_yaml(result.pack, expected[name], path.name)
        first_rows[name] = draft.row
    loaded = _round_trip(files, expected, first_rows, problems)
    result.problems = _sorted(problems)
    if len(loaded) == len(files) and not result.blocking:
        result.files = files
        result.scenarios = loaded
    return result


def _sorted(problems: list[RowProblem]) -> list[RowProblem]:
    return sorted(problems, key=lambda p: p.row)


def write_pack(result: ImportResult, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``result.files`` into ``out_dir``: all of them or none.

    Every file is first written beside its target under a temporary name (with
    :func:`atomic_write`); only when all are written are they renamed into
    place. A failure removes the temporary files and undoes the renames done so
    far. Raises :class:`ImportRefused` if the import has problems or, unless
    ``overwrite``, if a target file exists.
    """
    if not result.ok:
        raise ImportRefused("the import has problems; nothing written")
    out_dir = Path(out_dir)
    targets = [out_dir / name for name in result.files]
    if not overwrite:
        existing = [t.name for t in targets if t.exists()]
        if existing:
            raise ImportRefused(f"already in {out_dir}: {', '.join(existing)}; nothing written (--overwrite replaces them)")
    out_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None, bool]] = []  # (target, backup of the old file, existed before)
    try:
        for target in targets:
            text = result.files[target.name]
            stage = out_dir / f".{target.name}.import-{token}.tmp"
            staged.append((stage, target))
            atomic_write(stage, lambda handle, text=text: handle.write(text), "utf-8")
        for stage, target in staged:
            existed = target.exists()
            backup = None
            if existed:
                if not overwrite:
                    raise ImportRefused(f"{target} appeared while importing; nothing written")
                backup = out_dir / f".{target.name}.backup-{token}.tmp"
                try:
                    os.link(target, backup)
                except OSError:
                    backup = None
            os.replace(stage, target)
            done.append((target, backup, existed))
    except BaseException:
        for target, backup, existed in reversed(done):
            try:
                if backup is not None:
                    os.replace(backup, target)
                elif not existed:
                    target.unlink(missing_ok=True)
            except OSError:
                pass
        for stage, _ in staged:
            try:
                stage.unlink(missing_ok=True)
            except OSError:
                pass
        raise
    for _, backup, _ in done:
        if backup is not None:
            try:
                backup.unlink(missing_ok=True)
            except OSError:
                pass
    return targets


def run_import(path: Path, out_dir: Path, *, skip_invalid: bool, overwrite: bool, out: TextIO) -> int:
    """Import ``path`` into ``out_dir`` and print the report.

    Returns 0 when the packs were written, 1 when there were problems and nothing
    was written, 2 when the input could not be read at all.
    """
    path, out_dir = Path(path), Path(out_dir)
    label = str(path)
    result = import_table(path, skip_invalid=skip_invalid)
    for line in result.report_lines(label):
        print(line, file=out)
    summary = result.summary(label)
    if result.unreadable:
        print(f"{summary}; nothing written", file=out)
        return 2
    if not result.ok:
        hint = "" if skip_invalid or not result.errors else " (--skip-invalid imports the valid rows)"
        print(f"{summary}; nothing written{hint}", file=out)
        return 1
    try:
        written = write_pack(result, out_dir, overwrite=overwrite)
    except ImportRefused as exc:
        print(f"{label}: {exc}", file=out)
        print(f"{summary}; nothing written", file=out)
        return 1
    except OSError as exc:
        print(f"{out_dir}: cannot write: {exc.strerror or exc}", file=out)
        print(f"{summary}; nothing written", file=out)
        return 1
    for target in written:
        print(f"wrote {target}", file=out)
    print(f"{summary}; wrote {len(written)} {_plural(len(written), 'file')} to {out_dir}", file=out)
    return 0
