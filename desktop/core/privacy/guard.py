"""The storage boundary: every text written to the database is masked here.

``CallStore`` opens its SQLite connection with ``MaskingConnection``; every
string bound to any statement (``execute``, ``executemany``, sqlite-utils'
inserts in migrations) goes through ``mask_pii`` with the store's policy before
SQLite sees it. A new write method, a new table or a new text field cannot
forget the masking: there is no other way to the file. Statements are written
with parameters throughout; a number spliced into SQL text by hand would pass
unmasked, so the store never does that with user text.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, overload

from desktop.core.privacy.masking import DEFAULT_POLICY, MaskPolicy, mask_pii, may_hold_number

if TYPE_CHECKING:
    from desktop.core.records.storage import CallRecord, FollowUp


def mask_value(value: Any, policy: MaskPolicy) -> Any:
    """``value`` masked if it is a text that could hold a number (11+ digits)."""
    if isinstance(value, str) and may_hold_number(value):
        return mask_pii(value, policy)
    return value


def mask_parameters(parameters: Any, policy: MaskPolicy) -> Any:
    if isinstance(parameters, Mapping):
        return {name: mask_value(value, policy) for name, value in parameters.items()}
    if isinstance(parameters, (list, tuple)):
        return tuple(mask_value(value, policy) for value in parameters)
    return parameters


class MaskingCursor(sqlite3.Cursor):
    """A cursor whose bound text parameters are masked."""

    def execute(self, sql: str, parameters: Any = (), /) -> MaskingCursor:
        return super().execute(sql, mask_parameters(parameters, _policy(self.connection)))

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> MaskingCursor:
        policy = _policy(self.connection)
        return super().executemany(sql, (mask_parameters(p, policy) for p in seq_of_parameters))


class MaskingConnection(sqlite3.Connection):
    """A connection whose every cursor masks bound text (pass as ``factory`` to connect)."""

    policy: MaskPolicy = DEFAULT_POLICY

    def cursor(self, factory: Any = MaskingCursor) -> sqlite3.Cursor:  # type: ignore[override]  # typeshed overloads cursor() by factory type; one body serves both
        if not (isinstance(factory, type) and issubclass(factory, MaskingCursor)):
            factory = MaskingCursor
        cursor: sqlite3.Cursor = super().cursor(factory)
        return cursor

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq_of_parameters)


def _policy(connection: sqlite3.Connection) -> MaskPolicy:
    return getattr(connection, "policy", DEFAULT_POLICY)


def mask_json(value: Any, policy: MaskPolicy = DEFAULT_POLICY) -> Any:
    """A JSON-like value (settings) with every text in it masked, keys included."""
    if isinstance(value, str):
        return mask_value(value, policy)
    if isinstance(value, Mapping):
        return {mask_value(k, policy): mask_json(v, policy) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_json(v, policy) for v in value]
    return value


def mask_followup(followup: FollowUp, policy: MaskPolicy = DEFAULT_POLICY) -> FollowUp:
    text = mask_value(followup.text, policy)
    return followup if text is followup.text else replace(followup, text=text)


def mask_record(call: CallRecord, policy: MaskPolicy = DEFAULT_POLICY) -> CallRecord:
    """``call`` with every text in it masked (a copy when anything changed)."""
    changes = {
        name: masked
        for name in ("notes", "customer_ref", "end_reason", "scenario_name")
        if (masked := mask_value(getattr(call, name), policy)) is not getattr(call, name)
    }
    steps = [s if (t := mask_value(s.title, policy)) is s.title else replace(s, title=t) for s in call.steps]
    phrases = [p if (t := mask_value(p.text, policy)) is p.text else replace(p, text=t) for p in call.phrases]
    followups = [mask_followup(f, policy) for f in call.followups]
    pairs = [*zip(steps, call.steps), *zip(phrases, call.phrases), *zip(followups, call.followups)]
    if any(new is not old for new, old in pairs):
        changes.update(steps=steps, phrases=phrases, followups=followups)
    return replace(call, **changes) if changes else call


class MaskedRecords(Sequence["CallRecord"]):
    """A sequence of calls masked one by one as they are read."""

    def __init__(self, calls: Sequence[CallRecord], policy: MaskPolicy = DEFAULT_POLICY):
        self._calls, self._policy = calls, policy

    @overload
    def __getitem__(self, index: int) -> CallRecord: ...

    @overload
    def __getitem__(self, index: slice) -> MaskedRecords: ...

    def __getitem__(self, index: int | slice) -> CallRecord | MaskedRecords:
        if isinstance(index, slice):
            return MaskedRecords(self._calls[index], self._policy)
        return mask_record(self._calls[index], self._policy)

    def __iter__(self) -> Iterator[CallRecord]:
        return (mask_record(call, self._policy) for call in self._calls)

    def __len__(self) -> int:
        return len(self._calls)


def masked_records(calls: Iterable[CallRecord], policy: MaskPolicy = DEFAULT_POLICY) -> Iterable[CallRecord]:
    """``calls`` masked lazily; a sequence stays a sequence (exports show progress by its length)."""
    if isinstance(calls, Sequence):
        return MaskedRecords(calls, policy)
    return (mask_record(call, policy) for call in calls)


def mask_logs(policy: MaskPolicy = DEFAULT_POLICY) -> None:
    """Every log record from now on has its message masked before any handler sees it
    (messages go to standard error only, but a terminal can be captured to a file)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "masks_pii", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format: leave it to logging to report
            return record
        masked = mask_value(message, policy)
        if masked is not message:
            record.msg, record.args = masked, ()
        return record

    masked_record.masks_pii = True  # type: ignore[attr-defined]  # a mark on the function object, read above
    logging.setLogRecordFactory(masked_record)
