"""A streaming XLSX writer for long tables: one sheet, inline strings, numbers, date-times.

xlsxwriter spends about 200 µs a row building each cell (``docs/benchmarks.md``),
20 s for a 100,000-call export on the benchmark machine. An export needs none of
its features: this writes the sheet XML row by row straight into the zip, in
constant memory, to any binary file object (seekable or not, e.g. a pipe to the
HTTP response). Strings are inline (``t="inlineStr"``), so nothing is ever read
as a formula; control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime(1899, 12, 30)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str) -> str:
    value = _ILLEGAL.sub("", value)[:32767]
    return escape(value)


def _cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return _cell(ref, datetime.combine(value, datetime.min.time()))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def write_table(out: IO[bytes] | str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                sheet: str = "calls", tz: Any = None) -> int:
    """Write one sheet: a bold header row, then ``rows``; returns the number of rows.

    Aware date-times are shown in ``tz`` (default: the local zone) without the offset.
    """
    columns = [_column(i) for i in range(len(header))]
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{_text(sheet)[:31]}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/>'
                b"</sheetView></sheetViews><sheetData>"
            )
            head = "".join(
                f'<c r="{c}1" t="inlineStr" s="2"><is><t>{_text(h)}</t></is></c>' for c, h in zip(columns, header)
            )
            part.write(f'<row r="1">{head}</row>'.encode())
            buffer: list[str] = []
            for count, row in enumerate(rows, start=1):
                # Cells without "r": they follow one another (allowed by ECMA-376, and shorter).
                buffer.append(f'<row r="{count + 1}">')
                buffer.extend(_fast_cell(value, tz) for value in row)
                buffer.append("</row>")
                if len(buffer) >= 20_000:
                    part.write("".join(buffer).encode())
                    buffer.clear()
            if buffer:
                part.write("".join(buffer).encode())
            part.write(b"</sheetData></worksheet>")
    return count


def _fast_cell(value: Any, tz: Any) -> str:
    """One cell of a data row (no reference: cells are consecutive)."""
    kind = type(value)
    if kind is str:
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(value[:32767])}</t></is></c>'
    if value is None:
        return "<c/>"
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        return f"<c><v>{value!r}</v></c>"
    if kind is datetime:
        if value.tzinfo is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return f'<c s="1"><v>{(value - _EPOCH).total_seconds() / 86400!r}</v></c>'
    if isinstance(value, date):
        return _fast_cell(datetime.combine(value, datetime.min.time()), tz)
    return _fast_cell(str(value), tz)


def _local(value: Any, tz: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(tz).replace(tzinfo=None)
    return value
