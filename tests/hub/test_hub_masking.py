"""Numbers in every spoken and pasted style through every write endpoint of the hub.

A field holding a full number is refused (422) and nothing of it is stored; the
same text masked by the seat's masker goes in. Afterwards every table of the hub's
database is read back, each column's values one after the other, with numerals
made digits again: no number may be found.
"""

from __future__ import annotations

import random

import httpx
import psycopg
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop.core.privacy.masking import mask_pii
from tests.helpers_privacy import digit_streams, written_number
from tests.hub.conftest import HubProcess
from tests.hub.test_api import call, seat_token

#: Where a seat's record or heartbeat carries text.
CALL_FIELDS = ["notes", "customer_ref", "end_reason", "scenario_name", "disposition", "phrase", "followup", "step",
               "skipped", "banned"]
BEAT_FIELDS = ["scenario_id", "scenario_name"]


def _record(uid: str, field: str, text: str) -> dict[str, object]:
    record = call(uid)
    if field == "phrase":
        record["phrases"] = [{"text": text, "step_id": "greet"}]
    elif field == "followup":
        record["followups"] = [{"kind": "callback", "text": text}]
    elif field == "step":
        record["steps"] = [{"step_id": "greet", "title": text}]
    elif field == "skipped":
        record["skipped"] = [{"step_id": "verify", "reason": text}]
    elif field == "banned":
        record["banned"] = [{"phrase": text}]
    else:
        record[field] = text
    return record


def _hub_digits(db: psycopg.Connection) -> list[str]:
    """Each column of each table, its values in a row, as digit streams."""
    streams: list[str] = []
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")]
    assert "calls" in tables and "seat_state" in tables
    for table in tables:
        columns = [r[0] for r in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
            (table,))]
        for column in columns:
            values = db.execute(f'SELECT "{column}"::text FROM "{table}"').fetchall()
            streams += digit_streams("".join(v[0] for v in values if v[0] is not None).encode())
    return streams


def test_every_style_through_every_write_endpoint(hub_server: HubProcess, db: psycopg.Connection) -> None:
    token = seat_token(hub_server)
    auth = {"Authorization": f"Bearer {token}"}
    base = hub_server.base + "/api/v1"
    numbers: list[str] = []
    stored = [0]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.randoms(use_true_random=False), st.sampled_from(CALL_FIELDS), st.sampled_from(BEAT_FIELDS),
           st.sampled_from(["客户说", "", "回拨", "No."]), st.sampled_from(["，已处理", "", "。"]))
    def one(rng: random.Random, field: str, beat_field: str, before: str, after: str) -> None:
        digits, form = written_number(rng)
        numbers.append(digits)
        text = before + form + after
        assume(len(text) <= 100)  # a longer text cut short would no longer hold the whole number
        uid = f"u-{len(numbers)}"
        refused = httpx.post(base + "/calls", json={"calls": [_record(uid, field, text)]}, headers=auth)
        assert refused.status_code == 422, (text, refused.text)
        assert refused.json()["refused"][0]["uid"] == uid
        masked = mask_pii(text)
        accepted = httpx.post(base + "/calls", json={"calls": [_record(uid, field, masked)]}, headers=auth)
        assert accepted.status_code == 200, (masked, accepted.text)
        stored[0] += 1
        beat = {"state": "in_call", beat_field: text[:200]}
        assert httpx.post(base + "/heartbeat", json=beat, headers=auth).status_code == 422, text
        assert httpx.post(base + "/heartbeat", json=beat | {beat_field: masked[:200]}, headers=auth).status_code == 204
        if len(form) <= 64:  # the enrolment code's own limit; a longer form cut short is no number
            assert httpx.post(base + "/enrol", json={"code": form.rjust(4, "-")}).status_code == 422, form

    one()
    assert db.execute("SELECT count(*) FROM calls").fetchone()[0] == stored[0] > 0
    streams = _hub_digits(db)
    leaks = [n for n in numbers if any(n in s for s in streams)]
    assert leaks == []


def test_the_hub_scan_finds_a_number_stored_in_clear(hub_server: HubProcess, db: psycopg.Connection) -> None:
    seat_token(hub_server)
    digits, form = written_number(random.Random(5))
    db.execute("UPDATE seats SET name = %s", (form[:60],))
    assert any(digits in s for s in _hub_digits(db))
