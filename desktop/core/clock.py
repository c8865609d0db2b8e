"""Time helpers: local timestamps and shift ranges."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta


def now() -> datetime:
    """The current local time, timezone-aware."""
    return datetime.now().astimezone()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def shift_range(spec: str, today: date | None = None) -> tuple[datetime, datetime]:
    """Local [start, end) of a shift named ``today``, ``yesterday`` or ``YYYY-MM-DD``.

    A shift is one calendar day for now.
    """
    today = today or date.today()
    spec = spec.strip().lower()
    if spec == "today":
        day = today
    elif spec == "yesterday":
        day = today - timedelta(days=1)
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", spec):
        try:
            day = date.fromisoformat(spec)
        except ValueError as exc:
            raise ValueError(f"not a valid date: {spec}") from exc
    else:
        raise ValueError(f"unknown shift '{spec}': use today, yesterday or YYYY-MM-DD")
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return start, end
