"""Shift and range reports for one team: the tables, their charts and their exports.

Every table is defined once (:data:`TABLES`): its SQL over the team's latest
call revisions in ``[start, end)``, its columns and how a row reads. The page
shows them; ``/reports/<table>.csv`` and ``.xlsx`` stream the same rows from a
server-side cursor.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response, StreamingResponse

from hub.web import charts, labels
from hub.web.deps import (
    Lead,
    SignedInLead,
    audit,
    fetch_all,
    fetch_tuples,
    settings_of,
)
from hub.web.exports import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    attachment,
    csv_stream,
    pooled_export,
    xlsx_stream,
)
from hub.web.i18n import translations_for
from hub.web.review_sql import REVIEW_TOTALS_SQL, review_totals
from hub.web.templating import gettext, render, request_language

router = APIRouter()

MAX_RANGE_DAYS = 366
COMPLAINT_DEADLINE_DAYS = 15
FOLLOWUP_LOOKBACK_DAYS = 45
#: When a follow-up (``f``, of the call ``c``) is due: its own time, and a complaint's answer
#: at the latest 15 days after it was made. The one definition the board and reports share.
FOLLOWUP_DUE = f"""CASE WHEN f->>'kind' = 'complaint'
        THEN least(coalesce((f->>'due_at')::timestamptz, 'infinity'),
                   coalesce((f->>'created_at')::timestamptz, c.started_at)
                   + make_interval(days => {COMPLAINT_DEADLINE_DAYS}))
        ELSE (f->>'due_at')::timestamptz END"""
EXPORT_FETCH_ROWS = 2000


def _(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    sql: str
    row: Callable[[Sequence[Any]], list[Any]] = list
    page_limit: int | None = 200
    #: Columns holding codes, put into words (``hub.web.labels``) on the page and in exports;
    #: ``export_labels`` only in exports (the page styles those cells by their code).
    labels: tuple[tuple[int, str], ...] = ()
    export_labels: tuple[tuple[int, str], ...] = ()


#: Follow-up statuses as the followups table spells them (translated on the page).
FOLLOWUP_STATUSES = (_("overdue"), _("due"), _("open"))

RANGE = "c.team_id = %(team)s AND c.latest AND c.started_at >= %(start)s AND c.started_at < %(end)s"
#: The same days in the rollups (per seat and day in the centre's time zone, kept as calls arrive).
DAYS = "r.team_id = %(team)s AND r.day >= %(first)s AND r.day <= %(last)s"
#: Averages and sums over rollup rows.
HANDLE = "sum(r.handle_sum) / nullif(sum(r.handle_n), 0)"
ACW = "sum(r.acw_sum) / nullif(sum(r.acw_n), 0)"


def _ratio(done: Any, total: Any) -> float | None:
    return round(done / total, 3) if total else None


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


TABLES: dict[str, Table] = {
    table.key: table
    for table in [
        Table(
            "seats",
            _("Calls per seat"),
            (_("Seat"), _("Calls"), _("Average handle time (s)"), _("Average after-call work (s)"),
             _("Mandatory steps done"), _("Banned phrases")),
            f"""
            SELECT se.name, coalesce(a.calls, 0), a.handle, a.acw, a.md, a.mt, coalesce(a.banned, 0)
              FROM seats se
              LEFT JOIN (
                  SELECT r.seat_id, sum(r.calls) AS calls, {HANDLE} AS handle, {ACW} AS acw,
                         sum(r.md)::bigint AS md, sum(r.mt)::bigint AS mt, sum(r.banned)::bigint AS banned
                    FROM rollup_calls r WHERE {DAYS} GROUP BY r.seat_id
              ) a ON a.seat_id = se.id
             WHERE se.team_id = %(team)s
             ORDER BY se.name
            """,
            lambda r: [r[0], r[1], _seconds(r[2]), _seconds(r[3]), _ratio(r[4], r[5]), r[6]],
        ),
        Table(
            "scenarios",
            _("Calls per scenario"),
            (_("Scenario"), _("Calls"), _("Average handle time (s)"), _("Average after-call work (s)"),
             _("Mandatory steps done")),
            f"""
            SELECT coalesce(nullif(r.scenario_name, ''), r.scenario_id), sum(r.calls), {HANDLE}, {ACW},
                   sum(r.md)::bigint, sum(r.mt)::bigint
              FROM rollup_calls r WHERE {DAYS}
             GROUP BY 1 HAVING sum(r.calls) > 0 ORDER BY 2 DESC, 1
            """,
            lambda r: [r[0], r[1], _seconds(r[2]), _seconds(r[3]), _ratio(r[4], r[5])],
        ),
        Table(
            "skips",
            _("Mandatory steps skipped, with the reasons given"),
            (_("Scenario"), _("Step"), _("Reason"), _("Times")),
            f"""
            SELECT r.scenario, r.title, r.reason, sum(r.times)
              FROM rollup_skips r WHERE {DAYS}
             GROUP BY 1, 2, 3 HAVING sum(r.times) > 0 ORDER BY 4 DESC, 1, 2
            """,
        ),
        Table(
            "banned",
            _("Banned phrases by phrase and seat"),
            (_("Phrase"), _("Seat"), _("Typed in the notes"), _("Said on the call"), _("Hits")),
            f"""
            SELECT CASE WHEN b->>'source' = 'spoken' THEN ''
                        ELSE regexp_replace(b->>'phrase', '(…|\\.\\.\\.)\\{{\\d+\\}}', '…', 'g') END,
                   se.name,
                   sum(coalesce((b->>'count')::int, 1)) FILTER (WHERE coalesce(b->>'source', 'typed') = 'typed'),
                   sum(coalesce((b->>'count')::int, 1)) FILTER (WHERE b->>'source' = 'spoken'),
                   sum(coalesce((b->>'count')::int, 1))
              FROM calls c JOIN seats se ON se.id = c.seat_id
                   CROSS JOIN LATERAL jsonb_array_elements(c.banned) b
             WHERE {RANGE}
             GROUP BY 1, 2 ORDER BY 5 DESC, 1, 2
            """,
            lambda r: [r[0], r[1], r[2] or 0, r[3] or 0, r[4]],
            labels=((0, "banned_phrase"),),
        ),
        Table(
            "followups",
            _("Follow-ups due and overdue"),
            (_("Seat"), _("Kind"), _("What"), _("Due"), _("Status"), _("Days left")),
            f"""
            WITH open AS (
                SELECT se.name AS seat, f->>'kind' AS kind, f->>'text' AS text,
                       {FOLLOWUP_DUE} AS due
                  FROM calls c JOIN seats se ON se.id = c.seat_id
                       CROSS JOIN LATERAL jsonb_array_elements(c.followups) f
                 WHERE c.team_id = %(team)s AND c.latest
                   AND c.started_at >= %(start)s - make_interval(days => {FOLLOWUP_LOOKBACK_DAYS})
                   AND c.started_at < %(end)s
                   AND c.followups <> '[]'::jsonb
                   AND coalesce(f->>'done_at', '') = ''
            )
            SELECT seat, kind, text, due,
                   CASE WHEN due < now() THEN 'overdue' WHEN due < %(today_end)s THEN 'due' ELSE 'open' END,
                   floor(extract(epoch FROM due - now()) / 86400)::int
              FROM open WHERE due IS NOT NULL
             ORDER BY due, seat
            """,
            labels=((1, "kind"),),
            export_labels=((4, "status"),),
        ),
        Table(
            "phrases",
            _("Phrases used most, per pack version"),
            (_("Pack version"), _("Scenario"), _("Step"), _("Phrase"), _("Uses")),
            # Grouped by the phrase as the pack has it (scenario, step, phrase id), never by
            # the text a seat filled in; the pack's own wording is put in from the bundle.
            f"""
            SELECT version, scenario_id, step_id, phrase_id, scenario, sample, uses FROM (
                SELECT c.pack_version AS version, coalesce(p->>'scenario_id', '') AS scenario_id,
                       coalesce(p->>'step_id', '') AS step_id, coalesce(p->>'phrase_id', '') AS phrase_id,
                       max(nullif(c.scenario_name, '')) FILTER (WHERE c.scenario_id = p->>'scenario_id') AS scenario,
                       min(p->>'text') AS sample, count(*) AS uses,
                       row_number() OVER (PARTITION BY c.pack_version ORDER BY count(*) DESC,
                                          min(p->>'text')) AS rank
                  FROM calls c CROSS JOIN LATERAL jsonb_array_elements(c.phrases) p
                 WHERE {RANGE}
                 GROUP BY 1, 2, 3, 4
            ) ranked WHERE rank <= 15
             ORDER BY version DESC NULLS LAST, uses DESC, sample
            """,
            lambda r: list(r),
        ),
        Table(
            "scores",
            _("Call scores and your marks, per seat"),
            (_("Seat"), _("Calls scored"), _("Average score"), _("Marked"), _("Agreed"), _("Overridden")),
            """
            SELECT se.name, count(*), avg(s.score), count(r.mark),
                   count(*) FILTER (WHERE r.mark = 'agree'), count(*) FILTER (WHERE r.mark = 'override')
              FROM call_scores s JOIN seats se ON se.id = s.seat_id
                   LEFT JOIN call_reviews r ON r.seat_id = s.seat_id AND r.call_uid = s.call_uid
             WHERE s.team_id = %(team)s AND s.started_at >= %(start)s AND s.started_at < %(end)s
             GROUP BY se.name ORDER BY se.name
            """,
            lambda r: [r[0], r[1], _seconds(r[2]), r[3], r[4], r[5]],
        ),
        Table(
            "calls",
            _("Calls"),
            (_("Seat"), _("Call"), _("Started"), _("Ended"), _("Handle time (s)"), _("After-call work (s)"),
             _("Scenario"), _("Disposition"), _("Steps done"), _("Steps"), _("Mandatory done"),
             _("Mandatory steps"), _("Banned phrases"), _("Pack version"), _("Customer (masked)"), _("Notes (masked)")),
            f"""
            SELECT se.name, c.call_uid, c.started_at AT TIME ZONE %(tz)s, c.ended_at AT TIME ZONE %(tz)s, c.duration_s, c.wrapup_s,
                   coalesce(nullif(c.scenario_name, ''), c.scenario_id), c.disposition,
                   c.steps_done, c.steps_total, c.mandatory_done, c.mandatory_total, c.banned_hits,
                   c.pack_version, c.customer_ref, c.notes
              FROM calls c JOIN seats se ON se.id = c.seat_id
             WHERE {RANGE}
             ORDER BY c.started_at, c.id
            """,
            page_limit=None,
            labels=((7, "disposition"),),
        ),
    ]
}

TREND_UNITS = ("week", "month")
TREND_COLUMNS = (_("Calls"), _("Average handle time (s)"), _("Average after-call work (s)"),
                 _("Mandatory steps done"), _("Banned phrases"))


def _trend_row(r: Sequence[Any]) -> list[Any]:
    return [r[0], r[1], r[2], _seconds(r[3]), _seconds(r[4]), _ratio(r[5], r[6]), r[7]]


#: Trends by week (ISO, from Monday) or month, from the rollups: the page pivots them, the
#: exports list them one period and seat (or scenario) a row.
TRENDS: dict[str, Table] = {
    "trend_seats": Table(
        "trend_seats",
        _("Trend per seat"),
        (_("Period"), _("Seat"), *TREND_COLUMNS),
        f"""
        SELECT date_trunc(%(unit)s, r.day)::date, se.name, sum(r.calls), {HANDLE}, {ACW},
               sum(r.md)::bigint, sum(r.mt)::bigint, sum(r.banned)::bigint
          FROM rollup_calls r JOIN seats se ON se.id = r.seat_id
         WHERE {DAYS}
         GROUP BY 1, 2 HAVING sum(r.calls) > 0 ORDER BY 1, 2
        """,
        _trend_row,
        page_limit=None,
    ),
    "trend_scenarios": Table(
        "trend_scenarios",
        _("Trend per scenario"),
        (_("Period"), _("Scenario"), *TREND_COLUMNS),
        f"""
        SELECT date_trunc(%(unit)s, r.day)::date, coalesce(nullif(r.scenario_name, ''), r.scenario_id), sum(r.calls),
               {HANDLE}, {ACW}, sum(r.md)::bigint, sum(r.mt)::bigint, sum(r.banned)::bigint
          FROM rollup_calls r
         WHERE {DAYS}
         GROUP BY 1, 2 HAVING sum(r.calls) > 0 ORDER BY 1, 2
        """,
        _trend_row,
        page_limit=None,
    ),
}


def period_label(start: date, unit: str) -> str:
    """2025-W03 for a week (ISO), 2025-01 for a month."""
    if unit == "week":
        year, week, _day = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


@dataclass(frozen=True)
class Trend:
    """One trend table pivoted: a row per seat (or scenario), a cell per period."""

    key: str
    title: str
    periods: list[str]
    rows: list[tuple[str, list[dict[str, Any] | None]]]


def pivot(key: str, title: str, rows: list[list[Any]], unit: str) -> Trend:
    periods: list[date] = sorted({row[0] for row in rows})
    index = {period: n for n, period in enumerate(periods)}
    cells: dict[str, list[dict[str, Any] | None]] = {}
    for period, name, calls, handle, acw, mandatory, banned in rows:
        cells.setdefault(name, [None] * len(periods))[index[period]] = {
            "calls": calls, "handle": handle, "acw": acw, "mandatory": mandatory, "banned": banned}
    return Trend(key, title, [period_label(p, unit) for p in periods], sorted(cells.items()))


#: Phrases of a pack version no call of the range used (computed from the bundle, not SQL).
UNUSED = Table("unused", _("Phrases never used, per pack version"),
               (_("Pack version"), _("Scenario"), _("Step"), _("Phrase")), "")

PackKey = tuple[Any, str, str, str]  # (pack version, scenario id, step id, phrase id)


@dataclass(frozen=True)
class Wording:
    """How a table's codes read in one language: labels, and the pack's own names and texts."""

    lang: str  # the seat's language code: "zh" or "en"
    gettext: Callable[[str], str]
    pack: dict[PackKey, tuple[str, str, str]] = field(default_factory=dict)  # → scenario, step, text

    def cell(self, kind: str, value: Any) -> Any:
        if kind == "disposition":
            return labels.disposition_label(value or "", self.lang)
        if kind == "kind":
            return labels.followup_kind_label(value or "", self.lang)
        if kind == "status":
            return self.gettext(value)
        if kind == "banned_phrase":
            return value or self.gettext("Said on the call (the phrase is not kept)")
        return value

    def row(self, table: Table, row: Sequence[Any], *, export: bool) -> list[Any]:
        out = list(row)
        for index, kind in table.labels + (table.export_labels if export else ()):
            out[index] = self.cell(kind, out[index])
        if table.key == "phrases":
            version, scenario_id, step_id, phrase_id, scenario, sample, uses = out
            named = self.pack.get((version, scenario_id, step_id, phrase_id))
            if named is not None:
                return [version, named[0], named[1], named[2], uses]
            return [version, scenario or scenario_id, step_id, sample, uses]
        return out


_PACK_NAMES: dict[tuple[int, int], dict[PackKey, tuple[str, str, str]]] = {}


async def pack_names(request: Request, team_id: int, versions: Iterable[Any]) -> dict[PackKey, tuple[str, str, str]]:
    """The scenario names, step titles and phrase texts of the team's published pack versions
    (a published version never changes, so each is read from its bundle once)."""
    from hub.web.packs import _bundle_snapshot

    names: dict[PackKey, tuple[str, str, str]] = {}
    for version in {v for v in versions if v is not None}:
        key = (team_id, int(version))
        if key not in _PACK_NAMES:
            rows = await fetch_all(request, "SELECT bundle FROM packs WHERE team_id = %s AND version = %s", key)
            found: dict[PackKey, tuple[str, str, str]] = {}
            if rows:
                for scenario_id, scenario in _bundle_snapshot(bytes(rows[0]["bundle"])).items():
                    for step_id, step in scenario["steps"].items():
                        for phrase_id, text in step["phrases"].items():
                            found[(version, scenario_id, step_id, phrase_id)] = (scenario["name"], step["title"], text)
            if len(_PACK_NAMES) > 64:
                _PACK_NAMES.clear()
            _PACK_NAMES[key] = found
        names.update(_PACK_NAMES[key])
    return names


def wording_for(request: Request, pack: dict[PackKey, tuple[str, str, str]] | None = None) -> Wording:
    language = request_language(request)
    return Wording(labels.seat_lang(language), translations_for(language).gettext, pack or {})


HOURLY_SQL = f"""
SELECT r.hour::int, sum(r.calls) FROM rollup_hours r WHERE {DAYS} GROUP BY 1 HAVING sum(r.calls) > 0 ORDER BY 1
"""
TOTALS_SQL = f"""
SELECT coalesce(sum(r.calls), 0), {HANDLE}, {ACW}, sum(r.md)::bigint, sum(r.mt)::bigint,
       coalesce(sum(r.banned), 0)::bigint
  FROM rollup_calls r WHERE {DAYS}
"""


@dataclass(frozen=True)
class Range:
    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def params(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "first": self.first, "last": self.last}


def parse_range(first: str | None, last: str | None, tz_name: str, today: date | None = None) -> Range:
    """Days ``first``..``last`` (inclusive, YYYY-MM-DD) in the centre's time zone; today by default."""
    zone = ZoneInfo(tz_name)
    today = today or datetime.now(zone).date()
    try:
        first_day = date.fromisoformat(first) if first else today
        last_day = date.fromisoformat(last) if last else first_day
    except ValueError:
        raise HTTPException(400, _("dates are written YYYY-MM-DD")) from None
    if last_day < first_day:
        raise HTTPException(400, _("the range ends before it starts"))
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        raise HTTPException(400, _("a range covers at most 366 days"))
    start = datetime.combine(first_day, time(), zone)
    end = datetime.combine(last_day + timedelta(days=1), time(), zone)
    return Range(first_day, last_day, start, end)


def _range_of(request: Request, first: str | None, last: str | None) -> Range:
    return parse_range(first, last, settings_of(request).timezone)


def _params(lead: Lead, span: Range, request: Request) -> dict[str, Any]:
    zone = settings_of(request).timezone
    # 「今天到期」: due before the end of today in the centre's time zone, whatever the range.
    today_end = parse_range(None, None, zone).end
    return {"team": lead.team_id, **span.params, "tz": zone, "today_end": today_end}


def _tone(ratio: float | None) -> str:
    if ratio is None or ratio >= 0.95:
        return "normal"
    return "warn" if ratio >= 0.8 else "alert"


#: Without a choice, trends go by week up to this many days, by month beyond (a year by week is 53 columns).
WEEKLY_UP_TO_DAYS = 92


def _unit(trend: str | None, span: Range) -> str:
    if trend is None:
        return "week" if (span.last - span.first).days < WEEKLY_UP_TO_DAYS else "month"
    if trend not in TREND_UNITS:
        raise HTTPException(400, "trend is week or month")
    return trend


@router.get("/reports")
async def reports_page(
    request: Request, lead: SignedInLead, first: str | None = None, last: str | None = None,
    trend: str | None = None,
) -> Response:
    span = _range_of(request, first, last)
    unit = _unit(trend, span)
    params = _params(lead, span, request) | {"unit": unit}
    t = translations_for(request_language(request)).gettext
    shown = [(table, table.page_limit) for table in TABLES.values() if table.page_limit is not None]
    # The page's reads are independent: run them at once on pooled connections.
    table_rows, hourly_rows, totals_rows, never_used, trend_rows, review_rows = await asyncio.gather(
        asyncio.gather(*(fetch_tuples(request, table.sql + f" LIMIT {limit + 1}", params) for table, limit in shown)),
        fetch_tuples(request, HOURLY_SQL, params),
        fetch_tuples(request, TOTALS_SQL, params),
        unused_phrases(request, lead, span),
        asyncio.gather(*(fetch_tuples(request, table.sql, params) for table in TRENDS.values())),
        fetch_tuples(request, REVIEW_TOTALS_SQL, params),
    )
    trends = [pivot(table.key, table.title, [table.row(row) for row in rows], unit)
              for table, rows in zip(TRENDS.values(), trend_rows)]
    raw: dict[str, list[list[Any]]] = {
        table.key: [table.row(row) for row in rows] for (table, _limit), rows in zip(shown, table_rows)
    }
    wording = wording_for(request, await pack_names(request, lead.team_id, (r[0] for r in raw["phrases"])))
    tables = {key: [wording.row(TABLES[key], row, export=False) for row in rows] for key, rows in raw.items()}
    hourly = {hour: count for hour, count in hourly_rows}
    totals = totals_rows[0]
    no_data = t("No calls in this range.")
    # With calls in the range, an empty chart says what is missing, not that there were no calls.
    no_banned = t("No banned phrases in this range.") if totals[0] else no_data
    seat_rows = tables["seats"]
    chart_svgs = {
        "seats": charts.bar_chart([charts.Bar(r[0], r[1]) for r in seat_rows], title=t("Calls per seat"), empty_text=no_data),
        "mandatory": charts.bar_chart(
            [charts.Bar(r[0], round((r[4] or 0) * 100), f"{(r[4] or 0) * 100:.0f}%", _tone(r[4])) for r in seat_rows if r[4] is not None],
            title=t("Mandatory steps done"), empty_text=no_data),
        "scenarios": charts.bar_chart([charts.Bar(r[0], r[1]) for r in tables["scenarios"][:12]],
                                      title=t("Calls per scenario"), empty_text=no_data),
        "hours": charts.column_chart([(f"{h:02d}", hourly.get(h, 0)) for h in range(24)],
                                     title=t("Calls per hour"), empty_text=no_data),
        "banned": charts.bar_chart(_banned_bars(tables["banned"]), title=t("Banned phrases"), empty_text=no_banned),
    }
    return render(
        request,
        "reports.html",
        {
            "span": span,
            "tables": {key: (TABLES[key], rows) for key, rows in tables.items()},
            "limit_of": {key: TABLES[key].page_limit for key in tables},
            "charts": chart_svgs,
            "totals": {
                "calls": totals[0], "handle": totals[1], "acw": totals[2],
                "mandatory": _ratio(totals[3], totals[4]), "banned": totals[5],
            },
            "never_used": never_used,
            "trends": trends,
            "unit": unit,
            "review": review_totals(review_rows[0]),
            "query": f"first={span.first.isoformat()}&last={span.last.isoformat()}",
        },
    )


def _banned_bars(rows: list[list[Any]]) -> list[charts.Bar]:
    totals: dict[str, int] = {}
    for phrase, _seat, _typed, _said, hits in rows:
        totals[phrase] = totals.get(phrase, 0) + hits
    return [charts.Bar(p, n, tone="alert") for p, n in sorted(totals.items(), key=lambda kv: -kv[1])[:12]]


async def unused_phrases(request: Request, lead: Lead, span: Range) -> list[dict[str, Any]]:
    """Per pack version run in the range: phrases of that version no call of the range used."""
    from hub.web.packs import bundle_phrases

    used_rows = await fetch_all(
        request,
        f"""
        SELECT r.pack_version AS version, array_agg(DISTINCT r.phrase_id) AS used
          FROM rollup_phrases r
         WHERE {DAYS} AND r.pack_version > 0 AND r.uses > 0
         GROUP BY 1 ORDER BY 1 DESC LIMIT 5
        """,
        _params(lead, span, request),
    )
    result = []
    for row in used_rows:
        pack = await fetch_all(
            request, "SELECT bundle FROM packs WHERE team_id = %s AND version = %s", (lead.team_id, row["version"])
        )
        if not pack:
            continue
        phrases = bundle_phrases(bytes(pack[0]["bundle"]))
        used = set(row["used"] or ())
        result.append({
            "version": row["version"],
            "unused": [p for p in phrases if p["id"] not in used],
            "total": len(phrases),
        })
    return result


@router.get("/reports/{key}.{fmt}")
async def export_table(
    request: Request, lead: SignedInLead, key: str, fmt: str, first: str | None = None, last: str | None = None,
    seat: int | None = None, trend: str | None = None,
) -> Response:
    """A table of the reports page (``unused`` and the trends too), or with ``seat`` the calls of one seat."""
    known = key in TABLES or key in TRENDS or key == UNUSED.key
    if fmt not in {"csv", "xlsx"} or not known or (seat is not None and key != "calls"):
        raise HTTPException(404)
    span = _range_of(request, first, last)
    t = translations_for(request_language(request)).gettext
    params = _params(lead, span, request) | {"unit": _unit(trend, span)}
    rows: Iterable[Sequence[Any]] = []
    sql = ""
    if key == UNUSED.key:
        table = UNUSED
        rows = [[item["version"], p["scenario"], p["step"], p["text"]]
                for item in await unused_phrases(request, lead, span) for p in item["unused"]]
    else:
        table = TABLES[key] if key in TABLES else TRENDS[key]
        sql = table.sql
        pack: dict[PackKey, tuple[str, str, str]] = {}
        if key == "phrases":
            versions = await fetch_tuples(
                request, f"SELECT DISTINCT c.pack_version FROM calls c WHERE {RANGE} AND c.pack_version IS NOT NULL",
                params)
            pack = await pack_names(request, lead.team_id, (v for (v,) in versions))
        wording = wording_for(request, pack)
        if seat is not None:
            owned = await fetch_all(request, "SELECT 1 FROM seats WHERE id = %s AND team_id = %s", (seat, lead.team_id))
            if not owned:
                raise HTTPException(404)
            sql = sql.replace("ORDER BY c.started_at", "AND c.seat_id = %(seat)s ORDER BY c.started_at")
            params["seat"] = seat
    header = [t(name) for name in table.columns]
    await audit(request, lead, "report.export",
                {"table": key, "format": fmt, "first": span.first.isoformat(), "last": span.last.isoformat()})
    days = span.first.isoformat() if span.first == span.last else f"{span.first.isoformat()}_{span.last.isoformat()}"
    filename = f"seatside-{lead.team_name}-{key}-{days}.{fmt}"
    zone = ZoneInfo(settings_of(request).timezone)
    media = CSV_MEDIA_TYPE if fmt == "csv" else XLSX_MEDIA_TYPE
    body: AsyncIterator[bytes] | Iterator[bytes]
    if sql:  # from the database: a pooled connection and one of the lead's export slots
        def convert(row: Sequence[Any]) -> list[Any]:
            return wording.row(table, table.row(row), export=True)

        body = await pooled_export(request, lead.id, sql, params, convert, fmt, header, t(table.title), zone)
    elif fmt == "csv":
        body = csv_stream(header, rows, zone)
    else:
        body = xlsx_stream(t(table.title), header, rows, zone)
    return StreamingResponse(body, media_type=media,
                             headers={"content-disposition": attachment(filename), "cache-control": "no-store"})


@router.get("/seats/{seat_id}")
async def seat_page(
    request: Request, lead: SignedInLead, seat_id: int, first: str | None = None, last: str | None = None,
) -> Response:
    """One seat's calls of the range; another team's seat is not found."""
    seat = await fetch_all(request, "SELECT id, name FROM seats WHERE id = %s AND team_id = %s", (seat_id, lead.team_id))
    if not seat:
        raise HTTPException(404)
    span = _range_of(request, first, last)
    calls = await fetch_all(
        request,
        """
        SELECT c.id, c.call_uid, c.started_at, c.duration_s, c.wrapup_s,
               coalesce(nullif(c.scenario_name, ''), c.scenario_id) AS scenario, c.disposition,
               c.mandatory_done, c.mandatory_total, c.banned_hits, c.pack_version
          FROM calls c
         WHERE c.seat_id = %(seat)s AND c.team_id = %(team)s AND c.latest
           AND c.started_at >= %(start)s AND c.started_at < %(end)s
         ORDER BY c.started_at DESC LIMIT 500
        """,
        {"seat": seat_id, "team": lead.team_id, **span.params},
    )
    return render(request, "seat.html", {"seat": seat[0], "calls": calls, "span": span})


@router.get("/calls/{call_id}")
async def call_page(request: Request, lead: SignedInLead, call_id: int) -> Response:
    """One call's record (masked texts only); another team's call is not found."""
    rows = await fetch_all(
        request,
        """
        SELECT c.*, se.name AS seat FROM calls c JOIN seats se ON se.id = c.seat_id
         WHERE c.id = %s AND c.team_id = %s
        """,
        (call_id, lead.team_id),
    )
    if not rows:
        raise HTTPException(404)
    return render(request, "call.html", {"call": rows[0]})


__all__ = ["TABLES", "Range", "gettext", "parse_range", "router"]
