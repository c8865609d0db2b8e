"""The call's phase and banned phrases as the hub's heartbeat reports them: read from the
call model (the core's ``Call``), never inferred from which dialog is on screen."""

from __future__ import annotations

from desktop.models.hub_sync import HubSync


def heartbeat_state(sync: HubSync) -> dict:
    with sync._lock:
        return dict(sync._snapshot)


def test_the_heartbeat_follows_the_calls_phase_and_counts_banned_phrases_typed_and_said(seatside, tmp_path):
    model = seatside.model
    sync = HubSync(tmp_path, model)  # not started: no hub is asked anything
    sync.snapshot()
    assert heartbeat_state(sync).keys() <= {"state", "state_since"} and heartbeat_state(sync)["state"] == "idle"
    model.start_call()
    state = heartbeat_state(sync)
    assert state["state"] == "in_call" and state["banned_count"] == 0
    said: list[int] = []
    model.bannedSaid.connect(said.append)
    model.say_banned(["只能"])
    model.set_notes("客户急什么")
    sync.snapshot()
    assert said == [1] and model.banned_count == 1
    assert heartbeat_state(sync)["banned_count"] == 2  # the one said and the one typed
    assert model.begin_wrap_up()
    assert heartbeat_state(sync)["state"] == "after_call"  # the phase says it, not a dialog
    assert seatside.panel.wrapup_shown() is not None  # the panel follows the phase
    assert model.resume_call()
    assert heartbeat_state(sync)["state"] == "in_call" and seatside.panel.wrapup_shown() is None
    model.end_call("resolved")
    assert heartbeat_state(sync).keys() <= {"state", "state_since"} and heartbeat_state(sync)["state"] == "idle"
