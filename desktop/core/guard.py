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

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.core.privacy import DEFAULT_POLICY, MaskPolicy, mask_pii

def mask_value(value: Any, policy: MaskPolicy) -> Any:
    """``value`` masked if it is a text that could hold a number (11+ digits)."""
    if isinstance(value, str) and len(value) >= 11 and sum(map(str.isdigit, value)) >= 11:
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

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return super().execute(sql, mask_parameters(parameters, _policy(self.connection)))

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> sqlite3.Cursor:  # type: ignore[override]
        policy = _policy(self.connection)
        return super().executemany(sql, (mask_parameters(p, policy) for p in seq_of_parameters))


class MaskingConnection(sqlite3.Connection):
    """A connection whose every cursor masks bound text (pass as ``factory`` to connect)."""

    policy: MaskPolicy = DEFAULT_POLICY

    def cursor(self, factory: Any = MaskingCursor) -> sqlite3.Cursor:  # type: ignore[override]
        if not (isinstance(factory, type) and issubclass(factory, MaskingCursor)):
            factory = MaskingCursor
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, seq_of_parameters)


def _policy(connection: sqlite3.Connection) -> MaskPolicy:
    return getattr(connection, "policy", DEFAULT_POLICY)
