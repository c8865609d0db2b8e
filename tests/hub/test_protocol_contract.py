"""The seat and the hub agree on the call record and the heartbeat (``desktop.core.hubclient.hub_records``,
its limits in ``desktop.core.hubclient.hub_protocol``).

No server here: the seat's real outbox record, serialised as it goes on the wire, is
validated by the very model the hub's router declares, and the limits on both sides
are the protocol's own. The end-to-end upload is in ``test_sync.py``.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from pydantic import ValidationError

from desktop.core.hubclient import hub_protocol as limits
from desktop.core.hubclient import hub_records as protocol
from desktop.core.hubclient.sync import call_payload
from desktop.core.records.storage import DB_FILENAME, CallStore
from hub.routers.calls import upload_calls
from hub.routers.heartbeats import heartbeat
from hub.settings import HubSettings
from tests.hub.seatside_helpers import ROOT, add_calls


def body_model(endpoint: Any, name: str) -> type:
    """The pydantic model FastAPI validates the request body with."""
    return get_type_hints(inspect.unwrap(endpoint))[name]


def seat_records(tmp_path: Path, count: int = 2) -> list[dict[str, Any]]:
    """The seat's outbox records for ``count`` ended calls, as JSON on the wire."""
    data = tmp_path / "seat"
    data.mkdir(mode=0o700)
    ids = add_calls(data, count, notes="客户来电，卡号 6222 0212 3456 7890 123 已核实。")
    store = CallStore(data / DB_FILENAME)
    try:
        payloads = [call_payload(store.get_call(i), f"s1-{i}", 1, None, 3) for i in ids]
    finally:
        store.close()
    return [json.loads(json.dumps(p, ensure_ascii=False)) for p in payloads]


def test_the_hub_routers_validate_with_the_protocol_models() -> None:
    assert body_model(upload_calls, "batch") is protocol.CallBatch
    assert body_model(heartbeat, "body") is protocol.HeartbeatIn


def test_the_seats_outbox_record_is_valid_for_the_hub(tmp_path: Path) -> None:
    records = seat_records(tmp_path)
    assert len(records) == 2
    batch = protocol.CallBatch.model_validate({"calls": records})
    assert [c.uid for c in batch.calls] == [r["uid"] for r in records]
    for record, call in zip(records, batch.calls, strict=True):
        # The seat sends every field the hub reads, and nothing it would refuse as unknown;
        # the count of banned phrases said goes only when there is one (older hubs refuse it).
        assert set(record) <= set(protocol.CallIn.model_fields)
        assert set(protocol.CallIn.model_fields) - set(record) <= {"banned_spoken"}
        assert call.steps and call.phrases and call.notes
        assert "3456 7890" not in call.notes and "*" in call.notes  # masked on the seat already
        assert call.unmasked() == []
        assert protocol.call_problem(record) is None


def test_a_record_the_hub_would_refuse_is_refused_on_the_seat_for_the_same_reason(tmp_path: Path) -> None:
    record = seat_records(tmp_path, 1)[0]
    too_long = record | {"notes": "x" * (limits.MAX_NOTES + 1)}
    with pytest.raises(ValidationError):
        protocol.CallIn.model_validate(too_long)
    problem = protocol.call_problem(too_long)
    assert problem is not None and "notes" in problem
    unmasked = record | {"notes": "卡号 6222021234567890123"}
    assert protocol.CallIn.model_validate(unmasked).unmasked()
    assert "full number" in (protocol.call_problem(unmasked) or "")


def test_batch_limits_come_from_the_protocol(tmp_path: Path) -> None:
    assert HubSettings().max_batch == limits.MAX_BATCH
    with pytest.raises(ValidationError):  # the setting may lower the limit, never raise it
        HubSettings(max_batch=limits.MAX_BATCH + 1)
    assert HubSettings(max_batch=50).max_batch == 50
    record = seat_records(tmp_path, 1)[0]
    protocol.CallBatch.model_validate({"calls": [record] * limits.MAX_BATCH})
    with pytest.raises(ValidationError):
        protocol.CallBatch.model_validate({"calls": [record] * (limits.MAX_BATCH + 1)})


def test_the_seats_heartbeat_is_valid_for_the_hub() -> None:
    beat = {"state": "in_call", "scenario_id": "opening", "scenario_name": "开场与身份核实", "steps_done": 1,
            "steps_total": 3, "mandatory_done": 1, "mandatory_total": 2, "elapsed_s": 12.5, "banned_count": 1,
            "seq": 4, "pack_version": None}
    assert protocol.HeartbeatIn.model_validate(beat).state == "in_call"
    with pytest.raises(ValidationError):
        protocol.HeartbeatIn.model_validate(beat | {"scenario_name": "长" * (limits.MAX_SHORT + 1)})


def test_a_batch_setting_above_the_protocol_is_refused_in_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, SEATSIDE_HUB_MAX_BATCH=str(limits.MAX_BATCH + 1), SEATSIDE_HUB_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "hub.cli", "serve", "--port", "1"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"seatside-hub serve: bad setting: max_batch: Input should be less than or equal to {limits.MAX_BATCH}"]


def test_the_panel_does_not_load_pydantic_until_it_sends() -> None:
    code = "import sys, desktop.core.hubclient.sync, desktop.core.hubclient.hub_protocol; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_heartbeat_names_open_steps_and_banned_phrases_within_limits() -> None:
    beat = {"state": "in_call", "call_started_at": "2026-12-08T09:00:00+08:00",
            "state_since": "2026-12-08T09:00:00+08:00", "open_steps": ["核实身份", "提醒风险"],
            "banned": [{"phrase": "不知道", "via": "typed", "at": "2026-12-08T09:01:00+08:00"},
                       {"phrase": "只能", "via": "spoken"}]}
    parsed = protocol.HeartbeatIn.model_validate(beat)
    assert parsed.open_steps == ["核实身份", "提醒风险"] and [b.via for b in parsed.banned] == ["typed", "spoken"]
    assert parsed.unmasked() == []
    for bad in ({"open_steps": ["步"] * (limits.MAX_OPEN_STEPS + 1)},
                {"banned": [{"phrase": "x", "via": "typed"}] * (limits.MAX_BANNED_SAID + 1)},
                {"banned": [{"phrase": "x", "via": "shouted"}]},
                {"open_steps": ["长" * (limits.MAX_SHORT + 1)]}):
        with pytest.raises(ValidationError):
            protocol.HeartbeatIn.model_validate(beat | bad)
    # A full number anywhere in the lists is found (the hub refuses such a beat).
    leaky = protocol.HeartbeatIn.model_validate(beat | {"open_steps": ["回拨 13812345678"],
                                                        "banned": [{"phrase": "卡号 6222021234567890123",
                                                                    "via": "typed"}]})
    assert leaky.unmasked() == ["open_steps[0]: mobile", "banned[0].phrase: card"]

