"""Reading a CSV (any common encoding) or an .xlsx (merged cells, formulas, zip bombs) into rows of text."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from time import monotonic as time_now
from typing import Any

from desktop.core.base.bounded import InputRefused, read_regular
from desktop.core.packs.importer.columns import (
    _MERGE_REF_RE,
    _SHEETDATA_END_RE,
    HEADER_SEARCH_ROWS,
    MAX_BLANK_RUN,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_READ_SECONDS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    MAX_XLSX_EXPANDED_BYTES,
    PREFERRED_SHEETS,
)
from desktop.core.packs.importer.results import RowProblem

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


def _column_name(number: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(min(max(number, 1), 18278)))


def _too_many_rows() -> _Unreadable:
    return _Unreadable(f"the file has more than {MAX_ROWS:,} rows; split it into smaller files")


def _open_workbook(path: Path, data_only: bool) -> Any:  # an openpyxl Workbook
    import openpyxl  # imported here: it is slow to import and only this needs it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def _pick_sheet(workbook: Any) -> Any:
    sheets = list(workbook.worksheets)
    if not sheets:
        raise _Unreadable("the workbook has no worksheet")
    for sheet in sheets:
        if sheet.title.strip().casefold() in PREFERRED_SHEETS:
            return sheet
    return sheets[0]


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
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
        problems: list[RowProblem] = []
        try:
            declared = int(sheet.max_column or 0)  # the stored used range: often wrong, never trusted
        except Exception:  # noqa: BLE001 - a damaged dimension is only a hint
            declared = 0
        sheet.reset_dimensions()  # the stored dimension is often wrong; read what is there
        if declared > MAX_COLUMNS:
            problems.append(RowProblem(1, None, (
                f"the sheet's used range reaches column {_column_name(declared)}; only the first {MAX_COLUMNS} "
                f"columns (A–{_column_name(MAX_COLUMNS)}) are read"), "warning"))
        rows: list[tuple[int, list[str]]] = []
        blank_run = 0
        # Streamed row by row, never wider than MAX_COLUMNS: one cell in column XFD would
        # otherwise make every row 16,384 cells long.
        iterator = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        number = 0
        deadline = time_now() + MAX_READ_SECONDS
        try:
            for number, values in enumerate(iterator, 1):
                if number % 256 == 0 and time_now() > deadline:
                    raise _Unreadable(
                        f"reading the sheet took longer than {MAX_READ_SECONDS} s (stopped at row {number:,}); "
                        "split it into smaller files or save it again from Excel", number)
                if number > MAX_SHEET_ROWS:
                    raise _Unreadable(f"the sheet has more than {MAX_SHEET_ROWS:,} rows (blank ones included); "
                                      "split it into smaller files", number)
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
        except Exception as exc:  # noqa: BLE001 - a broken file fails in many ways; each is reported as unreadable
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
    # A regular file only (a pipe or a device never ends), counted by the bytes actually read.
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except InputRefused as exc:
        if "too large" in exc.message:
            raise _Unreadable(
                f"the file is too large (over {MAX_FILE_BYTES:,} bytes, limit {MAX_FILE_BYTES:,}); "
                "split it into smaller files") from None
        raise _Unreadable(exc.message.replace(str(path), "the file")) from None
    except OSError as exc:
        raise _Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    head = raw[:8]
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
    return _read_csv(path, raw)


