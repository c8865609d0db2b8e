"""Time helpers: local timestamps and shift ranges.

A shift is named by the date it starts on and runs from its start time to its
end time: on the same day when the end is later than the start (a day shift),
else on the next day (a night shift crosses midnight; ``00:00``→``00:00`` is
the whole calendar day).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta


def now() -> datetime:
    """The current local time, timezone-aware."""
    return datetime.now().astimezone()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def parse_hhmm(value: str | time) -> time:
    """``"HH:MM"`` (24-hour) as a ``time``; ``time`` objects pass through."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"not a time of day (HH:MM): {value}")
    return time(int(match.group(1)), int(match.group(2)))


def shift_day(spec: str, today: date | None = None) -> date:
    """The date a shift named ``today``, ``yesterday`` or ``YYYY-MM-DD`` starts on."""
    today = today or date.today()
    spec = spec.strip().lower()
    if spec == "today":
        return today
    if spec == "yesterday":
        return today - timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
        try:
            return date.fromisoformat(spec)
        except ValueError as exc:
            raise ValueError(f"not a valid date: {spec}") from exc
    raise ValueError(f"unknown shift '{spec}': use today, yesterday or YYYY-MM-DD")


def _bounds(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Naive local wall-clock [start, end) of the shift that starts on ``day``."""
    begin = datetime.combine(day, start)
    finish = datetime.combine(day if end > start else day + timedelta(days=1), end)
    return begin, finish


def shift_range(
    spec: str, today: date | None = None, *, start: str | time = "00:00", end: str | time = "00:00"
) -> tuple[datetime, datetime]:
    """Local, timezone-aware [start, end) of the shift named ``today``, ``yesterday``
    or ``YYYY-MM-DD`` (the date it starts on)."""
    begin, finish = _bounds(shift_day(spec, today), parse_hhmm(start), parse_hhmm(end))
    return begin.astimezone(), finish.astimezone()


def current_shift(moment: datetime, start: str | time = "00:00", end: str | time = "00:00") -> date:
    """The date the shift containing ``moment`` started on.

    For a 22:00→06:00 shift, 02:00 on the 26th belongs to the shift of the 25th.
    Between two shifts (a day shift's evening, a night shift's daytime) the
    nearer shift counts: the one just finished or the one about to start.
    ``moment`` is read as wall-clock time in its own zone.
    """
    first, last = parse_hhmm(start), parse_hhmm(end)
    wall = moment.replace(tzinfo=None)
    best: tuple[timedelta, date] | None = None
    for offset in (-1, 0, 1):
        day = wall.date() + timedelta(days=offset)
        begin, finish = _bounds(day, first, last)
        if begin <= wall < finish:
            return day
        distance = begin - wall if wall < begin else wall - finish
        if best is None or distance < best[0]:
            best = (distance, day)
    assert best is not None
    return best[1]
