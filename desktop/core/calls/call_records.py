"""What the transitions of a :class:`desktop.core.calls.call.Call` write to the call's record,
and what they read back: each function is one database job, run on the database thread
(``desktop.models.call_model`` queues them)."""

from __future__ import annotations

from datetime import datetime

from desktop.core.calls.call import INTERRUPTED_DISPOSITION, INTERRUPTED_REASON, Ending, plan_recovery
from desktop.core.calls.session import CallSession
from desktop.core.packs.scenarios import Scenario, Step
from desktop.core.records.storage import CallRecord, CallStore

_LETTERS_FOR_HEX = str.maketrans("0123456789", "ghijklmnop")  # as the store writes its keys


def insert_call(store: CallStore, session: CallSession) -> int:
    """The record of a call that just started, with its scenario; returns its id."""
    call_id = store.start_call(session.started)
    if session.scenario is not None:
        store.set_scenario(call_id, session.scenario.id, session.scenario.name)
    return call_id


def store_tick(
    store: CallStore, call_id: int, scenario: Scenario, step: Step, checked: bool, at: datetime,
    *, by_speech: bool = False,
) -> None:
    """A step ticked (when first; ``by_speech``: marked as ticked by the live transcript) or unticked."""
    if checked:
        store.tick_step(call_id, scenario.id, step.id, step.title, step.mandatory, at)
        if by_speech:
            from desktop.core.live import store as live_store  # the live tables, only when speech ticks

            live_store.mark_speech_tick(store, call_id, scenario.id, step.id)
    else:
        store.untick_step(call_id, scenario.id, step.id)


def store_ending(
    store: CallStore, call_id: int, ending: Ending, now: datetime, *, wrapup_s: float | None, end_reason: str
) -> None:
    """Close the record and add its follow-ups, all or nothing."""
    with store.transaction():
        store.end_call(call_id, ending.ended, ending.disposition, ending.notes, wrapup_s=wrapup_s, end_reason=end_reason)
        for kind, text, due in ending.followups:
            store.add_followup(call_id, kind, text, due, now)


def close_interrupted(store: CallStore, now: datetime) -> CallRecord | None:
    """Apply the recovery policy to the calls left active: the older ones are closed as
    interrupted (their notes as they were last saved); returns the one to restore."""
    plan = plan_recovery(store.active_calls())
    for stale in plan.close:
        store.end_call(stale.id, now, INTERRUPTED_DISPOSITION, stale.notes, end_reason=INTERRUPTED_REASON)
    return plan.restore


def crm_key(store: CallStore, crm_id: str) -> str:
    """The key of a customer id the CRM gave (through the live event): keyed like any
    reference when there is a history key, else a plain hash of the full id (a full CRM
    id tells customers apart; a masked number never does). Written without digits."""
    crm_id = crm_id.strip()
    if not crm_id:
        return ""
    if store.history_exact:
        return store.customer_key("crm:" + crm_id)
    import hashlib

    return "crm" + hashlib.sha256(("crm:" + crm_id).encode("utf-8")).hexdigest()[:32].translate(_LETTERS_FOR_HEX)


def store_reference(
    store: CallStore, call_id: int, full: str, masked: str, crm_id: str = ""
) -> tuple[list[CallRecord], bool]:
    """Keep the masked reference and the key that finds this customer's calls: the CRM's
    customer id when the live event gave one, else a keyed hash of the full reference.
    Returns the earlier calls and whether history is on. Without a history key and
    without a CRM id there is no key: history is off (never matched on the last digits)."""
    key = crm_key(store, crm_id) if crm_id.strip() else store.customer_key(full)
    store.set_customer_ref(call_id, masked, key)
    if not key:
        return [], False
    return store.calls_by_customer(masked, exclude_call=call_id, key=key), True


def earlier_calls(store: CallStore, call_id: int, masked: str) -> list[CallRecord]:
    """The caller's earlier calls for a call whose full reference is no longer known (after
    a restart): by the key stored with the call only; none without one."""
    row = store.conn.execute("SELECT customer_key FROM calls WHERE id = ?", (call_id,)).fetchone()
    key = str(row[0] or "") if row else ""
    return store.calls_by_customer(masked, exclude_call=call_id, key=key) if key else []
