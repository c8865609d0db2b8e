"""End-of-shift exports: CSV for Excel, XLSX with a summary sheet, a Markdown
shift report. Every file is written to a temporary file beside the target and
renamed into place, so a failed export leaves the previous file (or nothing).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from desktop.core.base.atomic import atomic_path, atomic_write
from desktop.core.records.dispositions import DISPOSITIONS, Disposition, disposition_label
from desktop.core.records.reports import (
    ShiftSummary,
    SummaryBuilder,
    followup_kind_label,
    format_seconds,
    is_overdue,
    scenario_label,
    short_time,
)
from desktop.core.records.storage import CallRecord, FollowUp
from desktop.core.records.texts import TEXTS, texts

FORMATS = ("csv", "xlsx", "md")
PROGRESS_EVERY = 500
# Dispositions the Markdown overview counts (when the configured list has them).
NOTABLE_DISPOSITIONS = ("complaint", "escalated", "follow-up")
# The Markdown report lists this many open follow-ups (soonest due first) and counts the rest.
MD_MAX_FOLLOWUPS = 50
XLSX_MAX_ROWS = 1_048_576

Progress = Callable[[int, int], None]


class ExportError(Exception):
    """The export could not be written (unknown format, unwritable path); nothing was left behind."""


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # "int", "datetime", "seconds" or "text"
    width: float  # XLSX column width in characters

    @property
    def zh(self) -> str:
        return TEXTS[f"column.{self.key}"][0]

    @property
    def en(self) -> str:
        return TEXTS[f"column.{self.key}"][1]

    def title(self, lang: str) -> str:
        return texts(lang)(f"column.{self.key}")


COLUMNS: tuple[Column, ...] = (
    Column("id", "int", 9),
    Column("started_at", "datetime", 19),
    Column("ended_at", "datetime", 19),
    Column("duration_s", "seconds", 10),
    Column("wrapup_s", "seconds", 12),
    Column("scenario_id", "text", 18),
    Column("scenario", "text", 18),
    Column("customer_ref", "text", 20),
    Column("disposition", "text", 12),
    Column("end_reason", "text", 24),
    Column("steps", "text", 40),
    Column("phrases", "text", 50),
    Column("followups", "text", 40),
    Column("continuity", "text", 40),
    Column("notes", "text", 60),
)

# Column key -> (Chinese, English) heading; kept for callers of the v1 API.
CSV_COLUMNS: dict[str, tuple[str, str]] = {c.key: (c.zh, c.en) for c in COLUMNS}

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = "=+-@\t\r"


def neutralise(value: str) -> str:
    """Stop a spreadsheet from reading a cell as a formula (CSV injection)."""
    if value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def format_followup(followup: FollowUp, lang: str = "zh") -> str:
    """``kind text due done`` in one line: ``回电：核实到账（到期 2026-11-28 09:00，未完成）``."""
    t = texts(lang)
    kind = followup_kind_label(followup.kind, lang)
    text = " ".join(followup.label(lang).split())
    state = t("followup.done") if followup.done else t("followup.open")
    due = t("followup.due", time=short_time(followup.due_at)) if followup.due_at else ""
    return t("followup.line", kind=kind, text=text, due=due, state=state)


def _continuity_text(followup: FollowUp, lang: str) -> str:
    text = " ".join(followup.label(lang).split())
    if followup.done:
        return text + texts(lang)("continuity.done")
    return text


def _text_cells(call: CallRecord, lang: str) -> tuple[str, str, str, str]:
    """Steps, phrases, follow-ups and continuity reminders as one string each."""
    steps = "; ".join([f"{s.title} {s.ticked_at[11:19]}" for s in call.steps]) if call.steps else ""
    phrases = "; ".join([p.text for p in call.phrases]) if call.phrases else ""
    if not call.followups:
        return steps, phrases, "", ""
    followups = "; ".join([format_followup(f, lang) for f in call.followups if f.kind != "continuity"])
    continuity = "; ".join([_continuity_text(f, lang) for f in call.followups if f.kind == "continuity"])
    return steps, phrases, followups, continuity


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _disposition_text(code: str, lang: str, dispositions: tuple[Disposition, ...]) -> str:
    return disposition_label(code, lang, dispositions) if code else ""


def _text_columns(call: CallRecord, lang: str, dispositions: tuple[Disposition, ...]) -> list[str]:
    """The text cells of one call after its times, in ``COLUMNS`` order (CSV and XLSX alike)."""
    steps, phrases, followups, continuity = _text_cells(call, lang)
    return [
        call.scenario_id,
        call.scenario_name,
        call.customer_ref,
        _disposition_text(call.disposition, lang, dispositions),
        call.end_reason,
        steps,
        phrases,
        followups,
        continuity,
        call.notes,
    ]


def call_row(call: CallRecord, lang: str = "zh", dispositions: tuple[Disposition, ...] = DISPOSITIONS) -> list[str]:
    """The CSV cells of one call, in ``COLUMNS`` order, formulas neutralised."""
    texts = _text_columns(call, lang, dispositions)
    # neutralise() inlined: this runs for every cell of a 100k-call export.
    formula = _FORMULA_CHARS
    return [
        str(call.id),
        call.started_at[:19].replace("T", " "),
        (call.ended_at or "")[:19].replace("T", " "),
        _seconds(call.duration_s),
        _seconds(call.wrapup_s),
    ] + [("'" + v) if v and v[0] in formula else v for v in texts]


def _wall_time(timestamp: str | None) -> datetime | None:
    """The local wall-clock time of an ISO timestamp (Excel has no time zones)."""
    if not timestamp:
        return None
    try:
        return datetime.fromisoformat(timestamp).replace(tzinfo=None)
    except ValueError:
        return None


def call_values(call: CallRecord, lang: str = "zh", dispositions: tuple[Disposition, ...] = DISPOSITIONS) -> list[object]:
    """The typed cells of one call for XLSX: int, datetime, float or str (never neutralised)."""
    return [
        call.id,
        _wall_time(call.started_at),
        _wall_time(call.ended_at),
        None if call.duration_s is None else round(call.duration_s),
        None if call.wrapup_s is None else round(call.wrapup_s),
        *_text_columns(call, lang, dispositions),
    ]


def _with_progress(calls: Iterable[CallRecord], progress: Progress | None, total: int) -> Iterator[CallRecord]:
    if progress is None:
        yield from calls
        return
    done = 0
    progress(0, total)
    for call in calls:
        yield call
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    if done % PROGRESS_EVERY:
        progress(done, total)


def _total(calls: Iterable[CallRecord]) -> int:
    return len(calls) if isinstance(calls, Sequence) else 0


def _items(dispositions: Iterable[Disposition] | None) -> tuple[Disposition, ...]:
    return DISPOSITIONS if dispositions is None else tuple(dispositions)


# -- CSV ---------------------------------------------------------------------------
def write_csv(
    calls: Iterable[CallRecord], out: IO[str], lang: str = "zh", dispositions: Iterable[Disposition] | None = None
) -> int:
    """Write calls as CSV rows (CRLF line ends); returns the number of calls."""
    items = _items(dispositions)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.title(lang) for column in COLUMNS])
    count = 0
    for call in calls:
        writer.writerow(call_row(call, lang, items))
        count += 1
    return count


def export_csv(
    calls: Iterable[CallRecord],
    path: Path,
    lang: str = "zh",
    *,
    progress: Progress | None = None,
    dispositions: Iterable[Disposition] | None = None,
) -> int:
    """Write a CSV Excel opens with Chinese intact: UTF-8 with BOM, CRLF."""
    rows = _with_progress(calls, progress, _total(calls))
    return atomic_write(Path(path), lambda handle: write_csv(rows, handle, lang, dispositions), "utf-8-sig")


# -- XLSX --------------------------------------------------------------------------
def _default_title(lang: str) -> str:
    return texts(lang)("xlsx.title")


def export_xlsx(
    calls: Iterable[CallRecord],
    path: Path,
    *,
    lang: str = "zh",
    title: str | None = None,
    open_followups: Iterable[FollowUp] | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    dispositions: Iterable[Disposition] | None = None,
) -> int:
    """Write an Excel workbook: a "Calls" sheet (typed cells, autofilter, frozen
    header) and a "Summary" sheet; returns the number of calls.

    Every text goes through ``write_string``, so no cell is ever a formula.
    Rows are streamed (xlsxwriter ``constant_memory``), the summary is built
    on the way.
    """
    import xlsxwriter  # imported here: only exports need it

    t = texts(lang)
    title = title or _default_title(lang)
    items = _items(dispositions)
    total = _total(calls)
    with atomic_path(Path(path)) as tmp:
        # The zip is assembled in memory and written out here: a disk that fills up
        # then fails this one write (an ExportError), not a ZipFile left half-closed
        # that complains again when it is garbage-collected.
        packed = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            packed,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        try:
            workbook.set_properties({"title": title, "comments": "Seatside"})
            sheet = workbook.add_worksheet(t("xlsx.sheet.calls"))
            summary_sheet = workbook.add_worksheet(t("xlsx.sheet.summary"))
            header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                          "valign": "top"})
            stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
            for col, column in enumerate(COLUMNS):
                sheet.set_column(col, col, column.width, stamp if column.kind == "datetime" else None)
                sheet.write_string(0, col, column.title(lang), header)
            sheet.freeze_panes(1, 0)
            builder = SummaryBuilder()
            write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
            row = 0
            for call in _with_progress(calls, progress, total):
                row += 1
                if row >= XLSX_MAX_ROWS:
                    raise ExportError(f"too many calls for one Excel sheet ({XLSX_MAX_ROWS - 1:,} at most)")
                builder.add(call)
                values = call_values(call, lang, items)
                write_number(row, 0, values[0])
                if values[1] is not None:
                    write_datetime(row, 1, values[1], stamp)
                if values[2] is not None:
                    write_datetime(row, 2, values[2], stamp)
                if values[3] is not None:
                    write_number(row, 3, values[3])
                if values[4] is not None:
                    write_number(row, 4, values[4])
                for col in range(5, len(values)):
                    if values[col]:
                        write_string(row, col, values[col])
            sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
            summary = builder.result(open_followups=open_followups, now=now, dispositions=items)
            _write_summary(workbook, summary_sheet, summary, lang, title)
            workbook.close()
        except BaseException:
            _discard(workbook)
            raise
        with open(tmp, "wb") as handle:
            handle.write(packed.getbuffer())
            handle.flush()
            os.fsync(handle.fileno())
    return row


def _discard(workbook: Any) -> None:  # an xlsxwriter Workbook
    """Remove a workbook's streaming temporary files without writing it."""
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        name = getattr(sheet, "row_data_filename", None)
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass
        if name:
            try:
                os.unlink(name)
            except OSError:
                pass
    workbook.fileclosed = True  # nothing to write on garbage collection


def _write_summary(workbook: Any, sheet: Any, summary: ShiftSummary, lang: str, title: str) -> None:
    t = texts(lang)
    bold = workbook.add_format({"bold": True})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    seconds = workbook.add_format({"num_format": "0"})
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 14)
    sheet.set_column(3, 3, 50)
    sheet.set_column(4, 5, 20)
    row = 0

    def line(label: str, value: object) -> None:
        nonlocal row
        sheet.write_string(row, 0, label)
        if isinstance(value, (int, float)):
            sheet.write_number(row, 1, value)
        elif value:
            sheet.write_string(row, 1, str(value))
        row += 1

    def table_header(*names: str) -> None:
        nonlocal row
        for col, name in enumerate(names):
            sheet.write_string(row, col, name, header)
        row += 1

    sheet.write_string(row, 0, title, heading)
    row += 1
    span = f"{short_time(summary.first_started)} – {short_time(summary.last_started)}" if summary.calls else ""
    if span:
        line(t("xlsx.period"), span)
    line(t("xlsx.generated"), short_time(summary.generated_at))
    row += 1
    line(t("xlsx.calls"), summary.calls)
    line(t("xlsx.ended"), summary.ended)
    line(t("xlsx.active"), summary.active)
    for label, value in (
        (t("xlsx.avg_talk"), summary.avg_talk_s),
        (t("xlsx.avg_wrapup"), summary.avg_wrapup_s),
        (t("xlsx.avg_handle"), summary.avg_handle_s),
    ):
        sheet.write_string(row, 0, label)
        if value is not None:
            sheet.write_number(row, 1, round(value, 1), seconds)
        row += 1
    line(t("xlsx.open_followups"), len(summary.open_followups))
    line(t("xlsx.overdue_followups"), summary.overdue_followups)
    line(t("xlsx.banned_typed"), summary.banned_typed)
    line(t("xlsx.banned_spoken"), summary.banned_spoken)
    row += 1

    sheet.write_string(row, 0, t("xlsx.by_scenario"), bold)
    row += 1
    table_header(t("head.scenario"), t("head.calls"), t("head.share"), t("head.avg_talk_s"))
    for item in summary.by_scenario:
        sheet.write_string(row, 0, scenario_label(item.scenario_id, item.name, lang))
        sheet.write_number(row, 1, item.calls)
        sheet.write_number(row, 2, item.calls / summary.calls, percent)
        if item.avg_talk_s is not None:
            sheet.write_number(row, 3, round(item.avg_talk_s, 1), seconds)
        row += 1
    row += 1

    sheet.write_string(row, 0, t("xlsx.by_disposition"), bold)
    row += 1
    table_header(t("head.disposition"), t("head.calls"), t("head.share"))
    for disposition in summary.by_disposition:
        sheet.write_string(row, 0, summary.disposition_name(disposition.code, lang))
        sheet.write_number(row, 1, disposition.calls)
        sheet.write_number(row, 2, disposition.calls / summary.calls, percent)
        row += 1
    row += 1

    sheet.write_string(row, 0, t("xlsx.top_phrases"), bold)
    row += 1
    table_header(t("head.scenario"), t("head.uses"), t("head.phrase_id"), t("head.phrase"))
    for phrase in summary.top_phrases:
        sheet.write_string(row, 0, scenario_label(phrase.scenario_id, phrase.scenario_name, lang))
        sheet.write_number(row, 1, phrase.uses)
        sheet.write_string(row, 2, phrase.phrase_id)
        sheet.write_string(row, 3, phrase.text)
        row += 1
    row += 1

    sheet.write_string(row, 0, t("xlsx.followup_list"), bold)
    row += 1
    table_header(t("head.followup"), t("head.kind"), t("head.due"), t("head.call"), t("head.customer_ref"),
                 t("head.state"))
    now = datetime.fromisoformat(summary.generated_at) if summary.generated_at else datetime.now().astimezone()
    for followup in summary.open_followups:
        brief = summary.briefs.get(followup.call_id)
        sheet.write_string(row, 0, followup.label(lang))
        sheet.write_string(row, 1, followup_kind_label(followup.kind, lang))
        if followup.due_at:
            sheet.write_string(row, 2, short_time(followup.due_at))
        sheet.write_number(row, 3, followup.call_id)
        if brief and brief.customer_ref:
            sheet.write_string(row, 4, brief.customer_ref)
        if is_overdue(followup, now):
            sheet.write_string(row, 5, t("overdue"))
        row += 1


# -- Markdown ---------------------------------------------------------------------
def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or list item."""
    text = " ".join(str(text).split())
    for ch in "\\|*_`<>[]":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_code(text: str) -> str:
    """A code span: masked references (``*******5678``) read the same raw and rendered."""
    text = " ".join(str(text).replace("`", "'").replace("|", "/").split())
    return f"`{text}`" if text else "—"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def markdown_report(summary: ShiftSummary, *, lang: str = "zh", title: str | None = None) -> str:
    """The shift summary for the team lead, as Markdown."""
    t = texts(lang)
    out: list[str] = []
    heading = title or t("md.title")
    if summary.calls:
        heading += t("md.span", start=short_time(summary.first_started), end=short_time(summary.last_started)[11:])
    out += [f"# {_md(heading)}", ""]
    out += [t("md.generated", time=short_time(summary.generated_at)), ""]

    out += [t("md.overview"), ""]
    known = {d.code for d in summary.dispositions}
    notable = [(code, summary.disposition_count(code)) for code in NOTABLE_DISPOSITIONS if code in known]
    out.append(t("md.calls", calls=summary.calls, ended=summary.ended, active=summary.active))
    out.append(
        t(
            "md.averages",
            talk=format_seconds(summary.avg_talk_s, lang),
            wrapup=format_seconds(summary.avg_wrapup_s, lang),
            handle=format_seconds(summary.avg_handle_s, lang),
        )
    )
    if notable:
        out.append("- " + t("md.list_sep").join(
            t("md.notable", name=summary.disposition_name(code, lang), n=n) for code, n in notable
        ))
    busiest = summary.busiest_hour()
    if busiest:
        out.append(t("md.busiest", start=busiest[0], end=busiest[0] + 1, n=busiest[1]))
    out.append(t("md.banned", typed=summary.banned_typed, spoken=summary.banned_spoken))
    out.append(t("md.open_followups", open=len(summary.open_followups), overdue=summary.overdue_followups))
    if summary.repeat_customers:
        out.append(t("md.repeat", n=len(summary.repeat_customers)))
    out.append("")

    def table(names: Sequence[str], rows: list[list[str]], align: str) -> None:
        out.append("| " + " | ".join(names) + " |")
        out.append("| " + " | ".join(":---" if a == "l" else "---:" for a in align) + " |")
        out.extend("| " + " | ".join(row) + " |" for row in rows)
        out.append("")

    if summary.by_scenario:
        out += [t("md.by_scenario"), ""]
        table(
            (t("head.scenario"), t("head.calls"), t("head.share"), t("head.avg_talk")),
            [
                [_md(scenario_label(s.scenario_id, s.name, lang)), str(s.calls), _share(s.calls, summary.calls),
                 format_seconds(s.avg_talk_s, lang)]
                for s in summary.by_scenario
            ],
            "lrrr",
        )
        out += [t("md.by_disposition"), ""]
        table(
            (t("head.disposition"), t("head.calls"), t("head.share")),
            [[_md(summary.disposition_name(d.code, lang)), str(d.calls), _share(d.calls, summary.calls)]
             for d in summary.by_disposition],
            "lrr",
        )
    if summary.top_phrases:
        out += [t("md.top_phrases"), ""]
        table(
            ("#", t("head.phrase"), t("head.scenario"), t("head.uses")),
            [
                [str(n), _md(p.text), _md(scenario_label(p.scenario_id, p.scenario_name, lang)), str(p.uses)]
                for n, p in enumerate(summary.top_phrases, 1)
            ],
            "rllr",
        )
    out += [t("md.open_list"), ""]
    if summary.open_followups:
        now = datetime.fromisoformat(summary.generated_at)
        rows = []
        for f in summary.open_followups[:MD_MAX_FOLLOWUPS]:
            brief = summary.briefs.get(f.call_id)
            due = short_time(f.due_at) if f.due_at else "—"
            if is_overdue(f, now):
                due = f"**{due} {t('overdue')}**"
            call = f"#{f.call_id}" + (f" {short_time(brief.started_at)[5:]}" if brief else "")
            rows.append([due, _md(followup_kind_label(f.kind, lang)), _md(f.label(lang)), call,
                         _md_code(brief.customer_ref) if brief else "—"])
        table(
            (t("head.due"), t("head.kind"), t("head.followup"), t("head.call"), t("head.customer_ref")),
            rows,
            "lllll",
        )
        hidden = len(summary.open_followups) - MD_MAX_FOLLOWUPS
        if hidden > 0:
            out += [t("md.more", n=hidden), ""]
    else:
        out += [t("md.none"), ""]
    if summary.repeat_customers:
        out += [t("md.repeat_callers"), ""]
        table(
            (t("head.customer_ref"), t("head.call_count")),
            [[_md_code(ref), str(n)] for ref, n in summary.repeat_customers[:20]],
            "lr",
        )
    return "\n".join(out).rstrip("\n") + "\n"


def export_markdown(
    calls: Iterable[CallRecord],
    path: Path,
    *,
    lang: str = "zh",
    open_followups: Iterable[FollowUp] | None = None,
    title: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    dispositions: Iterable[Disposition] | None = None,
) -> int:
    """Write the shift summary as Markdown (UTF-8, no BOM); returns the number of calls.

    ``open_followups`` (e.g. ``store.open_followups()``) lists every open
    follow-up, older shifts included; by default only those of ``calls``.
    """
    builder = SummaryBuilder()
    for call in _with_progress(calls, progress, _total(calls)):
        builder.add(call)
    summary = builder.result(open_followups=open_followups, now=now, dispositions=dispositions)
    text = markdown_report(summary, lang=lang, title=title)

    def write(handle: IO[str]) -> int:
        handle.write(text)
        return summary.calls

    return atomic_write(Path(path), write, "utf-8")


# -- one entry point ----------------------------------------------------------------
def format_for(path: Path | str) -> str | None:
    """The export format a file name asks for (``.csv``, ``.xlsx``, ``.md``), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"csv": "csv", "xlsx": "xlsx", "md": "md", "markdown": "md"}.get(suffix)


def export_file(
    calls: Iterable[CallRecord],
    path: Path | str,
    fmt: str,
    *,
    lang: str = "zh",
    progress: Progress | None = None,
    title: str | None = None,
    open_followups: Iterable[FollowUp] | None = None,
    dispositions: Iterable[Disposition] | None = None,
) -> int:
    """Export ``calls`` as ``"csv"``, ``"xlsx"`` or ``"md"``; returns the number of calls.

    ``progress(done, total)`` is called at the start, every 500 calls and at the
    end (``total`` is 0 when ``calls`` has no length). Raises ``ExportError``
    for an unknown format or a path that cannot be written; then nothing is left
    behind and an existing file at ``path`` is untouched.
    """
    fmt = (fmt or "").lower().lstrip(".")
    fmt = "md" if fmt == "markdown" else fmt
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}': use {', '.join(FORMATS)}")
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder; nothing was written")
    from desktop.core.privacy.guard import mask_followup, masked_records

    # What leaves the database is masked again: an export never carries a full number.
    calls = masked_records(calls)
    if open_followups is not None:
        open_followups = [mask_followup(f) for f in open_followups]
    try:
        if fmt == "csv":
            return export_csv(calls, path, lang, progress=progress, dispositions=dispositions)
        if fmt == "xlsx":
            return export_xlsx(calls, path, lang=lang, title=title, open_followups=open_followups, progress=progress,
                               dispositions=dispositions)
        return export_markdown(calls, path, lang=lang, open_followups=open_followups, title=title, progress=progress,
                               dispositions=dispositions)
    except ExportError:
        raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExportError(f"cannot write {path}: {reason}; nothing was written") from exc
    except Exception as exc:
        if type(exc).__module__.startswith("xlsxwriter"):
            raise ExportError(f"cannot write {path}: {exc}; nothing was written") from exc
        raise
