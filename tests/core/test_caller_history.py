"""Caller history never shows another customer's calls: without a history key it is
matched only on the CRM's full customer id from the live event, else it is off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.core.calls import call_records as records
from desktop.core.calls.call import mask_caller
from desktop.core.calls.session import normalise_reference
from desktop.core.privacy.masking import mask_pii
from desktop.core.records.storage import CallStore

T0 = datetime(2026, 12, 1, 9, 0).astimezone()
# Two different customers whose numbers end in the same four digits.
ALICE, BOB = "13800000001", "13911110001"


@pytest.fixture
def store(tmp_path):
    db = CallStore(tmp_path / "seatside.db")
    yield db
    db.close()


def call_from(store: CallStore, number: str, minutes: int, crm_id: str = "") -> tuple[int, list, bool]:
    call_id = store.start_call(T0 + timedelta(minutes=minutes))
    full = normalise_reference(number)
    found, exact = records.store_reference(store, call_id, full, mask_caller(full, mask_pii), crm_id)
    return call_id, found, exact


def test_without_a_key_store_the_last_digits_never_match(store) -> None:
    store.history_key = None
    first, _found, _exact = call_from(store, ALICE, 0)
    assert store.conn.execute("SELECT count(*) FROM calls WHERE id = ?", (first,)).fetchone()[0] == 1
    second, found, exact = call_from(store, BOB, 5)
    assert (found, exact) == ([], False)  # Bob is not shown Alice's call …
    _third, found, exact = call_from(store, ALICE, 10)
    assert (found, exact) == ([], False)  # … and history is off altogether, said so
    assert records.earlier_calls(store, second, mask_caller(BOB, mask_pii)) == []


def test_without_a_key_store_a_crm_id_from_the_live_event_finds_only_that_customer(store) -> None:
    store.history_key = None
    alice_first, _, _ = call_from(store, ALICE, 0, crm_id="CUST-000123")
    call_from(store, BOB, 5, crm_id="CUST-000777")
    alice_again, found, exact = call_from(store, ALICE, 10, crm_id="CUST-000123")
    assert exact
    assert [c.id for c in found] == [alice_first]
    _bob_again, found, _ = call_from(store, BOB, 15, crm_id="CUST-000777")
    assert alice_first not in [c.id for c in found] and len(found) == 1
    assert [c.id for c in records.earlier_calls(store, alice_again, "")] == [alice_first]
    keys = [k for (k,) in store.conn.execute("SELECT customer_key FROM calls")]
    assert all(k and not any(ch.isdigit() for ch in k) for k in keys)  # no id in clear


def test_with_a_key_store_the_full_number_tells_customers_apart(store) -> None:
    store.history_key = b"k" * 32
    alice_first, _, _ = call_from(store, ALICE, 0)
    _, found, exact = call_from(store, BOB, 5)
    assert exact and found == []
    _, found, _ = call_from(store, ALICE, 10)
    assert [c.id for c in found] == [alice_first]
