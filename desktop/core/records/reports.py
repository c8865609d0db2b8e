"""The shift summary behind the XLSX "Summary" sheet and the Markdown report.

``summarise(calls)`` goes over the calls once; ``SummaryBuilder`` does the same
one call at a time, so an export can build the summary while it writes rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desktop.core.packs.banned import typed_banned
from desktop.core.records.dispositions import DISPOSITIONS, Disposition, disposition_label
from desktop.core.records.storage import CallRecord, FollowUp
from desktop.core.records.texts import TEXTS, texts

TOP_PHRASES = 10

FOLLOWUP_KINDS: dict[str, tuple[str, str]] = {
    kind: TEXTS[f"kind.{kind}"] for kind in ("callback", "complaint", "continuity")
}


def followup_kind_label(kind: str, lang: str = "zh") -> str:
    return texts(lang)(f"kind.{kind}") if kind in FOLLOWUP_KINDS else kind


def scenario_label(scenario_id: str, name: str, lang: str = "zh") -> str:
    if name:
        return name
    if scenario_id:
        return scenario_id
    return texts(lang)("no_scenario")


def short_time(timestamp: str | None) -> str:
    """``2026-11-25T09:00:00+08:00`` → ``2026-11-25 09:00``."""
    return (timestamp or "").replace("T", " ")[:16]


def format_seconds(seconds: float | None, lang: str = "zh") -> str:
    """A duration a person reads: ``4分12秒`` / ``4 min 12 s``."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    t = texts(lang)
    parts = [
        t("duration.hours", n=hours) if hours else "",
        t("duration.minutes", n=minutes) if minutes or hours else "",
        t("duration.seconds", n=secs),
    ]
    return t("duration.join").join(p for p in parts if p)


@dataclass(frozen=True)
class ScenarioCount:
    scenario_id: str
    name: str
    calls: int
    avg_talk_s: float | None


@dataclass(frozen=True)
class DispositionCount:
    code: str  # "" for calls still active or closed without one
    calls: int


@dataclass(frozen=True)
class PhraseCount:
    scenario_id: str
    scenario_name: str
    phrase_id: str
    text: str  # as first used (placeholders filled)
    uses: int


@dataclass(frozen=True)
class CallBrief:
    """What a follow-up line needs to say about its call."""

    id: int
    started_at: str
    scenario_name: str
    customer_ref: str


@dataclass
class ShiftSummary:
    calls: int = 0
    ended: int = 0
    active: int = 0
    first_started: str | None = None
    last_started: str | None = None
    avg_talk_s: float | None = None  # conversation (duration_s)
    avg_wrapup_s: float | None = None  # after-call work
    avg_handle_s: float | None = None  # talk + wrap-up, per ended call
    by_scenario: list[ScenarioCount] = field(default_factory=list)
    by_disposition: list[DispositionCount] = field(default_factory=list)
    by_hour: dict[int, int] = field(default_factory=dict)
    top_phrases: list[PhraseCount] = field(default_factory=list)
    phrases_used: int = 0
    open_followups: list[FollowUp] = field(default_factory=list)
    overdue_followups: int = 0
    repeat_customers: list[tuple[str, int]] = field(default_factory=list)
    banned_typed: int = 0  # banned phrases typed in the notes (``packs.banned.typed_banned``)
    banned_spoken: int = 0  # banned phrases said on calls (the live transcript's count)
    briefs: dict[int, CallBrief] = field(default_factory=dict)  # calls with an open follow-up
    generated_at: str = ""
    dispositions: tuple[Disposition, ...] = DISPOSITIONS  # the list that names the codes

    def disposition_name(self, code: str, lang: str = "zh") -> str:
        return disposition_name(code, lang, self.dispositions)

    def disposition_count(self, code: str) -> int:
        return sum(item.calls for item in self.by_disposition if item.code == code)

    def busiest_hour(self) -> tuple[int, int] | None:
        if not self.by_hour:
            return None
        hour = max(self.by_hour, key=lambda h: (self.by_hour[h], -h))
        return hour, self.by_hour[hour]


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


class SummaryBuilder:
    """Accumulates one call at a time; ``result()`` makes the ``ShiftSummary``."""

    def __init__(self) -> None:
        self.calls = self.ended = self.active = 0
        self.first: str | None = None
        self.last: str | None = None
        self.talk_total = 0.0
        self.talk_count = 0
        self.wrap_total = 0.0
        self.wrap_count = 0
        self.handle_total = 0.0
        self.handle_count = 0
        self.scenarios: dict[str, list[Any]] = {}  # id -> [name, calls, talk_total, talk_count]
        self.dispositions: Counter[str] = Counter()
        self.hours: Counter[int] = Counter()
        self.phrases: dict[tuple[str, str], list[Any]] = {}  # (scenario, phrase) -> [text, uses]
        self.phrases_used = 0
        self.open: list[FollowUp] = []
        self.customers: Counter[str] = Counter()
        self.briefs: dict[int, CallBrief] = {}
        self.banned_typed = self.banned_spoken = 0

    def add(self, call: CallRecord) -> None:
        self.calls += 1
        started = call.started_at
        if self.first is None or started < self.first:
            self.first = started
        if self.last is None or started > self.last:
            self.last = started
        if len(started) >= 13 and started[11:13].isdigit():
            self.hours[int(started[11:13])] += 1
        entry = self.scenarios.get(call.scenario_id)
        if entry is None:
            entry = self.scenarios[call.scenario_id] = [call.scenario_name, 0, 0.0, 0]
        entry[1] += 1
        if call.status == "active":
            self.active += 1
            self.dispositions[""] += 1
        else:
            self.ended += 1
            self.dispositions[call.disposition] += 1
            if call.duration_s is not None:
                self.talk_total += call.duration_s
                self.talk_count += 1
                entry[2] += call.duration_s
                entry[3] += 1
                self.handle_total += call.duration_s + (call.wrapup_s or 0.0)
                self.handle_count += 1
            if call.wrapup_s is not None:
                self.wrap_total += call.wrapup_s
                self.wrap_count += 1
        for phrase in call.phrases:
            self.phrases_used += 1
            key = (phrase.scenario_id, phrase.phrase_id)
            item = self.phrases.get(key)
            if item is None:
                self.phrases[key] = [phrase.text, 1]
            else:
                item[1] += 1
        has_open = False
        for followup in call.followups:
            if followup.done_at is None:
                self.open.append(followup)
                has_open = True
        if has_open:
            self.briefs[call.id] = CallBrief(call.id, call.started_at, call.scenario_name, call.customer_ref)
        if call.customer_ref:
            self.customers[call.customer_ref] += 1
        self.banned_typed += sum(typed_banned(call.notes).values())
        self.banned_spoken += call.banned_spoken

    def result(
        self,
        *,
        open_followups: Iterable[FollowUp] | None = None,
        now: datetime | None = None,
        dispositions: Iterable[Disposition] | None = None,
    ) -> ShiftSummary:
        """The summary; ``open_followups`` replaces the open follow-ups of these calls
        (e.g. every open follow-up in the database, older shifts included);
        ``dispositions`` (the configured list) orders and names the dispositions."""
        now = now or datetime.now().astimezone()
        items = tuple(dispositions) if dispositions is not None else DISPOSITIONS
        order = {d.code: index for index, d in enumerate(items)}
        by_scenario = sorted(
            (ScenarioCount(sid, name, count, _mean(talk, talks)) for sid, (name, count, talk, talks) in self.scenarios.items()),
            key=lambda s: (-s.calls, s.name or s.scenario_id),
        )
        by_disposition = sorted(
            (DispositionCount(code, count) for code, count in self.dispositions.items()),
            key=lambda d: (d.code == "", order.get(d.code, len(order)), d.code),
        )
        names = {sid: entry[0] for sid, entry in self.scenarios.items()}
        top = sorted(self.phrases.items(), key=lambda item: (-item[1][1], item[0]))[:TOP_PHRASES]
        opened = list(self.open if open_followups is None else open_followups)
        opened.sort(key=lambda f: (f.due_at is None, _due_key(f.due_at), f.id))
        overdue = sum(1 for f in opened if f.due_at and _parse(f.due_at, now) < now)
        repeat = sorted(((ref, n) for ref, n in self.customers.items() if n > 1), key=lambda item: (-item[1], item[0]))
        return ShiftSummary(
            calls=self.calls,
            ended=self.ended,
            active=self.active,
            first_started=self.first,
            last_started=self.last,
            avg_talk_s=_mean(self.talk_total, self.talk_count),
            avg_wrapup_s=_mean(self.wrap_total, self.wrap_count),
            avg_handle_s=_mean(self.handle_total, self.handle_count),
            by_scenario=by_scenario,
            by_disposition=by_disposition,
            by_hour=dict(sorted(self.hours.items())),
            top_phrases=[PhraseCount(sid, names.get(sid, ""), pid, text, uses) for (sid, pid), (text, uses) in top],
            phrases_used=self.phrases_used,
            open_followups=opened,
            overdue_followups=overdue,
            repeat_customers=repeat,
            banned_typed=self.banned_typed,
            banned_spoken=self.banned_spoken,
            briefs=self.briefs,
            generated_at=now.isoformat(timespec="seconds"),
            dispositions=items,
        )


def _parse(timestamp: str, now: datetime) -> datetime:
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None and now.tzinfo is not None:
        moment = moment.astimezone()
    elif moment.tzinfo is not None and now.tzinfo is None:
        moment = moment.replace(tzinfo=None)
    return moment


def _due_key(timestamp: str | None) -> float:
    if not timestamp:
        return float("inf")
    try:
        return datetime.fromisoformat(timestamp).timestamp()
    except ValueError:
        return float("inf")


def summarise(
    calls: Iterable[CallRecord],
    *,
    open_followups: Iterable[FollowUp] | None = None,
    now: datetime | None = None,
    dispositions: Iterable[Disposition] | None = None,
) -> ShiftSummary:
    """The shift summary of ``calls`` in one pass."""
    builder = SummaryBuilder()
    for call in calls:
        builder.add(call)
    return builder.result(open_followups=open_followups, now=now, dispositions=dispositions)


def is_overdue(followup: FollowUp, now: datetime) -> bool:
    return followup.done_at is None and bool(followup.due_at) and _parse(followup.due_at or "", now) < now


def disposition_name(code: str, lang: str = "zh", items: tuple[Disposition, ...] = DISPOSITIONS) -> str:
    if not code:
        return texts(lang)("no_disposition")
    return disposition_label(code, lang, items)
