"""The dashboard's building blocks without a server: translations, templates and
static files under the content-security policy, exports, charts, CSRF, ranges."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi import HTTPException

from hub.web import charts
from hub.web.auth import safe_next
from hub.web.exports import attachment, csv_stream, xlsx_stream
from hub.web.i18n import catalog_path, pick_language, translations_for
from hub.web.reports import parse_range
from hub.web.security import CONTENT_SECURITY_POLICY, csrf_token, csrf_valid
from hub.web.templating import STATIC_DIR, TEMPLATES_DIR

WEB = Path(__file__).resolve().parents[3] / "hub" / "web"


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    keywords = {"_": None, "gettext": (2,), "t": None}
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(WEB), method_map, options_map=options, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_its_chinese_text() -> None:
    with catalog_path("zh_CN").open("rb") as handle:
        catalog = read_po(handle)
    extracted = _extracted()
    assert len(extracted) > 100
    missing = sorted(m for m in extracted if m and (m not in catalog or not catalog[m].string or catalog[m].fuzzy))
    assert not missing, f"add zh_CN translations for: {missing}"
    placeholders = re.compile(r"%\(\w+\)s|\{\w+\}")
    for message in catalog:
        if message.id:
            assert sorted(placeholders.findall(message.id)) == sorted(placeholders.findall(message.string)), message.id


def test_language_choice() -> None:
    assert pick_language(None) == "zh_CN"
    assert pick_language("en") == "en"
    assert pick_language("xx", "en-GB,en;q=0.8") == "en"
    assert pick_language("xx", "zh-CN,zh;q=0.9") == "zh_CN"
    assert translations_for("zh_CN").gettext("Live board") == "实时看板"


def test_no_inline_script_or_style_and_nothing_from_outside() -> None:
    for path in sorted(TEMPLATES_DIR.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"{path.name}: inline script"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path.name}: inline event handler"
        assert "<style" not in text and "style=" not in text, f"{path.name}: inline style"
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"{path.name}: outside resource"
    for path in sorted(STATIC_DIR.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text, path.name
        assert "@import" not in text and "url(" not in text, path.name
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_csv_stream_is_excel_friendly_and_formula_safe() -> None:
    rows = [["=cmd|' /C calc'!A0", 3, 2.25, None, datetime(2026, 1, 2, 3, 4, 5)], ["+1", "-2", "@x", "普通", "\t"]]
    chunks = list(csv_stream(["坐席", "n", "x", "empty", "when"], iter(rows)))
    raw = b"".join(chunks)
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 3
    parsed = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "3", "2.2", "", "2026-01-02 03:04:05"]
    assert parsed[2][:3] == ["'+1", "'-2", "'@x"] and parsed[2][3] == "普通"


def test_csv_stream_sends_batches_as_it_goes() -> None:
    produced = []

    def rows():
        for index in range(1200):
            produced.append(index)
            yield [index]

    stream = csv_stream(["n"], rows())
    next(stream)  # the header goes out before any row is read
    assert produced == []
    next(stream)
    assert len(produced) == 500


def test_times_are_written_in_the_centres_zone() -> None:
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 3, 4, 16, 30, tzinfo=timezone.utc)
    raw = b"".join(csv_stream(["when"], [[moment]], ZoneInfo("Asia/Shanghai"))).decode("utf-8-sig")
    assert raw.splitlines()[1] == "2026-03-05 00:30:00"
    data = b"".join(xlsx_stream("t", ["when"], [[moment]], ZoneInfo("Asia/Shanghai")))
    assert openpyxl.load_workbook(io.BytesIO(data)).active.cell(2, 1).value == datetime(2026, 3, 5, 0, 30)


def test_xlsx_stream_opens_in_openpyxl_with_types_kept() -> None:
    rows = [["=1+1", 7, 1.5, datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc), date(2026, 3, 4), None]] * 3
    data = b"".join(xlsx_stream("一组: [报表]", ["文本", "n", "x", "when", "day", "none"], iter(rows)))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "一组   报表"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "文本" and len(values) == 4
    assert values[1][:5] == ("=1+1", 7, 1.5, datetime(2026, 3, 4, 5, 6, 7), datetime(2026, 3, 4))
    assert sheet.cell(2, 1).data_type == "s"  # text, never a formula


def test_attachment_names_survive_any_characters() -> None:
    value = attachment('一组"\r\n报表.csv')
    assert "\r" not in value and "\n" not in value and '"' not in value.split("filename=")[1].split(";")[0][1:-1]
    assert "filename*=UTF-8''" in value


def test_charts_escape_labels_and_scale() -> None:
    svg = str(charts.bar_chart([charts.Bar("<script>", 10), charts.Bar("b", 5, tone="alert")],
                               title="t&", empty_text="none"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t&amp;" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "bar-alert" in svg and "style=" not in svg
    assert "none" in str(charts.bar_chart([], title="t", empty_text="none"))
    assert "none" in str(charts.column_chart([("00", 0)], title="t", empty_text="none"))
    assert str(charts.column_chart([("00", 1), ("01", 3)], title="t", empty_text="e")).count("<rect") == 2


def test_csrf_tokens_belong_to_one_browser() -> None:
    token = csrf_token("seed-a")
    assert csrf_valid("seed-a", token)
    assert not csrf_valid("seed-b", token)
    assert not csrf_valid(None, token) and not csrf_valid("seed-a", None) and not csrf_valid("seed-a", "")


@pytest.mark.parametrize(("target", "expected"), [
    ("/reports?first=2026-01-01", "/reports?first=2026-01-01"), ("//evil", "/board"), ("https://x/", "/board"),
    ("/\\evil", "/board"), ("", "/board"), ("board", "/board"), (None, "/board"),
])
def test_only_local_paths_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_ranges_are_days_in_the_centres_time_zone() -> None:
    span = parse_range("2026-03-01", "2026-03-02", "Asia/Shanghai")
    assert span.start.isoformat() == "2026-03-01T00:00:00+08:00"
    assert span.end.isoformat() == "2026-03-03T00:00:00+08:00"
    assert parse_range(None, None, "Asia/Shanghai", today=date(2026, 5, 1)).first == date(2026, 5, 1)
    for first, last in [("2026-3-1x", None), ("2026-03-02", "2026-03-01"), ("2025-01-01", "2026-03-01")]:
        with pytest.raises(HTTPException) as caught:
            parse_range(first, last, "Asia/Shanghai")
        assert caught.value.status_code == 400
