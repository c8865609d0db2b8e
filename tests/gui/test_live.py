"""The panel follows a call from live events: real HTTP and WebSocket clients, and the
real ``seatside replay`` command, against the running panel."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.live import store as live_store
from desktop.ui.end_call_dialog import EndCallDialog
from tests.core.test_live_server import non_loopback_addresses
from tests.live.helpers import post, ws_exchange

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "tests" / "data" / "live"


def event(kind: str, **fields) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False)


def said(call_id: str, speaker: str, text: str, final: bool = True) -> str:
    return event("transcript", call_id=call_id, speaker=speaker, text=text, final=final)


def started(app, qtbot):
    """The endpoint comes up on its own thread just after the panel."""
    assert app.live is not None
    qtbot.waitUntil(lambda: app.live.server is not None, timeout=10000)
    assert app.live.server is not None and (app.data_dir / "live.json").exists()
    return app


@pytest.fixture
def live_app(make_app, qtbot):
    return started(make_app(live=True, pack_dirs=[PACK], builtin=False, scenario="live-open"), qtbot)


def endpoint(app) -> tuple[int, str]:
    info = json.loads((app.data_dir / "live.json").read_text())
    return info["port"], info["token"]


def test_live_file_is_written_private(live_app) -> None:
    path = live_app.data_dir / "live.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    port, token = endpoint(live_app)
    assert port == live_app.live.server.port and len(token) >= 32
    live_app.shutdown()
    assert not path.exists()


def test_a_call_driven_by_events(live_app, qtbot) -> None:
    app, model, panel = live_app, live_app.model, live_app.panel
    panel.show()
    port, token = endpoint(app)

    # An earlier call of the same customer (the CRM's id on the event: no key store here),
    # so the history shows at once.
    assert post(port, event("call.answered", call_id="old", caller="010-5550-0001", customer_id="CUST-88"),
                token)[0] == 200
    qtbot.waitUntil(lambda: model.in_call)
    model.end_call("resolved")
    qtbot.waitUntil(lambda: not model.in_call)

    # 1. ringing shows the last digits only; answered starts the call with the masked caller
    post(port, event("call.ringing", call_id="c1", caller="01055500001"), token)
    qtbot.waitUntil(lambda: panel.live_bar.heard.isVisible())
    assert "0001" in panel.live_bar.heard.text() and "01055500001" not in panel.live_bar.heard.text()
    # (the earlier call's own, empty, history may still be on its way: wait for this call's)
    with qtbot.waitSignal(model.historyLoaded, timeout=5000, check_params_cb=lambda calls: bool(calls)) as history:
        post(port, event("call.answered", call_id="c1", caller="01055500001", customer_id="CUST-88"), token)
    assert model.in_call and model.session.customer_ref == "*******0001"
    assert panel.notes.reference.text() == "*******0001"
    assert len(history.args[0]) == 1  # the earlier call of this caller

    # 2. the customer's words suggest the scenario (partials first: nothing yet)
    post(port, said("c1", "customer", "我的卡", final=False), token)
    with qtbot.waitSignal(model.scenarioSuggested, timeout=5000) as suggested:
        post(port, said("c1", "customer", "我的卡被吞了，取款机没退出来"), token)
    assert suggested.args[0] == "live-loss"
    assert panel.suggestion_box.isVisible()
    assert "客户提到" in panel.suggestion_label.text() or "customer said" in panel.suggestion_label.text()
    panel.suggestion_switch.click()
    assert model.scenario.id == "live-loss"

    # 3. the seat's final words tick steps, marked as ticked by speech
    post(port, said("c1", "agent", "我跟您确认一下", final=False), token)
    post(port, said("c1", "agent", "挂失还没有办好，您稍等"), token)
    post(port, said("c1", "agent", "我跟您确认一下，卡是今天下午被吞的，对吧？"), token)
    qtbot.waitUntil(lambda: model.is_ticked("confirm"))
    assert not model.is_ticked("register")  # "not done yet" never ticks
    item = panel.checklist.list.item(0)
    assert model.ticked_by_speech("confirm") and ("ticked by speech" in item.text() or "语音" in item.text())
    # the seat can untick it; speech does not tick it again
    from PySide6.QtCore import Qt

    item.setCheckState(Qt.CheckState.Unchecked)
    assert not model.is_ticked("confirm") and not model.ticked_by_speech("confirm")
    post(port, said("c1", "agent", "我再跟您确认一下地址。"), token)
    post(port, said("c1", "agent", "临时挂失已经给您办好了。"), token)
    qtbot.waitUntil(lambda: model.is_ticked("register"))
    assert not model.is_ticked("confirm")

    # 4. a banned phrase said by the seat: a discreet alert with the softer wording, counted
    with qtbot.waitSignal(app.live.bannedSpoken, timeout=5000) as banned:
        post(port, said("c1", "agent", "这个只能等网点清机以后再取。"), token)
    assert banned.args[0] == "只能" and banned.args[1]
    assert panel.live_bar.alert.isVisible() and banned.args[1] in panel.live_bar.alert.text()
    assert model.banned_count == 1
    post(port, said("c1", "customer", "这个只能这样吗"), token)  # the customer saying it does not count
    answers = ws_exchange(port, [said("c1", "agent", "取卡时请在柜台当场把挂失解掉，也就是当场解挂。")], token)
    assert answers[0]["ok"]
    qtbot.waitUntil(lambda: model.is_ticked("unlock"))
    assert model.banned_count == 1

    # 5. the platform says the call ended: the wrap-up opens (once)
    post(port, event("call.ended", call_id="c1"), token)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in panel.findChildren(EndCallDialog)))
    post(port, event("call.ended", call_id="c1"), token)
    qtbot.wait(0)  # events already queued are processed; still one dialog
    dialogs = [d for d in panel.findChildren(EndCallDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.choose("resolved")
    for box in dialog.missing_boxes.values():
        box.setChecked(True)
    with qtbot.waitSignal(model.callEnded, timeout=5000) as ended:
        dialog.ok_button.click()
    call_id = ended.args[0]
    ticks, count, transcript, record = app.worker.call(lambda store: (
        live_store.speech_ticks(store, call_id), live_store.banned_count(store, call_id),
        live_store.transcript(store, call_id), store.get_call(call_id),
    ))
    assert ticks == [("live-loss", "register"), ("live-loss", "unlock")]
    assert count == 1
    assert transcript == []  # not kept unless the settings allow it
    assert record.customer_ref == "*******0001"
    raw = (app.data_dir / "seatside.db").read_bytes()
    assert b"01055500001" not in raw and "临时挂失已经给您办好了".encode() not in raw


def test_transcript_kept_masked_when_allowed(live_app, qtbot) -> None:
    app, model = live_app, live_app.model
    model.settings.set("live_keep_transcript", True)
    port, token = endpoint(app)
    post(port, event("call.answered", call_id="k1", caller="13812345678"), token)
    qtbot.waitUntil(lambda: model.in_call)
    post(port, said("k1", "customer", "我的手机号是13812345678，卡号6222020200112233445"), token)
    post(port, said("k1", "agent", "好的，记下了"), token)
    qtbot.waitUntil(lambda: app.live.call is not None and len(app.live.call.transcript.finals) == 2)
    model.end_call("resolved")
    call_id = app.worker.call(lambda store: store.count_calls())
    lines = app.worker.call(lambda store: live_store.transcript(store, call_id))
    assert [speaker for speaker, _ in lines] == ["customer", "agent"]
    assert "13812345678" not in lines[0][1] and "5678" in lines[0][1]
    assert b"13812345678" not in (app.data_dir / "seatside.db").read_bytes()


def test_a_lone_surrogate_or_a_line_separator_never_locks_the_notes(live_app, qtbot) -> None:
    app, model, panel = live_app, live_app.model, live_app.panel
    model.settings.set("live_keep_transcript", True)
    port, token = endpoint(app)
    post(port, event("call.answered", call_id="u1", caller="13812345678"), token)
    qtbot.waitUntil(lambda: model.in_call)
    body = '{"type": "transcript", "call_id": "u1", "speaker": "customer", "text": "卡\\ud800被吞\u2028了", "final": true}'
    assert post(port, body, token)[0] == 200
    qtbot.waitUntil(lambda: app.live.call is not None and len(app.live.call.transcript.finals) == 1)
    with qtbot.waitSignal(model.notesSaved, timeout=5000):
        model.set_notes("客户说卡被吞了")  # the notes still save after the odd text
    assert panel.notes.editor.isEnabled()
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved")
    call_id = app.worker.call(lambda store: store.count_calls())
    lines = app.worker.call(lambda store: live_store.transcript(store, call_id))
    assert lines == [("customer", "卡\ufffd被吞 了")]
    notes = app.worker.call(lambda store: store.conn.execute("SELECT notes FROM calls WHERE id = ?", (call_id,))
                            .fetchone()[0])
    assert notes == "客户说卡被吞了"


def test_refusals_leave_the_panel_unaffected(live_app, qtbot) -> None:
    app, model = live_app, live_app.model
    port, token = endpoint(app)
    answered = event("call.answered", call_id="x", caller="01055500009")
    assert post(port, answered, None)[0] == 401
    assert post(port, answered, "wrong")[0] == 401
    assert post(port, answered, token, {"Origin": "https://phish.example"})[0] == 403
    status, payload = post(port, "{\"type\": \"call.answered\"", token)
    assert status == 400 and "malformed JSON" in payload["error"]
    status, payload = post(port, "x" * (300 * 1024), token)
    assert status == 413 and "larger than" in payload["error"]
    # The accepted ringing events of the flood reach the panel; everything sent before them has too.
    with qtbot.waitSignal(app.live.ringing, timeout=5000):
        flood = [post(port, event("call.ringing", call_id="f"), token)[0] for _ in range(80)]
    assert 429 in flood and 200 in flood
    assert not model.in_call  # nothing refused reached the panel
    # and the panel still follows the next good event (once the second is over)
    qtbot.waitUntil(lambda: post(port, answered, token)[0] == 200, timeout=3000)
    qtbot.waitUntil(lambda: model.in_call)


def test_another_origin_can_be_allowed(make_app, qtbot, isolated_dirs) -> None:
    isolated_dirs.mkdir(parents=True, exist_ok=True)
    (isolated_dirs / "settings.json").write_text(json.dumps({"live_origins": ["https://cti.bank.example"]}))
    app = started(make_app(live=True, pack_dirs=[PACK], builtin=False), qtbot)
    port, token = endpoint(app)
    status, _ = post(port, event("call.answered", call_id="o1"), token, {"Origin": "https://cti.bank.example"})
    assert status == 200
    qtbot.waitUntil(lambda: app.model.in_call)


def test_not_reachable_on_other_addresses(live_app) -> None:
    import socket

    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address")
    port, _ = endpoint(live_app)
    for address in addresses:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_replaying_a_demo_call_with_the_cli(make_app, qtbot) -> None:
    """The shipped demo file through the real ``seatside replay`` command."""
    app = started(make_app(live=True), qtbot)
    model = app.model
    suggested: list[str] = []
    ticked: set[tuple[str, str]] = set()

    def seat_switches(scenario_id: str, keyword: str) -> None:
        """The seat takes the suggestion (as a click on 切换 would)."""
        suggested.append(scenario_id)
        if scenario_id:
            model.choose_scenario(scenario_id)

    model.scenarioSuggested.connect(seat_switches)
    model.stepsChanged.connect(lambda: ticked.update(model.session.speech_ticked if model.session else ()))
    demo = ROOT / "resources" / "demo" / "card-retained-atm.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(app.data_dir), "replay", str(demo), "--speed", "40"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    qtbot.waitUntil(lambda: model.in_call, timeout=10000)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in app.panel.findChildren(EndCallDialog)), timeout=20000)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().startswith("replayed ")
    assert model.session.customer_ref.endswith("0001")
    assert model.banned_count >= 1  # the seat's 只能 in the recording
    assert suggested[0] == "card-retained-atm"  # the customer's words, not the seat's choice
    assert {("card-retained-atm", "register-loss"), ("card-retained-atm", "pickup-unlock")} <= ticked


@pytest.mark.expect_log
def test_an_endpoint_that_cannot_start_is_said_on_the_panel(make_app, qtbot, isolated_dirs) -> None:
    (isolated_dirs / "live.json").mkdir(parents=True)  # live.json cannot be written
    app = make_app(live=True, pack_dirs=[PACK], builtin=False)
    with qtbot.waitSignal(app.live.failed, timeout=10000) as failed:
        pass
    assert "Is a directory" in failed.args[0] or "directory" in failed.args[0].lower()
    assert app.live.server is None
    qtbot.waitUntil(lambda: "live.json" in app.panel.statusBar().currentMessage()
                    or failed.args[0] in app.panel.statusBar().currentMessage())


def test_other_calls_do_not_disturb_the_one_followed(live_app, qtbot) -> None:
    app, model = live_app, live_app.model
    port, token = endpoint(app)
    messages: list[str] = []
    model.message.connect(messages.append)
    post(port, event("call.answered", call_id="a1", caller="01055500031"), token)
    qtbot.waitUntil(lambda: model.in_call)
    started = model.session.started
    post(port, event("call.answered", call_id="a2", caller="01055500032"), token)
    post(port, said("a2", "agent", "我跟您确认一下"), token)
    post(port, event("call.ended", call_id="a2"), token)
    post(port, said("a1", "agent", "好的"), token)
    qtbot.waitUntil(lambda: app.live.call is not None and len(app.live.call.transcript.finals) == 1)
    assert model.session.started == started and model.session.customer_ref.endswith("0031")
    assert any("already in progress" in m or "已有通话" in m for m in messages)
    assert not any(d.isVisible() for d in app.panel.findChildren(EndCallDialog))
    assert app.live.ignored == 2


def test_a_call_started_by_hand_follows_the_first_feed(live_app, qtbot) -> None:
    app, model = live_app, live_app.model
    port, token = endpoint(app)
    model.start_call()
    model.choose_scenario("live-loss")
    post(port, said("m1", "agent", "临时挂失已经给您办好了"), token)
    qtbot.waitUntil(lambda: model.is_ticked("register"))
    post(port, said("m2", "agent", "我跟您确认一下"), token)  # another feed: ignored
    post(port, said("m1", "customer", "好的"), token)
    qtbot.waitUntil(lambda: len(app.live.call.transcript.finals) == 2)
    assert not model.is_ticked("confirm")


def test_a_call_that_rings_and_ends_unanswered_leaves_nothing(live_app, qtbot) -> None:
    app, panel = live_app, live_app.panel
    panel.show()
    port, token = endpoint(app)
    post(port, event("call.ringing", call_id="r1", caller="01055500041"), token)
    qtbot.waitUntil(lambda: panel.live_bar.heard.isVisible())
    post(port, event("call.ended", call_id="r1"), token)
    qtbot.waitUntil(lambda: not panel.live_bar.heard.isVisible())
    assert not app.model.in_call and app.worker.call(lambda store: store.count_calls()) == 0


def test_screen_pop_from_attached_data_then_speech_ticks(make_app, qtbot, tmp_path) -> None:
    """A recorded call whose ringing event carries the phone system's attached data, played
    by the real ``seatside replay`` command: the routed scenario is open before the first
    transcript segment arrives, and the steps the seat is heard doing are ticked."""
    app = started(make_app(live=True), qtbot)
    model = app.model
    order: list[str] = []
    ticked: set[tuple[str, str]] = set()
    model.scenarioChanged.connect(lambda: order.append(f"scenario:{model.scenario.id if model.scenario else ''}"))
    app.live.liveText.connect(lambda speaker, text, final: order.append("transcript"))
    model.stepsChanged.connect(lambda: ticked.update(model.session.speech_ticked if model.session else ()))
    lines = (ROOT / "resources" / "demo" / "lost-card-replacement.jsonl").read_text(encoding="utf-8").splitlines()
    replay = tmp_path / "routed.jsonl"
    with replay.open("w", encoding="utf-8") as out:
        for line in lines:
            data = json.loads(line)
            if data["type"] == "call.ringing":  # as the CTI attaches it: IVR 2-1, a queue, a tier
                data["call_data"] = "ivrPath=2-1;queueName=借记卡挂失;customerLevel=金卡"
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(app.data_dir), "replay", str(replay), "--speed", "40"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    qtbot.waitUntil(lambda: model.in_call, timeout=10000)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in app.panel.findChildren(EndCallDialog)), timeout=30000)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
    _out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "transcript" in order and "scenario:lost-card-replacement" in order
    assert order.index("scenario:lost-card-replacement") < order.index("transcript")
    assert app.live.routed == "lost-card-replacement"
    assert model.session is not None and model.session.scenario is not None
    assert model.session.scenario.id == "lost-card-replacement"
    expected = {("lost-card-replacement", step) for step in ("soothe", "secure", "rebind")}
    assert expected <= ticked, ticked
