"""Call state, placeholders, settings and shift ranges."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.core.base import clock
from desktop.core.calls.session import CallSession, followups_at_end, normalise_reference
from desktop.core.packs.loader import load_pack_file
from desktop.core.packs.placeholders import placeholders_in, render
from desktop.core.packs.scenarios import Scenario, Step
from desktop.core.seat.settings import Settings
from tests.helpers import MINIMAL_PACK, write_pack


@pytest.fixture
def scenario(tmp_path):
    _, (scenario,), _ = load_pack_file(write_pack(tmp_path, "p.yaml", MINIMAL_PACK))
    return scenario


def test_ticking_moves_the_highlight(scenario):
    session = CallSession(started=clock.now(), scenario=scenario)
    assert session.current_index() == 0
    assert [p.id for p in session.current_phrases()] == ["hello", "first-2"]
    session.tick("first", True, clock.now())
    assert session.current_index() == 1
    assert session.unticked_mandatory() == []
    session.tick("second", True, clock.now())
    assert session.current_index() is None and session.current_phrases() == ()
    session.tick("first", False, clock.now())
    assert session.current_index() == 0
    assert [s.id for s in session.unticked_mandatory()] == ["first"]


def test_tick_keeps_the_first_time(scenario):
    session = CallSession(started=clock.now(), scenario=scenario)
    first = datetime(2026, 1, 1, 9, 0)
    session.tick("first", True, first)
    session.tick("first", True, datetime(2026, 1, 1, 9, 5))
    assert session.ticks[("test-scenario", "first")] == first


def test_render_fills_known_values_and_reports_missing(scenario):
    session = CallSession(started=clock.now(), scenario=scenario)
    phrase = scenario.steps[0].phrases[0]
    assert session.render(phrase).missing == ("称呼",)
    session.customer = "王先生"
    assert session.render(phrase).text == "王先生，您好"


def test_render_is_plain_replacement():
    assert render("{称呼}{称呼} {0} {__class__} {x.y}", {"称呼": "李女士"}).text.startswith("李女士李女士")
    rendered = render("{0} {__class__}", {})
    assert rendered.text == "{0} {__class__}"
    assert set(rendered.missing) == {"0", "__class__"}
    assert placeholders_in("{a}{b}{a}") == ["a", "b"]


def test_settings_defaults_types_and_change_notification(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings(path)
    assert settings.get("language") == "zh_CN"
    seen = []
    settings.on_change(lambda name, value: seen.append((name, value)))
    settings.set("seat_id", "A1024")
    settings.set("seat_id", "A1024")
    assert seen == [("seat_id", "A1024")]
    assert Settings(path).get("seat_id") == "A1024"
    with pytest.raises(TypeError):
        settings.set("notes_autosave_ms", "fast")


@pytest.mark.expect_log
def test_broken_settings_file_falls_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    assert Settings(path).get("notes_autosave_ms") == 300
    path.write_text('{"notes_autosave_ms": "slow"}', encoding="utf-8")
    assert Settings(path).get("notes_autosave_ms") == 300


def test_shift_ranges():
    today = date(2026, 11, 25)
    start, end = clock.shift_range("today", today)
    assert (start.date(), end.date()) == (today, date(2026, 11, 26))
    assert clock.shift_range("yesterday", today)[0].date() == date(2026, 11, 24)
    assert clock.shift_range("2026-02-28", today)[1].date() == date(2026, 3, 1)
    for bad in ("tomorrow", "2026-02-30", "25/11/2026"):
        with pytest.raises(ValueError):
            clock.shift_range(bad, today)


def _wall(moment: datetime) -> tuple[int, int, int, int, int]:
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def test_day_shift_range():
    today = date(2026, 11, 25)
    start, end = clock.shift_range("today", today, start="08:30", end="17:30")
    assert (_wall(start), _wall(end)) == ((2026, 11, 25, 8, 30), (2026, 11, 25, 17, 30))
    assert start.tzinfo is not None and end.tzinfo is not None
    start, end = clock.shift_range("yesterday", today, start="09:00", end="18:00")
    assert (_wall(start), _wall(end)) == ((2026, 11, 24, 9, 0), (2026, 11, 24, 18, 0))


def test_night_shift_crosses_midnight():
    start, end = clock.shift_range("2026-11-25", start="22:00", end="06:00")
    assert (_wall(start), _wall(end)) == ((2026, 11, 25, 22, 0), (2026, 11, 26, 6, 0))
    start, end = clock.shift_range("2026-12-31", start="20:00", end="08:00")
    assert _wall(end) == (2027, 1, 1, 8, 0)
    # start == end: a 24-hour shift from that time; 00:00-00:00 is the calendar day.
    start, end = clock.shift_range("2026-11-25", start="08:00", end="08:00")
    assert (_wall(start), _wall(end)) == ((2026, 11, 25, 8, 0), (2026, 11, 26, 8, 0))
    assert clock.shift_range("2026-11-25", start="00:00", end="00:00") == clock.shift_range("2026-11-25")


@pytest.mark.parametrize("bad", ["24:00", "8", "08:60", "ab:cd", ""])
def test_shift_times_are_checked(bad):
    with pytest.raises(ValueError):
        clock.shift_range("today", start=bad)


@pytest.mark.parametrize(
    "moment, expected",
    [
        (datetime(2026, 11, 26, 2, 0), date(2026, 11, 25)),  # after midnight: last night's shift
        (datetime(2026, 11, 25, 23, 0), date(2026, 11, 25)),
        (datetime(2026, 11, 25, 22, 0), date(2026, 11, 25)),  # the start belongs to the shift
        (datetime(2026, 11, 26, 5, 59), date(2026, 11, 25)),
        (datetime(2026, 11, 26, 9, 0), date(2026, 11, 25)),  # between shifts: the one just finished
        (datetime(2026, 11, 26, 20, 0), date(2026, 11, 26)),  # ... or the one about to start
        (datetime(2027, 1, 1, 3, 0), date(2026, 12, 31)),
    ],
)
def test_current_night_shift(moment, expected):
    assert clock.current_shift(moment, "22:00", "06:00") == expected
    assert clock.current_shift(moment.astimezone(), "22:00", "06:00") == expected


@pytest.mark.parametrize(
    "moment, expected",
    [
        (datetime(2026, 11, 25, 10, 0), date(2026, 11, 25)),
        (datetime(2026, 11, 25, 7, 0), date(2026, 11, 25)),  # before the shift: today's
        (datetime(2026, 11, 25, 20, 0), date(2026, 11, 25)),  # after it: today's
        (datetime(2026, 11, 26, 0, 30), date(2026, 11, 25)),  # just after midnight: nearer yesterday's end
    ],
)
def test_current_day_shift(moment, expected):
    assert clock.current_shift(moment, "09:00", "18:00") == expected


def test_current_shift_whole_day_default():
    assert clock.current_shift(datetime(2026, 11, 25, 23, 59)) == date(2026, 11, 25)
    assert clock.current_shift(datetime(2026, 11, 26, 0, 0)) == date(2026, 11, 26)


@pytest.mark.parametrize(("typed", "kept"), [
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("(86) 13812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("  6222 0212 3456 7890 128 ", "6222021234567890128"),
    ("8602112345678", "8602112345678"),  # 86 before a landline's area code: no mobile inside, kept whole
    ("CRM-00042", "CRM-00042"),  # not a number: kept as typed, only trimmed
    ("王先生 1381234", "王先生 1381234"),
])
def test_references_compare_equal_however_they_were_typed(typed, kept):
    assert normalise_reference(typed) == kept


def test_ending_a_call_hands_on_continuity_a_complaint_deadline_and_a_callback():
    from datetime import timedelta

    scenario = Scenario("s", "场景", steps=(Step("a", "一"),), continuity=("卡片寄出后提醒客户激活",))
    now = datetime(2026, 11, 30, 10, 0)
    callback = now + timedelta(hours=3)
    # Hand-overs are suggestions: none is filed unless the seat keeps it.
    assert followups_at_end(scenario, "resolved", now, complaint_days=15) == []
    planned = followups_at_end(scenario, "complaint", now, complaint_days=15, callback=callback,
                               kept=["卡片寄出后提醒客户激活", "a reminder the scenario does not have"])
    assert planned == [
        ("continuity", "卡片寄出后提醒客户激活", None),
        ("complaint", "", now + timedelta(days=15)),
        ("callback", "", callback),
    ]
    assert followups_at_end(None, "resolved", now, complaint_days=15) == []
