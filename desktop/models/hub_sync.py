"""The panel's link to the centre's hub: heartbeats, the outbox and packs in the background.

Runs only when the seat is enrolled. Two plain threads do the network work, each
with its own SQLite connection (WAL): one sends a heartbeat every few seconds (at
once when the call state changes) and pushes the outbox; the other long-polls for
new packs and writes them into the seat's ``packs/`` folder, where the pack
watcher reloads them and shows what changed. The GUI thread only takes a
snapshot of the call for the heartbeat. With no hub, or the hub down for days,
nothing changes for the seat: the outbox waits in SQLite.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.hubclient.backoff import Backoff
from desktop.core.hubclient.hub_protocol import HEARTBEAT_INTERVAL_S
from desktop.core.hubclient.sync import CONFIG_FILE, SeatSync, SyncError
from desktop.core.records.storage import DB_FILENAME, CallStore
from desktop.models.call_model import CallModel

log = logging.getLogger(__name__)

LONG_POLL_S = 25.0
MAX_RETRY_S = 60.0
# Heartbeats woken by call changes come no closer together than this.
MIN_BEAT_GAP_S = 0.5


def enrolled(data: Path) -> bool:
    return (Path(data) / CONFIG_FILE).is_file()


class HubSync(QObject):
    """Background sync while the panel runs; ``message`` carries what the seat should read."""

    message = Signal(str)
    #: The lead answered the seat's raised hand: status ("answered" or "coming") and the reply text.
    helpAnswered = Signal(str, str)

    def __init__(self, data: Path, model: CallModel, *,
                 interval_s: float = HEARTBEAT_INTERVAL_S, parent: QObject | None = None):
        super().__init__(parent)
        self.data = Path(data)
        self.model = model
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._snapshot: dict[str, Any] = {"state": "idle"}
        self._state_since: tuple[str, datetime] = ("idle", datetime.now().astimezone())
        # Banned phrases typed in this call's notes, first seen at (the call's start is the key).
        self._typed_seen: tuple[datetime | None, dict[str, datetime]] = (None, {})
        self._seq = 0
        self._threads: list[threading.Thread] = []
        self._syncs: list[SeatSync] = []
        self._last_message = ""
        self._help: threading.Thread | None = None
        self._help_up = False  # a raised hand waits for the lead's answer
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self.snapshot)
        for signal in (model.callStateChanged, model.stepsChanged, model.scenarioChanged):
            signal.connect(self._changed)
        for with_value in (model.phaseChanged, model.bannedSaid, model.callEnded):
            with_value.connect(lambda _value: self._changed())

    # -- GUI thread
    def start(self) -> None:
        self.snapshot()
        self._timer.start()
        for target, name in ((self._beat_loop, "seatside-hub-sync"), (self._packs_loop, "seatside-hub-packs")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the threads (at quit); a long-poll in flight is abandoned, not awaited."""
        self._timer.stop()
        self._stop.set()
        self._wake.set()
        for sync in list(self._syncs):
            sync.close()  # aborts a long-poll in flight
        for thread in [*self._threads, *([self._help] if self._help is not None else [])]:
            thread.join(timeout=3.0)
        self._threads.clear()

    def raise_hand(self) -> bool:
        """Ask the lead for help with the current scenario and step; False if a hand is already up."""
        if self._help_up:
            self.message.emit(self.tr("Your hand is already raised; the lead has been told"))
            return False
        model = self.model
        scenario = model.scenario if model.session is not None else None
        step = model.current_step() if scenario is not None else None
        what = (scenario.name if scenario else "", step.title if step else "")
        self._help_up = True
        self._help = threading.Thread(target=self._help_loop, args=what, name="seatside-hub-help", daemon=True)
        self._help.start()
        return True

    def _changed(self) -> None:
        self.snapshot()
        self._wake.set()

    def snapshot(self) -> None:
        """Take the call's state for the next heartbeat (cheap: counts only)."""
        model = self.model
        session = model.session
        scenario = model.scenario if session is not None else None
        state: dict[str, Any] = {"state": "idle"}
        now = datetime.now().astimezone()
        if session is not None:
            steps = scenario.steps if scenario is not None else ()
            done = [s for s in steps if session.is_ticked(s.id)]
            typed = list(model.call.banned_typed_phrases)
            if self._typed_seen[0] != session.started:
                self._typed_seen = (session.started, {})
            seen = self._typed_seen[1]
            for phrase in typed:
                seen.setdefault(phrase, now)
            said = [{"phrase": p[:200], "via": "typed", "at": seen[p].isoformat()} for p in dict.fromkeys(typed)]
            said += [{"phrase": p[:200], "via": "spoken", "at": at.isoformat()}
                     for p, at in model.call.banned_said_at.items()]
            state = {
                "state": model.phase.value,  # in_call or after_call (the wrap-up)
                "scenario_id": scenario.id if scenario else "",
                "scenario_name": scenario.name[:200] if scenario else "",
                "steps_done": len(done),
                "steps_total": len(steps),
                "mandatory_done": sum(1 for s in done if s.mandatory),
                "mandatory_total": sum(1 for s in steps if s.mandatory),
                "elapsed_s": round(max(0.0, time.time() - session.started.timestamp()), 1),
                # Banned phrases in the notes, plus those the seat said (live transcript).
                "banned_count": model.call.banned_count,  # typed (packs.banned.typed_banned) + said
                "call_started_at": session.started.astimezone().isoformat(),
                # Which mandatory steps are still open, and which banned phrases were said.
                "open_steps": [s.title[:200] for s in steps if s.mandatory and not session.is_ticked(s.id)][:50],
                "banned": said[:50],
            }
        if self._state_since[0] != state["state"]:
            self._state_since = (state["state"], now)
        state["state_since"] = self._state_since[1].isoformat()
        with self._lock:
            self._snapshot = state

    def _say(self, text: str) -> None:
        if text and text != self._last_message:
            self._last_message = text
            self.message.emit(text)

    # -- worker threads
    def _open(self) -> tuple[CallStore, SeatSync] | None:
        store = None
        try:
            store = CallStore(self.data / DB_FILENAME)
            sync = SeatSync(self.data, store, library=self.model.library)
            self._syncs.append(sync)
            return store, sync
        except (SyncError, Exception) as exc:  # noqa: BLE001 - reported, the panel goes on
            if store is not None:
                store.close()
            self._say(self.tr("Hub: %s") % exc)
            return None

    def _beat_loop(self) -> None:
        opened = self._open()
        if opened is None:
            return
        store, sync = opened
        backoff = Backoff(self.interval_s, MAX_RETRY_S)
        retry = self.interval_s
        last = 0.0
        try:
            while not self._stop.is_set():
                self._wake.clear()
                # Woken by a change of the call: still no more than one beat every MIN_BEAT_GAP_S.
                self._stop.wait(max(0.0, last + MIN_BEAT_GAP_S - time.monotonic()))
                last = time.monotonic()
                try:
                    with self._lock:
                        self._seq += 1
                        beat = dict(self._snapshot, seq=self._seq)
                    sync.heartbeat(beat)
                    sync.library = self.model.library  # the packs may have been reloaded
                    report = sync.push(force=False)
                    for line in report.refused:
                        self._say(self.tr("The hub refused a call record: %s") % line)
                    if report.error:
                        raise SyncError(report.error)
                    backoff.attempt = 0
                    retry = self.interval_s * backoff.rng.uniform(0.8, 1.2)  # jitter: panels not in step
                    if self._last_message and not report.refused:
                        self._last_message = ""
                except SyncError as exc:
                    if self._stop.is_set():
                        break
                    log.info("hub sync: %s", exc)
                    self._say(self.tr("Hub: %s") % exc)
                    retry = max(self.interval_s, backoff.grow())
                except Exception as exc:  # noqa: BLE001 - never take the panel down; try again later
                    if self._stop.is_set():
                        break
                    log.info("hub sync failed: %s", exc)
                    retry = max(self.interval_s, backoff.grow())
                self._wake.wait(retry)
        finally:
            sync.close()
            store.close()
            if sync in self._syncs:
                self._syncs.remove(sync)

    def _help_loop(self, scenario: str, step: str) -> None:
        """Raise the hand, then long-poll for the lead's answer (until it comes or the panel quits)."""
        opened = self._open()
        if opened is None:
            self._help_up = False
            return
        store, sync = opened
        backoff = Backoff(1.0, MAX_RETRY_S)
        answer: dict[str, str] | None = None
        try:
            try:
                request_id = sync.ask_help(scenario, step)
            except SyncError as exc:
                self._help_up = False
                self.message.emit(self.tr("Could not ask the lead for help: %s") % exc)
                return
            self.message.emit(self.tr("Hand raised: the lead has been told"))
            while not self._stop.is_set():
                try:
                    answer = sync.help_answer(request_id, wait=LONG_POLL_S)
                except Exception as exc:  # noqa: BLE001 - SyncError, or the client closed by stop()
                    if self._stop.is_set():
                        break
                    log.info("hub help: %s", exc)
                    self._stop.wait(backoff.grow())
                    continue
                backoff.attempt = 0
                if answer is not None:
                    break
        finally:
            sync.close()
            store.close()
            if sync in self._syncs:
                self._syncs.remove(sync)
        if answer is not None:
            self._help_up = False  # the seat may raise its hand again at once
            self.helpAnswered.emit(answer["status"], answer["reply"])

    def _packs_loop(self) -> None:
        opened = self._open()
        if opened is None:
            return
        store, sync = opened
        backoff = Backoff(1.0, MAX_RETRY_S)
        try:
            while not self._stop.is_set():
                # Every poll waits before the next, whatever the hub answers (a 304 at once included).
                started = time.monotonic()
                try:
                    report = sync.pull(wait=LONG_POLL_S)
                    held = time.monotonic() - started >= LONG_POLL_S / 2
                    delay = backoff.settle() if held or report.installed else backoff.grow()
                    if report.refused:
                        self._say(self.tr("New packs from the hub were refused: %s") % report.refused)
                        delay = max(delay, MAX_RETRY_S / 2 + backoff.rng.uniform(0, MAX_RETRY_S / 2))
                except Exception as exc:  # noqa: BLE001 - SyncError, or the client closed by stop()
                    if self._stop.is_set():
                        break
                    log.info("hub packs: %s", exc)
                    delay = backoff.grow()
                self._stop.wait(delay)
        finally:
            sync.close()
            store.close()
            if sync in self._syncs:
                self._syncs.remove(sync)
